// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libbpf rules: libbpf's documented conventions, held against each
 * call of the libbpf layer: libbpf's src/bpf.h (its doxygen comments,
 * October 2025) and the code of src/bpf.c and src/libbpf_internal.h.
 */
#include "check/bpf_check.h"
#include "libbpf/libbpf_funcs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define LTEXT "libbpf's src/bpf.h"

const struct libbpf_rule libbpf_rules[] = {
	{ "libbpf-return", "every libbpf function returning int or an fd",
	  "an error is a negative error code and errno is set to the same code (libbpf 1.0 "
	  "and later; before 1.0, -1 with errno set); a NULL pointer comes with errno set",
	  LTEXT ", e.g. bpf_map_update_elem: \"@return 0 on success; negative error code, otherwise (errno is also set "
	  "to the error code)\"; libbpf's docs/api.rst: \"If the function returns a pointer, "
	  "it will return NULL to indicate there was an error. In this case errno should be "
	  "checked.\"" },
	{ "libbpf-fd-range", "fd-returning libbpf functions",
	  "a returned fd is never 0, 1 or 2",
	  "libbpf's src/bpf.c: sys_bpf_fd() \"fd = ensure_good_fd(fd);\" (src/libbpf_internal.h: "
	  "\"if (fd >= 0 && fd < 3) { fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);\")" },
	{ "libbpf-opts-sz", "libbpf functions taking an opts struct",
	  "an opts struct whose sz is below sizeof(size_t), or with nonzero bytes past the "
	  "fields libbpf knows, is refused with -EINVAL",
	  "libbpf's src/bpf.c: \"if (!OPTS_VALID(opts, ...)) return libbpf_err(-EINVAL);\"; "
	  "src/libbpf_internal.h, libbpf_validate_opts(): \"if (opts_sz < sizeof(size_t))\" ... "
	  "\"return false;\" and a nonzero tail past the known fields" },
	{ "libbpf-errno-doc", "the libbpf functions whose documentation lists errnos",
	  "a failure's errno is one the function's documentation names; another one is "
	  "doc-drift (the text is incomplete: libbpf passes the kernel's errno on)",
	  LTEXT ", each function's error list, e.g. bpf_map_update_elem: \"EEXIST: Key "
	  "already exists (with BPF_NOEXIST).\"" },
	{ "libbpf-wraps", "the libbpf functions whose documentation names the command they wrap",
	  "the call made the bpf(2) command its documentation says it wraps; a command the "
	  "text names wrongly is doc-drift",
	  LTEXT ", e.g. bpf_map_create: \"This helper wraps the kernel's BPF_MAP_CREATE "
	  "command\"; bpf_map_get_next_id: \"It wraps the kernel's BPF_OBJ_GET_NEXT_ID command "
	  "restricted to BPF maps.\" (bpf(2) has BPF_MAP_GET_NEXT_ID)" },
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
			 const struct libbpf_call *c, unsigned ver)
{
	char why[128];
	const char *en = errno_name(c->err);
	int32_t ret = (int32_t)c->ret;   /* an int in a 64-bit register */

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
	if (ret >= 0) {
		verdict(w, "libbpf-return", V_PASS, f->ret == LR_FD ? "an fd" : "success");
		return;
	}
	if ((int64_t)c->err == -(int64_t)ret) {   /* ret may be INT32_MIN */
		snprintf(why, sizeof(why), "%d and errno %s", ret, en ? en : "set");
		verdict(w, "libbpf-return", V_PASS, why);
		return;
	}
	/* libbpf 0.x, without LIBBPF_STRICT_DIRECT_ERRS: -1, errno set */
	if (ret == -1 && c->err && ver && ver < 0x100) {
		snprintf(why, sizeof(why), "-1 and errno %s: libbpf %u.%u returns -1 and sets errno",
			 en ? en : "set", ver >> 8, ver & 0xff);
		verdict(w, "libbpf-return", V_PASS, why);
		return;
	}
	if (ret == -1 && c->err && !ver) {
		snprintf(why, sizeof(why), "-1 and errno %s: libbpf before 1.0 does that, 1.0 and "
			 "later return -errno; the version is unknown", en ? en : "set");
		verdict(w, "libbpf-return", V_UNKNOWN, why);
		return;
	}
	snprintf(why, sizeof(why), "returned %d but errno is %d (%s)", ret, c->err,
		 en ? en : "unnamed");
	verdict(w, "libbpf-return", V_FAIL, why);
}

