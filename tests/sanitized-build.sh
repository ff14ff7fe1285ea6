#!/usr/bin/env bash
# tests/sanitized-build.sh [TARGET...] — the one sanitized build: clang with
# AddressSanitizer and UndefinedBehaviorSanitizer, unit tests and fuzz target
# included (-Dtests=true -Dfuzz=true), in its own build directory. It serves
# tests/sanitize.sh (sbx, its supervisors and the unit tests) and
# tests/fuzz/run-fuzz.sh (the libFuzzer target), so CI compiles the sources
# once for both. Builds TARGETs (default: everything those two scripts run)
# and exits non-zero, with the end of the compiler's output, when that fails.
#
# Environment:
#   SBX_SANITIZE_BUILD_DIR  the build directory (default: build-sanitize)
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${SBX_SANITIZE_BUILD_DIR:-build-sanitize}
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(sbx sbx-supervise sbx-init tests/sbx-unit tests/fuzz/fuzz_profile)

command -v clang++ >/dev/null || { echo "sanitized-build: clang++ not found (./bootstrap installs clang)"; exit 1; }

# -O1: what the sanitizers' authors recommend, and it compiles faster than -O2.
# -gline-tables-only: file and line in every report's stack, without full
# debug information to generate. werror=false: this build looks for crashes
# and sanitizer reports, not warnings (the normal build has -Werror).
options=(-Dtests=true -Dfuzz=true -Dwerror=false -Db_sanitize=address,undefined -Db_lundef=false
  -Doptimization=1 -Ddebug=false -Dc_args=-gline-tables-only -Dcpp_args=-gline-tables-only)
stamp=$dir/.sbx-sanitized-options
# A directory set up otherwise (another compiler, other options, an older
# layout of this script) is set up again from scratch: meson cannot switch
# compilers in place.
if [ ! -f "$dir/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "clang ${options[*]}" ]; then
  rm -rf "$dir"
  if ! log=$(CC=clang CXX=clang++ meson setup "$dir" "${options[@]}" 2>&1); then
    echo "$log" | tail -n 30
    echo "sanitized-build: meson setup failed in $dir"
    exit 1
  fi
  echo "clang ${options[*]}" >"$stamp"
fi
if ! log=$(ninja -C "$dir" "${targets[@]}" 2>&1); then
  echo "$log" | tail -n 40
  echo "sanitized-build: the sanitized build failed in $dir"
  exit 1
fi
