// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpfspy check TRACE...: the findings of the checks a trace carries.
 * bpfspy rules: the rule table.
 *
 * The verdicts are made when events are rendered (decoders/check/bpf_check.h);
 * check reads them back and reports, per event: each rule that failed,
 * each doc-drift (grouped: the same drift repeats), and each failed call
 * that is not a feature probe, with its explanation and privilege audit.
 * A failed libbpf call without an explanation of its own gets the one of
 * the call that made it fail (cause.h), marked inherited; the loader's
 * failure is told first, in one sentence.  The lines go through a
 * memory stream so that sentence can come before them.
 *
 * Exit 0 when no rule failed, 1 when one did, 2 when the input can't be
 * read, 3 when no rule failed but the loader failed for want of a
 * privilege (its explanation names a privilege rule).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cause.h"
#include "check/bpf_check.h"
#include "cli.h"
#include "normalize.h"
#include "trace_read.h"

enum { N_PASS, N_FAIL, N_DRIFT, N_UNKNOWN, N_PROBE, N_VERDICTS };

struct drift {
	char rule[32];
	char why[256];
	unsigned long count;
	char first[160];     /* file:line of the first */
};

#define MAX_DRIFTS 64
#define MAX_CAUSES 256   /* libbpf calls in which bpfspy run failed a call */

struct cause {
	int64_t pid, seq;
};

struct check_state {
	bool json;
	FILE *out;                        /* the per-event lines */
	struct causes *expl;             /* what explains each failure */
	unsigned long events, checks[N_VERDICTS], failed_calls, probes, failed_probes;
	unsigned long injected, denied;   /* failures bpfspy run made */
	unsigned long consequent;         /* libbpf failures they caused */
	struct cause causes[MAX_CAUSES];  /* a ring */
	unsigned ncauses;
	struct drift drifts[MAX_DRIFTS];
	unsigned ndrifts;
	unsigned long drifts_dropped;
};

static int verdict_index(const char *v)
{
	static const char *const names[] = { "pass", "fail", "doc-drift", "unknown", "probe" };
	int i;

	for (i = 0; i < N_VERDICTS; i++)
		if (v && !strcmp(v, names[i]))
			return i;
	return -1;
}

/* "BPF_MAP_CREATE" or "bpf_map_create()" */
static const char *what_of(struct json_object *ev, char *buf, size_t cap)
{
	const char *s = trace_get_str(ev, "cmd");

	if (s)
		return s;
	s = trace_get_str(ev, "func");
	snprintf(buf, cap, "%s()", s ? s : "?");
	return buf;
}

static void print_where(const struct trace_line *l, char *buf, size_t cap)
{
	char w[64];

	snprintf(buf, cap, "%s:%lu seq %lld pid %lld %s", l->file, l->lineno,
		 (long long)trace_get_int(l->obj, "seq", 0),
		 (long long)trace_get_int(l->obj, "pid", 0), what_of(l->obj, w, sizeof(w)));
}

static void put_cause(struct json_object *o, const struct call_cause *c, bool inherited)
{
	struct json_object *e = json_object_new_object(), *from;

	json_object_object_add(e, "rule", json_object_new_string(c->rule));
	json_object_object_add(e, "text", json_object_new_string(c->text));
	if (inherited) {
		from = json_object_new_object();
		json_object_object_add(from, "seq", json_object_new_int64(c->seq));
		json_object_object_add(from, "call", json_object_new_string(c->call));
		json_object_object_add(from, "errno", json_object_new_string(c->err));
		if (c->probe[0])
			json_object_object_add(from, "probe", json_object_new_string(c->probe));
		json_object_object_add(e, "inherited_from", from);
	}
	if (c->fix[0])
		json_object_object_add(e, "fix", json_object_new_string(c->fix));
	json_object_object_add(o, "explanation", e);
}

