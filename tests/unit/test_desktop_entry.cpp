// test_desktop_entry.cpp — desktop entries parsed, split and wrapped
// through sbx (core/desktop_entry.hpp).
#include "core/desktop_entry.hpp"
#include "support.hpp"

using namespace sbx;

namespace {

const char* kSample =
    "# A sample\n"
    "[Desktop Entry]\n"
    "Type=Application\n"
    "Name=Viewer\n"
    "Name[de]=Betrachter\n"
    "Name[sr@latin] = Pregledač\n"
    "Comment=View \\s files\n"
    "TryExec=viewer\n"
    "Exec=viewer --open \"/opt/my dir/x\" %U\n"
    "DBusActivatable=true\n"
    "Actions=new-window;\n"
    "\n"
    "[Desktop Action new-window]\n"
    "Name=New Window\n"
    "Exec=viewer --new-window %f\n";

core::WrapRequest request() {
    core::WrapRequest r;
    r.sbx = "/usr/bin/sbx";
    r.profile = "pdf-viewer";
    r.add_file_arguments = true;
    r.original = "/usr/share/applications/viewer.desktop";
    return r;
}

}  // namespace

TEST_CASE("a desktop entry parses into groups, keys, locales", "[desktop]") {
    const auto entry = core::parse_desktop_entry(kSample, "viewer.desktop");
    CHECK(entry.get("Desktop Entry", "Type") == "Application");
    CHECK(entry.get("Desktop Entry", "Name") == "Viewer");
    CHECK(entry.get("Desktop Action new-window", "Exec") == "viewer --new-window %f");
    CHECK_FALSE(entry.get("Desktop Entry", "Missing"));
    const auto& sr = entry.lines[5];
    CHECK(sr.key == "Name");
    CHECK(sr.locale == "sr@latin");
    CHECK(sr.value == "Pregledač");
    CHECK(entry.lines[0].kind == core::DesktopLine::Kind::Comment);
}

