#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: debian/ builds with dpkg-buildpackage -us -uc -b, the
# .deb has the right Depends and files, and bpfspy unpacked from it into a
# scratch root (dpkg -x) runs and traces.  Skips without dpkg-buildpackage
# or the build dependencies.

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

# The source as a package build sees it: the tracked files of a git
# checkout, or the (distributed) source tree.
copy_source() {
	local to=$1
	mkdir -p "$to"
	local top
	top=$(git -C "$SRCDIR" rev-parse --show-toplevel 2>/dev/null) || top=
	if [ -n "$top" ] && [ "$top" = "$(cd "$SRCDIR" && pwd -P)" ]; then
		(cd "$SRCDIR" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 cp --parents -t "$to")
	else
		# A release tree (make distcheck builds in its _build).
		tar -C "$SRCDIR" --exclude=./_build -cf - . | tar -C "$to" -xf -
		chmod -R u+w "$to"
	fi
}

setup_file() {
	B=$BATS_FILE_TMPDIR/build
	export B
	command -v dpkg-buildpackage >/dev/null 2>&1 || return 0
	[ -d "$SRCDIR/debian" ] || return 0
	(cd "$SRCDIR" && dpkg-checkbuilddeps) >"$BATS_FILE_TMPDIR/builddeps" 2>&1 || return 0
	copy_source "$B/src"
	(cd "$B/src" && DEB_BUILD_OPTIONS="nocheck noddebs parallel=2" dpkg-buildpackage -us -uc -b) \
		>"$B/build.log" 2>&1 || true
}

setup() {
	common_setup
	command -v dpkg-buildpackage >/dev/null 2>&1 || skip "dpkg-buildpackage is not installed (apt-get install dpkg-dev debhelper)"
	[ -d "$SRCDIR/debian" ] || skip "no debian/ in $SRCDIR"
	[ -s "$BATS_FILE_TMPDIR/builddeps" ] && skip "build dependencies missing: $(cat "$BATS_FILE_TMPDIR/builddeps")"
	DEB=$(ls "$B"/bpfspy_*.deb 2>/dev/null | head -1)
	[ -n "$DEB" ] || { tail -30 "$B/build.log" >&2; echo "dpkg-buildpackage made no .deb" >&2; false; }
}

@test "package: the .deb's Depends name libunwind8 and libsystemd0 (dlopen()ed) and the libraries bpfspy links" {
	local dep
	dep=$(dpkg-deb -f "$DEB" Depends)
	[[ ", $dep," == *", libunwind8"[,\ ]* ]] || { echo "Depends: $dep" >&2; false; }
	# shlibs cannot see what is dlopen()ed: named by hand in debian/control
	[[ ", $dep," == *", libsystemd0"[,\ ]* ]] || { echo "Depends: $dep" >&2; false; }
	for want in libc6 libjson-c5 libseccomp2 libsystemd0; do
		[[ $dep == *"$want"* ]] || { echo "Depends lacks $want: $dep" >&2; false; }
	done
	expect_eq "$(dpkg-deb -f "$DEB" Package)" bpfspy Package
}

@test "package: the files are where Debian wants them, the completion where bash-completion says" {
	dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$T/files"
	local arch comp f
	arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	comp=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null || echo /usr/share/bash-completion/completions)
	for f in /usr/bin/bpfspy "/usr/lib/$arch/bpfspy/libbpfspy.so" "$comp/bpfspy" \
		/usr/share/man/man1/bpfspy.1.gz /usr/share/man/man5/bpfspy-trace.5.gz \
		/usr/share/doc/bpfspy/copyright /usr/share/doc/bpfspy/examples/bpfspy-collect.service \
		/usr/share/doc/bpfspy/examples/bpfspy-trace.conf; do
		grep -qxF "$f" "$T/files" || { echo "missing from the .deb: $f" >&2; cat "$T/files" >&2; false; }
	done
	expect_eq "$(grep -c '\.la$' "$T/files")" 0 "libtool archives"
}

@test "package: bpfspy unpacked with dpkg -x runs, finds its own shim, and traces" {
	require_bpf
	local root=$T/root want
	dpkg -x "$DEB" "$root"
	want=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$BUILDDIR/config.h")
	expect_eq "$("$root/usr/bin/bpfspy" --version)" "bpfspy $want" "--version"
	# The shim of the unpacked tree, not the build tree's or /usr's.
	run --separate-stderr env -u BPFSPY_PRELOAD_LIB "$root/usr/bin/bpfspy" shim-path
	expect_eq "$status" 0
	expect_match "$output" "^$root/usr/lib/.*/bpfspy/libbpfspy\\.so\$" shim-path
	run --separate-stderr env -u BPFSPY_PRELOAD_LIB "$root/usr/bin/bpfspy" run -o "$TRACE" -- "$EXERCISER" lookup 2
	expect_eq "$status" 0
	expect_valid "$TRACE"
	expect_eq "$(tc count "$TRACE" cmd=BPF_MAP_LOOKUP_ELEM)" 2 lookups
	"$root/usr/bin/bpfspy" report "$TRACE" >"$T/report"
	grep -q '^MAP_LOOKUP_ELEM  *2 ' "$T/report"
}

@test "package: the bash completion completes subcommands and run's options" {
	local root=$T/root comp
	dpkg -x "$DEB" "$root"
	comp=$(find "$root" -path '*/completions/bpfspy')
	[ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
	run bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		COMP_WORDS=(bpfspy sh); COMP_CWORD=1; COMP_LINE="bpfspy sh"; COMP_POINT=${#COMP_LINE}
		_bpfspy; echo "${COMPREPLY[*]}"
		COMP_WORDS=(bpfspy run --jo); COMP_CWORD=2; COMP_LINE="bpfspy run --jo"; COMP_POINT=${#COMP_LINE}
		_bpfspy; echo "${COMPREPLY[*]}"' sh "$comp"
	expect_eq "$status" 0
	expect_eq "${lines[0]}" shim-path "subcommand"
	expect_eq "${lines[1]}" --journal "run option"
}

@test "package: lintian finds no error" {
	command -v lintian >/dev/null 2>&1 || skip "lintian is not installed"
	local changes
	changes=$(ls "$B"/bpfspy_*.changes | head -1)
	run lintian --fail-on error "$changes"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[[ $output != *"E: "* ]] || { echo "$output" >&2; false; }
}
