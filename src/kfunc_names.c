// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kfunc calls named in --insns text.  The shim renders a BPF_PROG_LOAD's
 * instructions in the traced process, where parsing the kernel's BTF
 * (megabytes) is not affordable, so a kfunc call leaves it as
 *     "text":"(85) call kernel-function#65481"
 * and the collector, through struct spool_renderer's json hook, makes it
 *     "text":"(85) call bpf_rcu_read_lock#65481"
 * which is what the verifier's log prints for it (kernel/bpf/disasm.c,
 * print_bpf_insn: "(%02x) call %s#%d", the name from the verifier's
 * disasm_kfunc_name(): the BTF name of FUNC imm).
 *
 * A plain string rewrite of the "text" values: the rest of the line is
 * copied byte for byte, so key order and everything else stay as the
 * shim wrote them.  Inside a JSON string a quote is always escaped, so
 * "text":"(85) call kernel-function# can only be the key and the start of
 * its value, never the inside of another string (a program name, a log).
 *
 * Only calls with off == 0 are named: their imm is a FUNC of vmlinux BTF.
 * With off != 0 it is a FUNC of the module BTF that fd_array[off] refers
 * to, an fd of the traced process the collector cannot open; those keep
 * "kernel-function".  vmlinux BTF is loaded once, the first time a line
 * needs it; where it cannot be, lines are kept as they are.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kfunc_names.h"

#define KFUNC_TAG     "kernel-function"
#define KFUNC_TAG_LEN (sizeof(KFUNC_TAG) - 1)
#define NAME_MAX_LEN  255
#define OBJ_BACK_MAX  256      /* how far back an insn object starts */

struct kfunc_names {
	struct btf *btf;
	bool tried;            /* loading was attempted: btf is all there is */
	char *tmp;             /* kfunc_names_inplace()'s copy */
	size_t tmp_cap;
};

struct kfunc_names *kfunc_names_new(void)
{
	return calloc(1, sizeof(struct kfunc_names));
}

struct kfunc_names *kfunc_names_with_btf(struct btf *btf)
{
	struct kfunc_names *k = kfunc_names_new();

	if (!k) {
		btf__free(btf);
		return NULL;
	}
	k->btf = btf;
	k->tried = true;
	return k;
}

void kfunc_names_free(struct kfunc_names *k)
{
	if (!k)
		return;
	btf__free(k->btf);
	free(k->tmp);
	free(k);
}

static const struct btf *vmlinux(struct kfunc_names *k)
{
	if (!k->tried) {
		k->tried = true;
		k->btf = btf__load_vmlinux_btf();
		if (libbpf_get_error(k->btf))
			k->btf = NULL;
	}
	return k->btf;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_ident(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];

		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (n && c >= '0' && c <= '9')))
			return false;
	}
	return n && n <= NAME_MAX_LEN;
}

/* A decimal integer at @p (before @end), optionally negative, that ends
 * with @stop; its end in *@after.  False when there is none. */
static bool parse_int(const char *p, const char *end, char stop, int64_t *v, const char **after)
{
	bool neg = p < end && *p == '-';
	int64_t x = 0;
	const char *q = p + neg;

	if (q >= end || *q < '0' || *q > '9')
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		x = x * 10 + (*q - '0');
		if (x > UINT32_MAX)
			return false;
	}
	if (q >= end || *q != stop)
		return false;
	*v = neg ? -x : x;
	*after = q;
	return true;
}

/* The "off" of the instruction object that holds the text at @text. */
static bool insn_off(const char *line, const char *text, int64_t *off)
{
	const char *p = text, *stop = text - line < OBJ_BACK_MAX ? line : text - OBJ_BACK_MAX;
	const char *after;

	while (p > stop && *p != '{')
		p--;
	if (*p != '{')
		return false;
	p = memmem(p, (size_t)(text - p), "\"off\":", 6);
	return p && parse_int(p + 6, text, ',', off, &after);
}

