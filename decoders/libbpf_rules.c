// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libbpf rules: libbpf's documented conventions, held against each
 * call of the libbpf layer (bpf-abi.md §6.1, libbpf-api-docs.txt).
 */
#include "bpf_check.h"
#include "libbpf_funcs.h"

#include <stdio.h>

#define ABI "bpf-abi.md"

const struct libbpf_rule libbpf_rules[] = {
	{ "libbpf-return", "every libbpf function returning int or an fd",
	  "an error is a negative error code and errno is set to the same code; a NULL "
	  "pointer comes with errno set",
	  ABI " §6.1: bpf.h \"@return 0, on success; negative error code, otherwise (errno "
	  "is also set to the error code)\"; docs/api.rst \"If the function returns a pointer, "
	  "it will return NULL to indicate there was an error. In this case errno should be "
	  "checked.\"" },
	{ "libbpf-fd-range", "fd-returning libbpf functions",
	  "a returned fd is never 0, 1 or 2",
	  ABI " §6.1: \"all fd-returning wrappers call sys_bpf_fd() -> ensure_good_fd(fd)\", "
	  "which moves fds 0-2 above 2 with F_DUPFD_CLOEXEC" },
};
const size_t libbpf_rules_count = sizeof(libbpf_rules) / sizeof(libbpf_rules[0]);

static void verdict(struct jsonw *w, const char *rule, enum bpf_verdict v, const char *why)
{
	jw_obj_open(w, NULL);
	jw_str(w, "rule", rule);
	jw_str(w, "verdict", bpf_verdict_name(v));
	jw_str(w, "why", why);
	jw_obj_close(w);
}

static void check_return(struct jsonw *w, const struct libbpf_func *f,
			 const struct libbpf_call *c)
{
	char why[128];
	const char *en = errno_name(c->err);

	if (f->ret == LR_PTR) {
		if (c->ret)
			verdict(w, "libbpf-return", V_PASS, "a pointer");
		else if (c->err)
			verdict(w, "libbpf-return", V_PASS, "NULL with errno set");
		else
			verdict(w, "libbpf-return", V_FAIL, "NULL without errno");
		return;
	}
	if (f->ret != LR_ERR && f->ret != LR_FD)
		return;
	if (c->ret >= 0) {
		verdict(w, "libbpf-return", V_PASS, f->ret == LR_FD ? "an fd" : "success");
		return;
	}
	if (c->err == -c->ret) {
		snprintf(why, sizeof(why), "%lld and errno %s", (long long)c->ret, en ? en : "set");
		verdict(w, "libbpf-return", V_PASS, why);
		return;
	}
	snprintf(why, sizeof(why), "returned %lld but errno is %d (%s)", (long long)c->ret,
		 c->err, en ? en : "unnamed");
	verdict(w, "libbpf-return", V_FAIL, why);
}

static void check_fd_range(struct jsonw *w, const struct libbpf_func *f,
			   const struct libbpf_call *c)
{
	char why[64];

	if (f->ret != LR_FD || c->ret < 0)
		return;
	snprintf(why, sizeof(why), "fd %lld", (long long)c->ret);
	verdict(w, "libbpf-fd-range", c->ret > 2 ? V_PASS : V_FAIL, why);
}

void libbpf_render_checks(struct jsonw *w, const struct libbpf_call *c,
			  const struct decode_opts *o)
{
	const struct libbpf_func *f = libbpf_func(c->id);

	if (o->no_check || !f)
		return;
	jw_arr_open(w, "checks");
	check_return(w, f, c);
	check_fd_range(w, f, c);
	jw_arr_close(w);
}
