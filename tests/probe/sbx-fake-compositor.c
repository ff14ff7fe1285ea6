/* sbx-fake-compositor — a tiny Wayland server for the wayland suite
 * (tests/integration/suites/desktop-wayland.sh), on the host: it offers
 * wl_compositor (never used) and wp_security_context_manager_v1, and records
 * what sbx does with the latter, one line each, in LOG:
 *
 *   create_listener
 *   commit engine=ENGINE app_id=APP_ID instance_id=ID listen_is_listening=0|1
 *   client via listener
 *   listener closed
 *
 * It serves each committed listener as a real compositor does: it accepts
 * connections on listen_fd (each a client with the security context, to
 * which the manager global is not shown, like wlroots does against nesting)
 * until close_fd hangs up.
 *
 *   sbx-fake-compositor SOCKET_PATH LOG
 *
 * Debian 12's weston 10 has no wp_security_context_v1, hence this. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-server.h>

#include "security-context-v1-server-protocol.h"

static FILE* log_file;
static struct wl_display* display;
static struct wl_global* manager_global;
static struct wl_client* sandboxed[64];
static int n_sandboxed;

static void say(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log_file, fmt, ap);
    va_end(ap);
    fputc('\n', log_file);
    fflush(log_file);
}

struct context {
    int listen_fd, close_fd;
    char *engine, *app_id, *instance_id;
    struct wl_event_source *listen_source, *close_source;
    bool committed;
};

static int on_listen(int fd, uint32_t mask, void* data) {
    (void)mask;
    (void)data;
    int client_fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
    if (client_fd < 0) return 0;
    struct wl_client* client = wl_client_create(display, client_fd);
    if (client != NULL && n_sandboxed < 64) sandboxed[n_sandboxed++] = client;
    say("client via listener");
    return 0;
}

static int on_close(int fd, uint32_t mask, void* data) {
    (void)fd;
    (void)mask;
    struct context* c = data;
    say("listener closed");
    wl_event_source_remove(c->listen_source);
    wl_event_source_remove(c->close_source);
    close(c->listen_fd);
    close(c->close_fd);
    free(c->engine);
    free(c->app_id);
    free(c->instance_id);
    free(c);
    return 0;
}

static void context_destroy(struct wl_client* client, struct wl_resource* resource) {
    (void)client;
    wl_resource_destroy(resource);
}
static void set_engine(struct wl_client* client, struct wl_resource* resource, const char* name) {
    (void)client;
    struct context* c = wl_resource_get_user_data(resource);
    free(c->engine);
    c->engine = strdup(name);
}
static void set_app_id(struct wl_client* client, struct wl_resource* resource, const char* app_id) {
    (void)client;
    struct context* c = wl_resource_get_user_data(resource);
    free(c->app_id);
    c->app_id = strdup(app_id);
}
static void set_instance_id(struct wl_client* client, struct wl_resource* resource, const char* id) {
    (void)client;
    struct context* c = wl_resource_get_user_data(resource);
    free(c->instance_id);
    c->instance_id = strdup(id);
}
static void commit(struct wl_client* client, struct wl_resource* resource) {
    (void)client;
    struct context* c = wl_resource_get_user_data(resource);
    int listening = 0;
    socklen_t size = sizeof listening;
    getsockopt(c->listen_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size);
    say("commit engine=%s app_id=%s instance_id=%s listen_is_listening=%d", c->engine ? c->engine : "(unset)",
        c->app_id ? c->app_id : "(unset)", c->instance_id ? c->instance_id : "(unset)", listening);
    struct wl_event_loop* loop = wl_display_get_event_loop(display);
    c->listen_source = wl_event_loop_add_fd(loop, c->listen_fd, WL_EVENT_READABLE, on_listen, c);
    c->close_source = wl_event_loop_add_fd(loop, c->close_fd, 0, on_close, c);
    c->committed = true;
}
static const struct wp_security_context_v1_interface context_impl = {
    context_destroy, set_engine, set_app_id, set_instance_id, commit,
};
static void context_resource_gone(struct wl_resource* resource) {
    struct context* c = wl_resource_get_user_data(resource);
    if (c->committed) return; /* the listener lives on, until close_fd hangs up */
    close(c->listen_fd);
    close(c->close_fd);
    free(c->engine);
    free(c->app_id);
    free(c->instance_id);
    free(c);
}

static void manager_destroy(struct wl_client* client, struct wl_resource* resource) {
    (void)client;
    wl_resource_destroy(resource);
}
static void create_listener(struct wl_client* client, struct wl_resource* resource, uint32_t id, int32_t listen_fd,
                            int32_t close_fd) {
    say("create_listener");
    struct context* c = calloc(1, sizeof *c);
    c->listen_fd = listen_fd;
    c->close_fd = close_fd;
    struct wl_resource* context =
        wl_resource_create(client, &wp_security_context_v1_interface, wl_resource_get_version(resource), id);
    wl_resource_set_implementation(context, &context_impl, c, context_resource_gone);
}
static const struct wp_security_context_manager_v1_interface manager_impl = {manager_destroy, create_listener};

static void bind_manager(struct wl_client* client, void* data, uint32_t version, uint32_t id) {
    (void)data;
    struct wl_resource* resource =
        wl_resource_create(client, &wp_security_context_manager_v1_interface, (int)version, id);
    wl_resource_set_implementation(resource, &manager_impl, NULL, NULL);
}
static void bind_compositor(struct wl_client* client, void* data, uint32_t version, uint32_t id) {
    (void)data;
    wl_resource_create(client, &wl_compositor_interface, (int)version, id);
}

static bool show_global(const struct wl_client* client, const struct wl_global* global, void* data) {
    (void)data;
    if (global != manager_global) return true;
    for (int i = 0; i < n_sandboxed; ++i)
        if (sandboxed[i] == client) return false;
    return true;
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH LOG\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    log_file = fopen(argv[2], "a");
    if (log_file == NULL) return perror(argv[2]), 1;
    display = wl_display_create();
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof addr.sun_path) return fputs("socket path too long\n", stderr), 1;
    strcpy(addr.sun_path, argv[1]);
    if (fd < 0 || bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 16) != 0) return perror(argv[1]), 1;
    if (wl_display_add_socket_fd(display, fd) != 0) return fputs("wl_display_add_socket_fd failed\n", stderr), 1;
    wl_global_create(display, &wl_compositor_interface, 4, NULL, bind_compositor);
    manager_global = wl_global_create(display, &wp_security_context_manager_v1_interface, 1, NULL, bind_manager);
    wl_display_set_global_filter(display, show_global, NULL);
    say("ready");
    wl_display_run(display);
    return 0;
}
