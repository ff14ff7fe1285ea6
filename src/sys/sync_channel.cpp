// sync_channel.cpp — see sync_channel.hpp.
#include "sys/sync_channel.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "sys/syscalls.hpp"

namespace sbx::sys {

std::pair<UniqueFd, UniqueFd> sync_pair() {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        throw_errno("socketpair(AF_UNIX, SOCK_SEQPACKET) for the sandbox's handshake");
    return {UniqueFd(pair[0]), UniqueFd(pair[1])};
}

bool send_frame(int fd, Frame kind, int err, std::string_view text) noexcept {
    char frame[kMaxFrame];
    const size_t size = encode_frame(frame, kind, err, text.data(), text.size());
    for (;;) {
        const ssize_t n = ::send(fd, frame, size, MSG_NOSIGNAL);
        if (n >= 0) return static_cast<size_t>(n) == size;
        if (errno != EINTR) return false;
    }
}

std::optional<SyncMessage> receive_frame(int fd, bool nonblocking, bool* would_block) {
    if (would_block) *would_block = false;
    char buf[kMaxFrame];
    ssize_t n;
    do n = ::recv(fd, buf, sizeof buf, MSG_TRUNC | (nonblocking ? MSG_DONTWAIT : 0));
    while (n < 0 && errno == EINTR);
    if (n < 0 && nonblocking && errno == EAGAIN) {
        if (would_block) *would_block = true;
        return std::nullopt;
    }
    // ECONNRESET: the peer died with a frame unread; as good as the end.
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return std::nullopt;
    if (n < 0) throw_errno("recv on the sandbox's handshake socket");
    const size_t size = static_cast<size_t>(n);
    if (size < 1 + sizeof(int32_t) || size > sizeof buf)
        throw Error(ErrorKind::Setup,
                    "the sandbox's handshake sent a malformed frame (" + std::to_string(size) + " bytes)", EPROTO);
    SyncMessage message;
    switch (buf[0]) {
    case static_cast<char>(Frame::MapsWritten):
    case static_cast<char>(Frame::SetupFailed):
    case static_cast<char>(Frame::ExecFailed): message.kind = static_cast<Frame>(buf[0]); break;
    default: throw Error(ErrorKind::Setup, "the sandbox's handshake sent an unknown frame", EPROTO);
    }
    int32_t err = 0;
    std::memcpy(&err, buf + 1, sizeof err);
    message.err = err;
    message.text.assign(buf + 1 + sizeof err, size - 1 - sizeof err);
    return message;
}

}  // namespace sbx::sys
