// wayland_client.cpp — see wayland_client.hpp.
#include "sys/wayland_client.hpp"

#include "config.h"
#include "core/error.hpp"

#include <string>
#include <type_traits>

#if SBX_HAVE_WAYLAND
// libwayland-client is loaded with dlopen when a [wayland] profile needs it,
// not linked: every other launch loads no library but the C library,
// libcap and libseccomp (tests/integration/suites/robustness.sh). The
// functions and the two interfaces its headers' inline functions use are
// read from the library into pointers, and the headers included after the
// #defines below call through them.
#include <dlfcn.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <wayland-client-core.h>

#include <cerrno>
#include <cstring>

namespace {
struct WaylandLibrary {
    bool loaded = false;
    std::string error;  // why it could not be loaded
    decltype(&::wl_display_connect_to_fd) display_connect_to_fd = nullptr;
    decltype(&::wl_display_disconnect) display_disconnect = nullptr;
    decltype(&::wl_display_get_fd) display_get_fd = nullptr;
    decltype(&::wl_display_prepare_read) display_prepare_read = nullptr;
    decltype(&::wl_display_cancel_read) display_cancel_read = nullptr;
    decltype(&::wl_display_read_events) display_read_events = nullptr;
    decltype(&::wl_display_dispatch_pending) display_dispatch_pending = nullptr;
    decltype(&::wl_display_flush) display_flush = nullptr;
    decltype(&::wl_display_get_error) display_get_error = nullptr;
    decltype(&::wl_display_get_protocol_error) display_get_protocol_error = nullptr;
    decltype(&::wl_proxy_marshal_flags) proxy_marshal_flags = nullptr;
    decltype(&::wl_proxy_add_listener) proxy_add_listener = nullptr;
    decltype(&::wl_proxy_destroy) proxy_destroy = nullptr;
    decltype(&::wl_proxy_get_version) proxy_get_version = nullptr;
};
WaylandLibrary wl_library;
}  // namespace
extern "C" {
const struct wl_interface* sbx_wl_registry_interface = nullptr;
const struct wl_interface* sbx_wl_callback_interface = nullptr;
}

#define wl_display_connect_to_fd wl_library.display_connect_to_fd
#define wl_display_disconnect wl_library.display_disconnect
#define wl_display_get_fd wl_library.display_get_fd
#define wl_display_prepare_read wl_library.display_prepare_read
#define wl_display_cancel_read wl_library.display_cancel_read
#define wl_display_read_events wl_library.display_read_events
#define wl_display_dispatch_pending wl_library.display_dispatch_pending
#define wl_display_flush wl_library.display_flush
#define wl_display_get_error wl_library.display_get_error
#define wl_display_get_protocol_error wl_library.display_get_protocol_error
#define wl_proxy_marshal_flags wl_library.proxy_marshal_flags
#define wl_proxy_add_listener wl_library.proxy_add_listener
#define wl_proxy_destroy wl_library.proxy_destroy
#define wl_proxy_get_version wl_library.proxy_get_version
// `extern const struct wl_interface wl_registry_interface;` in the header
// becomes a declaration of the pointer above; `&wl_registry_interface` its value.
#define wl_registry_interface (*sbx_wl_registry_interface)
#define wl_callback_interface (*sbx_wl_callback_interface)
// (The parentheses of those two declarations are the macros'; the casts are
// the generated C code's.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wparentheses"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#include <wayland-client-protocol.h>

#include "security-context-v1-client-protocol.h"
#pragma GCC diagnostic pop
#include "sys/unique_fd.hpp"
#endif

