// test_x11.cpp — the `x11` and `audio` pieces: $DISPLAY forms, the
// Xauthority format (valid, truncated, hostile), the plan they add.
#include <algorithm>
#include <map>
#include <set>

#include "core/audio.hpp"
#include "core/bwrap_args.hpp"
#include "core/plan_builder.hpp"
#include "core/x11.hpp"
#include "support.hpp"

using namespace sbx;
using namespace sbx::core;

namespace {

std::string display_error(const std::string& display) {
    try {
        parse_display(display);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.what();
    }
    FAIL_CHECK("no error for DISPLAY=" << display);
    return "";
}

std::string u16(size_t n) { return std::string{static_cast<char>(n >> 8), static_cast<char>(n & 0xff)}; }

std::string entry_bytes(uint16_t family, const std::string& address, const std::string& number, const std::string& name,
                        const std::string& data) {
    return u16(family) + u16(address.size()) + address + u16(number.size()) + number + u16(name.size()) + name +
           u16(data.size()) + data;
}

const std::string kCookie57 = std::string("\x01\x23\x45\x67\x89\xab\xcd\xef\x00\x11\x22\x33\x44\x55\x66\x77", 16);
const std::string kCookie0 = std::string(16, 'z');

std::string sample_xauthority() {
    return entry_bytes(kXauthFamilyLocal, "otherhost", "57", "MIT-MAGIC-COOKIE-1", std::string(16, 'o')) +
           entry_bytes(kXauthFamilyLocal, "myhost", "0", "MIT-MAGIC-COOKIE-1", kCookie0) +
           entry_bytes(kXauthFamilyInternet, std::string("\x7f\x00\x00\x01", 4), "57", "MIT-MAGIC-COOKIE-1",
                       std::string(16, 'i')) +
           entry_bytes(kXauthFamilyLocal, "myhost", "57", "XDM-AUTHORIZATION-1", std::string(16, 'x')) +
           entry_bytes(kXauthFamilyLocal, "myhost", "57", "MIT-MAGIC-COOKIE-1", kCookie57) +
           entry_bytes(kXauthFamilyWild, "", "57", "MIT-MAGIC-COOKIE-1", std::string(16, 'w'));
}

struct X11Fixture {
    HostFacts host = test::sample_host();
    std::map<std::string, std::string> files;
    std::set<unsigned> abstract;
    std::set<std::string> present{"/tmp/.X11-unix/X57", "/tmp/.X11-unix/X0"};
    int abi = 6;
    X11Spec spec;

    X11Fixture() {
        host.env["DISPLAY"] = ":57";
        files["/home/alice/.Xauthority"] = sample_xauthority();
        spec.enabled = Located<bool>{true, SourceLoc{"x11.toml", 2, 1}};
    }

    X11Host query() {
        return {[this](const std::string& path) -> std::optional<std::string> {
                    auto it = files.find(path);
                    if (it == files.end()) return std::nullopt;
                    return it->second;
                },
                "myhost", [this](unsigned n) { return abstract.count(n) > 0; }, abi,
                [this](const std::string& path) { return present.count(path) > 0; }};
    }

    SandboxPlan plan(bool own_net = false) {
        SandboxPlan p;
        p.ns.net = own_net;
        p.env = {"PATH=/usr/bin", "DISPLAY=:99", "XAUTHORITY=/home/alice/.Xauthority"};
        add_x11(p, spec, host, query());
        return p;
    }
};

const MountOp* find_mount(const SandboxPlan& plan, const std::string& dest) {
    for (const MountOp& op : plan.mounts)
        if (op.dest == dest) return &op;
    return nullptr;
}

std::vector<std::string> env_named(const SandboxPlan& plan, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& e : plan.env)
        if (e.starts_with(name + "=")) out.push_back(e);
    return out;
}

}  // namespace

