// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule table: what bpf(2) documents, one rule a row, each judged by a
 * small predicate over one call.  The texts quoted in "source" are from
 * the kernel's UAPI doc comment (include/uapi/linux/bpf.h as of March 2021,
 * Linux 5.13) or, for what it does not say, the kernel source that
 * decides (kernel/bpf/syscall.c, kernel/bpf/log.c); `bpfspy rules` prints
 * them and bpfspy(1) lists them.
 *
 * A predicate leaves the verdict V_NA when the rule does not apply, says
 * why in one line otherwise, and names the errno the rule predicts when
 * it explains a failure (bpf_check.c picks the explanation from those).
 */
#include "check/bpf_check.h"

#include "base/jsonw.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifndef ENOTSUPP
#define ENOTSUPP 524   /* the kernel's own "operation not supported" */
#endif

#define BPF_FS_MAGIC    0xcafe4a11u
#define MAP_TYPE_QUEUE  22
#define MAP_TYPE_STACK  23
#define MAP_TYPE_STRUCT_OPS 26
#define LOG_LEVEL_MASK  15u        /* BPF_LOG_LEVEL1|LEVEL2|STATS|FIXED */
#define LOG_SIZE_MAX    (UINT32_MAX >> 2)

static void say(struct bpf_judgement *j, enum bpf_verdict v, int predicts,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append @n bytes of @p to the line being made at *@at (cut at the end). */
static void why_put(struct bpf_judgement *j, size_t *at, const char *p, size_t n)
{
	size_t room = sizeof(j->why) - 1 - *at;

	n = n < room ? n : room;
	memcpy(j->why + *at, p, n);
	*at += n;
}

/*
 * @fmt made of text, %s, %u and %d only, formatted here: false (nothing
 * consumed of @ap) when it has another conversion.  Why not vsnprintf():
 * it costs ~660 instructions a call here, and the three rules every map
 * lookup meets ("zero on success", "no flags", the zero tail) were 40% of
 * what the collector spent rendering one (callgrind); this is ~90.
 */
static bool say_lite(struct bpf_judgement *j, const char *fmt, va_list ap)
{
	const char *p;
	size_t at = 0;
	char num[24];

	for (p = fmt; (p = strchr(p, '%')); p += 2)
		if (p[1] != 's' && p[1] != 'u' && p[1] != 'd')
			return false;
	for (p = fmt; *p;) {
		const char *q = strchr(p, '%');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		const char *str;
		int d;

		why_put(j, &at, p, n);
		if (!q)
			break;
		switch (q[1]) {
		case 's':
			str = va_arg(ap, const char *);
			why_put(j, &at, str ? str : "(null)", str ? strlen(str) : 6);
			break;
		case 'u':
			why_put(j, &at, num, fmt_u64(num, va_arg(ap, unsigned int)));
			break;
		default:
			d = va_arg(ap, int);
			if (d < 0)
				why_put(j, &at, "-", 1);
			why_put(j, &at, num, fmt_u64(num, d < 0 ? 0u - (unsigned)d : (unsigned)d));
		}
		p = q + 2;
	}
	j->why[at] = 0;
	return true;
}

static void say(struct bpf_judgement *j, enum bpf_verdict v, int predicts,
		const char *fmt, ...)
{
	va_list ap;

	j->v = v;
	j->predicts = predicts;
	va_start(ap, fmt);
	if (!say_lite(j, fmt, ap)) {
		va_end(ap);
		va_start(ap, fmt);
		vsnprintf(j->why, sizeof(j->why), fmt, ap);
	}
	va_end(ap);
}

static const char *ename(int e)
{
	const char *n = errno_name(e);

	return n ? n : "an unnamed errno";
}

static bool failed(const struct bpf_call *c)
{
	return c->ret < 0;
}

/* The field @name of the call's command, when the snapshot holds it. */
static const struct bpf_field *field(const struct bpf_check_in *in, const char *name)
{
	const struct bpf_cmd_desc *d = in->d;
	const struct bpf_field *found = NULL;
	uint16_t i;

	if (!d)
		return NULL;
	/* The arm whose selector holds; else the one field of that name
	 * (a selector can also mean "rendered elsewhere"). */
	for (i = 0; i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];

		if (strcmp(f->name, name))
			continue;
		if (!f->when || f->when(in->c)) {
			found = f;
			break;
		}
		if (!found)
			found = f;
	}
	return found && bpf_attr_has(in->c, found->off, found->size) ? found : NULL;
}

bool bpf_check_get(const struct bpf_check_in *in, const char *name, uint64_t *v)
{
	const struct bpf_field *f = field(in, name);

	if (!f)
		return false;
	*v = bpf_attr_get(in->c, f->off, f->size);
	return true;
}

static bool get(const struct bpf_check_in *in, const char *name, uint64_t *v)
{
	return bpf_check_get(in, name, v);
}

static bool get_post(const struct bpf_check_in *in, const char *name, uint64_t *v)
{
	const struct bpf_field *f = field(in, name);

	if (!f || !in->c->have_post || f->off + f->size > in->c->post_len)
		return false;
	*v = bpf_attr_get_post(in->c, f->off, f->size);
	return true;
}

static bool is_cmd(const struct bpf_call *c, uint32_t a, uint32_t b)
{
	return c->cmd == a || c->cmd == b;
}

/* ---- return contract ---------------------------------------------------- */

static void r_return(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;

	if (!in->d)
		return;
	if (c->ret == -1) {
		if (c->err)
			say(j, V_PASS, 0, "-1 with errno %s", ename(c->err));
		else
			say(j, V_FAIL, 0, "-1 without errno");
		return;
	}
	if (c->ret < 0) {
		say(j, V_FAIL, 0, "returned %lld: only -1 reports an error", (long long)c->ret);
		return;
	}
	switch (in->d->ret) {
	case RET_FD:
		say(j, V_PASS, 0, "a new fd, %lld", (long long)c->ret);
		return;
	case RET_COUNT:
		say(j, V_PASS, 0, "%lld bytes read", (long long)c->ret);
		return;
	}
	if (c->ret == 0)
		say(j, V_PASS, 0, "zero on success");
	else
		say(j, V_FAIL, 0, "returned %lld; %s returns zero on success",
		    (long long)c->ret, in->d->name);
}

static void r_cloexec(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint32_t f = c->facts.flags;

	if (!in->d || in->d->ret != RET_FD || failed(c))
		return;
	if (!(f & BPF_FACT_CLOEXEC_KNOWN))
		say(j, V_UNKNOWN, 0, "the flags of fd %lld were not read at the call",
		    (long long)c->ret);
	else if (f & BPF_FACT_CLOEXEC_SET)
		say(j, V_PASS, 0, "fd %lld has FD_CLOEXEC", (long long)c->ret);
	else
		say(j, V_FAIL, 0, "fd %lld lacks FD_CLOEXEC", (long long)c->ret);
}

/* ---- errno --------------------------------------------------------------- */

/* The errnos a command's text lists, and those the kernel is known to
 * return besides (bpf-abi.md §2.2): the latter are documentation drift. */
struct errno_doc {
	uint32_t cmd;
	int doc[8];
	int kernel[8];
};

static const struct errno_doc errno_docs[] = {
	{ XV_BPF_MAP_UPDATE_ELEM, { EINVAL, EPERM, ENOMEM, E2BIG, EEXIST, ENOENT },
	  { EBADF, EFAULT, ENOTSUPP, EBUSY, EOPNOTSUPP, ENOSPC } },
	{ XV_BPF_MAP_GET_NEXT_KEY, { ENOMEM, EFAULT, EPERM, EINVAL, ENOENT },
	  { EBADF, ENOTSUPP, E2BIG } },
	{ XV_BPF_PROG_TEST_RUN, { ENOSPC, ENOTSUPP },
	  { EINVAL, EFAULT, EBADF, EPERM, E2BIG, ENOMEM, EOPNOTSUPP } },
	{ XV_BPF_PROG_GET_NEXT_ID, { ENOENT }, { EINVAL, EPERM, EFAULT, E2BIG } },
	{ XV_BPF_MAP_GET_NEXT_ID, { ENOENT }, { EINVAL, EPERM, EFAULT, E2BIG } },
	{ XV_BPF_BTF_GET_NEXT_ID, { ENOENT }, { EINVAL, EPERM, EFAULT, E2BIG } },
	{ XV_BPF_LINK_GET_NEXT_ID, { ENOENT }, { EINVAL, EPERM, EFAULT, E2BIG } },
	{ XV_BPF_MAP_LOOKUP_BATCH, { ENOSPC, EFAULT },
	  { ENOENT, EINVAL, EPERM, EBADF, ENOTSUPP, ENOMEM, E2BIG } },
	{ XV_BPF_MAP_LOOKUP_AND_DELETE_BATCH, { ENOSPC, EFAULT },
	  { ENOENT, EINVAL, EPERM, EBADF, ENOTSUPP, ENOMEM, E2BIG } },
	{ XV_BPF_MAP_UPDATE_BATCH, { EINVAL, EPERM, ENOMEM, E2BIG, EEXIST, ENOENT, EFAULT },
	  { EBADF, ENOTSUPP, EBUSY } },
	{ XV_BPF_MAP_DELETE_BATCH, { EFAULT },
	  { ENOENT, EINVAL, EPERM, EBADF, ENOTSUPP, E2BIG } },
};

