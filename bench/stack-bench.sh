#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bytes of the caller's stack a bpf call uses, natively and under bpfspy:
# a thread's first call and a warm one (tests/progs/hs_stack measure
# paints the stack below the caller's frame and sees how deep it got).
#   BUILDDIR=... bench/stack-bench.sh
set -eu
B=${BUILDDIR:-.}
[ -x "$B/tests/progs/hs_stack" ] || { echo "stack-bench: build tests/progs/hs_stack first" >&2; exit 2; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
printf 'native: %s\n' "$("$B/tests/progs/hs_stack" measure)"
printf 'bpfspy: %s\n' "$("$B/src/bpfspy" run -o "$d/t" -- "$B/tests/progs/hs_stack" measure)"