namespace sbx::sys {

#if SBX_HAVE_WAYLAND
namespace {

constexpr const char* kManager = "wp_security_context_manager_v1";
// How long the compositor may take to answer a round trip. The launcher
// waits with the supervised signals blocked (^C stays pending until the
// sandbox runs), so a compositor that accepts connections but never answers
// (stopped, hung) must not hang sbx.
constexpr int kAnswerMs = 5000;

int64_t now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// A connection to the compositor, disconnected on scope exit.
class Connection {
public:
    // Connects to `socket` by path, close-on-exec (wl_display_connect would
    // read WAYLAND_DISPLAY and XDG_RUNTIME_DIR itself). Throws Setup.
    explicit Connection(const std::string& socket) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (socket.size() >= sizeof addr.sun_path)
            throw Error(ErrorKind::Setup, "connect " + socket + ": the path is too long for a Unix socket",
                        ENAMETOOLONG);
        std::memcpy(addr.sun_path, socket.c_str(), socket.size() + 1);
        UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (!fd) throw Error(ErrorKind::Setup, std::string("socket(AF_UNIX): ") + std::strerror(errno), errno);
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
            throw Error(ErrorKind::Setup, "connect " + socket + ": " + std::strerror(errno), errno);
        display_ = wl_display_connect_to_fd(fd.get());
        if (display_ == nullptr)
            throw Error(ErrorKind::Setup, "wl_display_connect_to_fd " + socket + ": " + std::strerror(errno), errno);
        fd.release();  // the display owns it now
        registry_ = wl_display_get_registry(display_);
        static const wl_registry_listener listener = {&Connection::global, &Connection::global_remove};
        wl_registry_add_listener(registry_, &listener, this);
        roundtrip("list the compositor's globals");
    }
    ~Connection() {
        if (registry_ != nullptr) wl_registry_destroy(registry_);
        wl_display_disconnect(display_);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // wl_display_roundtrip, bounded by kAnswerMs.
    void roundtrip(const std::string& what) {
        bool done = false;
        wl_callback* callback = wl_display_sync(display_);
        static const wl_callback_listener listener = {
            [](void* data, wl_callback*, uint32_t) { *static_cast<bool*>(data) = true; }};
        wl_callback_add_listener(callback, &listener, &done);
        const int64_t deadline = now_ms() + kAnswerMs;
        int err = 0;
        while (!done && err == 0) {
            if (wl_display_prepare_read(display_) != 0) {
                if (wl_display_dispatch_pending(display_) < 0) err = errno;
                continue;
            }
            if (wl_display_flush(display_) < 0 && errno != EAGAIN) {
                err = errno;
                wl_display_cancel_read(display_);
                break;
            }
            pollfd p{wl_display_get_fd(display_), POLLIN, 0};
            const int64_t left = deadline - now_ms();
            const int ready = left > 0 ? ::poll(&p, 1, static_cast<int>(left)) : 0;
            if (ready <= 0) {
                const int poll_err = errno;
                wl_display_cancel_read(display_);
                if (ready < 0 && poll_err == EINTR) continue;
                wl_callback_destroy(callback);
                if (ready == 0)
                    throw Error(ErrorKind::Setup,
                                "wayland: " + what + ": the compositor did not answer within " +
                                    std::to_string(kAnswerMs / 1000) + " s",
                                ETIMEDOUT);
                throw Error(ErrorKind::Setup, "wayland: " + what + ": poll: " + std::strerror(poll_err), poll_err);
            }
            if (wl_display_read_events(display_) < 0 || wl_display_dispatch_pending(display_) < 0) err = errno;
        }
        if (!done) {
            wl_callback_destroy(callback);
            // The compositor's protocol error, when it sent one, says more than errno.
            err = wl_display_get_error(display_) != 0 ? wl_display_get_error(display_) : err;
            std::string message = "wayland: " + what + ": ";
            const wl_interface* interface = nullptr;
            uint32_t id = 0;
            const uint32_t code = wl_display_get_protocol_error(display_, &interface, &id);
            if (err == EPROTO && interface != nullptr)
                message += std::string("the compositor sent protocol error ") + std::to_string(code) + " on " +
                           interface->name;
            else
                message += std::strerror(err);
            throw Error(ErrorKind::Setup, message, err);
        }
        wl_callback_destroy(callback);
    }

    wl_registry* registry() const { return registry_; }
    uint32_t manager_name() const { return manager_name_; }

private:
    static void global(void* data, wl_registry*, uint32_t name, const char* interface, uint32_t) {
        if (std::strcmp(interface, kManager) == 0) static_cast<Connection*>(data)->manager_name_ = name;
    }
    static void global_remove(void*, wl_registry*, uint32_t) {}

    wl_display* display_ = nullptr;
    wl_registry* registry_ = nullptr;
    uint32_t manager_name_ = 0;  // 0: not offered
};

// Loads libwayland-client once; false (and wl_library.error) when it cannot.
bool load_library() {
    if (wl_library.loaded) return true;
    if (!wl_library.error.empty()) return false;
    void* lib = ::dlopen("libwayland-client.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = ::dlerror();
        wl_library.error = why != nullptr ? why : "dlopen libwayland-client.so.0 failed";
        return false;
    }
    bool ok = true;
    auto get = [&](auto& pointer, const char* name) {
        void* found = ::dlsym(lib, name);
        if (found == nullptr) {
            ok = false;
            wl_library.error = std::string("libwayland-client.so.0 lacks ") + name;
        }
        pointer = reinterpret_cast<std::remove_reference_t<decltype(pointer)>>(found);
    };
    get(wl_library.display_connect_to_fd, "wl_display_connect_to_fd");
    get(wl_library.display_disconnect, "wl_display_disconnect");
    get(wl_library.display_get_fd, "wl_display_get_fd");
    get(wl_library.display_prepare_read, "wl_display_prepare_read");
    get(wl_library.display_cancel_read, "wl_display_cancel_read");
    get(wl_library.display_read_events, "wl_display_read_events");
    get(wl_library.display_dispatch_pending, "wl_display_dispatch_pending");
    get(wl_library.display_flush, "wl_display_flush");
    get(wl_library.display_get_error, "wl_display_get_error");
    get(wl_library.display_get_protocol_error, "wl_display_get_protocol_error");
    get(wl_library.proxy_marshal_flags, "wl_proxy_marshal_flags");
    get(wl_library.proxy_add_listener, "wl_proxy_add_listener");
    get(wl_library.proxy_destroy, "wl_proxy_destroy");
    get(wl_library.proxy_get_version, "wl_proxy_get_version");
    get(sbx_wl_registry_interface, "wl_registry_interface");
    get(sbx_wl_callback_interface, "wl_callback_interface");
    wl_library.loaded = ok;
    return ok;
}

}  // namespace

core::WaylandProbe probe_wayland(const std::string& socket) {
    core::WaylandProbe probe;
    if (!load_library()) {
        probe.supported = false;
        return probe;
    }
    try {
        const Connection connection(socket);
        probe.security_context = connection.manager_name() != 0;
    } catch (const Error& e) {
        probe.error = e.what();
    }
    return probe;
}

void register_security_context(const std::string& socket, int listen_fd, int close_fd, const std::string& engine,
                               const std::string& app_id, const std::string& instance_id) {
    if (!load_library()) throw Error(ErrorKind::Setup, "wayland: " + wl_library.error, ENOTSUP);
    Connection connection(socket);
    if (connection.manager_name() == 0)
        throw Error(ErrorKind::Setup, "wayland: the compositor at " + socket + " no longer offers " + kManager,
                    ENOTSUP);
    auto* manager = static_cast<wp_security_context_manager_v1*>(wl_registry_bind(
        connection.registry(), connection.manager_name(), &wp_security_context_manager_v1_interface, 1));
    // The fds are duplicated into the message now and sent with it.
    wp_security_context_v1* context = wp_security_context_manager_v1_create_listener(manager, listen_fd, close_fd);
    wp_security_context_v1_set_sandbox_engine(context, engine.c_str());
    wp_security_context_v1_set_app_id(context, app_id.c_str());
    wp_security_context_v1_set_instance_id(context, instance_id.c_str());
    wp_security_context_v1_commit(context);
    wp_security_context_v1_destroy(context);
    wp_security_context_manager_v1_destroy(manager);
    connection.roundtrip("register the sandbox's listener (wp_security_context_v1)");
}

#else

core::WaylandProbe probe_wayland(const std::string&) {
    core::WaylandProbe probe;
    probe.supported = false;
    return probe;
}

void register_security_context(const std::string&, int, int, const std::string&, const std::string&,
                               const std::string&) {
    throw Error(ErrorKind::Setup, "wayland: sbx was built without libwayland-client", ENOTSUP);
}

#endif

}  // namespace sbx::sys