static bool in_set(const int *set, int e)
{
	unsigned i;

	for (i = 0; i < 8 && set[i]; i++)
		if (set[i] == e)
			return true;
	return false;
}

static void r_errno(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	const struct errno_doc *e = NULL;
	unsigned i;

	if (!failed(c) || !c->err)
		return;
	for (i = 0; i < sizeof(errno_docs) / sizeof(errno_docs[0]); i++)
		if (errno_docs[i].cmd == c->cmd)
			e = &errno_docs[i];
	if (!e)
		return;
	if (in_set(e->doc, c->err))
		say(j, V_PASS, 0, "%s is documented for %s", ename(c->err), in->d->name);
	else if (in_set(e->kernel, c->err))
		say(j, V_DRIFT, 0, "%s is not in %s's documented list; kernel %u.%u returns it",
		    ename(c->err), in->d->name, in->kver >> 8, in->kver & 0xff);
	else
		say(j, V_FAIL, 0, "%s is neither documented for %s nor a known kernel answer",
		    ename(c->err), in->d->name);
}

/* ---- flags --------------------------------------------------------------- */

static const char *const update_modes[] = { "BPF_ANY", "BPF_NOEXIST", "BPF_EXIST" };

static bool update_flags(const struct bpf_check_in *in, uint64_t *v)
{
	const struct bpf_call *c = in->c;

	if (c->cmd == XV_BPF_MAP_UPDATE_ELEM)
		return get(in, "flags", v);
	if (c->cmd == XV_BPF_MAP_UPDATE_BATCH)
		return get(in, "elem_flags", v);
	return false;
}

static void r_update_flags(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	uint64_t v, mode, extra;

	if (!update_flags(in, &v))
		return;
	mode = v & ~(uint64_t)XV_BPF_F_LOCK;
	extra = mode & ~(uint64_t)3;
	mode &= 3;
	if (!extra && mode <= XV_BPF_EXIST) {
		say(j, V_PASS, 0, "%s%s", update_modes[mode], v & XV_BPF_F_LOCK ? "|BPF_F_LOCK" : "");
		return;
	}
	if (mode <= XV_BPF_EXIST && !(extra & ~(uint64_t)(XV_BPF_F_CPU | XV_BPF_F_ALL_CPUS |
						   0xffffffff00000000ull)) &&
	    !failed(in->c)) {
		say(j, V_DRIFT, 0, "flags 0x%llx use BPF_F_CPU/BPF_F_ALL_CPUS, which kernel %u.%u "
		    "accepts and the text does not list", (unsigned long long)v,
		    in->kver >> 8, in->kver & 0xff);
		return;
	}
	say(j, V_FAIL, EINVAL, "flags 0x%llx are not one of BPF_ANY, BPF_NOEXIST, BPF_EXIST "
	    "(optionally with BPF_F_LOCK)", (unsigned long long)v);
}

static void r_update_errno(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t v;

	if (!failed(c) || (c->err != EEXIST && c->err != ENOENT) || !update_flags(in, &v))
		return;
	v &= 3;
	if (c->err == EEXIST && v == XV_BPF_NOEXIST)
		say(j, V_PASS, EEXIST, "the key exists and flags say BPF_NOEXIST");
	else if (c->err == ENOENT && v == XV_BPF_EXIST)
		say(j, V_PASS, ENOENT, "the key does not exist and flags say BPF_EXIST");
	else
		say(j, V_FAIL, 0, "%s without %s (flags mode %s)", ename(c->err),
		    c->err == EEXIST ? "BPF_NOEXIST" : "BPF_EXIST",
		    v < 3 ? update_modes[v] : "3");
}

static void r_lookup_flags(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t v;
	bool ok;

	if (is_cmd(c, XV_BPF_MAP_LOOKUP_ELEM, XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM))
		ok = get(in, "flags", &v);
	else if (is_cmd(c, XV_BPF_MAP_LOOKUP_BATCH, XV_BPF_MAP_LOOKUP_AND_DELETE_BATCH))
		ok = get(in, "elem_flags", &v);
	else
		return;
	if (!ok)
		return;
	if (!(v & ~(uint64_t)XV_BPF_F_LOCK)) {
		say(j, V_PASS, 0, "%s", v ? "BPF_F_LOCK" : "no flags");
		return;
	}
	if (c->cmd != XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM && !failed(c) &&
	    !(v & ~(uint64_t)(XV_BPF_F_LOCK | XV_BPF_F_CPU | 0xffffffff00000000ull))) {
		say(j, V_DRIFT, 0, "flags 0x%llx use BPF_F_CPU, which kernel %u.%u accepts and "
		    "the text does not list", (unsigned long long)v, in->kver >> 8, in->kver & 0xff);
		return;
	}
	say(j, V_FAIL, EINVAL, "flags 0x%llx: only BPF_F_LOCK is documented for a lookup",
	    (unsigned long long)v);
}

/* ---- id and key iteration --------------------------------------------------- */

static void r_next_id(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t start, next;

	if (c->cmd != XV_BPF_PROG_GET_NEXT_ID && c->cmd != XV_BPF_MAP_GET_NEXT_ID &&
	    c->cmd != XV_BPF_BTF_GET_NEXT_ID && c->cmd != XV_BPF_LINK_GET_NEXT_ID)
		return;
	if (!get(in, "start_id", &start))
		return;
	if (failed(c)) {
		if (c->err == ENOENT)
			say(j, V_PASS, ENOENT, "no id above start_id %llu remains",
			    (unsigned long long)start);
		return;
	}
	if (!get_post(in, "next_id", &next))
		say(j, V_UNKNOWN, 0, "next_id was not read back");
	else if (next > start)
		say(j, V_PASS, 0, "next_id %llu > start_id %llu", (unsigned long long)next,
		    (unsigned long long)start);
	else
		say(j, V_FAIL, 0, "next_id %llu is not above start_id %llu",
		    (unsigned long long)next, (unsigned long long)start);
}

static void r_next_key(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	const uint8_t *k, *nk;
	uint32_t klen = 0, nlen = 0;
	uint64_t key;

	if (c->cmd != XV_BPF_MAP_GET_NEXT_KEY || !get(in, "key", &key))
		return;
	if (failed(c)) {
		if (c->err == ENOENT)
			say(j, V_PASS, ENOENT, key ? "the key was the last element"
						   : "the map is empty");
		return;
	}
	if (!key) {
		say(j, V_DRIFT, 0, "key NULL returned the first key: kernels since 4.12 do this; "
		    "the text only covers a key that is not found");
		return;
	}
	k = bpf_call_blob(c, BLOB_KEY, &klen);
	nk = bpf_call_blob(c, BLOB_NEXT_KEY, &nlen);
	if (!k || !nk || klen != nlen)
		say(j, V_UNKNOWN, 0, "key and next_key bytes were not captured");
	else if (klen && !memcmp(k, nk, klen))
		say(j, V_FAIL, 0, "next_key equals key");
	else
		say(j, V_PASS, 0, "next_key differs from key");
}

/* ---- pinning ----------------------------------------------------------------- */

static const char *fs_name(uint64_t magic)
{
	switch (magic) {
	case 0xEF53: return "ext2/3/4";
	case 0x01021994: return "tmpfs";
	case 0x9fa0: return "procfs";
	case 0x62656572: return "sysfs";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	case 0x794c7630: return "overlayfs";
	case 0x74726163: return "tracefs";
	case 0x64626720: return "debugfs";
	case 0x27e0eb: return "cgroup";
	case 0x63677270: return "cgroup2";
	}
	return "another filesystem";
}