TEST_CASE("x11: local DISPLAY forms give the display, the screen and the socket") {
    struct Row {
        const char* display;
        unsigned number, screen;
        const char* socket;
    };
    for (const Row& row :
         {Row{":0", 0, 0, "/tmp/.X11-unix/X0"}, Row{":57", 57, 0, "/tmp/.X11-unix/X57"},
          Row{":1.2", 1, 2, "/tmp/.X11-unix/X1"}, Row{"unix:3", 3, 0, "/tmp/.X11-unix/X3"},
          Row{"unix:3.1", 3, 1, "/tmp/.X11-unix/X3"}, Row{"unix/:4", 4, 0, "/tmp/.X11-unix/X4"},
          Row{"unix/myhost:5.0", 5, 0, "/tmp/.X11-unix/X5"}, Row{"/tmp/.X11-unix/X6", 6, 0, "/tmp/.X11-unix/X6"},
          Row{"/run/x/X7.1", 7, 1, "/run/x/X7"}, Row{"unix:/tmp/.X11-unix/X8", 8, 0, "/tmp/.X11-unix/X8"}}) {
        INFO(row.display);
        const X11Display d = parse_display(row.display);
        CHECK(d.number == row.number);
        CHECK(d.screen == row.screen);
        CHECK(d.socket == row.socket);
    }
}

TEST_CASE("x11: TCP, DECnet and malformed displays are refused with the reason") {
    CHECK_THAT(display_error("remote:0"), Catch::Contains("a TCP display"));
    CHECK_THAT(display_error("localhost:10.0"), Catch::Contains("ssh -X"));
    CHECK_THAT(display_error("tcp/host:0"), Catch::Contains("transport is not a local display"));
    CHECK_THAT(display_error("inet6/[::1]:0"), Catch::Contains("not a local display"));
    CHECK_THAT(display_error("[::1]:0"), Catch::Contains("TCP display"));
    CHECK_THAT(display_error("node::0"), Catch::Contains("DECnet"));
    CHECK_THAT(display_error(""), Catch::Contains("empty"));
    for (const char* bad : {":", ":x", ":1.", ":1.x", ":-1", ": 1", ":1 ", "0", ":99999999", ":1.2.3",
                            "/tmp/.X11-unix/", "/tmp/socket", "/tmp/../X1", "unix:/tmp/X", "\n:0"}) {
        INFO(bad);
        CHECK_FALSE(display_error(bad).empty());
    }
}

TEST_CASE("x11: an Xauthority file round-trips, entry by entry") {
    const std::vector<XauthEntry> entries = parse_xauthority(sample_xauthority(), "f");
    REQUIRE(entries.size() == 6);
    CHECK(entries[0].family == kXauthFamilyLocal);
    CHECK(entries[0].address == "otherhost");
    CHECK(entries[2].family == kXauthFamilyInternet);
    CHECK(entries[2].address.size() == 4);
    CHECK(entries[4].data == kCookie57);
    CHECK(entries[5].family == kXauthFamilyWild);
    CHECK(write_xauthority(entries) == sample_xauthority());
    CHECK(parse_xauthority("", "f").empty());
}

TEST_CASE("x11: the cookie chosen is the first for this display and host, as libXau chooses") {
    const auto entries = parse_xauthority(sample_xauthority(), "f");
    // Not the other host's, not the TCP entry, not XDM-AUTHORIZATION-1.
    auto cookie = find_cookie(entries, 57, "myhost");
    REQUIRE(cookie);
    CHECK(cookie->data == kCookie57);
    CHECK(find_cookie(entries, 0, "myhost")->data == kCookie0);
    // On another host only the FamilyWild entry matches.
    CHECK(find_cookie(entries, 57, "elsewhere")->data == std::string(16, 'w'));
    CHECK_FALSE(find_cookie(entries, 1, "myhost"));
    CHECK_FALSE(find_cookie(entries, 0, "otherhost"));
    // An entry without a number matches every display.
    const auto any = parse_xauthority(entry_bytes(kXauthFamilyLocal, "myhost", "", "MIT-MAGIC-COOKIE-1", "c"), "f");
    CHECK(find_cookie(any, 12, "myhost")->data == "c");
    // An empty cookie is no cookie.
    CHECK_FALSE(find_cookie(parse_xauthority(entry_bytes(kXauthFamilyWild, "", "1", "MIT-MAGIC-COOKIE-1", ""), "f"), 1,
                            "myhost"));
}

