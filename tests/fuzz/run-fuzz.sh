#!/bin/sh
# Build a libFuzzer harness and run it for a while.
#
#   run-fuzz.sh [SECONDS [TARGET]]   (default 30 s, decode)
#
# TARGET decode: fuzz_decode.c, the decoders over captured bpf(2) calls;
# TARGET read: fuzz_read.c, check, report and diff over trace files.
#
# Environment: BUILDDIR (default: .), SRCDIR (default: the tree holding this
# script), CLANG (default: clang).  The harness is built as
# $BUILDDIR/tests/fuzz/fuzz_TARGET; everything else it makes (generated
# tables, seeds, the corpus, crash inputs, logs) goes under
# $BUILDDIR/tests/fuzz/work/TARGET/, which `rm -rf` cleans.
#
# Prints one TAP result: "ok 1 - fuzz_TARGET: N execs in S s, 0 crashes",
# "not ok 1 - ..." with the path of the input that crashed, or "ok 1 - ...
# # SKIP reason" when clang's libFuzzer is not there.  Exits nonzero only
# when the harness found a crash (a sanitizer report, a failed check, a
# hang over 10 s, over 2 GiB of memory) or does not build.
set -u

secs=${1:-30}
target=${2:-decode}
usage() { echo "usage: run-fuzz.sh [SECONDS [decode|read]]" >&2; exit 2; }
case $secs in '' | *[!0-9]*) usage ;; esac
case $target in decode | read) ;; *) usage ;; esac
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-.}
CLANG=${CLANG:-clang}
name=fuzz_$target

echo "1..1"
skip() { echo "ok 1 - $name # SKIP $1"; exit 0; }

mkdir -p "$BUILDDIR/tests/fuzz/work/$target" || exit 1
bin=$(cd "$BUILDDIR/tests/fuzz" && pwd)/$name
work=$(cd "$BUILDDIR/tests/fuzz/work/$target" && pwd)
mkdir -p "$work/gen" "$work/seeds" "$work/corpus" "$work/artifacts" || exit 1
log=$work/build.log
: >"$log"

# --- can clang build a libFuzzer binary here? -------------------------------
command -v "$CLANG" >/dev/null 2>&1 || skip "$CLANG not found"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' \
	>"$work/gen/probe.c"
"$CLANG" -fsanitize=fuzzer,address,undefined "$work/gen/probe.c" -o "$work/gen/probe" \
	>>"$log" 2>&1 ||
	skip "$CLANG cannot link -fsanitize=fuzzer (Debian: libclang-rt-dev)"
jsonc=$(pkg-config --cflags --libs json-c 2>/dev/null) || skip "json-c not found by pkg-config"

