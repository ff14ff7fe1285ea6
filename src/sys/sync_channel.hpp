// sync_channel.hpp — the handshake between the launcher and the sandbox it
// starts: one SOCK_SEQPACKET|SOCK_CLOEXEC socketpair, one frame per step
// (DESIGN.md; crun's sync socket, nsjail's 'D'/'E' frames).
//
//   sandbox's first process                 launcher
//   waits, nobody in its new user ns        writes setgroups, gid_map, uid_map as
//               ◄── MapsWritten             soon as clone returns (the namespace
//                                           exists then), while the child closes
//                                           what it inherited
//   SetupFailed {errno, message}     ──►    printed by the launcher, status 125
//   ExecFailed  {errno, message}     ──►    (from the target) 126 or 127
//   end of file                      ──►    every copy is closed: the sandbox's
//                                           first process exec'd sbx-init and
//                                           the target exec'd its command
//
// Every copy of the sandbox's end is close-on-exec, so "exec means success":
// the end of file says that both execs happened, and a frame that arrived
// before it says exactly what failed, not an exit status to guess from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sys/unique_fd.hpp"

namespace sbx::sys {

enum class Frame : char {
    MapsWritten = 'O',
    SetupFailed = 'E',
    ExecFailed = 'X',
};

struct SyncMessage {
    Frame kind = Frame::SetupFailed;
    int err = 0;
    std::string text;
};

// The largest frame: a kind byte, an errno and the message, cut to fit.
constexpr size_t kMaxFrame = 4096;

// Writes one frame into `out` (the kind byte, errno, the text cut to fit)
// and returns its size. Async-signal-safe and not ASan-instrumented: the
// target encodes its reports with it too, on a stack of its own in PID 1's
// memory that ASan does not know (sandbox/target.hpp).
__attribute__((no_sanitize("address"))) inline size_t encode_frame(char (&out)[kMaxFrame], Frame kind, int err,
                                                                   const char* text, size_t size) noexcept {
    constexpr size_t head = 1 + sizeof(int32_t);
    out[0] = static_cast<char>(kind);
    const int32_t e = err;
    __builtin_memcpy(out + 1, &e, sizeof e);
    if (size > kMaxFrame - head) size = kMaxFrame - head;
    __builtin_memcpy(out + head, text, size);
    return head + size;
}

// {the launcher's end, the sandbox's end}. Throws Setup.
std::pair<UniqueFd, UniqueFd> sync_pair();

// Sends one frame; false when the peer is gone (or any other failure: the
// caller is about to exit either way). Async-signal-safe: one send of a
// frame on the stack, no allocation, MSG_NOSIGNAL.
bool send_frame(int fd, Frame kind, int err = 0, std::string_view text = {}) noexcept;

// Receives one frame. nullopt at end of file, and also when `nonblocking`
// and nothing is there (then `*would_block` is set when given). Throws
// Setup on a malformed frame or a failed recv.
std::optional<SyncMessage> receive_frame(int fd, bool nonblocking = false, bool* would_block = nullptr);

}  // namespace sbx::sys
