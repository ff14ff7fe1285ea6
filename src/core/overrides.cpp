// overrides.cpp — turns a --bind/--ro-bind argument into an FsEntry.
//
// Only the lexical work happens here; the plan builder validates the
// destination like every other one, reporting it as "command line".
#include "core/overrides.hpp"

#include "core/path.hpp"

namespace sbx::core {

FsEntry parse_bind_option(MountKind type, const std::string& option, const std::string& value, const std::string& cwd) {
    // The first ':' separates SRC from DST, so SRC cannot contain one;
    // DST may (it is taken verbatim and checked later).
    size_t colon = value.find(':');
    std::string source = value.substr(0, colon);
    if (source.empty())
        throw Error(ErrorKind::Usage, option + " " + quoted(value) + ": the source is empty (expected SRC[:DST])");

    FsEntry entry;
    entry.type = type;
    entry.source = tidy_host_path(source.front() == '/' ? source : join_path(cwd, source));
    if (colon == std::string::npos) {
        entry.dest = entry.source;
    } else {
        entry.dest = value.substr(colon + 1);
        if (entry.dest.empty())
            throw Error(ErrorKind::Usage,
                        option + " " + quoted(value) + ": the destination after ':' is empty (expected SRC[:DST])");
    }
    entry.loc = SourceLoc{"command line " + option};  // as the cli does for --tmpfs
    return entry;
}

}  // namespace sbx::core
