// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * decoders/base/exe_check.c: which images an exec would start without
 * the shim.  Real images: /bin/true, tests/progs/exerciser_static (gcc
 * -static), a static-pie built here when the compiler can, copies of
 * them set-user-ID, set-group-ID and with file capabilities (setcap),
 * scripts, files that are not images; hand-made ELF headers for the other
 * classes and machines.  Run as root, the AT_SECURE cases also run in a
 * child that became nobody (65534): root's own exec of a set-user-ID-root
 * program is not AT_SECURE.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/exe_check.h"
#include "tap.h"

#ifndef STATIC_PROG
#define STATIC_PROG "tests/progs/exerciser_static"
#endif
#define NOBODY 65534

static char dir[] = "/tmp/exe_check_test.XXXXXX";
static char shim[PATH_MAX];
static bool have_static;

static const char *at(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static bool copy_file(const char *from, const char *name, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;
	bool ok = true;

	if (in < 0)
		return false;
	out = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (out < 0) {
		close(in);
		return false;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ok = ok && write(out, buf, (size_t)n) == n;
	close(in);
	close(out);
	return ok && n == 0 && chmod(at(name), mode) == 0;
}

static bool write_file(const char *name, const void *data, size_t len, mode_t mode)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0700);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok && chmod(at(name), mode) == 0;
}

static bool write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text), 0755);
}

/* exe_untraceable(AT_FDCWD, @path) is @rc with @why starting @prefix. */
static void expect(const char *path, const char *s, int rc, const char *prefix)
{
	char why[256];
	int got = exe_untraceable(AT_FDCWD, path, s, why, sizeof(why));

	tap_ok(got == rc && !strncmp(why, prefix, strlen(prefix)) && (rc || !*why),
	       "%s (shim %s): %d '%s' (want %d '%s...')", path, s ? s : "unchecked", got, why,
	       rc, prefix);
}

/* The same in a child that became uid/gid nobody. */
static void expect_nobody(const char *path, int rc, const char *prefix)
{
	char why[256] = "";
	int fds[2], got = -1, st;
	pid_t pid;

	if (geteuid() != 0) {
		tap_skip("not root", "%s as nobody", path);
		return;
	}
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		tap_ok(0, "%s as nobody: pipe/fork", path);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(99);
		got = exe_untraceable(AT_FDCWD, path, NULL, why, sizeof(why));
		(void)!write(fds[1], why, strlen(why));
		_exit(got);
	}
	close(fds[1]);
	(void)!read(fds[0], why, sizeof(why) - 1);
	close(fds[0]);
	if (waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		got = WEXITSTATUS(st);
	tap_ok(got == rc && !strncmp(why, prefix, strlen(prefix)),
	       "%s as nobody: %d '%s' (want %d '%s...')", path, got, why, rc, prefix);
}

static void images(void)
{
	expect("/bin/true", NULL, EXE_TRACEABLE, "");
	expect("/bin/true", shim, EXE_TRACEABLE, "");
	expect("/bin/true", "/nonexistent/libbpfspy.so", EXE_UNTRACED,
	       "shim not found at /nonexistent/libbpfspy.so");
	if (!have_static) {
		tap_skip(STATIC_PROG " was not built", "a gcc -static image");
		return;
	}
	expect(STATIC_PROG, shim, EXE_UNTRACED, EXE_WHY_STATIC);
	/* static comes first: no ld.so would look for the shim */
	expect(STATIC_PROG, "/nonexistent/libbpfspy.so", EXE_UNTRACED, EXE_WHY_STATIC);
}

/* gcc -static-pie: ET_DYN without PT_INTERP. */
static void static_pie(void)
{
	char cmd[3 * PATH_MAX];

	if (!write_text("spie.c", "int main(void) { return 0; }\n")) {
		tap_ok(0, "static-pie source");
		return;
	}
	snprintf(cmd, sizeof(cmd), "${CC:-cc} -static-pie -o %s %s >/dev/null 2>&1",
		 at("spie"), at("spie.c"));
	if (system(cmd) != 0) {
		tap_skip("the compiler cannot link -static-pie", "a static-pie image");
		return;
	}
	expect(at("spie"), shim, EXE_UNTRACED, EXE_WHY_STATIC);
}