TEST_CASE("x11: truncated and hostile Xauthority files are clear errors, never read out of bounds") {
    const std::string one = entry_bytes(kXauthFamilyLocal, "myhost", "57", "MIT-MAGIC-COOKIE-1", kCookie57);
    // Every proper prefix of a valid entry is cut short somewhere.
    for (size_t cut = 1; cut < one.size(); ++cut) {
        INFO("cut at " << cut);
        // A copy of exactly `cut` bytes: a read past it is caught by sanitizers.
        const std::string prefix = one.substr(0, cut);
        const std::string message = test::usage_error([&] { parse_xauthority(prefix, "/x/.Xauthority"); });
        CHECK_THAT(message, Catch::StartsWith("/x/.Xauthority: not an Xauthority file: entry at byte 0 is cut short"));
    }
    // A length field claiming far more than the file holds.
    CHECK_THAT(test::usage_error([&] { parse_xauthority(one + "\x01\x00\xff\xff" + "ab", "f"); }),
               Catch::Contains("entry at byte " + std::to_string(one.size()) + " is cut short in its address"));
    CHECK_THAT(test::usage_error([&] { parse_xauthority(std::string(kMaxXauthoritySize + 1, '\0'), "f"); }),
               Catch::Contains("over 1048576 bytes"));
    // Zero-length fields everywhere are valid entries (no cookie in them).
    CHECK(parse_xauthority(std::string(10, '\0'), "f").size() == 1);
    // Random bytes: either entries or an error, never a crash.
    std::string noise;
    uint32_t state = 12345;
    for (int round = 0; round < 2000; ++round) {
        state = state * 1103515245 + 12345;
        noise.push_back(static_cast<char>(state >> 16));
        try {
            const auto entries = parse_xauthority(noise, "f");
            CHECK(write_xauthority(entries) == noise);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Usage);
        }
    }
}

TEST_CASE("x11: the plan binds one socket and writes one FamilyWild cookie for the inner display") {
    X11Fixture f;
    f.abstract = {0, 57, 1000};  // the host's displays, and 1000 taken too
    const SandboxPlan plan = f.plan();
    CHECK(plan.x11.display == 57);
    CHECK(plan.x11.inner == 1001);
    const MountOp* socket = find_mount(plan, "/tmp/.X11-unix/X1001");
    REQUIRE(socket);
    CHECK(socket->kind == MountKind::RoBind);
    CHECK(socket->source == "/tmp/.X11-unix/X57");
    CHECK(socket->origin == "x11.toml:2:1 (x11)");
    // Only that socket: no other display, not the folder.
    CHECK(std::count_if(plan.mounts.begin(), plan.mounts.end(),
                        [](const MountOp& op) { return op.source.starts_with("/tmp/.X11-unix"); }) == 1);
    const MountOp* file = find_mount(plan, kInnerXauthority);
    REQUIRE(file);
    CHECK(file->kind == MountKind::File);
    CHECK(file->mode == 0600);
    const auto written = parse_xauthority(file->content, "inner");
    REQUIRE(written.size() == 1);
    CHECK(written[0] == XauthEntry{kXauthFamilyWild, "", "1001", "MIT-MAGIC-COOKIE-1", kCookie57});
    CHECK(env_named(plan, "DISPLAY") == std::vector<std::string>{"DISPLAY=:1001"});
    CHECK(env_named(plan, "XAUTHORITY") == std::vector<std::string>{"XAUTHORITY=/run/sbx/Xauthority"});
    CHECK(plan.x11.cookie_bytes == 16);
    CHECK(plan.x11.xauthority_source == "/home/alice/.Xauthority");
}

