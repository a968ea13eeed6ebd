// SPDX-License-Identifier: GPL-2.0-or-later
/* -e trace=SET: see bpf_filter.h. */
#include "policy/bpf_filter.h"

#include <string.h>

#include "policy/bpf_policy.h"

static void copy_bad(char *bad, size_t cap, const char *s, size_t n)
{
	if (!cap)
		return;
	if (n >= cap)
		n = cap - 1;
	memcpy(bad, s, n);
	bad[n] = 0;
}

/* One word of the set: "all", "none", a command or a function. */
static int add_word(struct bpf_filter *f, const char *s, size_t n)
{
	int id;

	if (n == 3 && !strncmp(s, "all", 3)) {
		f->cmds = ~0ull;
		memset(f->funcs, 0xff, sizeof(f->funcs));
		return 0;
	}
	if (n == 4 && !strncmp(s, "none", 4))
		return 0;
	id = bpf_policy_func(s, n);    /* exact libbpf names first */
	if (id >= 0) {
		f->funcs[id / 64] |= 1ull << (id % 64);
		return 0;
	}
	id = bpf_policy_cmd(s, n);
	if (id < 0 || id >= 64)
		return -1;
	f->cmds |= 1ull << id;
	return 0;
}

int bpf_filter_parse(const char *spec, struct bpf_filter *f, char *bad, size_t cap)
{
	const char *p = spec, *comma;

	memset(f, 0, sizeof(*f));
	if (!strncmp(p, "trace=", 6))
		p += 6;
	if (*p == '!') {
		f->negated = true;
		p++;
	}
	if (!*p) {
		copy_bad(bad, cap, spec, strlen(spec));
		return -1;
	}
	for (;;) {
		comma = strchr(p, ',');
		if (!comma)
			comma = p + strlen(p);
		if (comma == p || add_word(f, p, (size_t)(comma - p))) {
			copy_bad(bad, cap, p, (size_t)(comma - p));
			return -1;
		}
		if (!*comma)
			break;
		p = comma + 1;
	}
	f->active = true;
	return 0;
}