static void not_images(void)
{
	static const char text[] = "just words\n";

	expect(at("missing"), shim, EXE_NOEXEC, "not found");
	expect(dir, shim, EXE_NOEXEC, "not a regular file");
	write_file("text", text, sizeof(text) - 1, 0755);
	expect(at("text"), shim, EXE_NOEXEC, "not executable");
	copy_file("/bin/true", "true-noexec", 0644);
	expect(at("true-noexec"), shim, EXE_NOEXEC, "not executable");
	write_file("empty", "", 0, 0755);
	expect(at("empty"), shim, EXE_NOEXEC, "not executable");
}

static void setid(void)
{
	copy_file("/bin/true", "suid", 04755);
	copy_file("/bin/true", "sgid", 02755);
	copy_file("/bin/true", "sgid-nox", 02745);
	if (geteuid() != 0) {
		/* our own set-user-ID file: the effective UID does not change */
		expect(at("suid"), shim, EXE_TRACEABLE, "");
		tap_skip("not root", "set-user-ID and set-group-ID of another user");
		return;
	}
	/* root running set-user-ID-root, as ping or sudo: not AT_SECURE */
	expect(at("suid"), shim, EXE_TRACEABLE, "");
	expect_nobody(at("suid"), EXE_UNTRACED, EXE_WHY_SETUID);
	/* set-user-ID nobody, run by root */
	if (chown(at("suid"), NOBODY, 0) != 0 || chmod(at("suid"), 04755) != 0)
		tap_ok(0, "chown nobody");
	expect(at("suid"), shim, EXE_UNTRACED, EXE_WHY_SETUID);
	expect_nobody(at("suid"), EXE_TRACEABLE, "");
	/* execute-only (sudo is 4111 in places): judged by mode and owner */
	copy_file("/bin/true", "suid-xonly", 04111);
	expect_nobody(at("suid-xonly"), EXE_UNTRACED, EXE_WHY_SETUID);
	if (chown(at("sgid"), 0, NOBODY) != 0 || chmod(at("sgid"), 02755) != 0)
		tap_ok(0, "chgrp nobody");
	expect(at("sgid"), shim, EXE_UNTRACED, EXE_WHY_SETGID);
	/* S_ISGID without group execute is mandatory locking, not set-group-ID */
	if (chown(at("sgid-nox"), 0, NOBODY) != 0 || chmod(at("sgid-nox"), 02745) != 0)
		tap_ok(0, "chgrp nobody");
	expect(at("sgid-nox"), shim, EXE_TRACEABLE, "");
}

static int setcap(const char *caps, const char *name)
{
	char cmd[2 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "setcap %s %s >/dev/null 2>&1", caps, at(name));
	return system(cmd);
}

static void file_caps(void)
{
	if (system("command -v setcap >/dev/null 2>&1") != 0) {
		tap_skip("setcap is not installed (libcap2-bin)", "file capabilities");
		return;
	}
	copy_file("/bin/true", "caps", 0755);
	copy_file("/bin/true", "caps-inh", 0755);
	if (setcap("cap_net_raw+ep", "caps") != 0 || setcap("cap_net_raw+i", "caps-inh") != 0) {
		tap_skip("setcap failed (not root, or no xattrs here)", "file capabilities");
		return;
	}
	/* a real UID of 0 makes file capabilities no AT_SECURE */
	expect(at("caps"), shim, geteuid() ? EXE_UNTRACED : EXE_TRACEABLE,
	       geteuid() ? EXE_WHY_CAPS : "");
	expect_nobody(at("caps"), EXE_UNTRACED, EXE_WHY_CAPS);
	/* inheritable only: nobody has none to inherit, nothing is gained */
	expect_nobody(at("caps-inh"), EXE_TRACEABLE, "");
}