TEST_CASE("x11: --dry-run says where the cookie comes from, never the cookie") {
    X11Fixture f;
    f.host.env["XAUTHORITY"] = "/run/user/1000/xauth_abc";
    f.files["/run/user/1000/xauth_abc"] = f.files["/home/alice/.Xauthority"];
    f.files.erase("/home/alice/.Xauthority");
    const std::string text = describe(f.plan());
    CHECK_THAT(text, Catch::Contains("cookie from /run/user/1000/xauth_abc (16 bytes, not shown)"));
    CHECK_THAT(text, Catch::Contains("DISPLAY=:57 on the host"));
    CHECK_THAT(text, Catch::Contains("every window on this display"));
    CHECK(text.find(kCookie57) == std::string::npos);
    std::string hex;
    for (char c : kCookie57) {
        const auto byte = static_cast<unsigned char>(c);
        hex += "0123456789abcdef"[byte >> 4];
        hex += "0123456789abcdef"[byte & 15];
    }
    CHECK(text.find(hex) == std::string::npos);
}

TEST_CASE("x11: --print-bwrap-args leaves the cookie out and says so") {
    X11Fixture f;
    const BwrapCommand command = to_bwrap_args(f.plan());
    REQUIRE(command.file_contents.size() == 1);
    CHECK(command.file_contents[0].empty());
    CHECK(std::find(command.not_expressible.begin(), command.not_expressible.end(),
                    "the x11 cookie in /run/sbx/Xauthority (a secret: left empty)") != command.not_expressible.end());
    CHECK(bwrap_command_json(command).find(kCookie57) == std::string::npos);
}

TEST_CASE("x11: the display number is kept where no host abstract socket can be reached or the scope is off") {
    X11Fixture f;
    f.abstract = {57};
    CHECK(f.plan(true).x11.inner == 57);  // a new network namespace
    f.abi = 5;                            // no abstract-socket scope in this kernel
    CHECK(f.plan(false).x11.inner == 57);
    f.abi = 6;
    CHECK(f.plan(false).x11.inner == 1000);
    f.host.env["DISPLAY"] = ":57.1";  // the screen is kept
    CHECK(env_named(f.plan(false), "DISPLAY") == std::vector<std::string>{"DISPLAY=:1000.1"});
    SandboxPlan off;
    off.landlock.scoped = false;
    add_x11(off, f.spec, f.host, f.query());
    CHECK(off.x11.inner == 57);
}

TEST_CASE("x11: no cookie file, or none for this display: no Xauthority inside, XAUTHORITY unset") {
    X11Fixture f;
    f.files.clear();
    SandboxPlan plan = f.plan();
    CHECK_FALSE(find_mount(plan, kInnerXauthority));
    CHECK(env_named(plan, "XAUTHORITY").empty());
    CHECK(find_mount(plan, "/tmp/.X11-unix/X1000"));
    f.files["/home/alice/.Xauthority"] = entry_bytes(kXauthFamilyLocal, "myhost", "3", "MIT-MAGIC-COOKIE-1", kCookie57);
    plan = f.plan();
    CHECK_FALSE(find_mount(plan, kInnerXauthority));
    CHECK_THAT(plan.x11.why.back(), Catch::Contains("holds no MIT-MAGIC-COOKIE-1 for display 57"));
}

TEST_CASE("x11: a missing, TCP or socketless DISPLAY and a bad Xauthority are errors at the piece") {
    X11Fixture f;
    f.host.env.erase("DISPLAY");
    CHECK(test::usage_error([&] { f.plan(); }) ==
          "x11.toml:2:1: the x11 piece needs $DISPLAY, which is not set: run sbx in an X11 session (or under "
          "Xwayland), or leave \"x11\" out of the profile's include");
    f.host.env["DISPLAY"] = "remote:0";
    CHECK_THAT(test::usage_error([&] { f.plan(); }),
               Catch::StartsWith("x11.toml:2:1: x11: DISPLAY=\"remote:0\": a TCP"));
    f.host.env["DISPLAY"] = ":58";
    CHECK_THAT(test::usage_error([&] { f.plan(); }), Catch::Contains("no socket /tmp/.X11-unix/X58"));
    f.host.env["DISPLAY"] = ":57";
    f.files["/home/alice/.Xauthority"] = "\x01";
    CHECK_THAT(test::usage_error([&] { f.plan(); }), Catch::Contains("/home/alice/.Xauthority: not an Xauthority"));
}

