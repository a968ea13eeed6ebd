// SPDX-License-Identifier: GPL-2.0-or-later
/* Whether an exec of an image would load the shim: see exe_check.h. */
#include "base/exe_check.h"

#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/jsonw.h"

#define HEAD_MAX 256   /* BINPRM_BUF_SIZE: what the kernel reads of a #! line */
#define DEPTH_MAX 5    /* the image and 4 interpreters (BINPRM_MAX_RECURSION) */
#define NEXT (-1)      /* judge_one(): go on with the interpreter in im->path */
#ifndef ST_VALID
#define ST_VALID 0x0020   /* f_flags is filled (linux/statfs.h) */
#endif

#if __SIZEOF_POINTER__ == 8
#define NATIVE_CLASS ELFCLASS64
#define WHY_CLASS EXE_WHY_CLASS
#else
#define NATIVE_CLASS ELFCLASS32
#define WHY_CLASS EXE_WHY_CLASS64
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_DATA ELFDATA2LSB
#else
#define NATIVE_DATA ELFDATA2MSB
#endif
#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#elif defined(__i386__)
#define NATIVE_MACHINE EM_386
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#elif defined(__arm__)
#define NATIVE_MACHINE EM_ARM
#elif defined(__riscv)
#define NATIVE_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define NATIVE_MACHINE EM_PPC64
#elif defined(__s390x__)
#define NATIVE_MACHINE EM_S390
#else
#define NATIVE_MACHINE EM_NONE   /* not checked */
#endif

/* The image being judged: the one exec'd, then its interpreters. */
struct image {
	char path[PATH_MAX];   /* relative to dirfd */
	int dirfd;
	int fd;
	bool opath;            /* only O_PATH could open it: bytes unread */
	struct stat st;
	char head[HEAD_MAX + 1];
};

/* ---- the reason ------------------------------------------------------------ */

static void why_append(char *why, size_t cap, const char *s)
{
	size_t len, n;

	if (!cap)
		return;
	len = strnlen(why, cap - 1);
	n = strlen(s);
	if (n > cap - 1 - len)
		n = cap - 1 - len;
	memcpy(why + len, s, n);
	why[len + n] = 0;
}

static int verdict(int rc, char *why, size_t cap, const char *a, const char *b)
{
	if (cap)
		why[0] = 0;
	why_append(why, cap, a);
	if (b)
		why_append(why, cap, b);
	return rc;
}

bool exe_why_secure(const char *why)
{
	static const char *const secure[] = { EXE_WHY_SETUID, EXE_WHY_SETGID, EXE_WHY_EUID,
					      EXE_WHY_EGID, EXE_WHY_CAPS };
	size_t i;

	for (i = 0; why && i < sizeof(secure) / sizeof(secure[0]); i++)
		if (!strncmp(why, secure[i], strlen(secure[i])))
			return true;
	return false;
}

/* ---- opening -------------------------------------------------------------- */

/* "/proc/self/fd/N" into @buf (32 bytes). */
static void fd_path(char *buf, int fd)
{
	static const char pre[] = "/proc/self/fd/";

	memcpy(buf, pre, sizeof(pre) - 1);
	buf[sizeof(pre) - 1 + fmt_u64(buf + sizeof(pre) - 1, (uint64_t)fd)] = 0;
}

static bool image_first(struct image *im, int dirfd, const char *path)
{
	im->fd = -1;
	im->dirfd = dirfd;
	if (!path || !*path) {   /* the fd itself, also an O_PATH one */
		fd_path(im->path, dirfd);
		im->dirfd = AT_FDCWD;
		return dirfd >= 0;
	}
	if (strlen(path) >= sizeof(im->path))
		return false;
	strcpy(im->path, path);
	return true;
}

/* 0, or the errno of opening it.  An execute-only file is opened O_PATH:
 * its mode and owner still say whether the exec is AT_SECURE. */
static int image_open(struct image *im)
{
	im->opath = false;
	im->fd = openat(im->dirfd, im->path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0 && errno == EACCES) {
		im->fd = openat(im->dirfd, im->path, O_PATH | O_CLOEXEC);
		im->opath = im->fd >= 0;
	}
	if (im->fd < 0)
		return errno;
	return fstat(im->fd, &im->st) == 0 ? 0 : errno;
}