static void check_fd_range(struct jsonw *w, const struct libbpf_func *f,
			   const struct libbpf_call *c)
{
	int32_t fd = (int32_t)c->ret;
	char why[64];

	if (f->ret != LR_FD || fd < 0)
		return;
	snprintf(why, sizeof(why), "fd %d", fd);
	verdict(w, "libbpf-fd-range", fd > 2 ? V_PASS : V_FAIL, why);
}

static void check_opts(struct jsonw *w, const struct libbpf_call *c)
{
	char why[160];
	bool refused = (int32_t)c->ret == -EINVAL;

	if (!c->opts_addr || c->opts_fault)
		return;
	if (c->opts_sz_small) {
		snprintf(why, sizeof(why), "sz %llu is below sizeof(size_t)%s",
			 (unsigned long long)c->opts_sz, refused ? ": refused" : ", yet accepted");
		verdict(w, "libbpf-opts-sz", refused ? V_PASS : V_FAIL, why);
		return;
	}
	if (c->opts_tail_nonzero) {
		snprintf(why, sizeof(why), "nonzero byte at offset %u of sz %llu, past the %u bytes "
			 "bpfspy knows%s", c->opts_tail_nonzero, (unsigned long long)c->opts_sz,
			 c->opts_known, refused ? ": refused" : ": the loaded libbpf knows a "
			 "newer field");
		verdict(w, "libbpf-opts-sz", refused ? V_PASS : V_DRIFT, why);
		return;
	}
	snprintf(why, sizeof(why), "sz %llu", (unsigned long long)c->opts_sz);
	verdict(w, "libbpf-opts-sz", V_PASS, why);
}

static const struct {
	const char *func, *errnos;
} documented[] = {
#define LIBBPF_ERRNOS(f, list) { #f, list },
#include "check/libbpf_errnos.def"
#undef LIBBPF_ERRNOS
};

/* The errnos @func's documentation names, or NULL. */
static const char *documented_errnos(const char *func)
{
	size_t i;

	for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (!strcmp(documented[i].func, func))
			return documented[i].errnos;
	return NULL;
}

