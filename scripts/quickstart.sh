#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Quick start on a fresh Debian 12 machine, as root, from the repository
# root: install the dependencies, build, trace the bundled example loader
# and show what it did.  The trace is left in example-trace.jsonl.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)" >/dev/null
echo "== bpfspy run -o example-trace.jsonl -- examples/minimal_loader"
src/bpfspy run -o example-trace.jsonl -- examples/minimal_loader
echo
echo "== bpfspy check example-trace.jsonl"
src/bpfspy check example-trace.jsonl || true
echo
echo "== bpfspy report example-trace.jsonl"
src/bpfspy report example-trace.jsonl
echo
echo "The trace, one JSON object per call ($(wc -l <example-trace.jsonl) lines):"
echo "  $PWD/example-trace.jsonl"
echo "For README's usage lines as written, put bpfspy on PATH:"
echo "  export PATH=\"$PWD/src:\$PATH\"      (or: make install)"
