#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine, as root: installs dependencies, then builds and
# runs every suite twice: once under AddressSanitizer + UndefinedBehaviorSanitizer, then in the
# RelWithDebInfo build; before them, each libFuzzer harness briefly. The last lines are ctest's summary of
# the RelWithDebInfo run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh --test
jobs=$(nproc)

# libFuzzer harnesses (README "Fuzzing"): clang build of the libraries and the harnesses, each harness run
# for a short fixed time on its seed corpus. First, so that the last summary is the RelWithDebInfo suite's.
CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOSTERN_FUZZ=ON >/dev/null
cmake --build build/fuzz -j"$jobs" --target postern_fuzzers
echo "== fuzz harnesses (short runs) =="
ctest --test-dir build/fuzz --output-on-failure -j"$jobs"

cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DPOSTERN_SANITIZE=ON >/dev/null
cmake --build build/asan -j"$jobs"
echo "== test suite under ASan + UBSan =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"

cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/test -j"$jobs"
echo "== test suite =="
ctest --test-dir build/test --output-on-failure -j"$jobs"