TEST_CASE("x11: optional skips a missing DISPLAY, and only that") {
    X11Fixture f;
    f.spec.optional = Located<bool>{true, SourceLoc{"browser.toml", 9, 1}};
    f.host.env.erase("DISPLAY");
    SandboxPlan plan = f.plan();
    CHECK(plan.mounts.empty());
    CHECK(env_named(plan, "DISPLAY").empty());
    CHECK(env_named(plan, "XAUTHORITY").empty());
    CHECK_THAT(describe(plan), Catch::Contains("x11         skipped"));
    f.host.env["DISPLAY"] = "remote:0";
    CHECK_THAT(test::usage_error([&] { f.plan(); }), Catch::Contains("a TCP display"));
}

TEST_CASE("x11 and audio: the profile sections and their keys") {
    test::FakeFiles files;
    const HostFacts host = test::sample_host();
    Profile p = load_profile_text("[x11]\nenabled = true\noptional = true\n[audio]\nenabled = true\n", "/p.toml", host,
                                  files.reader());
    REQUIRE(p.x11.enabled);
    CHECK(p.x11.enabled->value);
    CHECK(p.x11.enabled->loc.str() == "/p.toml:2:11");
    CHECK(p.x11.optional->value);
    CHECK(p.audio.enabled->value);
    CHECK_THAT(test::usage_error([&] { load_profile_text("[x11]\nenable = true\n", "/p.toml", host, files.reader()); }),
               Catch::StartsWith("/p.toml:2:1: unknown key"));
    CHECK_THAT(
        test::usage_error([&] { load_profile_text("[audio]\nenabled = \"yes\"\n", "/p.toml", host, files.reader()); }),
        Catch::StartsWith("/p.toml:2:11:"));
    // The shipped pieces turn their section on.
    Profile x = load_profile("builtin:x11.toml", host, files.reader());
    CHECK(x.x11.enabled->value);
    Profile a = load_profile("builtin:audio.toml", host, files.reader());
    CHECK(a.audio.enabled->value);
}