static void r_pin_path(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_facts *f = &in->c->facts;

	if (in->c->cmd != XV_BPF_OBJ_PIN)
		return;
	if (f->flags & BPF_FACT_PIN_DOT) {
		say(j, V_FAIL, EPERM, "the pathname's last component contains a dot");
		return;
	}
	if (f->pin_statfs_err) {
		say(j, V_UNKNOWN, f->pin_statfs_err == ENOENT ? ENOENT : 0,
		    "the pathname's parent directory could not be examined: %s",
		    ename(f->pin_statfs_err));
		return;
	}
	if (!(f->flags & BPF_FACT_PIN_KNOWN)) {
		say(j, V_UNKNOWN, 0, "the pathname's parent directory was not examined");
		return;
	}
	if (f->pin_fstype == BPF_FS_MAGIC)
		say(j, V_PASS, 0, "the parent directory is on a BPF filesystem");
	else
		say(j, V_FAIL, EPERM, "the pathname's parent directory is on %s (f_type 0x%llx), "
		    "not a BPF filesystem (BPF_FS_MAGIC 0xcafe4a11)", fs_name(f->pin_fstype),
		    (unsigned long long)f->pin_fstype);
}

/* ---- map types ---------------------------------------------------------------- */

static const char *map_type_name(int t)
{
	const char *n = t >= 0 ? xlat_name(&xlat_bpf_map_type, (uint64_t)t) : NULL;

	return n ? n : "an unknown type";
}

static void r_pop_key(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t key;

	if (c->cmd != XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM || !get(in, "key", &key))
		return;
	if (in->map_type < 0) {
		say(j, V_UNKNOWN, 0, "the map's type is unknown");
		return;
	}
	if (in->map_type == MAP_TYPE_QUEUE || in->map_type == MAP_TYPE_STACK) {
		if (key)
			say(j, V_FAIL, EINVAL, "key is 0x%llx on a %s map: it must be zeroed",
			    (unsigned long long)key, map_type_name(in->map_type));
		else
			say(j, V_PASS, 0, "a pop from a %s map with key zeroed",
			    map_type_name(in->map_type));
		return;
	}
	if (!failed(c))
		say(j, V_DRIFT, 0, "kernel %u.%u runs it on a %s map; the text allows only "
		    "QUEUE and STACK (hash maps since 5.14)", in->kver >> 8, in->kver & 0xff,
		    map_type_name(in->map_type));
	else
		say(j, V_PASS, 0, "refused on a %s map, as the text says",
		    map_type_name(in->map_type));
}

static void r_freeze(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;

	if (c->cmd != XV_BPF_MAP_FREEZE)
		return;
	if (in->map_type < 0)
		say(j, V_UNKNOWN, 0, "the map's type is unknown");
	else if (in->map_type != MAP_TYPE_STRUCT_OPS)
		say(j, V_PASS, 0, "a %s map", map_type_name(in->map_type));
	else if (failed(c))
		say(j, V_PASS, c->err, "a STRUCT_OPS map cannot be frozen");
	else
		say(j, V_FAIL, 0, "a STRUCT_OPS map was frozen");
}

/* The commands that alter a map's state from a syscall. */
static bool alters_map(uint32_t cmd)
{
	switch (cmd) {
	case XV_BPF_MAP_UPDATE_ELEM:
	case XV_BPF_MAP_DELETE_ELEM:
	case XV_BPF_MAP_LOOKUP_AND_DELETE_ELEM:
	case XV_BPF_MAP_UPDATE_BATCH:
	case XV_BPF_MAP_DELETE_BATCH:
	case XV_BPF_MAP_LOOKUP_AND_DELETE_BATCH:
		return true;
	}
	return false;
}

static void r_frozen(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	int fd = bpf_call_map_fd(c);
	unsigned i;

	if (!alters_map(c->cmd) || fd < 0)
		return;
	for (i = 0; i < c->nnotes && i < BPF_FD_NOTES; i++)
		if (c->notes[i].fd == fd && c->notes[i].kind == OBJ_MAP && c->notes[i].frozen)
			break;
	if (i == c->nnotes || i == BPF_FD_NOTES)
		return;   /* not known to be frozen */
	if (!failed(c))
		say(j, V_FAIL, 0, "%s altered a frozen map", in->d->name);
	else if (c->err == EPERM)
		say(j, V_PASS, EPERM, "the map is frozen: no syscall may alter it");
	else
		say(j, V_PASS, 0, "refused (%s) on a frozen map", ename(c->err));
}

/* ---- batches --------------------------------------------------------------------- */

static void r_batch_zeroed(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	static const char *const names[] = { "in_batch", "out_batch", "values" };
	unsigned n = c->cmd == XV_BPF_MAP_DELETE_BATCH ? 3 : 2, i;
	uint64_t v;

	if (c->cmd != XV_BPF_MAP_UPDATE_BATCH && c->cmd != XV_BPF_MAP_DELETE_BATCH)
		return;
	for (i = 0; i < n; i++) {
		if (!get(in, names[i], &v) || !v)
			continue;
		say(j, V_FAIL, 0, "%s is 0x%llx: the text says it is ignored and should be zeroed",
		    names[i], (unsigned long long)v);
		return;
	}
	say(j, V_PASS, 0, "%s zeroed", n == 3 ? "in_batch, out_batch and values"
					      : "in_batch and out_batch");
}

static void r_batch_count(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t want, done;

	if (c->cmd < XV_BPF_MAP_LOOKUP_BATCH || c->cmd > XV_BPF_MAP_DELETE_BATCH)
		return;
	if ((failed(c) && c->err == EFAULT) || !get(in, "count", &want))
		return;
	if (!get_post(in, "count", &done))
		say(j, V_UNKNOWN, 0, "count was not read back");
	else if (done <= want)
		say(j, V_PASS, 0, "count %llu of %llu processed", (unsigned long long)done,
		    (unsigned long long)want);
	else
		say(j, V_FAIL, 0, "count %llu is more than the %llu asked for",
		    (unsigned long long)done, (unsigned long long)want);
}

static void r_query(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t ids, cap, total;

	if (c->cmd != XV_BPF_PROG_QUERY || !get(in, "prog_ids", &ids) || !get(in, "prog_cnt", &cap))
		return;
	if (failed(c) && c->err != ENOSPC)
		return;
	if (!get_post(in, "prog_cnt", &total)) {
		say(j, V_UNKNOWN, 0, "prog_cnt was not read back");
		return;
	}
	if (!ids) {
		say(j, V_PASS, 0, "counted %llu programs", (unsigned long long)total);
		return;
	}
	if (total <= cap && !failed(c))
		say(j, V_PASS, 0, "%llu ids fit in prog_cnt %llu", (unsigned long long)total,
		    (unsigned long long)cap);
	else if (total > cap && failed(c))
		say(j, V_DRIFT, ENOSPC, "%llu programs and room for %llu: kernel %u.%u fills the "
		    "first %llu ids and returns ENOSPC; the text says prog_ids is filled only "
		    "when prog_cnt is large enough", (unsigned long long)total,
		    (unsigned long long)cap, in->kver >> 8, in->kver & 0xff,
		    (unsigned long long)cap);
	else if (total > cap)
		say(j, V_FAIL, 0, "success with %llu programs and room for %llu",
		    (unsigned long long)total, (unsigned long long)cap);
	else
		say(j, V_FAIL, 0, "ENOSPC although %llu ids fit in prog_cnt %llu",
		    (unsigned long long)total, (unsigned long long)cap);
}

/* ---- the attr itself --------------------------------------------------------- */

/* The field that ends at the command's last_end. */
static const char *last_field(const struct bpf_cmd_desc *d)
{
	const char *name = "?";
	uint16_t i;

	for (i = 0; i < d->nfields; i++)
		if (d->fields[i].off + d->fields[i].size == d->last_end)
			name = d->fields[i].name;
	return name;
}

static uint32_t first_nonzero_tail(const struct bpf_call *c, const struct bpf_cmd_desc *d)
{
	uint32_t avail = c->pre_len < c->size ? c->pre_len : c->size, off;

	for (off = d->last_end; off < avail && off < BPF_ATTR_SNAP; off++)
		if (c->pre[off])
			return off;
	return c->tail_nonzero_off;
}