/*
 * The name for the call whose "kernel-function" is at @tag, or NULL when
 * it is not one to name: not an instruction's text, off != 0, an id that
 * is no FUNC of vmlinux BTF.  *@resume: where the search goes on.
 */
static const char *name_at(struct kfunc_names *k, const char *line, const char *end,
			   const char *tag, const char **resume)
{
	/* "text":"(85) call kernel-function#ID" */
	static const char pfx[] = "\"text\":\"(";
	const char *t, *after;
	const struct btf_type *f;
	const struct btf *btf;
	const char *name;
	int64_t id, off;

	*resume = tag + KFUNC_TAG_LEN;
	if (tag - line < (long)(sizeof(pfx) - 1) + 9 || memcmp(tag - 5, "call ", 5) ||
	    !is_hex(tag[-9]) || !is_hex(tag[-8]) || memcmp(tag - 7, ") ", 2))
		return NULL;
	t = tag - 9 - (sizeof(pfx) - 1);
	if (memcmp(t, pfx, sizeof(pfx) - 1))
		return NULL;
	if (end - tag < (long)KFUNC_TAG_LEN + 1 || tag[KFUNC_TAG_LEN] != '#' ||
	    !parse_int(tag + KFUNC_TAG_LEN + 1, end, '"', &id, &after))
		return NULL;
	*resume = after;
	if (id <= 0 || !insn_off(line, t, &off) || off != 0)
		return NULL;
	btf = vmlinux(k);
	if (!btf)
		return NULL;
	f = btf__type_by_id(btf, (uint32_t)id);
	if (!f || !btf_is_func(f))
		return NULL;
	name = btf__name_by_offset(btf, f->name_off);
	return name && is_ident(name) ? name : NULL;
}

static bool is_prog_load(const char *line, size_t len)
{
	static const char ev[] = "{\"event\":\"bpf\",";
	static const char cmd[] = ",\"cmd\":\"BPF_PROG_LOAD\",";

	return len > sizeof(ev) - 1 && !memcmp(line, ev, sizeof(ev) - 1) &&
	       memmem(line, len, cmd, sizeof(cmd) - 1);
}

size_t kfunc_names_json(void *ctx, const char *line, size_t len, char *out, size_t cap)
{
	struct kfunc_names *k = ctx;
	const char *end = line + len, *p = line, *from = line, *tag, *name;
	size_t need = 0, n;
	bool named = false;

	if (!memmem(line, len, KFUNC_TAG "#", KFUNC_TAG_LEN + 1))
		return 0;
	if (!k || !is_prog_load(line, len))
		return 0;
	while ((tag = memmem(p, (size_t)(end - p), KFUNC_TAG "#", KFUNC_TAG_LEN + 1))) {
		name = name_at(k, line, end, tag, &p);
		if (!name)
			continue;
		n = (size_t)(tag - from);
		if (need + n <= cap)
			memcpy(out + need, from, n);
		need += n;
		n = strlen(name);
		if (need + n <= cap)
			memcpy(out + need, name, n);
		need += n;
		from = tag + KFUNC_TAG_LEN;
		named = true;
	}
	if (!named)
		return 0;
	n = (size_t)(end - from);
	if (need + n <= cap)
		memcpy(out + need, from, n);
	return need + n;
}

size_t kfunc_names_inplace(void *ctx, char *buf, size_t len, size_t cap)
{
	struct kfunc_names *k = ctx;
	size_t n = kfunc_names_json(k, buf, len, k->tmp, k->tmp_cap);

	if (n > k->tmp_cap) {
		char *t = realloc(k->tmp, n);

		if (!t)
			return len;   /* left unnamed */
		k->tmp = t;
		k->tmp_cap = n;
		n = kfunc_names_json(k, buf, len, k->tmp, k->tmp_cap);
	}
	if (!n)
		return len;
	if (n <= cap)
		memcpy(buf, k->tmp, n);
	return n;
}