static bool word_in(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p = list;

	while ((p = strstr(p, w))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void check_errno_doc(struct jsonw *w, const struct libbpf_func *f,
			    const struct libbpf_call *c)
{
	const char *func = libbpf_func_name(c->id), *list, *en;
	bool failed = f->ret == LR_PTR ? !c->ret : (int32_t)c->ret < 0;
	char why[200];

	if (!failed || !c->err || !func || c->missing || !(list = documented_errnos(func)))
		return;
	en = errno_name(c->err);
	if (en && word_in(list, en)) {
		snprintf(why, sizeof(why), "%s is documented for %s", en, func);
		verdict(w, "libbpf-errno-doc", V_PASS, why);
		return;
	}
	snprintf(why, sizeof(why), "%s is not among the errnos %s documents (%s)",
		 en ? en : "this errno", func, list);
	verdict(w, "libbpf-errno-doc", V_DRIFT, why);
}

/* The command each function's documentation says it wraps; @named is the
 * text's name when it names one bpf(2) does not have. */
static const struct {
	const char *func;
	uint32_t cmd;
	const char *named;
} wraps[] = {
	{ "bpf_map_create", XV_BPF_MAP_CREATE, NULL },
	{ "bpf_map_lookup_elem", XV_BPF_MAP_LOOKUP_ELEM, NULL },
	{ "bpf_map_lookup_elem_flags", XV_BPF_MAP_LOOKUP_ELEM, NULL },
	{ "bpf_map_delete_elem", XV_BPF_MAP_DELETE_ELEM, NULL },
	{ "bpf_map_delete_elem_flags", XV_BPF_MAP_DELETE_ELEM, NULL },
	{ "bpf_map_get_next_key", XV_BPF_MAP_GET_NEXT_KEY, NULL },
	{ "bpf_map_freeze", XV_BPF_MAP_FREEZE, NULL },
	{ "bpf_map_get_next_id", XV_BPF_MAP_GET_NEXT_ID, "BPF_OBJ_GET_NEXT_ID" },
	{ "bpf_map_get_fd_by_id", XV_BPF_MAP_GET_FD_BY_ID, NULL },
	{ "bpf_map_get_fd_by_id_opts", XV_BPF_MAP_GET_FD_BY_ID, NULL },
	{ "bpf_prog_load", XV_BPF_PROG_LOAD, NULL },
	{ "bpf_prog_attach", XV_BPF_PROG_ATTACH, NULL },
	{ "bpf_prog_detach", XV_BPF_PROG_DETACH, NULL },
	{ "bpf_prog_get_next_id", XV_BPF_PROG_GET_NEXT_ID, NULL },
	{ "bpf_prog_get_fd_by_id", XV_BPF_PROG_GET_FD_BY_ID, NULL },
	{ "bpf_prog_get_fd_by_id_opts", XV_BPF_PROG_GET_FD_BY_ID, NULL },
	{ "bpf_prog_query", XV_BPF_PROG_QUERY, NULL },
	{ "bpf_prog_test_run_opts", XV_BPF_PROG_TEST_RUN, NULL },
	{ "bpf_link_create", XV_BPF_LINK_CREATE, NULL },
	{ "bpf_link_detach", XV_BPF_LINK_DETACH, NULL },
	{ "bpf_link_update", XV_BPF_LINK_UPDATE, NULL },
	{ "bpf_link_get_next_id", XV_BPF_LINK_GET_NEXT_ID, NULL },
	{ "bpf_link_get_fd_by_id", XV_BPF_LINK_GET_FD_BY_ID, NULL },
	{ "bpf_link_get_fd_by_id_opts", XV_BPF_LINK_GET_FD_BY_ID, NULL },
	{ "bpf_obj_pin", XV_BPF_OBJ_PIN, NULL },
	{ "bpf_obj_get", XV_BPF_OBJ_GET, NULL },
	{ "bpf_obj_get_opts", XV_BPF_OBJ_GET, NULL },
	{ "bpf_obj_get_info_by_fd", XV_BPF_OBJ_GET_INFO_BY_FD, NULL },
	{ "bpf_btf_load", XV_BPF_BTF_LOAD, NULL },
	{ "bpf_iter_create", XV_BPF_ITER_CREATE, NULL },
	{ "bpf_btf_get_next_id", XV_BPF_BTF_GET_NEXT_ID, NULL },
	{ "bpf_btf_get_fd_by_id", XV_BPF_BTF_GET_FD_BY_ID, NULL },
	{ "bpf_btf_get_fd_by_id_opts", XV_BPF_BTF_GET_FD_BY_ID, NULL },
	{ "bpf_raw_tracepoint_open_opts", XV_BPF_RAW_TRACEPOINT_OPEN, NULL },
	{ "bpf_raw_tracepoint_open", XV_BPF_RAW_TRACEPOINT_OPEN, NULL },
	{ "bpf_task_fd_query", XV_BPF_TASK_FD_QUERY, NULL },
};

static void check_wraps(struct jsonw *w, const struct libbpf_call *c)
{
	const char *func = libbpf_func_name(c->id), *cmd;
	char why[200];
	size_t i;

	if (!func || !c->cmds || c->missing)
		return;   /* no syscall made, or not known (a packed record) */
	for (i = 0; i < sizeof(wraps) / sizeof(wraps[0]); i++)
		if (!strcmp(wraps[i].func, func))
			break;
	if (i == sizeof(wraps) / sizeof(wraps[0]))
		return;
	cmd = xlat_name(&xlat_bpf_cmd, wraps[i].cmd);
	if (!(c->cmds & (1ull << wraps[i].cmd))) {
		snprintf(why, sizeof(why), "%s made no %s", func, cmd ? cmd : "such command");
		verdict(w, "libbpf-wraps", V_FAIL, why);
	} else if (wraps[i].named) {
		snprintf(why, sizeof(why), "%s made %s; its documentation names %s, which bpf(2) "
			 "does not have", func, cmd, wraps[i].named);
		verdict(w, "libbpf-wraps", V_DRIFT, why);
	} else {
		snprintf(why, sizeof(why), "%s made %s", func, cmd);
		verdict(w, "libbpf-wraps", V_PASS, why);
	}
}

void libbpf_render_checks(struct jsonw *w, const struct libbpf_call *c,
			  const struct decode_opts *o)
{
	const struct libbpf_func *f = libbpf_func(c->id);

	/* A failure bpfspy run made (--inject) is no libbpf answer: nothing
	 * to judge. */
	if (o->no_check || !f || c->injected)
		return;
	jw_arr_open(w, "checks");
	check_return(w, f, c, o->libbpf_ver);
	check_fd_range(w, f, c);
	check_opts(w, c);
	check_errno_doc(w, f, c);
	check_wraps(w, c);
	jw_arr_close(w);
}