/* ---- AT_SECURE, as commoncap.c decides it ---------------------------------- */

static bool on_nosuid(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 && (sf.f_flags & ST_VALID) && (sf.f_flags & ST_NOSUID);
}

static ssize_t caps_xattr(const struct image *im, unsigned char *buf, size_t cap)
{
	char proc[32];
	ssize_t n = fgetxattr(im->fd, "security.capability", buf, cap);

	if (n >= 0 || errno != EBADF)
		return n;
	fd_path(proc, im->fd);   /* O_PATH: by the magic link */
	return getxattr(proc, "security.capability", buf, cap);
}

static uint32_t le32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

/* The file's capabilities are effective at once, or grow the permitted
 * set beyond what this process has: fP | (fI & pI), the bounding set
 * taken as full. */
static bool caps_gained(const struct image *im)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct have[_LINUX_CAPABILITY_U32S_3];
	unsigned char x[XATTR_CAPS_SZ_3];
	ssize_t n = caps_xattr(im, x, sizeof(x));
	uint32_t magic;
	int words, i;

	if (n < 4)
		return false;
	magic = le32_at(x);
	words = (magic & VFS_CAP_REVISION_MASK) == VFS_CAP_REVISION_1 ? 1 : 2;
	if (n < 4 + 8 * words)
		return false;
	if (magic & VFS_CAP_FLAGS_EFFECTIVE)
		return true;
	if (syscall(SYS_capget, &hdr, have) != 0)
		return true;
	for (i = 0; i < words; i++) {
		uint32_t fp = le32_at(x + 4 + 8 * i), fi = le32_at(x + 8 + 8 * i);

		if ((fp | (fi & have[i].inheritable)) & ~have[i].permitted)
			return true;
	}
	return false;
}

/* The reason the exec would be AT_SECURE, or NULL. */
static const char *secure_why(const struct image *im)
{
	const struct stat *st = &im->st;
	bool honoured = !on_nosuid(im->fd);
	bool su = honoured && (st->st_mode & S_ISUID);
	bool sg = honoured && (st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP);
	uid_t uid = getuid();

	if ((su ? st->st_uid : geteuid()) != uid)
		return su ? EXE_WHY_SETUID : EXE_WHY_EUID;
	if ((sg ? st->st_gid : getegid()) != getgid())
		return sg ? EXE_WHY_SETGID : EXE_WHY_EGID;
	if (honoured && uid != 0 && caps_gained(im))
		return EXE_WHY_CAPS;
	return NULL;
}

/* ---- ELF -------------------------------------------------------------------- */

struct elf_hdr {
	unsigned type, machine, phnum, phentsize;
	uint64_t phoff;
};

#define ELF_HDR_FROM(e, h)                           \
	do {                                         \
		(h)->type = (e).e_type;              \
		(h)->machine = (e).e_machine;        \
		(h)->phnum = (e).e_phnum;            \
		(h)->phentsize = (e).e_phentsize;    \
		(h)->phoff = (e).e_phoff;            \
	} while (0)

/* The header of a native-endian ELF file of either class in @head. */
static bool elf_header(const char *head, size_t n, struct elf_hdr *h)
{
	Elf64_Ehdr e64;
	Elf32_Ehdr e32;
	size_t phsz;

	if (head[EI_CLASS] == ELFCLASS64 && n >= sizeof(e64)) {
		memcpy(&e64, head, sizeof(e64));
		ELF_HDR_FROM(e64, h);
		phsz = sizeof(Elf64_Phdr);
	} else if (head[EI_CLASS] == ELFCLASS32 && n >= sizeof(e32)) {
		memcpy(&e32, head, sizeof(e32));
		ELF_HDR_FROM(e32, h);
		phsz = sizeof(Elf32_Phdr);
	} else {
		return false;
	}
	/* what binfmt_elf takes */
	return (h->type == ET_EXEC || h->type == ET_DYN) && h->phentsize == phsz &&
	       h->phnum >= 1 && h->phnum * phsz <= 65536;
}