static void scripts(void)
{
	char text[PATH_MAX + 64], path[PATH_MAX + 64];
	const char *old = getenv("PATH");

	write_text("sh.sh", "#!/bin/sh\nexit 0\n");
	expect(at("sh.sh"), shim, EXE_TRACEABLE, "");
	write_text("sh-args.sh", "#! /bin/sh -e  \nexit 0\n");
	expect(at("sh-args.sh"), shim, EXE_TRACEABLE, "");
	write_text("gone.sh", "#!/nonexistent/interp\n");
	expect(at("gone.sh"), shim, EXE_NOEXEC, "not found (interpreter /nonexistent/interp)");
	write_text("bare.sh", "#!\n");
	expect(at("bare.sh"), shim, EXE_NOEXEC, "a #! script without interpreter");
	if (!have_static)
		return;
	snprintf(text, sizeof(text), "#!%s\n", STATIC_PROG);
	write_text("static.sh", text);
	snprintf(path, sizeof(path), EXE_WHY_STATIC " (interpreter %s)", STATIC_PROG);
	expect(at("static.sh"), shim, EXE_UNTRACED, path);
	/* a script whose interpreter is that script: still the static one */
	snprintf(text, sizeof(text), "#!%s\n", at("static.sh"));
	write_text("static2.sh", text);
	expect(at("static2.sh"), shim, EXE_UNTRACED, path);
	/* #!/usr/bin/env NAME: NAME through $PATH */
	copy_file(STATIC_PROG, "static-tool", 0755);
	write_text("env.sh", "#!/usr/bin/env static-tool\n");
	setenv("PATH", dir, 1);
	snprintf(path, sizeof(path), EXE_WHY_STATIC " (interpreter %s)", at("static-tool"));
	expect(at("env.sh"), shim, EXE_UNTRACED, path);
	setenv("PATH", "/nonexistent", 1);
	expect(at("env.sh"), shim, EXE_TRACEABLE, "");
	setenv("PATH", old ? old : "/usr/bin:/bin", 1);
}

/* A minimal native-endian ELF header with one program header. */
static void fake_elf(const char *name, int class, unsigned machine, unsigned type,
		     uint32_t ptype)
{
	unsigned char img[256] = { 0 };
	Elf64_Ehdr *e64 = (Elf64_Ehdr *)img;
	Elf32_Ehdr *e32 = (Elf32_Ehdr *)img;

	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = (unsigned char)class;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	if (class == ELFCLASS64) {
		e64->e_type = (uint16_t)type;
		e64->e_machine = (uint16_t)machine;
		e64->e_phoff = sizeof(*e64);
		e64->e_phentsize = sizeof(Elf64_Phdr);
		e64->e_phnum = 1;
		memcpy(img + sizeof(*e64), &ptype, sizeof(ptype));
	} else {
		e32->e_type = (uint16_t)type;
		e32->e_machine = (uint16_t)machine;
		e32->e_phoff = sizeof(*e32);
		e32->e_phentsize = sizeof(Elf32_Phdr);
		e32->e_phnum = 1;
		memcpy(img + sizeof(*e32), &ptype, sizeof(ptype));
	}
	write_file(name, img, sizeof(img), 0755);
}

static void elf_kinds(void)
{
	fake_elf("elf32-dyn", ELFCLASS32, EM_386, ET_EXEC, PT_INTERP);
	expect(at("elf32-dyn"), shim, EXE_UNTRACED, EXE_WHY_CLASS);
	fake_elf("elf32-static", ELFCLASS32, EM_386, ET_EXEC, PT_LOAD);
	expect(at("elf32-static"), shim, EXE_UNTRACED, EXE_WHY_STATIC);
	fake_elf("elf-arm64", ELFCLASS64, EM_AARCH64, ET_DYN, PT_INTERP);
	expect(at("elf-arm64"), shim, EXE_UNTRACED, EXE_WHY_MACHINE);
	fake_elf("elf-rel", ELFCLASS64, EM_X86_64, ET_REL, PT_INTERP);
	expect(at("elf-rel"), shim, EXE_NOEXEC, "not an executable ELF image");
	fake_elf("elf-dyn", ELFCLASS64, EM_X86_64, ET_DYN, PT_INTERP);
	expect(at("elf-dyn"), shim, EXE_TRACEABLE, "");
	/* the program headers past the end of the file */
	write_file("elf-cut", "\177ELF\2\1\1", 7, 0755);
	expect(at("elf-cut"), shim, EXE_NOEXEC, "not an executable ELF image");
}

