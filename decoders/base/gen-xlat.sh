#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# gen-xlat.sh: build the symbol tables from decoders/xlat/*.in.
#
#   sh gen-xlat.sh OUTPREFIX file1.in file2.in ...
#
# writes OUTPREFIX.h (one "extern const struct xlat xlat_<basename>;" per
# input, and per entry the constants XV_NAME (value) and, in enums, XS_NAME
# (release),
# per table XMAX_<basename>) and OUTPREFIX.c (the entry arrays, sorted by value so xlat_find()
# can binary-search, and the struct xlat objects).
#
# Input format, one table per file:
#
#   #kind enum            (first line; "enum" or "flags")
#   # comment             (anywhere; also after an entry)
#   NAME VALUE SINCE      (VALUE decimal or 0x-hex; SINCE "4.15" or "-")
#
# A malformed line stops the run with "file:line: reason" and exit 1.  The
# outputs are written to temporary files first and renamed at the end, so a
# failed run never leaves a half-written table behind.

set -eu

prog=gen-xlat.sh

if [ $# -lt 2 ]; then
	echo "usage: $prog OUTPREFIX file.in..." >&2
	exit 2
fi

out=$1
shift

tmp_h="$out.h.tmp.$$"
tmp_c="$out.c.tmp.$$"
cleanup() {
	rm -f "$tmp_h" "$tmp_c"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# Table names come from file names and become C identifiers.
for f in "$@"; do
	base=${f##*/}
	case $base in
	*.in) ;;
	*) echo "$f: not a .in file" >&2; exit 1 ;;
	esac
	base=${base%.in}
	if [ ! -s "$f" ]; then
		echo "$f: missing or empty" >&2
		exit 1
	fi
	case $base in
	'' | [0-9]* | *[!A-Za-z0-9_]*)
		echo "$f: table name '$base' is not a C identifier" >&2
		exit 1 ;;
	esac
done

awk -v tmp_h="$tmp_h" -v tmp_c="$tmp_c" -v guard="BPFSPY_XLAT_TABLES_H" '
function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

# Numeric value of a decimal or 0x-hex literal.  awk numbers are doubles,
# so refuse anything past 2^53 rather than sort it wrongly.
function literal_value(s,    i, d, v, digits) {
	if (s ~ /^0[xX][0-9a-fA-F]+$/) {
		digits = tolower(substr(s, 3))
		sub(/^0+/, "", digits)
		if (length(digits) > 13)
			fail("value " s " too large")
		v = 0
		for (i = 1; i <= length(digits); i++) {
			d = index("0123456789abcdef", substr(digits, i, 1)) - 1
			v = v * 16 + d
		}
		return v
	}
	if (s ~ /^0[0-9]+$/)
		fail("bad value " s " (a leading 0 would make it octal in C)")
	if (s ~ /^[0-9]+$/) {
		digits = s
		sub(/^0+/, "", digits)
		if (length(digits) > 15)
			fail("value " s " too large")
		return s + 0
	}
	fail("bad value \"" s "\" (want decimal or 0x-hex)")
}

function is_single_bit(v) {
	if (v == 0)
		return 1
	while (v > 1) {
		if (v % 2)
			return 0
		v = v / 2
	}
	return 1
}

