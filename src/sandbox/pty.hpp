// pty.hpp — interactive mode: a pseudo-terminal allocated INSIDE the
// sandbox (from its private devpts), whose master the launcher proxies to
// the outer terminal.
//
//   init (in the sandbox)              monitor (on the host)
//   open /dev/ptmx, TIOCGPTPEER  ──►   master over a unix socket (SCM_RIGHTS)
//   fork target: setsid, TIOCSCTTY     outer terminal raw, window size copied
//   on the slave, dup2 0/1/2           stdin -> master, master -> stdout
//
// The target never holds a descriptor of the outer terminal, so TIOCSTI
// cannot inject keystrokes into it, yet job control and resizes work: ^C,
// ^Z are bytes the inner line discipline turns into signals.
#pragma once

#include <termios.h>

#include <optional>
#include <string>

#include "init/init.hpp"
#include "sys/unique_fd.hpp"

namespace sbx::sandbox {

struct InnerPty {
    sys::UniqueFd master;
    sys::UniqueFd slave;
};

// In the sandbox after pivot_root: a new pair from /dev/ptmx. Throws Setup.
InnerPty open_inner_pty();

// Sends `fd` over the unix socket `sock` (SCM_RIGHTS). Throws Setup.
void send_fd(int sock, int fd, const std::string& what);

// In the target: a new session whose controlling terminal is `slave`,
// which becomes its stdin, stdout and stderr. Throws Setup.
void attach_terminal(int slave);

// The launcher's side: waits on `sock` for the master, then proxies it.
// The outer terminal (stdin, when it is one) is put in raw mode once the
// master arrives and restored by restore() or the destructor, whichever
// comes first, so every way out of the launcher restores it.
class PtyProxy final : public init::Io {
public:
    explicit PtyProxy(sys::UniqueFd sock);
    ~PtyProxy() override;
    PtyProxy(const PtyProxy&) = delete;
    PtyProxy& operator=(const PtyProxy&) = delete;

    void add_pollfds(std::vector<pollfd>& fds) override;
    void handle(const pollfd* fds, size_t count) override;
    void resized() override;
    void drain() override;
    void restore() noexcept;

private:
    enum class Role { Socket, Master, Input };

    void receive_master();
    bool read_master();  // true when it read something
    void flush_pending();
    void read_input();
    void write_output(const char* data, size_t size);

    sys::UniqueFd sock_;
    sys::UniqueFd master_;
    bool master_readable_ = false;  // until the inner side is closed (EIO)
    bool input_open_ = true;        // until stdin ends
    bool output_ok_ = true;         // until stdout fails
    std::string pending_;           // typed, not yet taken by the master
    std::optional<termios> saved_;  // the outer terminal's mode while it is raw
    std::vector<Role> polled_;
};

}  // namespace sbx::sandbox
