// pty.hpp — the sandbox's own terminal: a pseudo-terminal allocated INSIDE
// the sandbox (from its private devpts), whose master the launcher proxies
// to the caller's terminal. Used whenever stdin, stdout or stderr is a
// terminal (core::TerminalPlan), so that the target never holds one.
//
//   init (in the sandbox)              monitor (on the host)
//   open /dev/ptmx, TIOCGPTPEER  ──►   master over a unix socket (SCM_RIGHTS)
//   fork target: setsid, TIOCSCTTY     stdin raw if a terminal, size copied
//   on the slave, dup2 onto the        stdin -> master, master -> stdout
//   fds that were terminals            (or stderr, or the terminal)
//
// The target never holds a descriptor of the outer terminal, so it cannot
// inject keystrokes into it (TIOCSTI), read what is typed once sbx is in the
// background, or leave it raw, exclusive or with another line discipline;
// yet job control and resizes work: ^C, ^Z are bytes the inner line
// discipline turns into signals. The launcher reads the terminal only in
// the foreground, so in the background the typed bytes stay with the shell.
#pragma once

#include <termios.h>

#include <optional>
#include <string>

#include "core/plan.hpp"
#include "init/init.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {

struct InnerPty {
    sys::UniqueFd master;
    sys::UniqueFd slave;
};

// In the sandbox after pivot_root: a new pair from /dev/ptmx. Throws Setup.
InnerPty open_inner_pty();

// In the sandbox, before the target starts, so that it finds them: the
// caller's terminal's mode and size on the inner one (`master`), with the
// echo and output processing `plan` says. Throws Setup.
void set_up_inner_terminal(int master, const core::TerminalPlan& plan);

// Sends `fd` over the unix socket `sock` (SCM_RIGHTS). Throws Setup.
void send_fd(int sock, int fd, const std::string& what);

// Puts `slave` on each of the fds 0-2 that `on_pty` names (the others are
// left as they are). Throws Setup.
void put_on_stdio(int slave, const std::array<bool, 3>& on_pty);

// The launcher's side: waits on `sock` for the master, then proxies it as
// `plan` says. The outer terminal (stdin, when it is one) is put in raw
// mode once the master arrives and restored by restore() or the
// destructor, whichever comes first, so every way out of the launcher
// restores it.
class PtyProxy final : public init::Io {
public:
    PtyProxy(sys::UniqueFd sock, const core::TerminalPlan& plan);
    ~PtyProxy() override;
    PtyProxy(const PtyProxy&) = delete;
    PtyProxy& operator=(const PtyProxy&) = delete;

    void add_pollfds(std::vector<pollfd>& fds) override;
    void handle(const pollfd* fds, size_t count) override;
    void resized() override;
    void continued() override;
    void drain() override;
    void restore() noexcept;

private:
    enum class Role { Socket, Master, Input, Recheck };

    void receive_master(bool outer_raw);  // false: only to drain it
    static bool in_foreground() noexcept;
    void follow_foreground(bool continued);
    bool read_master();  // true when it read something
    void flush_pending();
    void read_input();
    void write_output(const char* data, size_t size);

    const core::TerminalPlan plan_;
    sys::UniqueFd sock_;
    sys::UniqueFd master_;
    bool master_readable_ = false;  // until the inner side is closed (EIO)
    bool input_open_;               // stdin is on the pty, until it ends
    bool output_ok_ = true;         // until stdout fails
    std::string pending_;           // typed, not yet taken by the master
    std::optional<termios> saved_;  // the outer terminal's mode while it is raw
    bool reading_ = false;          // in the foreground, stdin raw and read
    sys::UniqueFd recheck_;         // in the background: a timer to look again
    std::vector<Role> polled_;
};

}  // namespace sbx::sandbox
