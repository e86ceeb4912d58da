#!/usr/bin/env bash
# Coverage-guided fuzzing of blurd's parsers of untrusted input with libFuzzer:
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]
#
# TARGET: model-file, serve-config, report-log or options (Tests/BlurdFuzzTests/FuzzTarget.swift).
# Builds the test bundle into .build-fuzz with coverage instrumentation, AddressSanitizer and
# libFuzzer (-DBLURD_FUZZING compiles its driver, LibFuzzerDriver), then fuzzes TARGET for
# SECONDS starting from the committed seeds (Tests/Fuzz/Corpus/TARGET, never written to) and
# the inputs found so far (data/fuzz/TARGET/corpus). A crash is saved as
# data/fuzz/TARGET/crash-…; reproduce it with `scripts/fuzz.sh TARGET 0 data/fuzz/TARGET/crash-…`
# (given files, the fuzzer runs just them and SECONDS is not used),
# then fix it and commit it under Tests/Fuzz/Regressions/TARGET/ so the seed tests replay it.
# The plain `swift test` never fuzzes: it replays the seeds and reproducers (SeedCorpusTests).
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…]}
shift 2
case "$target" in model-file|serve-config|report-log|options) ;; *) echo "unknown target $target" >&2; exit 2;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "SECONDS: a whole number" >&2; exit 2; }

build=.build-fuzz
mkdir -p "$build"
# The toolchain's libFuzzer without its main(): the XCTest runner keeps its own.
toolchain=$(dirname "$(realpath "$(command -v swiftc)")")/..
runtime=$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -n 1)
# lld: gold stops with an internal error on AddressSanitizer's debug info.
printf '{"schemaVersion": "1.0", "linker": {"path": "%s"}}\n' "$toolchain/bin/ld.lld" > "$build/lld-toolset.json"
# Builds are serialised: two fuzz runs may start together.
flock "$build/.lock" swift build --build-tests --build-path "$build" --toolset "$build/lld-toolset.json" \
    -Xswiftc -DBLURD_FUZZING -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xlinker "$runtime" -Xlinker -lstdc++ >&2

work=data/fuzz/$target
mkdir -p "$work/corpus"
if [[ $# -gt 0 && -f "$1" ]]; then
    args=("$@")  # reproduce: the files given
else
    # The first directory gets the new inputs; the committed seeds are only read.
    [[ "$seconds" -ge 1 ]] || { echo "SECONDS: 1 or more" >&2; exit 2; }
    args=("$work/corpus" "Tests/Fuzz/Corpus/$target" -max_total_time="$seconds" -artifact_prefix="$work/"
          -print_final_stats=1 -max_len=65536 -timeout=60 -rss_limit_mb=4096 "$@")
fi
BLURD_FUZZ_TARGET=$target BLURD_FUZZ_ARGS=$(printf '%s\n' "${args[@]}") \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
    exec "$build/debug/blurdPackageTests.xctest" BlurdFuzzTests.LibFuzzerDriver/testFuzz