# --- build --------------------------------------------------------------------
# The decoder sources: every .c below decoders/ is one (the folder is the
# library, Makefile.am lists the same files by layer).
# An in-tree build's generated xlat_tables.c is left out: the harness
# makes its own below.
srcs=$(ls "$SRCDIR"/decoders/*/*.c 2>/dev/null | grep -v '/xlat_tables\.c$')
if [ -z "$srcs" ]; then
	echo "not ok 1 - $name: no decoder sources in $SRCDIR/decoders"
	exit 1
fi
# The library's one extra flag set is xxHash's.
libcflags=$(pkg-config --cflags libxxhash 2>/dev/null)
if [ -f "$BUILDDIR/config.h" ]; then
	defs="-include $(cd "$BUILDDIR" && pwd)/config.h"
else
	defs="-D_GNU_SOURCE -D__maybe_unused=__attribute__((unused))"
fi
incs="-I$work/gen -I$SRCDIR/decoders -I$SRCDIR/tests/fuzz -DBPFSPY_VERSION=\"fuzz\""
# The read target runs the subcommands that read traces: every source of
# the bpfspy command but main() (bpfspy.c) and what drives a program.
harness=$SRCDIR/tests/fuzz/$name.c
if [ "$target" = read ]; then
	incs="$incs -I$SRCDIR/src"
	for f in cli.c check.c cause.c trace_read.c normalize.c report.c report_html.c summary.c diff.c \
		export.c packed.c btf_values.c kfunc_names.c; do
		harness="$harness $SRCDIR/src/$f"
	done
	xxh=$(pkg-config --libs libxxhash 2>/dev/null) || xxh=-lxxhash
	# packed traces are rendered with payloads typed by BTF (btf_values.c)
	bpf=$(pkg-config --cflags --libs libbpf 2>/dev/null) || bpf=-lbpf
	jsonc="$jsonc $xxh $bpf"
	# Makefile.am's AM_CPPFLAGS define it; export.c names its producer.
	defs="$defs -DBPFSPY_VERSION=\"fuzz\""
fi

# shellcheck disable=SC2086 # word splitting wanted
build() {
	mkdir -p "$work/gen/base" &&
	sh "$SRCDIR/decoders/base/gen-xlat.sh" "$work/gen/base/xlat_tables" "$SRCDIR"/decoders/base/xlat/*.in &&
	"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		$defs $libcflags $incs $srcs "$work/gen/base/xlat_tables.c" \
		$harness $jsonc -o "$bin"
}
if ! build >>"$log" 2>&1; then
	echo "not ok 1 - $name: the harness does not build (log: $log)"
	tail -20 "$log" | sed 's/^/# /'
	exit 1
fi

# Seeds: real-looking calls, or for read the traces in read-seeds/ (the
# first byte of each picks the options, see fuzz_read.c).  Optional:
# without them the fuzzer starts from nothing, slower but still sound.
# shellcheck disable=SC2086
if [ "$target" = read ]; then
	cp "$SRCDIR"/tests/fuzz/read-seeds/* "$work/seeds/" 2>>"$log" ||
		echo "# warning: no seeds (log: $log)"
elif "$CLANG" -g -O1 $defs $libcflags $incs $srcs "$work/gen/base/xlat_tables.c" \
	"$SRCDIR/tests/fuzz/gen_seeds.c" -o "$work/gen/gen_seeds" >>"$log" 2>&1 &&
	"$work/gen/gen_seeds" "$work/seeds" >>"$log" 2>&1; then
	:
else
	echo "# warning: no generated seeds (log: $log)"
fi

# --- run ------------------------------------------------------------------------
# One process, one core.  New inputs go to corpus/ (kept between runs),
# crash inputs to artifacts/.
flog=$work/fuzz.log
rm -f "$work"/artifacts/crash-* "$work"/artifacts/timeout-* "$work"/artifacts/oom-* \
	"$work"/artifacts/leak-*
start=$(date +%s)
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
# The read harness's commands print a report per input: -close_fd_mask=3
# keeps that out of the log (libFuzzer keeps its own stderr).
# Traces need longer inputs than single calls.
fdmask=0 maxlen=8192
[ "$target" = read ] && fdmask=3 maxlen=32768
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
	-close_fd_mask=$fdmask \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$work/seeds" >"$flog" 2>&1
rc=$?
elapsed=$(($(date +%s) - start))

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$flog" | tail -1)
[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$flog" | tail -1)
[ -n "$execs" ] || execs=0
artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$flog" | tail -1)

if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
	echo "ok 1 - $name: $execs execs in $elapsed s, 0 crashes"
	exit 0
fi
echo "not ok 1 - $name: crash after $execs execs in $elapsed s: ${artifact:-no input saved} (log: $flog)"
grep -m3 -E '^==[0-9]+==ERROR|runtime error:|^fuzz_[a-z]+: |ALARM: working on the last Unit|out-of-memory|^SUMMARY' \
	"$flog" | sed 's/^/# /'
[ -n "$artifact" ] && echo "# reproduce: $bin $artifact"
exit 1