TEST_CASE("audio: sockets and cookie found from the environment, each bound at its place") {
    HostFacts host = test::sample_host();
    std::set<std::string> present{"/run/user/1000/pulse/native", "/run/user/1000/pipewire-0",
                                  "/home/alice/.config/pulse/cookie", "/home/alice/.pulse-cookie"};
    auto exists = [&present](const std::string& p) { return present.count(p) > 0; };
    AudioSpec spec;
    spec.enabled = Located<bool>{true, SourceLoc{"audio.toml", 2, 1}};
    SandboxPlan plan;
    plan.env = {"PULSE_SERVER=tcp:x"};
    add_audio(plan, spec, host, exists);
    CHECK(plan.audio.pulse_socket == "/run/user/1000/pulse/native");
    CHECK(plan.audio.pulse_cookie_source == "/home/alice/.config/pulse/cookie");
    CHECK(plan.audio.pipewire_socket == "/run/user/1000/pipewire-0");
    CHECK(plan.audio.warning.empty());
    const MountOp* cookie = find_mount(plan, kInnerPulseCookie);
    REQUIRE(cookie);
    CHECK(cookie->kind == MountKind::RoBind);
    CHECK(cookie->source == "/home/alice/.config/pulse/cookie");
    CHECK(find_mount(plan, "/run/user/1000/pulse/native")->kind == MountKind::RoBind);
    CHECK(env_named(plan, "PULSE_SERVER") == std::vector<std::string>{"PULSE_SERVER=unix:/run/user/1000/pulse/native"});
    CHECK(env_named(plan, "PULSE_COOKIE") == std::vector<std::string>{"PULSE_COOKIE=/run/sbx/pulse-cookie"});
    CHECK(env_named(plan, "PIPEWIRE_REMOTE") == std::vector<std::string>{"PIPEWIRE_REMOTE=pipewire-0"});
    CHECK(env_named(plan, "PIPEWIRE_RUNTIME_DIR") == std::vector<std::string>{"PIPEWIRE_RUNTIME_DIR=/run/user/1000"});

    // $PULSE_SERVER, $PULSE_COOKIE and $PIPEWIRE_REMOTE win when usable.
    host.env = {
        {"PULSE_SERVER", "unix:/tmp/p/native"}, {"PULSE_COOKIE", "/tmp/p/cookie"}, {"PIPEWIRE_REMOTE", "/tmp/pw/sock"}};
    present = {"/tmp/p/native", "/tmp/p/cookie", "/tmp/pw/sock"};
    SandboxPlan custom;
    add_audio(custom, spec, host, exists);
    CHECK(custom.audio.pulse_socket == "/tmp/p/native");
    CHECK(custom.audio.pulse_cookie_source == "/tmp/p/cookie");
    CHECK(custom.audio.pipewire_socket == "/tmp/pw/sock");
    // Not a unix: path: the default, said why.
    host.env = {{"PULSE_SERVER", "tcp:remote:4713"}, {"PIPEWIRE_REMOTE", "../x"}};
    CHECK(pulse_socket_path(host) == "/run/user/1000/pulse/native");
    CHECK(pipewire_socket_path(host) == "/run/user/1000/pipewire-0");
    std::string why;
    pulse_socket_path(host, &why);
    CHECK_THAT(why, Catch::Contains("is not unix:/absolute/path"));
    host.env = {{"PULSE_SERVER", "unix:relative"}, {"PIPEWIRE_REMOTE", "pipewire-1"}};
    CHECK(pulse_socket_path(host) == "/run/user/1000/pulse/native");
    CHECK(pipewire_socket_path(host) == "/run/user/1000/pipewire-1");
}

TEST_CASE("audio: missing sockets are skipped; with none, a warning and no mounts") {
    const HostFacts host = test::sample_host();
    AudioSpec spec;
    spec.enabled = Located<bool>{true, SourceLoc{"audio.toml", 2, 1}};
    SandboxPlan plan;
    plan.env = {"PULSE_SERVER=unix:/run/user/1000/pulse/native"};
    add_audio(plan, spec, host, [](const std::string&) { return false; });
    CHECK(plan.mounts.empty());
    CHECK(env_named(plan, "PULSE_SERVER").empty());
    CHECK_THAT(plan.audio.warning, Catch::Contains("the sandbox runs without sound"));
    CHECK_THAT(describe(plan), Catch::Contains("no PipeWire socket at /run/user/1000/pipewire-0: skipped"));
    // Pulse without a cookie anywhere: the socket, no cookie.
    SandboxPlan pulse_only;
    add_audio(pulse_only, spec, host, [](const std::string& p) { return p == "/run/user/1000/pulse/native"; });
    CHECK(pulse_only.audio.warning.empty());
    // The socket, in the sandbox's private runtime folder (parents first).
    REQUIRE(pulse_only.mounts.size() == 2);
    CHECK(pulse_only.mounts[0].kind == MountKind::Tmpfs);
    CHECK(pulse_only.mounts[0].dest == "/run/user/1000");
    CHECK(pulse_only.mounts[1].dest == "/run/user/1000/pulse/native");
    CHECK(env_named(pulse_only, "XDG_RUNTIME_DIR") == std::vector<std::string>{"XDG_RUNTIME_DIR=/run/user/1000"});
    CHECK(env_named(pulse_only, "PULSE_COOKIE").empty());
    // Not enabled: nothing.
    SandboxPlan none;
    add_audio(none, AudioSpec{}, host, [](const std::string&) { return true; });
    CHECK(none.mounts.empty());
    CHECK_FALSE(none.audio.enabled);
}