/* 1: a PT_INTERP program header, 0: none, -1: the table is unreadable.
 * p_type is the first word of a program header of either class. */
static int has_interp(int fd, const struct elf_hdr *h)
{
	char buf[512];
	unsigned per = sizeof(buf) / h->phentsize, i, k, got;
	uint32_t type;

	for (i = 0; i < h->phnum; i += got) {
		got = h->phnum - i < per ? h->phnum - i : per;
		if (pread(fd, buf, (size_t)got * h->phentsize,
			  (off_t)(h->phoff + (uint64_t)i * h->phentsize)) !=
		    (ssize_t)((size_t)got * h->phentsize))
			return -1;
		for (k = 0; k < got; k++) {
			memcpy(&type, buf + (size_t)k * h->phentsize, sizeof(type));
			if (type == PT_INTERP)
				return 1;
		}
	}
	return 0;
}

/* An ELF image ld.so would not start with the shim: why, or NULL (and
 * EXE_NOEXEC in *@rc for one the kernel refuses). */
static const char *elf_why(const struct image *im, size_t n, int *rc)
{
	const char *head = im->head;
	struct elf_hdr h;
	int interp;

	*rc = EXE_NOEXEC;
	if (n < EI_NIDENT)
		return "not an executable ELF image";
	*rc = EXE_UNTRACED;
	if (head[EI_DATA] != NATIVE_DATA)
		return EXE_WHY_MACHINE;
	*rc = EXE_NOEXEC;
	if (!elf_header(head, n, &h))
		return "not an executable ELF image";
	interp = has_interp(im->fd, &h);
	if (interp < 0)
		return "a truncated ELF image";
	*rc = EXE_UNTRACED;
	if (!interp)
		return EXE_WHY_STATIC;
	if (head[EI_CLASS] != NATIVE_CLASS)
		return WHY_CLASS;
	if (NATIVE_MACHINE != EM_NONE && h.machine != NATIVE_MACHINE)
		return EXE_WHY_MACHINE;
	return NULL;
}

/* ---- #! -------------------------------------------------------------------- */

static bool is_env(const char *interp)
{
	const char *base = strrchr(interp, '/');

	return !strcmp(base ? base + 1 : interp, "env");
}

/* The interpreter of the script in im->head (@n bytes) into im->path:
 * NEXT, or EXE_NOEXEC.  "#!/usr/bin/env NAME": NAME through $PATH. */
static int script_next(struct image *im, size_t n, char *why, size_t cap)
{
	char *p = im->head + 2, *name, *arg = NULL, *e;

	im->head[n] = 0;
	e = strchr(p, '\n');
	if (e)
		*e = 0;
	p += strspn(p, " \t");
	name = p;
	p += strcspn(p, " \t");
	if (*p) {
		*p++ = 0;
		p += strspn(p, " \t");
		arg = *p ? p : NULL;
	}
	if (!*name)
		return verdict(EXE_NOEXEC, why, cap, "a #! script without interpreter", NULL);
	im->dirfd = AT_FDCWD;
	if (arg && is_env(name) && arg[0] != '-' && !arg[strcspn(arg, " \t=")] &&
	    exe_search(arg, im->path, sizeof(im->path)) == 0)
		return NEXT;
	if (strlen(name) >= sizeof(im->path))
		return verdict(EXE_NOEXEC, why, cap, "interpreter name too long", NULL);
	strcpy(im->path, name);
	return NEXT;
}

/* ---- judging ---------------------------------------------------------------- */

static int open_failed(int err, char *why, size_t cap)
{
	if (err == ENOENT || err == ENOTDIR)
		return verdict(EXE_NOEXEC, why, cap, "not found", NULL);
	if (err == EACCES)
		return verdict(EXE_NOEXEC, why, cap, "not executable", NULL);
	/* anything else (EMFILE, ENOMEM...): the exec may well work; say
	 * nothing rather than something false */
	return verdict(EXE_TRACEABLE, why, cap, "", NULL);
}

/* What ld.so does with an image it would start: AT_SECURE, or the shim
 * missing from this root. */