TEST_CASE("bad desktop entries are refused with their line", "[desktop]") {
    struct Case {
        const char* text;
        const char* message;
    } cases[] = {
        {"Name=x\n", "e.desktop:1: an entry before the first group"},
        {"# only a comment\n", "e.desktop:1: no [Desktop Entry] group"},
        {"[Other]\n", "e.desktop:1: the first group must be [Desktop Entry], not \"[Other]\""},
        {"[Desktop Entry]\nName x\n", "e.desktop:2: expected \"Key=Value\", a [Group] or a # comment, got \"Name x\""},
        {"[Desktop Entry]\nName=a\nName=b\n", "e.desktop:3: key \"Name\" given twice in [Desktop Entry]"},
        {"[Desktop Entry]\n[Desktop Entry]\n", "e.desktop:2: group [Desktop Entry] given twice"},
        {"[Desktop Entry]\nNa_me=x\n", "e.desktop:2: bad key \"Na_me\""},
        {"[Desktop Entry]\nName[de=x\n", "e.desktop:2: bad localised key \"Name[de\""},
        {"[Desktop Entry\n", "e.desktop:1: a group header must be"},
        {"[Desktop Entry]\nName=\xff\n", "e.desktop:1: not UTF-8 text"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        CHECK(test::usage_error([&] { core::parse_desktop_entry(c.text, "e.desktop"); }).starts_with(c.message));
    }
    const std::string with_nul("[Desktop Entry]\nName=a\0b\n", 25);
    CHECK(
        test::usage_error([&] { core::parse_desktop_entry(with_nul, "e.desktop"); }).starts_with("e.desktop:1: a NUL"));
}

TEST_CASE("Exec splits as the Desktop Entry Specification says", "[desktop]") {
    CHECK(core::split_exec("viewer %f", "w") == std::vector<std::string>{"viewer", "%f"});
    CHECK(core::split_exec("\"/opt/my app/bin\" --x=\"a b\" %U", "w") ==
          std::vector<std::string>{"/opt/my app/bin", "--x=a b", "%U"});
    // The string escape first (\\\\ is one backslash), then the quoting (\\$ is $).
    CHECK(core::split_exec(R"(sh -c "echo \\$HOME \\"q\\"")", "w") ==
          std::vector<std::string>{"sh", "-c", "echo $HOME \"q\""});
    // \s is a space, and so separates words like one.
    CHECK(core::split_exec("a\\sb", "w") == std::vector<std::string>{"a", "b"});
    CHECK(test::usage_error([] { core::split_exec("viewer \"open", "f:3"); }) ==
          "f:3: Exec has an unterminated \"quote\"");
    CHECK(test::usage_error([] { core::split_exec("  ", "f:3"); }) == "f:3: Exec is empty");
    CHECK(test::usage_error([] {
              core::split_exec(R"(a "\\x")", "f:3");
          }).starts_with("f:3: inside Exec's quotes a backslash escapes only"));
    CHECK(test::usage_error([] { core::split_exec("a \\q", "f:3"); }).starts_with("f:3: unknown escape"));
}

TEST_CASE("exec_word quotes what the spec reserves and round-trips", "[desktop]") {
    CHECK(core::exec_word("/usr/bin/sbx") == "/usr/bin/sbx");
    CHECK(core::exec_word("/opt/my sbx/sbx") == "\"/opt/my sbx/sbx\"");
    CHECK(core::exec_word("100%") == "100%%");
    for (const std::string word : {"/a b/c", "it's", "$HOME", "a\"b", "back\\slash", "`x`", "~/x", "a;b"}) {
        INFO(word);
        CHECK(core::split_exec(core::exec_word(word), "w") == std::vector<std::string>{word});
    }
    CHECK(test::usage_error([] { core::exec_word("a\nb"); }).starts_with("cannot write \"a\\nb\" in an Exec line"));
}

TEST_CASE("wrapping routes every Exec through sbx and marks the entry", "[desktop]") {
    const auto entry = core::parse_desktop_entry(kSample, "viewer.desktop");
    const std::string out = core::wrap_desktop_entry(entry, request(), "viewer.desktop");
    CHECK(out ==
          "# A sample\n"
          "[Desktop Entry]\n"
          "X-Sbx-Profile=pdf-viewer\n"
          "X-Sbx-Original=/usr/share/applications/viewer.desktop\n"
          "Type=Application\n"
          "Name=Viewer (sandboxed)\n"
          "Name[de]=Betrachter (sandboxed)\n"
          "Name[sr@latin]=Pregledač (sandboxed)\n"
          "Comment=View \\s files\n"
          "TryExec=viewer\n"
          "Exec=/usr/bin/sbx --profile pdf-viewer --file-arguments=read-only -- viewer --open \"/opt/my dir/x\" %U\n"
          "Actions=new-window;\n"
          "\n"
          "[Desktop Action new-window]\n"
          "Name=New Window\n"
          "Exec=/usr/bin/sbx --profile pdf-viewer --file-arguments=read-only -- viewer --new-window %f\n");
    // The result parses, and is a wrapper; its Exec splits into sbx's words, then the original's.
    const auto again = core::parse_desktop_entry(out, "out");
    CHECK(core::is_sbx_wrapper(again));
    CHECK_FALSE(core::is_sbx_wrapper(entry));
    CHECK(core::split_exec(*again.get("Desktop Entry", "Exec"), "w") ==
          std::vector<std::string>{"/usr/bin/sbx", "--profile", "pdf-viewer", "--file-arguments=read-only", "--",
                                   "viewer", "--open", "/opt/my dir/x", "%U"});
}

TEST_CASE("wrapping: no file option without file codes or when the profile decides", "[desktop]") {
    auto entry = core::parse_desktop_entry("[Desktop Entry]\nType=Application\nName=A\nExec=a --x 100%% %i\n", "a");
    std::string out = core::wrap_desktop_entry(entry, request(), "a");
    CHECK(out.find("Exec=/usr/bin/sbx --profile pdf-viewer -- a --x 100%% %i\n") != std::string::npos);
    auto r = request();
    r.add_file_arguments = false;
    r.profile = "/home/alice/my profiles/p.toml";
    entry = core::parse_desktop_entry("[Desktop Entry]\nType=Application\nName=A\nExec=a %F\n", "a");
    out = core::wrap_desktop_entry(entry, r, "a");
    CHECK(out.find("Exec=/usr/bin/sbx --profile \"/home/alice/my profiles/p.toml\" -- a %F\n") != std::string::npos);
}

TEST_CASE("wrapping drops localised Exec lines, which KDE would run without sbx", "[desktop]") {
    const auto entry = core::parse_desktop_entry(
        "[Desktop Entry]\nType=Application\nName=A\nExec=a %U\nExec[de]=a --no-sandbox %U\nActions=x;\n\n"
        "[Desktop Action x]\nName=X\nExec=a --x\nExec[fr]=a --escape\n",
        "a");
    const std::string out = core::wrap_desktop_entry(entry, request(), "a");
    CHECK(out.find("Exec[") == std::string::npos);
    CHECK(out.find("--no-sandbox") == std::string::npos);
    CHECK(out.find("--escape") == std::string::npos);
    // Control: the unlocalised lines are there, wrapped.
    CHECK(out.find("Exec=/usr/bin/sbx --profile pdf-viewer --file-arguments=read-only -- a %U\n") != std::string::npos);
    CHECK(out.find("Exec=/usr/bin/sbx --profile pdf-viewer -- a --x\n") != std::string::npos);
}

TEST_CASE("entries that cannot be wrapped are refused", "[desktop]") {
    auto link = core::parse_desktop_entry("[Desktop Entry]\nType=Link\nName=A\nURL=http://x\n", "l.desktop");
    CHECK(test::usage_error([&] {
              core::wrap_desktop_entry(link, request(), "l.desktop");
          }).starts_with("l.desktop:1: not an application (Type=Link)"));
    auto dbus = core::parse_desktop_entry("[Desktop Entry]\nType=Application\nName=A\nDBusActivatable=true\n", "d");
    CHECK(test::usage_error([&] { core::wrap_desktop_entry(dbus, request(), "d"); }).starts_with("d:1: no Exec="));
    auto bad = core::parse_desktop_entry("[Desktop Entry]\nType=Application\nName=A\n\nExec=a \"b\n", "b");
    CHECK(test::usage_error([&] { core::wrap_desktop_entry(bad, request(), "b"); }) ==
          "b:5: Exec has an unterminated \"quote\"");
}

TEST_CASE("desktop file ids and the application folders in spec order", "[desktop]") {
    CHECK(core::desktop_file_id("firefox-esr") == "firefox-esr.desktop");
    CHECK(core::desktop_file_id("firefox-esr.desktop") == "firefox-esr.desktop");
    for (const char* bad : {"", ".desktop", "../x", "a/b", ".hidden", "a\nb"}) {
        INFO(bad);
        CHECK(test::usage_error([&] { core::desktop_file_id(bad); }).starts_with("bad desktop file id"));
    }
    CHECK(core::application_dirs("/home/a/.local/share", "") ==
          std::vector<std::string>{"/home/a/.local/share/applications", "/usr/local/share/applications",
                                   "/usr/share/applications"});
    CHECK(core::application_dirs("/h", "/x:relative::/y/:/x") ==
          std::vector<std::string>{"/h/applications", "/x/applications", "/y/applications"});
}
