#!/bin/sh
# Quick start on a fresh Debian 12 machine, as root, from the repository
# root: install the dependencies, build, and trace the bundled example
# loader.  The trace is left in example-trace.jsonl.
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)" >/dev/null
echo "== bpfspy run -o example-trace.jsonl -- examples/minimal_loader"
src/bpfspy run -o example-trace.jsonl -- examples/minimal_loader
echo "== example-trace.jsonl ($(wc -l <example-trace.jsonl) lines)"
cat example-trace.jsonl
echo "== bpfspy check example-trace.jsonl"
src/bpfspy check example-trace.jsonl
