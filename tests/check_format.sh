#!/usr/bin/env bash
# The C++ sources follow .clang-format (STYLE.md §15), checked with Debian's clang-format as part of the test
# run (ctest: style.clang_format). To fix: clang-format -i on the files it names.
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=${1:-clang-format}
mapfile -t files < <(find app lib tests -type f \( -name '*.cpp' -o -name '*.h' \) | sort)
"$clang_format" --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files follow .clang-format"
