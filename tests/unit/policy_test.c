// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy parsers of decoders/policy/bpf_policy.c: every form of an --inject
 * rule (by bpf command and by libbpf function), the canonical form the
 * shim reads back, the counting predicate the shim applies, and --deny.
 */
#include <errno.h>
#include <string.h>

#include "policy/bpf_filter.h"
#include "policy/bpf_policy.h"
#include "libbpf/libbpf_funcs.h"
#include "tap.h"

/* @spec parses to command @cmd, errno @err, calls @from..@to. */
static void inject_cmd(const char *spec, int cmd, int err, unsigned from, unsigned to)
{
	struct bpf_inject r;
	int rc = bpf_inject_parse(spec, &r);

	tap_ok(rc == BPF_INJECT_OK && r.func == -1 && (int)r.cmd == cmd && r.err == err &&
		       r.from == from && r.to == to,
	       "inject '%s': cmd %d errno %d calls %u..%u (rc %d: cmd %u func %d err %d %u..%u)",
	       spec, cmd, err, from, to, rc, r.cmd, r.func, r.err, r.from, r.to);
}

/* @spec parses to libbpf function @id. */
static void inject_func(const char *spec, unsigned id, int err, unsigned from, unsigned to)
{
	struct bpf_inject r;
	int rc = bpf_inject_parse(spec, &r);

	tap_ok(rc == BPF_INJECT_OK && r.func == (int)id && r.err == err && r.from == from &&
		       r.to == to,
	       "inject '%s': %s errno %d calls %u..%u (rc %d func %d err %d)", spec,
	       libbpf_func_name(id), err, from, to, rc, r.func, r.err);
}

static void inject_bad(const char *spec, int status)
{
	struct bpf_inject r;
	int rc = bpf_inject_parse(spec, &r);

	tap_ok(rc == status, "inject '%s' refused: %s (got %d)", spec,
	       bpf_inject_strerror(status), rc);
}