static int judge_loaded(const struct image *im, const char *shim, char *why, size_t cap)
{
	const char *s = secure_why(im);

	if (s)
		return verdict(EXE_UNTRACED, why, cap, s, NULL);
	if (!shim || faccessat(AT_FDCWD, shim, R_OK, AT_EACCESS) == 0)
		return verdict(EXE_TRACEABLE, why, cap, "", NULL);
	return verdict(EXE_UNTRACED, why, cap,
		       errno == ENOENT || errno == ENOTDIR ? EXE_WHY_NO_SHIM :
							     EXE_WHY_SHIM_UNREADABLE,
		       shim);
}

/* One level: the verdict, or NEXT with the interpreter in im->path. */
static int judge_one(struct image *im, const char *shim, int depth, char *why, size_t cap)
{
	int err = image_open(im), rc;
	const char *s;
	ssize_t n;

	if (err)
		return open_failed(err, why, cap);
	if (!S_ISREG(im->st.st_mode))
		return verdict(EXE_NOEXEC, why, cap, "not a regular file", NULL);
	if (faccessat(im->dirfd, im->path, X_OK, AT_EACCESS) != 0)
		return verdict(EXE_NOEXEC, why, cap, "not executable", NULL);
	if (im->opath)   /* execute-only: taken as dynamically linked */
		return judge_loaded(im, shim, why, cap);
	n = pread(im->fd, im->head, HEAD_MAX, 0);
	if (n < 0)   /* EIO...: cannot tell */
		return verdict(EXE_TRACEABLE, why, cap, "", NULL);
	if (n >= 2 && im->head[0] == '#' && im->head[1] == '!') {
		if (depth + 1 >= DEPTH_MAX)
			return verdict(EXE_NOEXEC, why, cap, "too many interpreters", NULL);
		return script_next(im, (size_t)n, why, cap);
	}
	if (n < SELFMAG || memcmp(im->head, ELFMAG, SELFMAG))
		return verdict(EXE_NOEXEC, why, cap, "not executable: neither ELF nor #!", NULL);
	s = elf_why(im, (size_t)n, &rc);
	if (s)
		return verdict(rc, why, cap, s, NULL);
	return judge_loaded(im, shim, why, cap);
}

int exe_untraceable(int dirfd, const char *path, const char *shim_path, char *why, size_t cap)
{
	struct image im;
	int e = errno, rc = EXE_TRACEABLE, depth;

	if (cap)
		why[0] = 0;
	if (!image_first(&im, dirfd, path))
		return EXE_TRACEABLE;   /* no such exec can succeed: nothing to say */
	for (depth = 0; depth < DEPTH_MAX; depth++) {
		rc = judge_one(&im, shim_path, depth, why, cap);
		if (im.fd >= 0)
			close(im.fd);
		im.fd = -1;
		if (rc != NEXT)
			break;
	}
	if (depth > 0 && rc != EXE_TRACEABLE) {
		why_append(why, cap, " (interpreter ");
		why_append(why, cap, im.path);
		why_append(why, cap, ")");
	}
	errno = e;
	return rc;
}

/* ---- execvp's search ---------------------------------------------------------- */

static bool is_exec_file(const char *path)
{
	struct stat st;

	return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

int exe_search(const char *file, char *out, size_t cap)
{
	const char *dirs = getenv("PATH"), *d, *end;
	size_t fl = strlen(file), dl;
	int e = errno;

	if (strchr(file, '/')) {
		if (fl >= cap)
			return -1;
		memcpy(out, file, fl + 1);
		return 0;
	}
	if (!fl)
		return -1;
	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (d = dirs;; d = end + 1) {
		end = strchrnul(d, ':');
		dl = (size_t)(end - d);
		if (dl + 1 + fl < cap) {
			memcpy(out, dl ? d : ".", dl ? dl : 1);
			dl = dl ? dl : 1;
			out[dl] = '/';
			memcpy(out + dl + 1, file, fl + 1);
			if (is_exec_file(out)) {
				errno = e;
				return 0;
			}
		}
		if (!*end)
			break;
	}
	errno = e;
	return -1;
}