static void r_zero_tail(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	const struct bpf_cmd_desc *d = in->d;
	uint32_t off;
	int e;

	if (!d)
		return;
	if (c->size > BPF_ATTR_PAGE) {
		say(j, V_FAIL, E2BIG, "size %u is over a page (%u)", c->size, BPF_ATTR_PAGE);
		return;
	}
	off = first_nonzero_tail(c, d);
	if (!off) {
		say(j, V_PASS, 0, "zero past the last field `%s` (ends at %u)", last_field(d),
		    d->last_end);
		return;
	}
	e = off >= BPF_ATTR_UNION_SIZE ? E2BIG : EINVAL;
	if (!failed(c)) {
		say(j, V_DRIFT, 0, "kernel %u.%u accepted a nonzero byte at offset %u, past "
		    "%s's last field `%s` (ends at %u): it knows a field bpfspy does not",
		    in->kver >> 8, in->kver & 0xff, off, d->name, last_field(d), d->last_end);
		return;
	}
	say(j, V_FAIL, e, "nonzero byte at offset %u, past %s's last field `%s` (ends at %u)",
	    off, d->name, last_field(d), d->last_end);
}

/* The log attributes of PROG_LOAD and BTF_LOAD. */
static bool log_fields(const struct bpf_check_in *in, uint64_t *buf, uint64_t *size,
		       uint64_t *level)
{
	if (in->c->cmd == XV_BPF_PROG_LOAD)
		return get(in, "log_buf", buf) && get(in, "log_size", size) &&
		       get(in, "log_level", level);
	if (in->c->cmd == XV_BPF_BTF_LOAD)
		return get(in, "btf_log_buf", buf) && get(in, "btf_log_size", size) &&
		       get(in, "btf_log_level", level);
	return false;
}

static void r_log_attrs(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	uint64_t buf, size, level;
	enum bpf_verdict bad;

	if (!log_fields(in, &buf, &size, &level))
		return;
	bad = failed(in->c) ? V_FAIL : V_DRIFT;
	if (buf && !level)
		say(j, bad, EINVAL, "a log buffer without a log level");
	else if (!buf != !size)
		say(j, bad, EINVAL, buf ? "a log buffer of size 0" : "a log size without a log buffer");
	else if (level & ~(uint64_t)LOG_LEVEL_MASK)
		say(j, bad, EINVAL, "log level 0x%llx has bits outside BPF_LOG_LEVEL1|LEVEL2|STATS|FIXED",
		    (unsigned long long)level);
	else if (size > LOG_SIZE_MAX)
		say(j, bad, EINVAL, "log size %llu is over UINT_MAX >> 2",
		    (unsigned long long)size);
	else
		say(j, V_PASS, 0, buf ? "log buffer, size and level agree" : "no log");
}

static void r_log_enospc(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t buf, size, level, truesz;
	const char *tsf = c->cmd == XV_BPF_PROG_LOAD ? "log_true_size" : "btf_log_true_size";

	if (!failed(c) || c->err != ENOSPC || !log_fields(in, &buf, &size, &level) || !buf)
		return;
	if (get_post(in, tsf, &truesz) && truesz > size)
		say(j, V_PASS, ENOSPC, "the log did not fit in log_size %llu bytes: the kernel "
		    "needed %llu (log_true_size)", (unsigned long long)size,
		    (unsigned long long)truesz);
	else
		say(j, V_PASS, ENOSPC, "the log did not fit in log_size %llu bytes",
		    (unsigned long long)size);
}

/* ---- objects behind fds ----------------------------------------------------------- */

static const struct bpf_fd_note *note_of(const struct bpf_call *c, int64_t fd)
{
	unsigned i;

	for (i = 0; i < c->nnotes && i < BPF_FD_NOTES; i++)
		if (c->notes[i].fd == fd)
			return &c->notes[i];
	return NULL;
}

static const char *const kind_names[] = {
	[OBJ_UNKNOWN] = "no bpf object", [OBJ_MAP] = "a map", [OBJ_PROG] = "a program",
	[OBJ_LINK] = "a link", [OBJ_BTF] = "a BTF object", [OBJ_TOKEN] = "a token",
};