static void forms(void)
{
	inject_cmd("BPF_PROG_LOAD:EPERM", 5, EPERM, 1, 0);
	inject_cmd("prog_load:eperm", 5, EPERM, 1, 0);
	inject_cmd("Map_Create:ENOMEM:2", 0, ENOMEM, 2, 2);
	inject_cmd("map_create:12:2+", 0, ENOMEM, 2, 0);
	inject_cmd("5:1", 5, EPERM, 1, 0);
	inject_cmd("63:4095", 63, 4095, 1, 0);
	inject_cmd("MAP_LOOKUP_ELEM:ENOENT:999999999", 1, ENOENT, 999999999, 999999999);
	inject_cmd("MAP_LOOKUP_ELEM:ENOENT:999999999+", 1, ENOENT, 999999999, 0);
	/* upper case is the command, libbpf's own spelling the function */
	inject_cmd("BPF_MAP_CREATE:EPERM", 0, EPERM, 1, 0);
	inject_cmd("Bpf_Map_Create:EPERM", 0, EPERM, 1, 0);
	inject_func("bpf_map_create:EPERM", LF_bpf_map_create, EPERM, 1, 0);
	inject_func("bpf_object__load:ENOENT:2+", LF_bpf_object__load, ENOENT, 2, 0);
	inject_func("bpf_program__attach:EINVAL:3", LF_bpf_program__attach, EINVAL, 3, 3);
	inject_func("bpf_task_fd_query:7", LF_bpf_task_fd_query, E2BIG, 1, 0);
	inject_func("bpf_enable_stats:EPERM", LF_bpf_enable_stats, EPERM, 1, 0);

	inject_bad("", BPF_INJECT_BAD_FORM);
	inject_bad("BPF_PROG_LOAD", BPF_INJECT_BAD_FORM);
	inject_bad(":EPERM", BPF_INJECT_BAD_FORM);
	inject_bad("FOO:EPERM", BPF_INJECT_BAD_NAME);
	inject_bad("64:EPERM", BPF_INJECT_BAD_NAME);
	inject_bad("-1:EPERM", BPF_INJECT_BAD_NAME);
	inject_bad("bpf_object__lod:EPERM", BPF_INJECT_BAD_NAME);
	inject_bad("bpf_map__fd:EPERM", BPF_INJECT_BAD_NAME);          /* not interposed */
	inject_bad("bpf_object__load :EPERM", BPF_INJECT_BAD_NAME);
	inject_bad("bpf_object__close:EPERM", BPF_INJECT_VOID_FUNC);
	inject_bad("map_create:", BPF_INJECT_BAD_ERRNO);
	inject_bad("map_create:EWHAT", BPF_INJECT_BAD_ERRNO);
	inject_bad("map_create:0", BPF_INJECT_BAD_ERRNO);
	inject_bad("map_create:4096", BPF_INJECT_BAD_ERRNO);
	inject_bad("map_create:-1", BPF_INJECT_BAD_ERRNO);
	inject_bad("map_create:12345678901234567890", BPF_INJECT_BAD_ERRNO);
	inject_bad("bpf_map_create:EPERMX", BPF_INJECT_BAD_ERRNO);
	inject_bad("map_create:EPERM:", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:0", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:0+", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:+", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:x+", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:-2", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:1000000000", BPF_INJECT_BAD_WHEN);   /* overflow */
	inject_bad("map_create:EPERM:99999999999999999999", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:2++", BPF_INJECT_BAD_WHEN);
	inject_bad("map_create:EPERM:2x", BPF_INJECT_BAD_WHEN);            /* trailing junk */
	inject_bad("map_create:EPERM:2:3", BPF_INJECT_BAD_WHEN);
	inject_bad("bpf_object__load:EPERM:2 ", BPF_INJECT_BAD_WHEN);
	tap_ok(strcmp(bpf_inject_strerror(BPF_INJECT_BAD_NAME), bpf_inject_strerror(BPF_INJECT_OK)) &&
		       strlen(bpf_inject_strerror(-99)) > 0,
	       "every status has its own text");
}

/* @spec formats as @canon, which parses back to the same rule. */
static void canonical(const char *spec, const char *canon)
{
	struct bpf_inject a, b;
	char buf[128] = "";
	int ok = bpf_inject_parse(spec, &a) == 0;

	if (ok)
		bpf_inject_format(&a, buf, sizeof(buf));
	ok = ok && !strcmp(buf, canon) && bpf_inject_parse(buf, &b) == 0 && a.func == b.func &&
	     a.cmd == b.cmd && a.err == b.err && a.from == b.from && a.to == b.to;
	tap_ok(ok, "canonical '%s' -> '%s' (want '%s') and back", spec, buf, canon);
}

static void round_trip(void)
{
	char when[16];
	struct bpf_inject r;

	canonical("BPF_PROG_LOAD:EPERM", "5:1");
	canonical("map_create:ENOMEM:2", "0:12:2");
	canonical("map_lookup_elem:ENOENT:2+", "1:2:2+");
	canonical("bpf_object__load:ENOENT:2+", "bpf_object__load:2:2+");
	canonical("bpf_map_create:EPERM", "bpf_map_create:1");
	canonical("bpf_program__attach_kprobe_multi_opts:EOPNOTSUPP:7",
		  "bpf_program__attach_kprobe_multi_opts:95:7");
	canonical("5:1:1+", "5:1");   /* :1+ is every call */
	bpf_inject_parse("prog_load:EPERM:3", &r);
	bpf_inject_when(&r, when, sizeof(when));
	tap_ok(!strcmp(when, "3"), "when '3' (%s)", when);
	bpf_inject_parse("prog_load:EPERM:3+", &r);
	bpf_inject_when(&r, when, sizeof(when));
	tap_ok(!strcmp(when, "3+"), "when '3+' (%s)", when);
	bpf_inject_parse("prog_load:EPERM", &r);
	bpf_inject_when(&r, when, sizeof(when));
	tap_ok(!strcmp(when, "every"), "when 'every' (%s)", when);
}

static void counting(void)
{
	struct bpf_inject r[4];
	unsigned n = 0;
	uint32_t i;
	int hits = 0;

	bpf_inject_parse("map_create:EPERM:2", &r[n++]);
	bpf_inject_parse("map_create:ENOMEM:2+", &r[n++]);
	bpf_inject_parse("bpf_map_create:EACCES:3", &r[n++]);
	bpf_inject_parse("bpf_object__load:ENOENT", &r[n++]);

	tap_ok(!bpf_inject_hits(&r[0], 1) && bpf_inject_hits(&r[0], 2) && !bpf_inject_hits(&r[0], 3),
	       ":2 hits the 2nd call only");
	tap_ok(!bpf_inject_hits(&r[1], 1) && bpf_inject_hits(&r[1], 2) &&
		       bpf_inject_hits(&r[1], UINT32_MAX),
	       ":2+ hits from the 2nd on");
	tap_ok(bpf_inject_hits(&r[3], 1) && bpf_inject_hits(&r[3], 1000), "no :N hits every call");
	tap_ok(bpf_inject_match(r, n, -1, 0, 1) == 0, "1st BPF_MAP_CREATE: made");
	tap_ok(bpf_inject_match(r, n, -1, 0, 2) == EPERM, "2nd BPF_MAP_CREATE: the first rule decides");
	tap_ok(bpf_inject_match(r, n, -1, 0, 3) == ENOMEM, "3rd BPF_MAP_CREATE: the second rule");
	tap_ok(bpf_inject_match(r, n, -1, 5, 2) == 0, "another command: made");
	tap_ok(bpf_inject_match(r, n, LF_bpf_map_create, 0, 2) == 0,
	       "bpf_map_create is not the command: its 2nd call is made");
	tap_ok(bpf_inject_match(r, n, LF_bpf_map_create, 0, 3) == EACCES,
	       "bpf_map_create: its own rule on its 3rd call");
	tap_ok(bpf_inject_match(r, n, LF_bpf_prog_load, 5, 1) == 0,
	       "bpf_prog_load: no rule (a command number is no function)");
	for (i = 1; i <= 10; i++)
		hits += bpf_inject_match(r, n, LF_bpf_object__load, 0, i) == ENOENT;
	tap_ok(hits == 10, "bpf_object__load: every call (%d of 10)", hits);
}

static void functions(void)
{
	unsigned id, n = 0;

	for (id = 0; id < LF_COUNT; id++)
		n += bpf_policy_func(libbpf_func_name(id), strlen(libbpf_func_name(id))) == (int)id;
	tap_ok(n == LF_COUNT, "every interposed function is found by its name (%u of %u)", n,
	       (unsigned)LF_COUNT);
	tap_ok(bpf_policy_func("bpf_map_create_x", 14) == (int)LF_bpf_map_create,
	       "a name is its first n characters");
	tap_ok(bpf_policy_func("BPF_MAP_CREATE", 14) == -1, "function names are exact");
	tap_ok(!bpf_policy_func_injectable(LF_bpf_object__close), "void: not injectable");
	tap_ok(bpf_policy_func_injectable(LF_bpf_object__load) &&
		       bpf_policy_func_injectable(LF_bpf_map_create) &&
		       bpf_policy_func_injectable(LF_bpf_object__open_file),
	       "int, fd and pointer returns are injectable");
	tap_ok(!bpf_policy_func_injectable(LF_COUNT), "no function past the table");
}

static void deny(void)
{
	struct bpf_deny d[4];
	unsigned n = 0;

	tap_ok(bpf_deny_parse("BPF_MAP_CREATE,prog_load:EACCES", d, &n, 4) == 0 && n == 2 &&
		       d[0].cmd == 0 && d[1].cmd == 5 && d[0].err == EACCES && d[1].err == EACCES,
	       "deny two commands with one errno");
	tap_ok(bpf_deny_parse("map_lookup_elem", d, &n, 4) == 0 && n == 3 && d[2].cmd == 1 &&
		       d[2].err == EPERM,
	       "deny: EPERM by default, appended");
	tap_ok(bpf_deny_parse("bpf_map_create:13", d, &n, 4) == 0 && n == 4 && d[3].cmd == 0,
	       "deny names commands only, in any case (no libbpf functions)");
	tap_ok(bpf_deny_parse("5", d, &n, 4) == -1 && n == 4, "deny: at most max rules");
	n = 0;
	tap_ok(bpf_deny_parse("map_create,:EPERM", d, &n, 4) == -1 && n == 0, "deny: empty command");
	tap_ok(bpf_deny_parse("map_create,", d, &n, 4) == -1 && n == 0, "deny: trailing comma");
	tap_ok(bpf_deny_parse("", d, &n, 4) == -1 && n == 0, "deny: nothing");
	tap_ok(bpf_deny_parse("nope", d, &n, 4) == -1 && n == 0, "deny: no such command");
	tap_ok(bpf_deny_parse("map_create,nope", d, &n, 4) == -1 && n == 0,
	       "deny: one bad command undoes the list");
	tap_ok(bpf_deny_parse("map_create:0", d, &n, 4) == -1 && n == 0, "deny: errno 0");
	tap_ok(bpf_deny_parse("map_create:EWHAT", d, &n, 4) == -1 && n == 0, "deny: bad errno");
	tap_ok(bpf_policy_cmd("BPF_PROG_LOAD", 13) == 5 && bpf_policy_cmd("prog_load", 9) == 5 &&
		       bpf_policy_cmd("63", 2) == 63 && bpf_policy_cmd("64", 2) == -1,
	       "commands by name and number");
	tap_ok(bpf_policy_errno("ENOMEM", 6) == ENOMEM && bpf_policy_errno("enomem", 6) == ENOMEM &&
		       bpf_policy_errno("4095", 4) == 4095 && bpf_policy_errno("4096", 4) == -1 &&
		       bpf_policy_errno("0", 1) == -1,
	       "errnos by name and number");
}

/* -e trace=SET */
static void filters(void)
{
	struct bpf_filter f;
	char bad[32];

	tap_ok(bpf_filter_parse("trace=BPF_PROG_LOAD,map_create", &f, bad, sizeof(bad)) == 0 &&
	       f.active && !f.negated && bpf_filter_cmd(&f, 5) && bpf_filter_cmd(&f, 0) &&
	       !bpf_filter_cmd(&f, 1) && !bpf_filter_func(&f, LF_bpf_map_create),
	       "trace=BPF_PROG_LOAD,map_create: those two commands, no libbpf call");
	tap_ok(bpf_filter_parse("!MAP_LOOKUP_ELEM", &f, bad, sizeof(bad)) == 0 && f.negated &&
	       !bpf_filter_cmd(&f, 1) && bpf_filter_cmd(&f, 2) && bpf_filter_cmd(&f, 99) &&
	       bpf_filter_func(&f, LF_bpf_map_lookup_elem),
	       "!MAP_LOOKUP_ELEM: everything else, unknown commands and libbpf too");
	tap_ok(bpf_filter_parse("trace=bpf_object__load,BPF_PROG_LOAD", &f, bad, sizeof(bad)) == 0 &&
	       bpf_filter_func(&f, LF_bpf_object__load) && !bpf_filter_func(&f, LF_bpf_prog_load) &&
	       bpf_filter_cmd(&f, 5) && !bpf_filter_cmd(&f, 99),
	       "a libbpf function by its exact name, a command beside it");
	tap_ok(bpf_filter_parse("trace=all", &f, bad, sizeof(bad)) == 0 && bpf_filter_cmd(&f, 38) &&
	       bpf_filter_func(&f, LF_bpf_map_create) &&
	       bpf_filter_parse("trace=none", &f, bad, sizeof(bad)) == 0 && !bpf_filter_cmd(&f, 0) &&
	       !bpf_filter_func(&f, 0), "all and none");
	tap_ok(bpf_filter_parse("trace=BPF_PROG_LOAD,bogus", &f, bad, sizeof(bad)) < 0 &&
	       !strcmp(bad, "bogus"), "an unknown name is refused and named");
	tap_ok(bpf_filter_parse("trace=", &f, bad, sizeof(bad)) < 0 &&
	       bpf_filter_parse("trace=a,,b", &f, bad, sizeof(bad)) < 0,
	       "an empty set or item is refused");
	memset(&f, 0, sizeof(f));
	tap_ok(bpf_filter_cmd(&f, 3) && bpf_filter_func(&f, 3), "no filter records everything");
}

int main(void)
{
	filters();
	forms();
	round_trip();
	counting();
	functions();
	deny();
	return tap_done();
}
