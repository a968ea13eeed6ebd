// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal sink: one journal entry per trace line, sent with
 * sd_journal_sendv(3).  MESSAGE is a one-line summary, PRIORITY says how
 * it went, BPFSPY_* fields hold what a query selects on, BPFSPY_EVENT the
 * whole line; OBJECT_PID, OBJECT_COMM, OBJECT_EXE name the traced
 * process (bpfspy is the sender).  Fields: bpfspy(1), JOURNAL.
 */
#include "sink.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <json.h>
#include <syslog.h>
/* No CODE_FILE/CODE_LINE/CODE_FUNC: they would name bpfspy's source. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include <dlfcn.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define LIBSYSTEMD     "libsystemd.so.0"

/*
 * libsystemd is opened when the journal is first asked for, not linked:
 * with its libraries (libgcrypt, liblzma, libzstd, liblz4, libgpg-error,
 * libcap) it was 7 of bpfspy's 14 and ~60 of the ~200 page faults every
 * bpfspy command paid at start-up, for one function only --journal uses.
 */
typedef int (*sendv_fn)(const struct iovec *iov, int n);

static sendv_fn journal_sendv(char *why, size_t cap)
{
	static sendv_fn fn;
	void *h;

	if (fn)
		return fn;
	h = dlopen(LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
	fn = h ? (sendv_fn)dlsym(h, "sd_journal_sendv") : NULL;
	if (!fn && why)
		snprintf(why, cap, "cannot load %s: %s", LIBSYSTEMD, dlerror());
	return fn;
}
#define MAX_FIELDS 48
#define FIELD_BYTES 8192   /* the short fields, all together */
#define PROCS 256          /* the processes whose header we keep */

/* What the header of a process says that its events do not. */
struct proc {
	long long pid;          /* as the process sees itself (events' pid) */
	long long host_pid;     /* 0: unknown */
	char exe[256];
	char container[16];     /* short id (12 hex digits) */
	char container_id[65];
};

struct journal_sink {
	struct sink s;
	struct proc procs[PROCS];
	unsigned next;          /* the slot the next new process takes */
	/* one entry being built */
	struct iovec iov[MAX_FIELDS];
	int n;
	char fields[FIELD_BYTES];
	size_t used;
};

/* Append "NAME=value" (value cut to what fits). */
static void field(struct journal_sink *j, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void field(struct journal_sink *j, const char *name, const char *fmt, ...)
{
	size_t room = FIELD_BYTES - j->used;
	char *p = j->fields + j->used;
	va_list ap;
	int a, b;

	if (j->n >= MAX_FIELDS || room < 2)
		return;
	a = snprintf(p, room, "%s=", name);
	if (a < 0 || (size_t)a >= room)
		return;
	va_start(ap, fmt);
	b = vsnprintf(p + a, room - (size_t)a, fmt, ap);
	va_end(ap);
	if (b < 0)
		return;
	if ((size_t)(a + b) >= room)
		b = (int)(room - (size_t)a - 1);
	j->iov[j->n].iov_base = p;
	j->iov[j->n].iov_len = (size_t)(a + b);
	j->n++;
	j->used += (size_t)(a + b) + 1;
}

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool int_of(struct json_object *o, const char *key, long long *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

/* The value of @key as text: strings bare, the rest as JSON. */
static const char *text_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static struct proc *proc_find(struct journal_sink *j, long long pid)
{
	unsigned i;

	for (i = 0; i < PROCS; i++)
		if (j->procs[i].pid == pid && pid)
			return &j->procs[i];
	return NULL;
}

/* A header: remember the process (the latest header of a pid wins: a
 * trace holds each process's header before its events). */
static void proc_learn(struct journal_sink *j, struct json_object *o)
{
	struct proc *p;
	const char *exe = str_of(o, "exe"), *cid = str_of(o, "container_id");
	long long pid;

	if (!int_of(o, "pid", &pid))
		return;
	p = proc_find(j, pid);
	if (!p) {
		p = &j->procs[j->next];
		j->next = (j->next + 1) % PROCS;
	}
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	if (!int_of(o, "host_pid", &p->host_pid))
		p->host_pid = 0;
	snprintf(p->exe, sizeof(p->exe), "%s", exe ? exe : "");
	if (cid) {
		snprintf(p->container_id, sizeof(p->container_id), "%s", cid);
		snprintf(p->container, sizeof(p->container), "%.12s", cid);
	}
}

/* Failed rules, each as a BPFSPY_RULE field; how many. */
static int failed_rules(struct journal_sink *j, struct json_object *o, const char **first,
			const char **why)
{
	struct json_object *checks, *c;
	const char *verdict, *rule;
	size_t i, n;
	int failed = 0;

	if (!json_object_object_get_ex(o, "checks", &checks) ||
	    !json_object_is_type(checks, json_type_array))
		return 0;
	n = json_object_array_length(checks);
	for (i = 0; i < n; i++) {
		c = json_object_array_get_idx(checks, i);
		verdict = str_of(c, "verdict");
		rule = str_of(c, "rule");
		if (!verdict || strcmp(verdict, "fail") || !rule)
			continue;
		field(j, "BPFSPY_RULE", "%s", rule);
		if (!failed++) {
			*first = rule;
			*why = str_of(c, "why");
		}
	}
	return failed;
}

/* MESSAGE: one line, control characters as spaces. */
static void message(struct journal_sink *j, const char *text)
{
	char line[1024];
	size_t i;

	snprintf(line, sizeof(line), "%s", text);
	for (i = 0; line[i]; i++)
		if ((unsigned char)line[i] < ' ')
			line[i] = ' ';
	field(j, "MESSAGE", "%s", line);
}

static void object_fields(struct journal_sink *j, const struct proc *p, long long pid,
			  const char *comm)
{
	(void)pid;
	/* journald reads OBJECT_PID in its own pid namespace: only the
	 * host's pid will do, never the one a container sees. */
	if (p && p->host_pid)
		field(j, "OBJECT_PID", "%lld", p->host_pid);
	if (comm)
		field(j, "OBJECT_COMM", "%s", comm);
	if (p && p->exe[0])
		field(j, "OBJECT_EXE", "%s", p->exe);
	if (p && p->host_pid)
		field(j, "BPFSPY_HOST_PID", "%lld", p->host_pid);
	if (p && p->container_id[0])
		field(j, "BPFSPY_CONTAINER_ID", "%s", p->container_id);
}

/* Add to the @n bytes of @buf, never past @cap (the text is cut). */
static void append(char *buf, size_t cap, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= cap - 1)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < cap ? *n + (size_t)w : cap - 1;
}

/* A bpf or libbpf event: its fields and summary; the priority. */
static int call_entry(struct journal_sink *j, struct json_object *o, const char *kind,
		      const char *who)
{
	const char *what = !strcmp(kind, "bpf") ? str_of(o, "cmd") : str_of(o, "func");
	const char *err = str_of(o, "errno"), *ret = text_of(o, "ret");
	const char *probe = text_of(o, "probe"), *rule = NULL, *why = NULL, *expl = NULL;
	struct json_object *e;
	char text[1024] = "";
	int failed, prio = LOG_INFO;
	size_t n = 0;

	if (what)
		field(j, !strcmp(kind, "bpf") ? "BPFSPY_CMD" : "BPFSPY_FUNC", "%s", what);
	if (ret)
		field(j, "BPFSPY_RET", "%s", ret);
	if (err)
		field(j, "BPFSPY_ERRNO", "%s", err);
	if (probe)
		field(j, "BPFSPY_PROBE", "%s", probe);
	if (json_object_object_get_ex(o, "explanation", &e) && e) {
		expl = str_of(e, "text");
		if (str_of(e, "rule"))
			field(j, "BPFSPY_EXPLANATION", "%s", str_of(e, "rule"));
	}
	failed = failed_rules(j, o, &rule, &why);

	if (why && expl && strstr(expl, why))
		why = NULL;   /* the explanation said it already */
	append(text, sizeof(text), &n, "%s %s %s", who, kind, what ? what : "?");
	if (err)
		append(text, sizeof(text), &n, " failed: %s", err);
	else if (ret)
		append(text, sizeof(text), &n, " = %s", ret);
	if (probe)
		append(text, sizeof(text), &n, " (feature probe)");
	if (expl)
		append(text, sizeof(text), &n, ": %s", expl);
	if (failed) {
		append(text, sizeof(text), &n, "; rule %s failed%s%s%s", rule, why ? " (" : "",
		       why ? why : "", why ? ")" : "");
		prio = LOG_ERR;
	} else if (err && !probe) {
		prio = LOG_WARNING;
	}
	message(j, text);
	return prio;
}

static int header_entry(struct journal_sink *j, struct json_object *o, const char *who)
{
	const char *exe = str_of(o, "exe"), *ver = str_of(o, "bpfspy");
	const struct proc *p;
	long long pid = 0;
	char text[1024];

	int_of(o, "pid", &pid);
	p = proc_find(j, pid);
	snprintf(text, sizeof(text), "%s tracing %s (bpfspy %s)%s%s", who, exe ? exe : "?",
		 ver ? ver : "?", p && p->container[0] ? " in container " : "",
		 p && p->container[0] ? p->container : "");
	message(j, text);
	return LOG_INFO;
}

static int journal_write(struct sink *s, const char *line, size_t len)
{
	struct journal_sink *j = (struct journal_sink *)s;
	struct json_tokener *tok = json_tokener_new_ex(64);
	struct json_object *o;
	const char *kind, *comm;
	const struct proc *p;
	char who[64], text[256];
	long long pid = 0, v;
	sendv_fn send;
	int prio, rc;
	char *ev;

	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, line, (int)len);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EINVAL;
	}
	j->n = 0;
	j->used = 0;
	kind = str_of(o, "event");
	kind = kind ? kind : "?";
	int_of(o, "pid", &pid);
	comm = str_of(o, "comm");
	if (!strcmp(kind, "header"))
		proc_learn(j, o);
	p = proc_find(j, pid);
	if (!comm && p && p->exe[0])
		comm = strrchr(p->exe, '/') ? strrchr(p->exe, '/') + 1 : p->exe;
	snprintf(who, sizeof(who), "%.15s[%lld]", comm ? comm : "?", pid);

	field(j, "SYSLOG_IDENTIFIER", "bpfspy");
	field(j, "BPFSPY_KIND", "%s", kind);
	field(j, "BPFSPY_PID", "%lld", pid);
	if (int_of(o, "tid", &v))
		field(j, "BPFSPY_TID", "%lld", v);
	if (int_of(o, "seq", &v))
		field(j, "BPFSPY_SEQ", "%lld", v);
	if (text_of(o, "ts"))   /* "seconds.nanoseconds" (schema 1: ns) */
		field(j, "BPFSPY_TS", "%s", text_of(o, "ts"));
	object_fields(j, p, pid, comm);
	if (!strcmp(kind, "bpf") || !strcmp(kind, "libbpf")) {
		prio = call_entry(j, o, kind, who);
	} else if (!strcmp(kind, "header")) {
		prio = header_entry(j, o, who);
	} else if (!strcmp(kind, "lost") && int_of(o, "count", &v)) {
		snprintf(text, sizeof(text), "%s lost %lld event(s): the spool was full", who, v);
		message(j, text);
		prio = LOG_WARNING;
	} else {
		snprintf(text, sizeof(text), "%s %s event", who, kind);
		message(j, text);
		prio = LOG_INFO;
	}
	field(j, "PRIORITY", "%d", prio);
	json_object_put(o);
	/* The whole line, however long (a verifier log): its own iovec. */
	if (j->n >= MAX_FIELDS)
		return -E2BIG;
	ev = malloc(len + sizeof("BPFSPY_EVENT="));
	if (!ev)
		return -ENOMEM;
	memcpy(ev, "BPFSPY_EVENT=", 13);
	memcpy(ev + 13, line, len);
	j->iov[j->n].iov_base = ev;
	j->iov[j->n].iov_len = len + 13;
	send = journal_sendv(NULL, 0);
	rc = send ? send(j->iov, j->n + 1) : -ENOSYS;
	free(ev);
	return rc < 0 ? rc : 0;
}

static void journal_close(struct sink *s)
{
	free(s);
}

struct sink *sink_journal_open(void)
{
	struct journal_sink *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->s.write = journal_write;
	j->s.close = journal_close;
	return &j->s;
}

bool sink_journal_available(char *why, size_t cap)
{
	if (access(JOURNAL_SOCKET, W_OK) != 0) {
		snprintf(why, cap, "no journald listens here (%s: %s)", JOURNAL_SOCKET,
			 strerror(errno));
		return false;
	}
	return journal_sendv(why, cap) != NULL;
}

#else /* !HAVE_LIBSYSTEMD */

struct sink *sink_journal_open(void)
{
	errno = ENOTSUP;
	return NULL;
}

bool sink_journal_available(char *why, size_t cap)
{
	snprintf(why, cap, "this bpfspy was built without libsystemd (configure --without-journal)");
	return false;
}

#endif