static const char *kind_name(unsigned k)
{
	return k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

/* The kind of object the fd a command returns refers to, OBJ_UNKNOWN when
 * any bpf object will do (BPF_OBJ_GET), -1 when the command is not one. */
static int returned_kind(uint32_t cmd)
{
	switch (cmd) {
	case XV_BPF_MAP_CREATE:
	case XV_BPF_MAP_GET_FD_BY_ID:
		return OBJ_MAP;
	case XV_BPF_PROG_LOAD:
	case XV_BPF_PROG_GET_FD_BY_ID:
		return OBJ_PROG;
	case XV_BPF_BTF_LOAD:
	case XV_BPF_BTF_GET_FD_BY_ID:
		return OBJ_BTF;
	case XV_BPF_LINK_CREATE:
	case XV_BPF_LINK_GET_FD_BY_ID:
	case XV_BPF_RAW_TRACEPOINT_OPEN:
		return OBJ_LINK;
	case XV_BPF_OBJ_GET:
		return OBJ_UNKNOWN;
	}
	return -1;
}

static void r_fd_kind(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	const struct bpf_fd_note *n;
	int want = returned_kind(c->cmd);

	if (want < 0 || failed(c))
		return;
	n = note_of(c, c->ret);
	if (!n || n->kind == OBJ_UNKNOWN)
		say(j, V_UNKNOWN, 0, "what fd %lld refers to was not learned", (long long)c->ret);
	else if (want == OBJ_UNKNOWN || n->kind == want)
		say(j, V_PASS, 0, "fd %lld is %s", (long long)c->ret, kind_name(n->kind));
	else
		say(j, V_FAIL, 0, "fd %lld is %s, not %s", (long long)c->ret, kind_name(n->kind),
		    kind_name((unsigned)want));
}

static void r_fd_by_id(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	static const char *const id_field[] = {
		[XV_BPF_PROG_GET_FD_BY_ID] = "prog_id", [XV_BPF_MAP_GET_FD_BY_ID] = "map_id",
		[XV_BPF_BTF_GET_FD_BY_ID] = "btf_id", [XV_BPF_LINK_GET_FD_BY_ID] = "link_id",
	};
	const struct bpf_call *c = in->c;
	const struct bpf_fd_note *n;
	uint64_t id;

	if (c->cmd >= sizeof(id_field) / sizeof(id_field[0]) || !id_field[c->cmd] ||
	    failed(c) || !get(in, id_field[c->cmd], &id))
		return;
	n = note_of(c, c->ret);
	if (!n || !n->id)
		say(j, V_UNKNOWN, 0, "the id behind fd %lld was not read", (long long)c->ret);
	else if (n->id == id)
		say(j, V_PASS, 0, "fd %lld refers to id %llu", (long long)c->ret,
		    (unsigned long long)id);
	else
		say(j, V_FAIL, 0, "fd %lld refers to id %u, not the %s %llu asked for",
		    (long long)c->ret, n->id, id_field[c->cmd], (unsigned long long)id);
}

/* An fd argument that must refer to an object of a kind: a failure then
 * is the kernel's answer (EINVAL, EBADF), a success the text's breach. */
static void want_kind(const struct bpf_check_in *in, struct bpf_judgement *j, const char *field,
		      unsigned kind)
{
	const struct bpf_call *c = in->c;
	const struct bpf_fd_note *n;
	uint64_t fd;

	if (!get(in, field, &fd))
		return;
	n = note_of(c, (int32_t)fd);
	if (!n || (n->kind == OBJ_UNKNOWN && !failed(c))) {
		say(j, V_UNKNOWN, 0, "what %s %d refers to was not learned", field, (int32_t)fd);
		return;
	}
	if (n->kind == kind) {
		say(j, V_PASS, 0, "%s %d is %s", field, (int32_t)fd, kind_name(kind));
		return;
	}
	if (failed(c))
		say(j, V_PASS, c->err == EBADF || c->err == EINVAL ? c->err : 0,
		    "%s %d is %s, not %s", field, (int32_t)fd, kind_name(n->kind), kind_name(kind));
	else
		say(j, V_FAIL, 0, "%s %d is %s, not %s, yet the call succeeded", field, (int32_t)fd,
		    kind_name(n->kind), kind_name(kind));
}

static void r_link_update(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	const struct bpf_fd_note *n;
	uint64_t fd;

	if (c->cmd != XV_BPF_LINK_UPDATE || failed(c) || !get(in, "new_prog_fd", &fd))
		return;
	n = note_of(c, (int32_t)fd);
	if (!n || n->kind != OBJ_PROG || !n->id || !(c->facts.flags & BPF_FACT_LINK_PROG))
		say(j, V_UNKNOWN, 0, "the program ids of new_prog_fd and of the link were not read");
	else if (n->id == c->facts.link_prog_id)
		say(j, V_PASS, 0, "the link holds program %u, new_prog_fd's", n->id);
	else
		say(j, V_FAIL, 0, "the link holds program %u, not new_prog_fd's %u",
		    c->facts.link_prog_id, n->id);
}

static void r_iter_link(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	if (in->c->cmd == XV_BPF_ITER_CREATE)
		want_kind(in, j, "link_fd", OBJ_LINK);
}

static void r_bind_map(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	struct bpf_judgement p = { .v = V_NA };

	if (in->c->cmd != XV_BPF_PROG_BIND_MAP)
		return;
	want_kind(in, &p, "prog_fd", OBJ_PROG);
	want_kind(in, j, "map_fd", OBJ_MAP);
	if (p.v == V_FAIL || (p.v != V_PASS && j->v == V_PASS))
		*j = p;
}

/* The program type behind @field, -1 unknown. */
static int prog_type_of(const struct bpf_check_in *in, const char *field)
{
	const struct bpf_fd_note *n;
	uint64_t fd;

	if (!get(in, field, &fd))
		return -1;
	n = note_of(in->c, (int32_t)fd);
	return n && n->kind == OBJ_PROG && n->has_type ? n->type : -1;
}

static const char *prog_type_name(int t)
{
	const char *n = t >= 0 ? xlat_name(&xlat_bpf_prog_type, (uint64_t)t) : NULL;

	return n ? n : "an unknown type";
}

/* BPF_PROG_ATTACH's list: "a cgroup, flow dissector, LIRC, sockmap or
 * sock_ops type". */
static bool attachable(int t)
{
	switch (t) {
	case XV_BPF_PROG_TYPE_CGROUP_DEVICE:
	case XV_BPF_PROG_TYPE_CGROUP_SKB:
	case XV_BPF_PROG_TYPE_CGROUP_SOCK:
	case XV_BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case XV_BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case XV_BPF_PROG_TYPE_CGROUP_SYSCTL:
	case XV_BPF_PROG_TYPE_SOCK_OPS:
	case XV_BPF_PROG_TYPE_FLOW_DISSECTOR:
	case XV_BPF_PROG_TYPE_LIRC_MODE2:
	case XV_BPF_PROG_TYPE_SK_SKB:
	case XV_BPF_PROG_TYPE_SK_MSG:
		return true;
	}
	return false;
}

static void judge_prog_type(const struct bpf_check_in *in, struct bpf_judgement *j, int t,
			    bool ok, const char *listed)
{
	if (t < 0) {
		say(j, V_UNKNOWN, 0, "the program's type is unknown");
		return;
	}
	if (ok)
		say(j, V_PASS, 0, "a %s program", prog_type_name(t));
	else if (failed(in->c))
		say(j, V_PASS, in->c->err == EINVAL ? EINVAL : 0, "a %s program: the text allows "
		    "only %s", prog_type_name(t), listed);
	else
		say(j, V_DRIFT, 0, "kernel %u.%u takes a %s program; the text allows only %s",
		    in->kver >> 8, in->kver & 0xff, prog_type_name(t), listed);
}

static void r_attach_prog_type(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	int t;

	if (in->c->cmd != XV_BPF_PROG_ATTACH)
		return;
	t = prog_type_of(in, "attach_bpf_fd");
	judge_prog_type(in, j, t, attachable(t), "cgroup, flow dissector, LIRC, sockmap and "
			"sock_ops types");
}

static void r_raw_tp_prog_type(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	int t;

	if (in->c->cmd != XV_BPF_RAW_TRACEPOINT_OPEN)
		return;
	t = prog_type_of(in, "prog_fd");
	judge_prog_type(in, j, t, t == XV_BPF_PROG_TYPE_RAW_TRACEPOINT,
			"BPF_PROG_TYPE_RAW_TRACEPOINT");
}

/* ---- what target_fd is -------------------------------------------------------------- */

#define CGROUP2_MAGIC 0x63677270u

enum target_want { T_NONE, T_CGROUP, T_LIRC, T_SOCKMAP };

/* What the text says target_fd is for @attach_type (by the program types
 * it lists; BPF_FLOW_DISSECTOR's netns is the caller's since 5.7, whatever
 * target_fd is, so it is not judged). */
static enum target_want target_for(uint64_t t)
{
	const char *n = xlat_name(&xlat_bpf_attach_type, t);

	if (t == XV_BPF_LIRC_MODE2)
		return T_LIRC;
	if (t == XV_BPF_SK_SKB_STREAM_PARSER || t == XV_BPF_SK_SKB_STREAM_VERDICT ||
	    t == XV_BPF_SK_SKB_VERDICT || t == XV_BPF_SK_MSG_VERDICT)
		return T_SOCKMAP;
	return n && !strncmp(n, "BPF_CGROUP_", 11) ? T_CGROUP : T_NONE;
}

static void r_attach_target(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	static const char *const wants[] = {
		[T_CGROUP] = "a cgroup v2 directory", [T_LIRC] = "a LIRC device",
		[T_SOCKMAP] = "a sockmap or sockhash",
	};
	const struct bpf_call *c = in->c;
	const struct bpf_fd_note *n;
	enum target_want want;
	uint64_t t, fd;
	bool ok;

	if ((c->cmd != XV_BPF_PROG_ATTACH && c->cmd != XV_BPF_PROG_QUERY) ||
	    !get(in, "attach_type", &t) || !get(in, "target_fd", &fd))
		return;
	want = target_for(t);
	if (want == T_NONE)
		return;
	if (want == T_SOCKMAP) {
		n = note_of(c, (int32_t)fd);
		ok = n && n->kind == OBJ_MAP && n->has_type &&
		     (n->type == XV_BPF_MAP_TYPE_SOCKMAP || n->type == XV_BPF_MAP_TYPE_SOCKHASH);
	} else if (!(c->facts.flags & BPF_FACT_TARGET_KNOWN)) {
		say(j, V_UNKNOWN, 0, "what target_fd %d is was not learned", (int32_t)fd);
		return;
	} else if (want == T_CGROUP) {
		ok = c->facts.target_fstype == CGROUP2_MAGIC;
	} else {
		ok = c->facts.flags & BPF_FACT_TARGET_CHR;
	}
	if (ok)
		say(j, V_PASS, 0, "target_fd %d is %s", (int32_t)fd, wants[want]);
	else if (failed(c))
		say(j, V_PASS, 0, "target_fd %d is not %s, as %s needs", (int32_t)fd, wants[want],
		    xlat_name(&xlat_bpf_attach_type, t));
	else
		say(j, V_FAIL, 0, "target_fd %d is not %s, yet %s succeeded", (int32_t)fd,
		    wants[want], in->d->name);
}

/* ---- values the text enumerates ----------------------------------------------------- */

static void r_attach_type(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t t;

	if (c->cmd != XV_BPF_PROG_ATTACH && c->cmd != XV_BPF_PROG_DETACH &&
	    c->cmd != XV_BPF_PROG_QUERY && c->cmd != XV_BPF_LINK_CREATE)
		return;
	if (!get(in, "attach_type", &t))
		return;
	if (xlat_name(&xlat_bpf_attach_type, t))
		say(j, V_PASS, 0, "%s is one of enum bpf_attach_type",
		    xlat_name(&xlat_bpf_attach_type, t));
	else if (failed(c))
		say(j, V_FAIL, EINVAL, "attach_type %llu is not one of enum bpf_attach_type",
		    (unsigned long long)t);
	else
		say(j, V_DRIFT, 0, "kernel %u.%u accepts attach_type %llu, which bpfspy does not "
		    "know", in->kver >> 8, in->kver & 0xff, (unsigned long long)t);
}

static void r_query_flags(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	uint64_t f;

	if (in->c->cmd != XV_BPF_PROG_QUERY || !get(in, "query_flags", &f))
		return;
	if (!(f & ~(uint64_t)XV_BPF_F_QUERY_EFFECTIVE))
		say(j, V_PASS, 0, "%s", f ? "BPF_F_QUERY_EFFECTIVE" : "no flags");
	else if (failed(in->c))
		say(j, V_FAIL, EINVAL, "query_flags 0x%llx: only BPF_F_QUERY_EFFECTIVE is documented",
		    (unsigned long long)f);
	else
		say(j, V_DRIFT, 0, "kernel %u.%u accepts query_flags 0x%llx; the text lists only "
		    "BPF_F_QUERY_EFFECTIVE", in->kver >> 8, in->kver & 0xff, (unsigned long long)f);
}

static void r_delete_flags(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	uint64_t f;

	if (in->c->cmd != XV_BPF_MAP_DELETE_BATCH || !get(in, "elem_flags", &f))
		return;
	if (!(f & ~(uint64_t)XV_BPF_F_LOCK))
		say(j, V_PASS, 0, "%s", f ? "BPF_F_LOCK" : "no flags");
	else
		say(j, failed(in->c) ? V_FAIL : V_DRIFT, failed(in->c) ? EINVAL : 0,
		    "elem_flags 0x%llx: only BPF_F_LOCK is documented", (unsigned long long)f);
}

/* ---- what the kernel writes back ----------------------------------------------------- */

static void r_info_len(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	uint64_t asked, got;

	if (in->c->cmd != XV_BPF_OBJ_GET_INFO_BY_FD || failed(in->c) ||
	    !get(in, "info_len", &asked))
		return;
	if (!get_post(in, "info_len", &got))
		say(j, V_UNKNOWN, 0, "info_len was not read back");
	else if (got <= asked)
		say(j, V_PASS, 0, "%llu of the %llu bytes of info populated",
		    (unsigned long long)got, (unsigned long long)asked);
	else
		say(j, V_FAIL, 0, "info_len %llu is more than the %llu bytes given",
		    (unsigned long long)got, (unsigned long long)asked);
}

static void r_test_run_enospc(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	static const char *const names[] = { "data_size_out", "ctx_size_out" };
	uint64_t before, after;
	unsigned i;

	if (in->c->cmd != XV_BPF_PROG_TEST_RUN || !failed(in->c) || in->c->err != ENOSPC)
		return;
	for (i = 0; i < 2; i++) {
		if (!get(in, names[i], &before) || !get_post(in, names[i], &after) || !before)
			continue;
		if (after > before) {
			say(j, V_PASS, ENOSPC, "%s %llu is too small: the output needs %llu",
			    names[i], (unsigned long long)before, (unsigned long long)after);
			return;
		}
	}
	if (!in->c->have_post)
		say(j, V_UNKNOWN, 0, "the sizes were not read back");
	else
		say(j, V_FAIL, 0, "ENOSPC though neither data_size_out nor ctx_size_out was too small");
}

static void r_task_fd_query(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	uint64_t type, prog;

	if (in->c->cmd != XV_BPF_TASK_FD_QUERY || failed(in->c))
		return;
	if (!get_post(in, "fd_type", &type) || !get_post(in, "prog_id", &prog))
		say(j, V_UNKNOWN, 0, "prog_id and fd_type were not read back");
	else if (!xlat_name(&xlat_bpf_task_fd_type, type))
		say(j, V_FAIL, 0, "fd_type %llu is not one of bpf_task_fd_type",
		    (unsigned long long)type);
	else if (!prog)
		say(j, V_FAIL, 0, "prog_id 0 on success");
	else
		say(j, V_PASS, 0, "program %llu, %s", (unsigned long long)prog,
		    xlat_name(&xlat_bpf_task_fd_type, type));
}

/* bpf_task_fd_query_copy(): the name and its NUL fit in buf_len, or it is
 * cut and the call fails with ENOSPC; buf_len comes back as the name's
 * length either way. */
static void r_task_fd_buf(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	uint64_t buf, given, len;

	if (c->cmd != XV_BPF_TASK_FD_QUERY || !get(in, "buf", &buf) || !buf ||
	    !get(in, "buf_len", &given) || !given || (failed(c) && c->err != ENOSPC))
		return;
	if (!get_post(in, "buf_len", &len))
		say(j, V_UNKNOWN, 0, "buf_len was not read back");
	else if (!failed(c) && len < given)
		say(j, V_PASS, 0, "a %llu-byte name in buf_len %llu", (unsigned long long)len,
		    (unsigned long long)given);
	else if (failed(c) && len >= given)
		say(j, V_PASS, ENOSPC, "the %llu-byte name and its NUL did not fit in buf_len %llu",
		    (unsigned long long)len, (unsigned long long)given);
	else
		say(j, V_FAIL, 0, "%s with a %llu-byte name and buf_len %llu",
		    failed(c) ? "ENOSPC" : "success", (unsigned long long)len,
		    (unsigned long long)given);
}

static void r_btf_buffer(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	uint64_t btf, size;

	if (in->c->cmd != XV_BPF_BTF_LOAD || !get(in, "btf", &btf) || !get(in, "btf_size", &size))
		return;
	if (btf && size)
		say(j, V_PASS, 0, "%llu bytes of BTF", (unsigned long long)size);
	else
		say(j, failed(in->c) ? V_FAIL : V_DRIFT, 0, "%s", btf ? "btf_size is 0"
								   : "btf is NULL");
}

/* ---- unknown commands ------------------------------------------------------------ */

/*
 * A command number no table knows: the text's enum bpf_cmd ends at
 * BPF_PROG_BIND_MAP (35), this bpfspy's at BPF_CMD_COUNT - 1.  __sys_bpf()
 * checks the size (E2BIG) and copies attr (EFAULT) before it looks at the
 * command; its switch then ends in "default: err = -EINVAL".  Kernels
 * before 5.19 refused every command (EPERM) first when
 * kernel.unprivileged_bpf_disabled held and the caller lacked CAP_BPF.
 */
static void r_unknown_cmd(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;

	if (in->d)
		return;
	if (!failed(c)) {
		say(j, V_DRIFT, 0, "command %u, past the last one bpfspy knows (%u), returned %lld: "
		    "kernel %u.%u knows a command bpfspy does not", c->cmd, BPF_CMD_COUNT - 1,
		    (long long)c->ret, in->kver >> 8, in->kver & 0xff);
		return;
	}
	switch (c->err) {
	case EINVAL:
		say(j, V_PASS, EINVAL, "command %u is past the last one the text documents "
		    "(BPF_PROG_BIND_MAP, 35) and this kernel's list (%u)", c->cmd, BPF_CMD_COUNT - 1);
		return;
	case E2BIG:
	case EFAULT:
		say(j, V_PASS, c->err, "%s comes before the command is looked at (the size and "
		    "copy of attr)", ename(c->err));
		return;
	case EPERM:
		say(j, V_PASS, EPERM, "kernels before 5.19 refuse every command without CAP_BPF "
		    "under kernel.unprivileged_bpf_disabled");
		return;
	}
	say(j, V_FAIL, 0, "%s for command %u: an unknown command gets EINVAL", ename(c->err),
	    c->cmd);
}

/* ---- privileges ------------------------------------------------------------------ */

static void r_capability(const struct bpf_check_in *in, struct bpf_judgement *j)
{
	const struct bpf_call *c = in->c;
	char need[160], verdict[256];

	if (!failed(c) || (c->err != EPERM && c->err != EACCES) ||
	    !(c->facts.flags & BPF_FACT_PRIV) || !bpf_audit_requires(in))
		return;
	if (c->err == EACCES && (c->cmd == XV_BPF_PROG_LOAD || c->cmd == XV_BPF_BTF_LOAD))
		return;  /* the verifier's refusal, not a privilege */
	if (bpf_audit_explain(in, need, sizeof(need), verdict, sizeof(verdict)))
		say(j, V_PASS, EPERM, "%s", verdict);
	else
		say(j, V_UNKNOWN, 0, "%s", verdict);
}

/* ---- the table ------------------------------------------------------------------ */

/* The kernel's bpf(2) command documentation: the doc comment of its UAPI
 * header, as of March 2021 (Linux 5.13). */
#define KTEXT "include/uapi/linux/bpf.h, Linux 5.13"
#define DOC KTEXT

const struct bpf_rule bpf_rules[] = {
	{ "return", "every command",
	  "fd-returning commands return a nonnegative fd, PROG_STREAM_READ_BY_FD a byte "
	  "count, the others 0; an error is -1 with errno set",
	  "all", DOC ", each command's Return: \"A new file descriptor (a nonnegative "
	  "integer), or -1 if an error occurred (in which case, errno is set appropriately)\" "
	  "/ \"Returns zero on success. On error, -1 is returned and errno is set appropriately\"",
	  r_return, 0 },
	{ "fd-cloexec", "every fd-returning command",
	  "the returned fd has FD_CLOEXEC set",
	  "all", DOC ", BPF_MAP_CREATE and BPF_PROG_LOAD: \"The close-on-exec file descriptor "
	  "flag (see fcntl(2)) is automatically enabled for the new file descriptor.\"",
	  r_cloexec, 0 },
	{ "errno-documented", "MAP_UPDATE_ELEM, MAP_GET_NEXT_KEY, PROG_TEST_RUN, *_GET_NEXT_ID, "
	  "the batch commands",
	  "a failure's errno is one the command's text lists; one the kernel is known to return "
	  "besides is doc-drift",
	  "all", DOC ", e.g. BPF_MAP_UPDATE_ELEM: \"May set errno to EINVAL, EPERM, ENOMEM, "
	  "E2BIG, EEXIST, or ENOENT.\"; the answers kernel/bpf/syscall.c gives besides "
	  "are doc-drift",
	  r_errno, 0 },
	{ "update-flags", "MAP_UPDATE_ELEM, MAP_UPDATE_BATCH",
	  "flags (elem_flags) are one of BPF_ANY, BPF_NOEXIST, BPF_EXIST, optionally with "
	  "BPF_F_LOCK",
	  "all; BPF_F_CPU/BPF_F_ALL_CPUS are newer than the text",
	  DOC ", BPF_MAP_UPDATE_ELEM: \"The flags argument should be specified as one of the "
	  "following: BPF_ANY ... BPF_NOEXIST ... BPF_EXIST ... BPF_F_LOCK\"",
	  r_update_flags, 0 },
	{ "update-errno", "MAP_UPDATE_ELEM, MAP_UPDATE_BATCH",
	  "EEXIST only follows BPF_NOEXIST and ENOENT only BPF_EXIST",
	  "all", DOC ", BPF_MAP_UPDATE_ELEM: \"EEXIST If flags specifies BPF_NOEXIST and the "
	  "element with key already exists in the map. ENOENT If flags specifies BPF_EXIST and "
	  "the element with key does not exist in the map.\"",
	  r_update_errno, 0 },
	{ "lookup-flags", "MAP_LOOKUP_ELEM, MAP_LOOKUP_AND_DELETE_ELEM, MAP_LOOKUP_BATCH, "
	  "MAP_LOOKUP_AND_DELETE_BATCH",
	  "lookup flags are BPF_F_LOCK or nothing",
	  "all; BPF_F_CPU is newer than the text",
	  DOC ", BPF_MAP_LOOKUP_ELEM: \"The flags argument may be specified as one of the "
	  "following: BPF_F_LOCK\"",
	  r_lookup_flags, 0 },
	{ "next-id", "PROG/MAP/BTF/LINK_GET_NEXT_ID",
	  "on success next_id > start_id; ENOENT when no id remains",
	  "all", DOC ", BPF_PROG_GET_NEXT_ID: \"Looks for the eBPF program with an id greater "
	  "than start_id and updates next_id on success. If no other eBPF programs remain with "
	  "ids higher than start_id, returns -1 and sets errno to ENOENT.\"",
	  r_next_id, 0 },
	{ "next-key", "MAP_GET_NEXT_KEY",
	  "next_key is another key than key; ENOENT after the last element; a NULL key is "
	  "doc-drift",
	  "all", DOC ", BPF_MAP_GET_NEXT_KEY: \"If key is found, the operation returns zero "
	  "and sets the next_key pointer to the key of the next element. If key is the last "
	  "element, returns -1 and errno is set to ENOENT.\"",
	  r_next_key, 1ull << XV_BPF_MAP_GET_NEXT_KEY },
	{ "pin-path", "OBJ_PIN",
	  "the pathname's parent directory is on a BPF filesystem and its name has no dot",
	  "all", DOC ", BPF_OBJ_PIN: \"The pathname argument must not contain a dot (\".\").\" "
	  "\"The filesystem type for the parent directory of pathname must be BPF_FS_MAGIC.\"",
	  r_pin_path, 0 },
	{ "pop-key", "MAP_LOOKUP_AND_DELETE_ELEM",
	  "only QUEUE and STACK maps, with key zeroed; other types succeeding is doc-drift",
	  "the text: all; hash maps accept it since 5.14",
	  DOC ", BPF_MAP_LOOKUP_AND_DELETE_ELEM: \"The key and key_len parameters should be "
	  "zeroed when issuing this operation for these map types.\" \"This command is only "
	  "valid for the following map types: BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK\"",
	  r_pop_key, 0 },
	{ "freeze-struct-ops", "MAP_FREEZE",
	  "a STRUCT_OPS map is never frozen",
	  "all", DOC ", BPF_MAP_FREEZE: \"Not supported for maps of type "
	  "BPF_MAP_TYPE_STRUCT_OPS.\"",
	  r_freeze, 0 },
	{ "frozen-map", "the commands that alter a map, on a map known to be frozen",
	  "a frozen map is not altered by a syscall: such a call fails with EPERM",
	  "5.2+ (fdinfo says frozen; a freeze bpfspy saw counts too)",
	  DOC ", BPF_MAP_FREEZE: \"Upon success, no future syscall invocations may alter the "
	  "map state of map_fd.\"",
	  r_frozen, 0 },
	{ "batch-zeroed", "MAP_UPDATE_BATCH, MAP_DELETE_BATCH",
	  "in_batch and out_batch (and DELETE_BATCH's values) are zeroed",
	  "all", DOC ", BPF_MAP_UPDATE_BATCH: \"The in_batch and out_batch parameters are "
	  "ignored and should be zeroed.\"; BPF_MAP_DELETE_BATCH: \"The in_batch, out_batch, "
	  "and values parameters are ignored and should be zeroed.\"",
	  r_batch_zeroed, 0 },
	{ "batch-count", "the four batch commands",
	  "count written back is at most the count asked for, also after an error other "
	  "than EFAULT",
	  "all", DOC ", BPF_MAP_LOOKUP_BATCH: \"If an error is returned and errno is not "
	  "EFAULT, count is set to the number of successfully processed elements.\"",
	  r_batch_count, 0 },
	{ "query-fill", "PROG_QUERY",
	  "prog_ids is filled only when prog_cnt is large enough; the kernel's ENOSPC with "
	  "a partial fill is doc-drift",
	  "all; ENOSPC with a partial fill on current kernels",
	  DOC ", BPF_PROG_QUERY: \"Additionally, if prog_ids is nonzero and the number of "
	  "attached programs is less than prog_cnt, populates prog_ids with the eBPF program "
	  "ids of the programs attached at target_fd.\"",
	  r_query, 0 },
	{ "zero-tail", "every command",
	  "bytes past the command's last field are zero (EINVAL), the attr ends within the "
	  "kernel's union (E2BIG) and size is at most a page (E2BIG)",
	  "all", "kernel/bpf/syscall.c: CHECK_ATTR(CMD), \"memchr_inv((void *) &attr->CMD##_LAST_FIELD "
	  "+ ..., 0, ...) != NULL\" -> -EINVAL; bpf_check_uarg_tail_zero(): \"if (actual_size > "
	  "PAGE_SIZE) return -E2BIG;\" and a nonzero tail past the union -> -E2BIG",
	  r_zero_tail, 0 },
	{ "log-attrs", "PROG_LOAD, BTF_LOAD",
	  "log_buf and log_size come together, log_buf needs a log_level, the level has only "
	  "known bits, log_size <= UINT_MAX >> 2",
	  "6.4+ (bpf_verifier_log_attr_valid)",
	  "kernel/bpf/log.c, bpf_verifier_log_attr_valid(): \"if (!!log->ubuf != !!log->len_total) "
	  "return false; if (log->ubuf && log->level == 0) return false; if (log->level & "
	  "~BPF_LOG_MASK) return false; if (log->len_total > UINT_MAX >> 2) return false;\" "
	  "-> -EINVAL",
	  r_log_attrs, 0 },
	{ "log-enospc", "PROG_LOAD, BTF_LOAD",
	  "ENOSPC with a log buffer means the log did not fit; log_true_size says how much "
	  "was needed",
	  "6.4+ for log_true_size",
	  "kernel/bpf/log.c, bpf_vlog_finalize(): \"if (!bpf_vlog_truncated(log)) return 0; "
	  "return -ENOSPC;\" and the log_true_size it writes back (6.4+)",
	  r_log_enospc, 0 },
	{ "fd-kind", "MAP_CREATE, PROG_LOAD, BTF_LOAD, LINK_CREATE, RAW_TRACEPOINT_OPEN, "
	  "*_GET_FD_BY_ID, OBJ_GET",
	  "the returned fd refers to the kind of object the command makes or opens",
	  "all", DOC ", BPF_MAP_CREATE: \"Create a map and return a file descriptor that refers "
	  "to the map.\"; BPF_PROG_LOAD: \"returning a new file descriptor associated with the "
	  "program\"; BPF_LINK_CREATE: \"return a file descriptor handle for managing the link\"; "
	  "BPF_OBJ_GET: \"Open a file descriptor for the eBPF object pinned to the specified "
	  "pathname.\"",
	  r_fd_kind, 0 },
	{ "fd-by-id", "PROG/MAP/BTF/LINK_GET_FD_BY_ID",
	  "the returned fd refers to the object with the id asked for",
	  "all", DOC ", BPF_PROG_GET_FD_BY_ID: \"Open a file descriptor for the eBPF program "
	  "corresponding to prog_id.\" (and likewise for map_id, btf_id, link_id)",
	  r_fd_by_id, 0 },
	{ "link-update", "LINK_UPDATE",
	  "after a successful update the link holds new_prog_fd's program (its fdinfo's "
	  "prog_id, read after the call)",
	  "all", DOC ", BPF_LINK_UPDATE: \"Update the eBPF program in the specified link_fd to "
	  "new_prog_fd.\"",
	  r_link_update, 0 },
	{ "iter-link", "ITER_CREATE",
	  "link_fd refers to a link; a call on another object succeeding fails the rule",
	  "all", DOC ", BPF_ITER_CREATE: \"Create an iterator on top of the specified link_fd "
	  "(as previously created using BPF_LINK_CREATE)\"",
	  r_iter_link, 0 },
	{ "bind-map", "PROG_BIND_MAP",
	  "map_fd refers to a map and prog_fd to a program",
	  "all", DOC ", BPF_PROG_BIND_MAP: \"The map identified by map_fd is bound to the "
	  "program identified by prog_fd\"",
	  r_bind_map, 0 },
	{ "attach-prog-type", "PROG_ATTACH",
	  "attach_bpf_fd is a cgroup, flow dissector, LIRC, sockmap or sock_ops program; "
	  "another type attached is doc-drift",
	  "the text: all; SCHED_CLS (tcx) since 6.6",
	  DOC ", BPF_PROG_ATTACH: \"The attach_bpf_fd must be a valid file descriptor for a "
	  "loaded eBPF program of a cgroup, flow dissector, LIRC, sockmap or sock_ops type "
	  "corresponding to the specified attach_type.\"",
	  r_attach_prog_type, 0 },
	{ "raw-tp-prog-type", "RAW_TRACEPOINT_OPEN",
	  "prog_fd is a BPF_PROG_TYPE_RAW_TRACEPOINT program; another type attached is "
	  "doc-drift",
	  "the text: all; TRACING, EXT and LSM programs since 5.5",
	  DOC ", BPF_RAW_TRACEPOINT_OPEN: \"The prog_fd must be a valid file descriptor "
	  "associated with a loaded eBPF program of type BPF_PROG_TYPE_RAW_TRACEPOINT.\"",
	  r_raw_tp_prog_type, 0 },
	{ "attach-target", "PROG_ATTACH, PROG_QUERY of cgroup, LIRC and sockmap attach types",
	  "target_fd is a cgroup v2 directory, a LIRC device or a sockmap/sockhash, as the "
	  "attach type needs",
	  "all", DOC ", BPF_PROG_ATTACH: \"The target_fd must be a valid file descriptor for a "
	  "kernel object which depends on the attach type of attach_bpf_fd: "
	  "BPF_PROG_TYPE_CGROUP_DEVICE, ... BPF_PROG_TYPE_SOCK_OPS Control Group v2 hierarchy "
	  "with the eBPF controller enabled. ... BPF_PROG_TYPE_LIRC_MODE2 LIRC device path (eg "
	  "/dev/lircN). ... BPF_PROG_TYPE_SK_SKB, BPF_PROG_TYPE_SK_MSG eBPF map of socket type "
	  "(eg BPF_MAP_TYPE_SOCKHASH).\"",
	  r_attach_target, 0 },
	{ "attach-type", "PROG_ATTACH, PROG_DETACH, PROG_QUERY, LINK_CREATE",
	  "attach_type is one of enum bpf_attach_type (EINVAL otherwise)",
	  "all", DOC ", BPF_PROG_ATTACH: \"The attach_type specifies the eBPF attachment point "
	  "to attach the program to, and must be one of bpf_attach_type (see below).\"",
	  r_attach_type, 0 },
	{ "query-flags", "PROG_QUERY",
	  "query_flags is 0 or BPF_F_QUERY_EFFECTIVE (EINVAL otherwise)",
	  "all", DOC ", BPF_PROG_QUERY: \"The following flags may alter the result: "
	  "BPF_F_QUERY_EFFECTIVE Only return information regarding programs which are currently "
	  "effective at the specified target_fd.\"",
	  r_query_flags, 0 },
	{ "delete-flags", "MAP_DELETE_BATCH",
	  "elem_flags is 0 or BPF_F_LOCK",
	  "all", DOC ", BPF_MAP_DELETE_BATCH: \"The elem_flags argument may be specified as one "
	  "of the following: BPF_F_LOCK\"",
	  r_delete_flags, 0 },
	{ "info-len", "OBJ_GET_INFO_BY_FD",
	  "the info_len written back is at most the info_len given",
	  "all", DOC ", BPF_OBJ_GET_INFO_BY_FD: \"Populates up to info_len bytes of info\"",
	  r_info_len, 0 },
	{ "test-run-enospc", "PROG_TEST_RUN",
	  "ENOSPC means data_size_out or ctx_size_out was smaller than the output, as the "
	  "sizes written back show",
	  "all", DOC ", BPF_PROG_TEST_RUN: \"ENOSPC Either data_size_out or ctx_size_out is too "
	  "small.\"",
	  r_test_run_enospc, 0 },
	{ "task-fd-query", "TASK_FD_QUERY",
	  "on success prog_id is set and fd_type is one of bpf_task_fd_type",
	  "all", DOC ", BPF_TASK_FD_QUERY: \"the prog_id and fd_type will be populated with "
	  "the eBPF program id and file descriptor type of type bpf_task_fd_type.\"",
	  r_task_fd_query, 0 },
	{ "task-fd-buf", "TASK_FD_QUERY with a buf",
	  "up to buf_len bytes of buf hold the name: a name that does not fit (with its NUL) "
	  "is ENOSPC, and buf_len comes back as the name's length",
	  "all", DOC ", BPF_TASK_FD_QUERY: \"Optionally, if buf is provided, then up to buf_len "
	  "bytes of buf will be populated with the name of the tracepoint, kprobe or uprobe.\"",
	  r_task_fd_buf, 0 },
	{ "btf-buffer", "BTF_LOAD",
	  "btf is a buffer and btf_size is not 0",
	  "all", DOC ", BPF_BTF_LOAD: \"The btf parameter must point to valid memory providing "
	  "btf_size bytes of BTF binary metadata.\"",
	  r_btf_buffer, 0 },
	{ "unknown-command", "command numbers past the last one known",
	  "an unknown command fails with EINVAL (E2BIG, EFAULT from the attr checks before it; "
	  "EPERM on kernels before 5.19); succeeding is doc-drift",
	  "all", "kernel/bpf/syscall.c, __sys_bpf(): \"default: err = -EINVAL;\"; the text's "
	  "enum bpf_cmd (" KTEXT ") ends at BPF_PROG_BIND_MAP",
	  r_unknown_cmd, 0 },
	{ "capability", "every command, on EPERM/EACCES",
	  "the capabilities, kernel.unprivileged_bpf_disabled and token at the call explain "
	  "the EPERM",
	  "5.8+ (CAP_BPF, CAP_PERFMON); earlier kernels need CAP_SYS_ADMIN",
	  "kernel/bpf/syscall.c: map_create() and bpf_prog_load() (\"if (sysctl_unprivileged_bpf_"
	  "disabled && !bpf_token_capable(token, CAP_BPF))\", the per-type bpf_capable(), "
	  "perfmon_capable(), CAP_NET_ADMIN checks), \"if (!capable(CAP_SYS_ADMIN)) return "
	  "-EPERM;\" of the *_GET_NEXT_ID and *_GET_FD_BY_ID commands",
	  r_capability, 0 },
};
const size_t bpf_rules_count = sizeof(bpf_rules) / sizeof(bpf_rules[0]);
