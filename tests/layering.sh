#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# layering.sh SRCDIR: the include rules between the layers (HACKING.md),
# as TAP.  decoders/ is layered
#
#     base < syscall < libbpf < check, policy < event
#
# and a file may include only its own layer or lower ones, by a path that
# names the layer ("check/bpf_check.h").  check and policy, at the same
# rank, do not include each other.  preload/ (the shim) and src/ (the
# command) sit above all of decoders/ and never include each other.
set -u
src=${1:-$(cd "$(dirname "$0")/.." && pwd)}

rank() {
	case $1 in
	base) echo 0 ;; syscall) echo 1 ;; libbpf) echo 2 ;;
	check | policy) echo 3 ;; event) echo 4 ;;
	preload | src) echo 9 ;;
	*) echo -1 ;;
	esac
}

# Print one line per broken rule of file $2 (layer $1) under tree $3.
violations() {
	layer=$1 file=$2 tree=$3
	mine=$(rank "$layer")
	sed -n 's/^[ 	]*#[ 	]*include[ 	]*"\([^"]*\)".*/\1/p' "$file" |
	while read -r inc; do
		case $inc in
		*/*) dep=${inc%%/*} ;;
		*)
			# preload/ and src/ include their own headers by name;
			# in decoders/ every include names its layer
			case $layer in preload | src) continue ;; esac
			echo "${file#"$tree"/}: \"$inc\" does not name its layer"
			continue ;;
		esac
		theirs=$(rank "$dep")
		if [ "$theirs" -lt 0 ]; then
			echo "${file#"$tree"/}: \"$inc\" is in no layer"
		elif [ "$theirs" -gt "$mine" ] ||
		    { [ "$theirs" -eq "$mine" ] && [ "$dep" != "$layer" ]; }; then
			echo "${file#"$tree"/}: $layer includes \"$inc\" of $dep, a higher or sibling layer"
		fi
	done
}

# Every C file of tree $1: "layer file" lines.
files() {
	for d in "$1"/decoders/*/; do
		l=$(basename "$d")
		for f in "$d"*.c "$d"*.h "$d"*.def; do
			[ -f "$f" ] && echo "$l $f"
		done
	done
	for l in preload src; do
		for f in "$1/$l"/*.c "$1/$l"/*.h; do
			[ -f "$f" ] && echo "$l $f"
		done
	done
}

n=0 bad=0
out=$(mktemp)
trap 'rm -rf "$out" "${neg:-}"' EXIT
files "$src" >"$out.list"
total=$(($(wc -l <"$out.list") + 1))
echo "1..$total"
while read -r layer f; do
	n=$((n + 1))
	violations "$layer" "$f" "$src" >"$out"
	if [ -s "$out" ]; then
		echo "not ok $n - ${f#"$src"/}"
		sed 's/^/# /' "$out"
		bad=1
	else
		echo "ok $n - ${f#"$src"/}"
	fi
done <"$out.list"
rm -f "$out.list"

# The rule can fail: a base file that includes the checker is caught.
n=$((n + 1))
neg=$(mktemp -d)
mkdir -p "$neg/decoders/base"
printf '#include "check/bpf_check.h"\n' >"$neg/decoders/base/x.c"
if [ -n "$(violations base "$neg/decoders/base/x.c" "$neg")" ]; then
	echo "ok $n - a lower layer that includes a higher one is reported"
else
	echo "not ok $n - a lower layer that includes a higher one went unseen"
	bad=1
fi
exit $bad