/* execveat(dirfd, path) and fexecve(fd): the same answers. */
static void by_fd(void)
{
	char why[256];
	int d = open(dir, O_RDONLY | O_DIRECTORY), t = open("/bin/true", O_RDONLY);
	int p = have_static ? open(STATIC_PROG, O_PATH) : -1;

	tap_ok(exe_untraceable(d, "sh.sh", shim, why, sizeof(why)) == EXE_TRACEABLE,
	       "dirfd + relative path: '%s'", why);
	tap_ok(exe_untraceable(d, "missing", shim, why, sizeof(why)) == EXE_NOEXEC,
	       "dirfd + missing: '%s'", why);
	tap_ok(exe_untraceable(t, "", shim, why, sizeof(why)) == EXE_TRACEABLE,
	       "fd of /bin/true: '%s'", why);
	if (p >= 0)
		tap_ok(exe_untraceable(p, NULL, shim, why, sizeof(why)) == EXE_UNTRACED &&
			       !strcmp(why, EXE_WHY_STATIC),
		       "O_PATH fd of the static image: '%s'", why);
	close(d);
	close(t);
	if (p >= 0)
		close(p);
}

static void contract(void)
{
	char why[8];
	int rc;

	errno = 1234;
	rc = exe_untraceable(AT_FDCWD, at("missing"), shim, why, sizeof(why));
	tap_ok(errno == 1234, "errno kept (%d)", errno);
	tap_ok(rc == EXE_NOEXEC && strlen(why) < sizeof(why), "why fits its buffer: '%s'", why);
	tap_ok(exe_untraceable(AT_FDCWD, "/bin/true", "/nonexistent/x", why, 1) == EXE_UNTRACED &&
		       !why[0],
	       "a 1-byte why is terminated");
	tap_ok(exe_why_secure(EXE_WHY_SETUID) && exe_why_secure(EXE_WHY_CAPS) &&
		       exe_why_secure(EXE_WHY_SETGID " (interpreter /x)") &&
		       !exe_why_secure(EXE_WHY_STATIC) && !exe_why_secure(NULL),
	       "exe_why_secure");
}

static void search(void)
{
	char out[PATH_MAX];
	const char *old = getenv("PATH");

	setenv("PATH", "/nonexistent::/usr/bin:/bin", 1);
	tap_ok(exe_search("true", out, sizeof(out)) == 0 && !strcmp(out, "/usr/bin/true"),
	       "search true: %s", out);
	tap_ok(exe_search("./x/y", out, sizeof(out)) == 0 && !strcmp(out, "./x/y"),
	       "a path is not searched");
	tap_ok(exe_search("no-such-program-here", out, sizeof(out)) == -1, "not found");
	tap_ok(exe_search("", out, sizeof(out)) == -1, "empty name");
	tap_ok(exe_search("true", out, 8) == -1, "does not fit");
	/* a directory named like the program is skipped */
	if (mkdir(at("true"), 0755) == 0) {
		snprintf(out, sizeof(out), "%s:/usr/bin", dir);
		setenv("PATH", out, 1);
		tap_ok(exe_search("true", out, sizeof(out)) == 0 && !strcmp(out, "/usr/bin/true"),
		       "a directory in the way is skipped: %s", out);
	}
	unsetenv("PATH");
	tap_ok(exe_search("true", out, sizeof(out)) == 0 && !strcmp(out, "/bin/true"),
	       "no PATH: /bin:/usr/bin: %s", out);
	setenv("PATH", old ? old : "/usr/bin:/bin", 1);
}

int main(void)
{
	char cmd[PATH_MAX + 16];
	struct stat st;

	if (!mkdtemp(dir) || chmod(dir, 0755) != 0) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	snprintf(shim, sizeof(shim), "%s/libbpfspy.so", dir);
	write_file("libbpfspy.so", "", 0, 0644);
	have_static = stat(STATIC_PROG, &st) == 0;
	images();
	static_pie();
	not_images();
	setid();
	file_caps();
	scripts();
	elf_kinds();
	by_fd();
	contract();
	search();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return tap_done();
}
