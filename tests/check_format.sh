#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Every C file of the tree is formatted as .clang-format says (STYLE.md
# rule 13).  Usage: check_format.sh SOURCE_ROOT.  Fix with
#   git ls-files '*.[ch]' | xargs clang-format -i
set -eu
cd "$1"
command -v clang-format >/dev/null || { echo "no clang-format"; exit 77; }
files=$(find . -path ./build -prune -o -path './.*' -prune -o \
	-path ./kmod -prune -o -name '*.[ch]' -print | sort)
bad=0
for f in $files; do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f"
		bad=$((bad + 1))
	fi
done
n=$(echo "$files" | wc -w)
echo "$((n - bad)) of $n files formatted"
[ "$bad" -eq 0 ]
