// spawn.cpp — see spawn.hpp.
#include "sys/spawn.hpp"

#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>

#include "sys/syscalls.hpp"

extern char** environ;

#if defined(__SANITIZE_ADDRESS__)
#define SBX_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SBX_ADDRESS_SANITIZER 1
#endif
#endif

namespace sbx::sys::detail {
namespace {

// The child's stack: reserved, not committed (only the pages it touches
// cost memory), with a guard page below it.
constexpr size_t kStackSize = size_t{8} << 20;
constexpr size_t kGuard = 4096;

class ChildStack {
public:
    ChildStack() {
        void* p = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) throw_errno("mmap a stack for the child");
        base_ = static_cast<char*>(p);
        if (::mprotect(base_, kGuard, PROT_NONE) != 0) {
            ::munmap(base_, kStackSize);
            throw_errno("mprotect the child's stack guard");
        }
    }
    ~ChildStack() { ::munmap(base_, kStackSize); }
    ChildStack(const ChildStack&) = delete;
    ChildStack& operator=(const ChildStack&) = delete;
    void* top() const { return base_ + kStackSize; }

private:
    char* base_ = nullptr;
};

}  // namespace

long spawn_shared(unsigned long flags, int (*entry)(void*), void* arg) {
#ifdef SBX_ADDRESS_SANITIZER
    // AddressSanitizer cannot follow a process onto a stack it did not
    // allocate (it warns on every throw and noreturn call there, and may
    // report false errors). The sanitizer build is for checking sbx's code,
    // not this spawning technique, so there the child is forked the old
    // way: a copy of this process, continuing on a copy of this stack.
    const long pid = ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid == 0) ::_exit(entry(arg));
    return pid;
#else
    const ChildStack stack;
    char** const saved_environ = environ;
    const int pid = ::clone(entry, stack.top(), static_cast<int>(flags | CLONE_VM | CLONE_VFORK | SIGCHLD), arg);
    // The child has exec'd or exited: its stack and whatever it did to
    // `environ` are no longer in use.
    environ = saved_environ;
    return pid;
#endif
}

}  // namespace sbx::sys::detail
