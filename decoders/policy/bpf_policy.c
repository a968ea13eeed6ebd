// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing --inject and --deny rules: see bpf_policy.h. */
#include "policy/bpf_policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libbpf/libbpf_funcs.h"
#include "base/xlat.h"

/* A decimal number of @n characters below @max, or -1. */
static long number(const char *s, size_t n, long max)
{
	long v = 0;
	size_t i;

	if (!n || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < max ? v : -1;
}

/* @s (@n characters) names entry @name, with or without @prefix. */
static int name_is(const char *s, size_t n, const char *name, const char *prefix)
{
	size_t p = strlen(prefix);

	if (strlen(name) == n && !strncasecmp(s, name, n))
		return 1;
	return !strncmp(name, prefix, p) && strlen(name) == n + p &&
	       !strncasecmp(s, name + p, n);
}

static long lookup(const struct xlat *x, const char *s, size_t n, const char *prefix)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (name_is(s, n, xlat_entry_name(x, &x->e[i]), prefix))
			return (long)x->e[i].val;
	return -1;
}

int bpf_policy_cmd(const char *s, size_t n)
{
	long v = number(s, n, BPF_POLICY_CMDS);

	if (v < 0)
		v = lookup(&xlat_bpf_cmd, s, n, "BPF_");
	return v < BPF_POLICY_CMDS ? (int)v : -1;
}

int bpf_policy_errno(const char *s, size_t n)
{
	long v = number(s, n, 4096);

	if (v < 0)
		v = lookup(&xlat_errno_names, s, n, "");
	return v > 0 ? (int)v : -1;
}

/* "N" or "N+" into @r->from, @r->to. */
static int parse_when(const char *s, struct bpf_inject *r)
{
	size_t n = strlen(s);
	int plus = n && s[n - 1] == '+';
	long v = number(s, n - (size_t)plus, 1000000000);

	if (v < 1)
		return -1;
	r->from = (uint32_t)v;
	r->to = plus ? 0 : (uint32_t)v;
	return 0;
}

int bpf_policy_func(const char *s, size_t n)
{
	unsigned id;

	for (id = 0; id < LF_COUNT; id++)
		if (strlen(libbpf_func_name(id)) == n && !strncmp(s, libbpf_func_name(id), n))
			return (int)id;
	return -1;
}

bool bpf_policy_func_injectable(unsigned id)
{
	const struct libbpf_func *f = libbpf_func(id);

	return f && (f->ret == LR_ERR || f->ret == LR_FD || f->ret == LR_PTR);
}

/* The NAME of a rule: @r->func, or else @r->cmd. */
static int parse_name(const char *s, size_t n, struct bpf_inject *r)
{
	int v = bpf_policy_func(s, n);

	r->func = v;
	r->cmd = 0;
	if (v >= 0)
		return bpf_policy_func_injectable((unsigned)v) ? BPF_INJECT_OK
							       : BPF_INJECT_VOID_FUNC;
	v = bpf_policy_cmd(s, n);
	if (v < 0)
		return BPF_INJECT_BAD_NAME;
	r->cmd = (uint32_t)v;
	return BPF_INJECT_OK;
}

int bpf_inject_parse(const char *spec, struct bpf_inject *r)
{
	const char *c1 = strchr(spec, ':'), *c2;
	int rc;

	if (!c1 || c1 == spec)
		return BPF_INJECT_BAD_FORM;
	c2 = strchr(c1 + 1, ':');
	rc = parse_name(spec, (size_t)(c1 - spec), r);
	if (rc)
		return rc;
	r->err = bpf_policy_errno(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1));
	if (r->err < 0)
		return BPF_INJECT_BAD_ERRNO;
	r->from = 1;
	r->to = 0;
	if (c2 && parse_when(c2 + 1, r))
		return BPF_INJECT_BAD_WHEN;
	return BPF_INJECT_OK;
}

const char *bpf_inject_strerror(int status)
{
	switch (status) {
	case BPF_INJECT_OK:
		return "no error";
	case BPF_INJECT_BAD_NAME:
		return "neither a bpf command nor a libbpf function bpfspy interposes";
	case BPF_INJECT_VOID_FUNC:
		return "a libbpf function returning void: it has no error to inject";
	case BPF_INJECT_BAD_ERRNO:
		return "no such errno";
	case BPF_INJECT_BAD_WHEN:
		return "N must be a number from 1 to 999999999";
	}
	return "not NAME:ERRNO[:N|:N+]";
}

void bpf_inject_when(const struct bpf_inject *r, char *buf, size_t cap)
{
	if (r->from <= 1 && !r->to)
		snprintf(buf, cap, "every");
	else if (!r->to)
		snprintf(buf, cap, "%u+", r->from);
	else
		snprintf(buf, cap, "%u", r->from);
}

bool bpf_inject_hits(const struct bpf_inject *r, uint32_t nth)
{
	return nth >= r->from && (!r->to || nth <= r->to);
}

int bpf_inject_match(const struct bpf_inject *r, unsigned n, int func, uint32_t cmd,
		     uint32_t nth)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (r[i].func != (func < 0 ? -1 : func) || (func < 0 && r[i].cmd != cmd))
			continue;
		if (bpf_inject_hits(&r[i], nth))
			return r[i].err;
	}
	return 0;
}

/* Commands by number, functions by name: both read back unambiguously
 * (a number is never a function's name). */
void bpf_inject_format(const struct bpf_inject *r, char *buf, size_t cap)
{
	char what[64], when[16];

	if (r->func >= 0)
		snprintf(what, sizeof(what), "%s", libbpf_func_name((unsigned)r->func));
	else
		snprintf(what, sizeof(what), "%u", r->cmd);
	bpf_inject_when(r, when, sizeof(when));
	if (!strcmp(when, "every"))
		snprintf(buf, cap, "%s:%d", what, r->err);
	else
		snprintf(buf, cap, "%s:%d:%s", what, r->err, when);
}

int bpf_deny_parse(const char *spec, struct bpf_deny *r, unsigned *n, unsigned max)
{
	const char *colon = strchr(spec, ':'), *p = spec, *end, *comma;
	int err = EPERM, cmd;
	unsigned first = *n;

	end = colon ? colon : spec + strlen(spec);
	if (colon && (err = bpf_policy_errno(colon + 1, strlen(colon + 1))) < 0)
		return -1;
	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (!comma)
			comma = end;
		cmd = bpf_policy_cmd(p, (size_t)(comma - p));
		if (cmd < 0 || *n >= max) {
			*n = first;
			return -1;
		}
		r[*n].cmd = (uint32_t)cmd;
		r[(*n)++].err = err;
		p = comma + 1;
	}
	if (*n == first || end[-1] == ',') {
		*n = first;
		return -1;
	}
	return 0;
}