static void emit_json(FILE *out, const struct trace_line *l, const char *kind, const char *rule,
		      const char *why, const struct call_cause *inh)
{
	struct json_object *o = json_object_new_object(), *e;
	char w[64];

	json_object_object_add(o, "file", json_object_new_string(l->file));
	json_object_object_add(o, "line", json_object_new_int64((int64_t)l->lineno));
	json_object_object_add(o, "seq", json_object_new_int64(trace_get_int(l->obj, "seq", 0)));
	json_object_object_add(o, "pid", json_object_new_int64(trace_get_int(l->obj, "pid", 0)));
	json_object_object_add(o, "call", json_object_new_string(what_of(l->obj, w, sizeof(w))));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	if (rule)
		json_object_object_add(o, "rule", json_object_new_string(rule));
	if (why)
		json_object_object_add(o, "why", json_object_new_string(why));
	if (!strcmp(kind, "error")) {
		json_object_object_add(o, "errno", json_object_get(trace_get(l->obj, "errno")));
		e = trace_get(l->obj, "explanation");
		if (e)
			json_object_object_add(o, "explanation", json_object_get(e));
		else if (inh)
			put_cause(o, inh, true);
		e = trace_get(l->obj, "audit");
		if (e)
			json_object_object_add(o, "audit", json_object_get(e));
		else if (inh && inh->audit[0])
			json_object_object_add(o, "audit", json_object_new_string(inh->audit));
	}
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void note_drift(struct check_state *st, const struct trace_line *l, const char *rule,
		       const char *why)
{
	unsigned i;

	for (i = 0; i < st->ndrifts; i++) {
		if (!strcmp(st->drifts[i].rule, rule) && !strcmp(st->drifts[i].why, why)) {
			st->drifts[i].count++;
			return;
		}
	}
	if (st->ndrifts == MAX_DRIFTS) {
		st->drifts_dropped++;
		return;
	}
	copy_text(st->drifts[i].rule, sizeof(st->drifts[i].rule), rule);
	copy_text(st->drifts[i].why, sizeof(st->drifts[i].why), why);
	print_where(l, st->drifts[i].first, sizeof(st->drifts[i].first));
	st->drifts[i].count = 1;
	st->ndrifts++;
}

static void one_check(struct check_state *st, const struct trace_line *l,
		      struct json_object *chk)
{
	const char *rule = trace_get_str(chk, "rule"), *why = trace_get_str(chk, "why");
	int v = verdict_index(trace_get_str(chk, "verdict"));
	char where[160];

	if (v < 0 || !rule)
		return;
	st->checks[v]++;
	if (!why)
		why = "";
	if (v == N_DRIFT) {
		note_drift(st, l, rule, why);
		if (st->json)
			emit_json(st->out, l, "doc-drift", rule, why, NULL);
		return;
	}
	if (v != N_FAIL)
		return;
	if (st->json) {
		emit_json(st->out, l, "fail", rule, why, NULL);
		return;
	}
	print_where(l, where, sizeof(where));
	fprintf(st->out, "%s: FAIL %s: %s\n", where, rule, why);
}

static void failed_call(struct check_state *st, const struct trace_line *l,
			const struct call_cause *inh)
{
	const char *err = trace_get_str(l->obj, "errno");
	const char *text = trace_get_str(l->obj, "explanation.text");
	const char *rule = trace_get_str(l->obj, "explanation.rule");
	const char *audit = trace_get_str(l->obj, "audit.verdict");
	char where[160];

	st->failed_calls++;
	if (st->json) {
		emit_json(st->out, l, "error", rule ? rule : inh ? inh->rule : NULL,
			  text ? text : inh ? inh->text : NULL, text ? NULL : inh);
		return;
	}
	print_where(l, where, sizeof(where));
	fprintf(st->out, "%s: error %s\n", where, err ? err : "?");
	if (!text && inh) {
		fprintf(st->out, "    explanation (%s, inherited from seq %lld %s %s%s): %s\n",
			inh->rule, (long long)inh->seq, inh->call, inh->err,
			inh->probe[0] ? ", a feature probe" : "", inh->text);
		return;
	}
	if (text)
		fprintf(st->out, "    explanation (%s): %s\n", rule ? rule : "?", text);
	if (audit && (!text || (rule && !strcmp(rule, "capability") && !strstr(text, audit))))
		fprintf(st->out, "    audit: %s\n", audit);
	if (!text && !audit)
		fprintf(st->out, "    no rule explains it\n");
}

/* The libbpf call around @l (its "parent") failed, if it did, because
 * bpfspy run failed @l: remember it. */
static void note_cause(struct check_state *st, const struct trace_line *l)
{
	struct cause *c = &st->causes[st->ncauses++ % MAX_CAUSES];

	c->pid = trace_get_int(l->obj, "pid", 0);
	c->seq = trace_get_int(l->obj, "parent", 0);
}

/* A libbpf call returns after the calls it made: a failed one whose
 * seq a failure bpfspy run made names as its parent is a consequence. */
static bool caused(const struct check_state *st, const struct trace_line *l)
{
	int64_t pid = trace_get_int(l->obj, "pid", 0), seq = trace_get_int(l->obj, "seq", 0);
	unsigned i, n = st->ncauses < MAX_CAUSES ? st->ncauses : MAX_CAUSES;

	for (i = 0; i < n; i++)
		if (st->causes[i].seq && st->causes[i].seq == seq && st->causes[i].pid == pid)
			return true;
	return false;
}

/* A failure bpfspy run made, or one a libbpf call returned because of
 * it: counted apart, not listed as an error. */
static bool policy_failure(struct check_state *st, const struct trace_line *l)
{
	if (trace_get(l->obj, "injected"))
		st->injected++;
	else if (trace_get(l->obj, "denied"))
		st->denied++;
	else if (caused(st, l))
		st->consequent++;
	else
		return false;
	note_cause(st, l);
	return true;
}

static void one_event(struct check_state *st, const struct trace_line *l)
{
	struct json_object *checks = trace_get(l->obj, "checks");
	bool probe = trace_get(l->obj, "probe") != NULL, has, inherited;
	struct call_cause cause;
	size_t i, n;

	st->events++;
	if (probe)
		st->probes++;
	if (checks && json_object_is_type(checks, json_type_array)) {
		n = json_object_array_length(checks);
		for (i = 0; i < n; i++)
			one_check(st, l, json_object_array_get_idx(checks, i));
	}
	/* errno is null on success; a libbpf function returning a pointer
	 * fails with ret -errno (ret_ptr null), like the others (schema 2) */
	if (!trace_get_str(l->obj, "errno")) {
		causes_success(st->expl, l->obj);
		return;
	}
	if (policy_failure(st, l))
		return;
	if (!norm_failed(l->obj))
		return;
	has = causes_add(st->expl, l->obj, NULL, &cause, &inherited);
	if (trace_get_int(l->obj, "ret", 0) >= 0)
		return;
	if (probe)
		st->failed_probes++;
	else
		failed_call(st, l, has && inherited ? &cause : NULL);
}

static void summary(const struct check_state *st)
{
	unsigned i;

	if (st->json) {
		printf("{\"summary\":{\"events\":%lu,\"pass\":%lu,\"fail\":%lu,\"doc_drift\":%lu,"
		       "\"unknown\":%lu,\"probe\":%lu,\"failed_calls\":%lu,\"probes\":%lu,"
		       "\"failed_probes\":%lu,\"injected\":%lu,\"denied\":%lu,"
		       "\"libbpf_consequent\":%lu}}\n",
		       st->events, st->checks[N_PASS], st->checks[N_FAIL], st->checks[N_DRIFT],
		       st->checks[N_UNKNOWN], st->checks[N_PROBE], st->failed_calls, st->probes,
		       st->failed_probes, st->injected, st->denied, st->consequent);
		return;
	}
	if (st->ndrifts)
		puts("Documentation drift: what the kernel does beyond the 2021 bpf(2) "
		     "and libbpf text (not faults):");
	for (i = 0; i < st->ndrifts; i++)
		printf("doc-drift %s (%lu call%s, first %s): %s\n", st->drifts[i].rule,
		       st->drifts[i].count, st->drifts[i].count == 1 ? "" : "s",
		       st->drifts[i].first, st->drifts[i].why);
	if (st->drifts_dropped)
		printf("doc-drift: %lu more of other kinds\n", st->drifts_dropped);
	if (st->injected || st->denied)
		printf("bpfspy run made %lu failures: %lu injected (--inject), %lu denied "
		       "(--deny); %lu libbpf calls failed from them\n",
		       st->injected + st->denied, st->injected, st->denied, st->consequent);
	printf("%lu events, %lu checks: %lu pass, %lu fail, %lu doc-drift, %lu unknown, "
	       "%lu probe; %lu failed calls, %lu feature probes (%lu failed)\n",
	       st->events,
	       st->checks[N_PASS] + st->checks[N_FAIL] + st->checks[N_DRIFT] +
		       st->checks[N_UNKNOWN] + st->checks[N_PROBE],
	       st->checks[N_PASS], st->checks[N_FAIL], st->checks[N_DRIFT], st->checks[N_UNKNOWN],
	       st->checks[N_PROBE], st->failed_calls, st->probes, st->failed_probes);
}

static void loader_json(const struct loader_failure *f, const char *sentence)
{
	struct json_object *o = json_object_new_object(), *lf = json_object_new_object();

	json_object_object_add(lf, "pid", json_object_new_int64(f->pid));
	json_object_object_add(lf, "seq", json_object_new_int64(f->seq));
	json_object_object_add(lf, "call", json_object_new_string(f->call));
	json_object_object_add(lf, "errno", json_object_new_string(f->err));
	if (f->explained)
		put_cause(lf, &f->cause, f->inherited);
	json_object_object_add(lf, "privilege", json_object_new_boolean(
		f->explained && causes_privilege_rule(f->cause.rule)));
	json_object_object_add(lf, "sentence", json_object_new_string(sentence));
	json_object_object_add(o, "loader_failure", lf);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* The loaders' failures, one sentence each; true when one is for want of
 * a privilege. */
static bool loader_failures(const struct check_state *st)
{
	const struct loader_failure *f;
	char sentence[1280];
	bool priv = false;
	size_t i;

	for (i = 0; (f = causes_loader(st->expl, i)); i++) {
		causes_sentence(f, sentence, sizeof(sentence));
		priv |= f->explained && causes_privilege_rule(f->cause.rule);
		if (st->json)
			loader_json(f, sentence);
		else
			printf("loader failure (pid %lld): %s\n", (long long)f->pid, sentence);
	}
	return priv;
}

int check_traces(char *const *paths, int n, bool json, bool lenient)
{
	struct check_state *st = calloc(1, sizeof(*st));
	struct trace_set *s = trace_open(paths, n, lenient);
	struct trace_line l;
	char *buf = NULL;
	size_t len = 0;
	bool priv;
	int r;

	if (!st || !s || !(st->expl = causes_new()) ||
	    !(st->out = open_memstream(&buf, &len))) {
		if (st && s)
			die_msg("out of memory");
		if (s)
			trace_close(s);
		if (st)
			causes_free(st->expl);
		free(st);
		return EXIT_USAGE;
	}
	st->json = json;
	term_safe_stdout(json);
	while ((r = trace_next(s, &l)) > 0)
		if (!strcmp(l.event, "bpf") || !strcmp(l.event, "libbpf"))
			one_event(st, &l);
		else if (!strcmp(l.event, "exit"))
			causes_exit(st->expl, l.obj);
	trace_close(s);
	fclose(st->out);
	if (r < 0) {
		fwrite(buf, 1, len, stdout);
		r = EXIT_USAGE;
		goto out;
	}
	priv = loader_failures(st);
	fwrite(buf, 1, len, stdout);
	summary(st);
	r = st->checks[N_FAIL] ? 1 : priv ? 3 : 0;
out:
	fflush(stdout);
	free(buf);
	causes_free(st->expl);
	free(st);
	return r;
}

static const char check_usage[] =
	"Usage: bpfspy check [--json] [--lenient] TRACE...\n"
	"\n"
	"Report the findings of the checks in bpfspy traces: rules that failed,\n"
	"documentation drift, and failed calls with their explanation and privilege\n"
	"audit.  The loader's failure comes first, in one sentence.  Exits 0 when\n"
	"no rule failed, 1 when one did, 2 when a trace can't be read, 3 when no\n"
	"rule failed and the loader failed for want of a privilege.  See bpfspy\n"
	"rules for the rules.\n";

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false, lenient = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'l': lenient = true; break;
		case 'h': fputs(check_usage, stdout); return 0;
		default: return bad_option(c, argv);
		}
	}
	if (optind >= argc)
		return usage_error("no TRACE given (bpfspy check [--json] [--lenient] TRACE...)");
	return check_traces(argv + optind, argc - optind, json, lenient);
}