function table_name(file,    b) {
	b = file
	sub(/.*\//, "", b)
	sub(/\.in$/, "", b)
	return b
}

# Emit the table collected from the previous file.
function flush_table(    i, j, tv, tn, tl, ts, tr) {
	if (cur == "")
		return
	if (kind == "")
		fail("missing #kind line")
	if (n == 0) {
		printf "%s: no entries\n", curfile > "/dev/stderr"
		failed = 1
		exit 1
	}
	# Insertion sort by value; tables are small.
	for (i = 2; i <= n; i++) {
		tv = val[i]; tn = nam[i]; tl = lit[i]; ts = since[i]; tr = row[i]
		for (j = i - 1; j >= 1 && val[j] > tv; j--) {
			val[j + 1] = val[j]; nam[j + 1] = nam[j]
			lit[j + 1] = lit[j]; since[j + 1] = since[j]
			row[j + 1] = row[j]
		}
		val[j + 1] = tv; nam[j + 1] = tn; lit[j + 1] = tl
		since[j + 1] = ts; row[j + 1] = tr
	}
	for (i = 2; i <= n; i++) {
		if (val[i] == val[i - 1]) {
			printf "%s:%d: %s has the value of %s (line %d)\n",
			       curfile, row[i], nam[i], nam[i - 1], row[i - 1] \
			       > "/dev/stderr"
			failed = 1
			exit 1
		}
	}

	print "extern const struct xlat xlat_" cur ";" > tmp_h
	# One constant per entry, so code names a value instead of
	# retyping it: XV_NAME its value, XS_NAME the release that added
	# it (enums only: a flag may stand in two tables, with one value
	# but two releases); XMAX_table the largest value.  The X*_
	# prefixes keep them apart from <linux/bpf.h>, which may be
	# included beside them.
	for (i = 1; i <= n; i++) {
		printf "#define XV_%s %s\n", nam[i], lit[i] > tmp_h
		if (kind == "enum")
			printf "#define XS_%s \"%s\"\n", nam[i], since[i] > tmp_h
	}
	printf "#define XMAX_%s %s\n\n", cur, lit[n] > tmp_h

	# The names and releases in one string per table, the entries
	# holding offsets into it: no pointer in the entries, so they need
	# no relocation when the shim is loaded (xlat.h).  Offset 0 is "".
	printf "\nstatic const char %s_str[] =\n\t\"\\0\"", cur > tmp_c
	off = 1
	for (i = 1; i <= n; i++) {
		name_off[i] = off
		printf "\n\t\"%s\\0\"", nam[i] > tmp_c
		off += length(nam[i]) + 1
		since_off[i] = 0
		if (since[i] != "") {
			since_off[i] = off
			printf " \"%s\\0\"", since[i] > tmp_c
			off += length(since[i]) + 1
		}
	}
	print ";" > tmp_c
	printf "static const struct xlat_entry %s_entries[] = {\n", cur > tmp_c
	for (i = 1; i <= n; i++)
		printf "\t{ %sULL, %d, %d },\n", lit[i], name_off[i], since_off[i] > tmp_c
	print "};" > tmp_c
	printf "const struct xlat xlat_%s = {\n", cur > tmp_c
	printf "\t\"%s\", %s, %s_entries, %d, %s_str\n", cur,
	       kind == "flags" ? "XLAT_FLAGS" : "XLAT_ENUM", cur, n, cur > tmp_c
	print "};" > tmp_c

	cur = ""
}

BEGIN {
	print "/* Generated by gen-xlat.sh from decoders/base/xlat/NAME.in: do not edit. */" > tmp_h
	print "#ifndef " guard > tmp_h
	print "#define " guard > tmp_h
	print "" > tmp_h
	print "struct xlat;" > tmp_h
	print "" > tmp_h

	print "/* Generated by gen-xlat.sh from decoders/base/xlat/NAME.in: do not edit. */" > tmp_c
	print "#include \"base/xlat.h\"" > tmp_c
}

FNR == 1 {
	flush_table()
	cur = table_name(FILENAME)
	curfile = FILENAME
	if (cur in seen_table)
		fail("table " cur " given twice")
	seen_table[cur] = 1
	kind = ""
	n = 0
	split("", val); split("", nam); split("", lit); split("", since)
	split("", row)
	split("", seen_name)

	if ($0 !~ /^#kind[ \t]/)
		fail("first line must be \"#kind enum\" or \"#kind flags\"")
	if (NF != 2 || ($2 != "enum" && $2 != "flags"))
		fail("bad #kind line (want enum or flags)")
	kind = $2
	next
}

{
	line = $0
	sub(/#.*/, "", line)
	if (line ~ /^[ \t\r]*$/)
		next
	nf = split(line, f, /[ \t]+/)
	# split() on a leading blank gives an empty first field.
	if (f[1] == "") {
		for (i = 1; i < nf; i++)
			f[i] = f[i + 1]
		nf--
	}
	if (f[nf] == "")
		nf--
	if (nf != 3)
		fail("want NAME VALUE SINCE, got " nf " field(s)")
	if (f[1] !~ /^[A-Za-z_][A-Za-z0-9_]*$/)
		fail("bad name \"" f[1] "\"")
	if (f[1] in seen_name)
		fail("duplicate name " f[1])
	if (f[3] != "-" && f[3] !~ /^[0-9]+(\.[0-9]+)+$/)
		fail("bad kernel release \"" f[3] "\" (want e.g. 4.15 or -)")

	v = literal_value(f[2])
	if (kind == "flags" && !is_single_bit(v))
		fail("flags entry " f[1] " is not a single bit")

	n++
	nam[n] = f[1]
	lit[n] = f[2]
	val[n] = v
	since[n] = f[3] == "-" ? "" : f[3]
	row[n] = FNR
	seen_name[f[1]] = 1
}

END {
	if (failed)
		exit 1
	flush_table()
	print "" > tmp_h
	print "#endif" > tmp_h
	close(tmp_h)
	close(tmp_c)
}
' "$@"

mv -f "$tmp_h" "$out.h"
mv -f "$tmp_c" "$out.c"
trap - EXIT