/* ---- bpfspy rules ------------------------------------------------------------- */

static void rule_json(const char *layer, const char *id, const char *applies,
		      const char *checks, const char *kernels, const char *source)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "layer", json_object_new_string(layer));
	json_object_object_add(o, "applies", json_object_new_string(applies));
	json_object_object_add(o, "checks", json_object_new_string(checks));
	if (kernels)
		json_object_object_add(o, "kernels", json_object_new_string(kernels));
	json_object_object_add(o, "source", json_object_new_string(source));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void rule_text(const char *layer, const char *id, const char *applies,
		      const char *checks, const char *kernels, const char *source)
{
	printf("%s (%s: %s)\n    checks: %s\n", id, layer, applies, checks);
	if (kernels)
		printf("    kernels: %s\n", kernels);
	printf("    source: %s\n\n", source);
}

/* ---- bpfspy rules --coverage: the inventory of the texts ---------------------- */

static const char *const state_names[] = {
	[STMT_CHECKED] = "checked", [STMT_UNCHECKABLE] = "uncheckable", [STMT_TODO] = "todo",
};

static void stmt_json(const struct bpf_stmt *s)
{
	struct json_object *o = json_object_new_object();
	enum bpf_stmt_state st = bpf_stmt_state(s);

	json_object_object_add(o, "text", json_object_new_string(s->text));
	json_object_object_add(o, "where", json_object_new_string(s->where));
	json_object_object_add(o, "statement", json_object_new_string(s->phrase));
	json_object_object_add(o, "state", json_object_new_string(state_names[st]));
	if (s->rule)
		json_object_object_add(o, "rule", json_object_new_string(s->rule));
	if (s->verdicts)
		json_object_object_add(o, "verdicts", json_object_new_string(s->verdicts));
	if (s->reason)
		json_object_object_add(o, "reason", json_object_new_string(s->reason));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void stmt_text(const struct bpf_stmt *s)
{
	enum bpf_stmt_state st = bpf_stmt_state(s);

	printf("%-6s %-30s %s\n    \"%s\"\n", s->text, s->where, state_names[st], s->phrase);
	if (st == STMT_CHECKED)
		printf("    rule %s: %s\n", s->rule, s->verdicts ? s->verdicts : "");
	else if (st == STMT_UNCHECKABLE)
		printf("    cannot be checked: %s\n", s->reason);
	else if (s->rule)
		printf("    names rule %s, which no table has\n", s->rule);
}

/* The inventory and its counts, per text and in all. */
/* One summary line: text @name's counts @n (checked, uncheckable, todo). */
static void coverage_line(bool json, const char *name, const char *title,
			  const unsigned long n[3])
{
	unsigned long all = n[0] + n[1] + n[2];

	if (json)
		printf("{\"summary\":{\"text\":\"%s\",\"statements\":%lu,\"checked\":%lu,"
		       "\"uncheckable\":%lu,\"todo\":%lu}}\n", name, all, n[0], n[1], n[2]);
	else
		printf("%s: %lu statements, %lu checked (%lu%%), %lu uncheckable (with a reason), "
		       "%lu not yet done\n", title, all, n[0], all ? n[0] * 100 / all : 0, n[1],
		       n[2]);
}

/* The inventory and its counts, per text and in all; 1 when a statement
 * is not yet done. */
static int coverage(bool json)
{
	unsigned long n[3][3] = { { 0 } };   /* bpf, libbpf, all */
	size_t i;
	int k;

	for (i = 0; i < bpf_inventory_count; i++) {
		const struct bpf_stmt *s = &bpf_inventory[i];

		n[strcmp(s->text, "bpf") != 0][bpf_stmt_state(s)]++;
		if (json)
			stmt_json(s);
		else
			stmt_text(s);
	}
	for (k = 0; k < 3; k++)
		n[2][k] = n[0][k] + n[1][k];
	if (!json)
		putchar('\n');
	coverage_line(json, "bpf", "include/uapi/linux/bpf.h (Linux 5.13)", n[0]);
	coverage_line(json, "libbpf", "libbpf's src/bpf.h", n[1]);
	coverage_line(json, "all", "all", n[2]);
	return n[2][2] ? 1 : 0;
}

static const char rules_usage[] =
	"Usage: bpfspy rules [--json] [--coverage]\n"
	"\n"
	"List the rules bpf(2) and libbpf calls are checked against, each with\n"
	"the kernels it holds for and the passage it comes from.  --coverage:\n"
	"every statement of the documented texts, the rule that checks it or why\n"
	"none can, and the counts.\n";

int cmd_rules(int argc, char **argv)
{
	void (*out)(const char *, const char *, const char *, const char *, const char *,
		    const char *) = rule_text;
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "coverage", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false, cov = false;
	size_t i;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': cov = true; break;
		case 'h': fputs(rules_usage, stdout); return 0;
		default: return bad_option(c, argv);
		}
	}
	if (optind < argc)
		return usage_error("takes no arguments, not '%s'", argv[optind]);
	if (cov)
		return coverage(json);
	if (json)
		out = rule_json;
	for (i = 0; i < bpf_rules_count; i++)
		out("bpf", bpf_rules[i].id, bpf_rules[i].applies, bpf_rules[i].checks,
		    bpf_rules[i].kernels, bpf_rules[i].source);
	for (i = 0; i < libbpf_rules_count; i++)
		out("libbpf", libbpf_rules[i].id, libbpf_rules[i].applies, libbpf_rules[i].checks,
		    NULL, libbpf_rules[i].source);
	return 0;
}
