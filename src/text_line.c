// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One trace line as one human line, in strace's shape (bpfspy run's live
 * lines, --format text).  No newline; by kind of event:
 *
 * "bpf": the call as strace -f -T prints it, after its thread:
 *
 *   [pid 4242] bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4,
 *     value_size=8, max_entries=4, map_name="m"}, 72) = 3 <0.000011>
 *   [pid 4242] bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER,
 *     insn_cnt=1, insns=0x55ddd76e20c0, license="GPL",
 *     log_level=BPF_LOG_LEVEL1, log_size=4096, ..., log=142 bytes}, 168)
 *     = -1 EACCES (Permission denied) <0.000053>
 *
 *   (one line each, wrapped here).  [pid N] is the thread (tid), or the
 *   pid when the event has no tid.  attr shows its fields in the trace's
 *   order, without those that are zero (0, "0", "0x0", "0.0.0", "", null,
 *   false; an enum is its name, never zero) and without the annotations
 *   of another key (KEY_raw, _truncated, _fault, _typed, _typed_percpu,
 *   _digest); the first 6, then ", ..." when more were left out; only
 *   the first when all are zero ({start_id=0}).  A pointer that could not
 *   be read is its address (license=0x7f3fd7aed000).  A log the call
 *   carries (out.log: the verifier's, BTF's) is ", log=N bytes", last.
 *   A NULL attr is NULL, an empty one that could not be read (attr_fault)
 *   or of size 0 (attr_addr) its address, as strace shows them.  Then
 *   "= RET", or "= -1 ERRNO (strerror text)"; " (INJECTED)" for a call
 *   bpfspy run --inject failed, as strace marks its fault injection,
 *   " (DENIED)" for one the --deny seccomp policy refused; the duration
 *   (dur_ns) in seconds, as strace -T prints it.  A cmd, attr, size or
 *   ret the event lacks is "?", as strace writes a return it does not
 *   know; without dur_ns there is no duration.
 *
 * "libbpf": the function's arguments by name, all of them up to the 6th
 *   (null is NULL); the object, program or map handle is the name libbpf
 *   gave it ("object"), quoted; a pointer the function writes through is
 *   strace's [OUT] or [IN => OUT].  A pointer return is the pointer, or
 *   NULL and the errno; a void function's is <void> (as ltrace shows it).
 *   " (INJECTED)", and " (MISSING)" when no loaded libbpf has the
 *   function, as for bpf events:
 *
 *   [pid 4242] libbpf: bpf_object__load(obj="minimal") = -1 EPERM
 *     (Operation not permitted) <0.000220>
 *   [pid 4242] libbpf: bpf_object__open_file(path="/work/wt-text/examples/
 *     minimal.b"..., opts=NULL) = 0x55bbd0909590 <0.000093>
 *   [pid 4242] libbpf: bpf_object__close(obj="minimal") = <void> <0.000022>
 *   [pid 4242] libbpf: bpf_task_fd_query(pid=4242, fd=4, flags=0,
 *     buf="sys_enter", buf_len=[64 => 9], prog_id=[71301], ...) = 0 <...>
 *
 * "header":   [pid N] +++ traced: /usr/sbin/bpftool (no shared libbpf) +++
 *             "(libbpf v1.1)" with a shared one, "(from the kernel)" in a
 *             trace of bpfspy attach; argv[0] when there is no exe
 * "layer":    [pid N] +++ libbpf v1.1 loaded: /lib/.../libbpf.so.1 +++
 * "lost":     [pid N] +++ lost 17 events (seq 100-140), 2 runs missed +++
 *             with the parts the line has (count, seq_first, seq_last,
 *             missed_runs); bpfspy attach's, of pid 0, has no [pid 0]
 * "untraced": [pid N] +++ not traced: /bin/x: statically linked +++
 *             (exe, why)
 * "exit":     +++ exited with 1 +++   or   +++ killed by SIGKILL +++
 *             PROGRAM's end, without [pid N] as strace ends its tracee's
 * "summary", unknown kinds, a line that is no object: no line (0).
 *   bpfspy run --summary prints its own table.
 *
 * Strings are quoted and cut at 32 bytes with "..." after the quote, as
 * strace -s 32 does, also when the trace cut them (KEY_truncated).  A name
 * the trace has the bytes of (KEY_raw) is shown by those bytes, its UTF-8
 * otherwise.  Bytes are escaped as strace escapes them: \" \\ \t \n \v \f
 * \r, and every other byte that is not printable ASCII (controls, DEL,
 * UTF-8) in octal, three digits when an octal digit follows ("\33[31m",
 * "\0331", "\303\251").  What is printed bare (names, paths, numbers) is
 * escaped the same way, so a line is printable ASCII whatever the trace
 * holds.  Nested objects are {...} and arrays [...] ({} and [] when
 * empty).  Whether a string is quoted comes from the command's and the
 * function's tables (decoders/): C strings and char arrays are; a key
 * they do not name (key_data...) is bare when it is a token of letters,
 * digits and _|.:+- with a digit or without lowercase letters.
 *
 * A line longer than the buffer ends in "..." where it is cut.
 */
#include "text_line.h"

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/xlat.h"
#include "libbpf/libbpf_funcs.h"
#include "syscall/bpf_decode.h"

#define TEXT_FIELDS 6 /* attr fields and arguments shown */
#define TEXT_STR 32   /* bytes of a string shown (strace -s 32) */

/* The line being written: at most cap - 1 characters, then NUL. */
struct text {
	char *buf;
	size_t cap, len;
	bool over;
};

enum quote { Q_GUESS, Q_YES, Q_NO };

static void putc_(struct text *t, char c)
{
	if (t->len + 1 >= t->cap) {
		t->over = true;
		return;
	}
	t->buf[t->len++] = c;
}

static void puts_(struct text *t, const char *s)
{
	while (*s)
		putc_(t, *s++);
}

static void printf_(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(struct text *t, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	puts_(t, tmp);
}

/* strace's escapes; @quoted: inside "...", where " is escaped too. */
static void put_escaped(struct text *t, const unsigned char *s, size_t n, bool quoted)
{
	static const char esc[] = { ['\t'] = 't', ['\n'] = 'n', ['\v'] = 'v',
				    ['\f'] = 'f', ['\r'] = 'r', ['\\'] = '\\' };
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i], next = i + 1 < n ? s[i + 1] : 0;

		if (c < sizeof(esc) && esc[c]) {
			putc_(t, '\\');
			putc_(t, esc[c]);
		} else if (c == '"' && quoted) {
			puts_(t, "\\\"");
		} else if (c >= ' ' && c < 0x7f) {
			putc_(t, (char)c);
		} else if (next >= '0' && next <= '7') {
			printf_(t, "\\%03o", c);
		} else {
			printf_(t, "\\%o", c);
		}
	}
}

static void put_bare(struct text *t, const char *s)
{
	put_escaped(t, (const unsigned char *)s, strlen(s), false);
}

/* ---- reading the event ---------------------------------------------------- */

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* @key's string, or NULL when absent or not a string. */
static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool get_int(struct json_object *o, const char *key, long long *out)
{
	struct json_object *v = get(o, key);

	if (!json_object_is_type(v, json_type_int))
		return false;
	*out = (long long)json_object_get_int64(v);
	return true;
}

static bool get_true(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

/* Keys that say something about the key before them, not a field. */
static bool annotation(const char *key)
{
	static const char *const tails[] = { "_raw",	   "_truncated", "_fault",
					     "_typed",	   "_typed_percpu", "_digest" };
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++)
		if (ends_with(key, tails[i]))
			return true;
	return false;
}

/* The address of a pointer @key that could not be read: it is null, and
 * KEY_fault says where. */
static const char *fault_addr(struct json_object *parent, const char *key,
			      struct json_object *v)
{
	char twin[96];

	if (v && !json_object_is_type(v, json_type_null))
		return NULL;
	snprintf(twin, sizeof(twin), "%s_fault", key);
	return get_str(get(parent, twin), "addr");
}

/* A value that says nothing: zero, no flags, no pointer, no string. */
static bool is_zero(struct json_object *v)
{
	static const char *const zeros[] = { "", "0", "0x0", "0.0.0" };
	const char *s;
	size_t i;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return true;
	case json_type_boolean:
		return !json_object_get_boolean(v);
	case json_type_int:
		return json_object_get_int64(v) == 0;
	case json_type_double:
		return json_object_get_double(v) == 0;
	case json_type_string:
		s = json_object_get_string(v);
		for (i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
			if (!strcmp(s, zeros[i]))
				return true;
		return false;
	default:
		return false;
	}
}

/* ---- values --------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The first bytes of hex string @hex into @out (room for @cap); how many
 * bytes the whole string holds, or -1 when it is no hex. */
static long unhex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = strlen(hex), i;

	if (n % 2)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		if (i < cap)
			out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

/* A string of @parent's @key, quoted: its exact bytes from KEY_raw when
 * the trace has them, else its UTF-8. */
static void put_quoted(struct text *t, struct json_object *parent, const char *key,
		       struct json_object *v)
{
	unsigned char raw[TEXT_STR];
	const unsigned char *s = (const unsigned char *)json_object_get_string(v);
	char twin[96];
	const char *hex;
	long n = json_object_get_string_len(v), r;
	bool more;

	snprintf(twin, sizeof(twin), "%s_raw", key);
	hex = get_str(parent, twin);
	r = hex ? unhex(hex, raw, sizeof(raw)) : -1;
	if (r >= 0) {
		s = raw;
		n = r;
	}
	snprintf(twin, sizeof(twin), "%s_truncated", key);
	more = n > TEXT_STR || get_true(parent, twin);
	putc_(t, '"');
	put_escaped(t, s, n > TEXT_STR ? TEXT_STR : (size_t)n, true);
	putc_(t, '"');
	if (more)
		puts_(t, "...");
}

/* A string of a key no table names: bare when it looks like a number,
 * hex bytes, a digest or a name of a value, quoted otherwise. */
static bool token(const char *s)
{
	bool digit = false, lower = false;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s >= 'a' && *s <= 'z')
			lower = true;
		else if (!(*s >= 'A' && *s <= 'Z') && !strchr("_|.:+-", *s))
			return false;
	}
	return digit || !lower;
}

/* A number or a name, as it stands. */
static void put_scalar(struct text *t, struct json_object *v)
{
	if (json_object_is_type(v, json_type_string))
		put_bare(t, json_object_get_string(v));
	else
		puts_(t, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

/* A pointer the call wrote through, {"addr":...,"out":N[,"in":N]}, as
 * strace shows one: [OUT], [IN => OUT]. */
static bool put_pointee(struct text *t, struct json_object *v)
{
	struct json_object *in = get(v, "in"), *out = get(v, "out");

	if (!out || !get(v, "addr"))
		return false;
	putc_(t, '[');
	if (in) {
		put_scalar(t, in);
		puts_(t, " => ");
	}
	put_scalar(t, out);
	putc_(t, ']');
	return true;
}

static void put_value(struct text *t, struct json_object *parent, const char *key,
		      struct json_object *v, enum quote q)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_null:
		puts_(t, "NULL");
		return;
	case json_type_boolean:
	case json_type_int:
	case json_type_double:
		puts_(t, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		return;
	case json_type_object:
		if (!put_pointee(t, v))
			puts_(t, json_object_object_length(v) ? "{...}" : "{}");
		return;
	case json_type_array:
		puts_(t, json_object_array_length(v) ? "[...]" : "[]");
		return;
	case json_type_string:
		s = json_object_get_string(v);
		if (q == Q_YES || (q == Q_GUESS && !token(s)))
			put_quoted(t, parent, key, v);
		else
			put_bare(t, s);
		return;
	}
}

/* ---- the common parts ----------------------------------------------------- */

/* "[pid N] ": the thread, as strace -f names it. */
static void put_prefix(struct text *t, struct json_object *ev)
{
	long long id;

	if ((get_int(ev, "tid", &id) && id > 0) || (get_int(ev, "pid", &id) && id > 0))
		printf_(t, "[pid %lld] ", id);
}

/* " ERRNO (text)" for the event's errno, nothing when it has none. */
static void put_errno(struct text *t, struct json_object *ev)
{
	const char *name = get_str(ev, "errno");
	long long num;

	if (!name)
		return;
	putc_(t, ' ');
	put_bare(t, name);
	if (!get_int(ev, "errno_num", &num))
		num = xlat_value(&xlat_errno_names, name);
	if (num > 0 && num < 0x10000)
		printf_(t, " (%s)", strerror((int)num));
}

/* " (INJECTED)", " (INPUTS READ LATE)"... and " <seconds>", strace -T's duration. */
static void put_tail(struct text *t, struct json_object *ev)
{
	long long ns;

	if (get_true(ev, "injected"))
		puts_(t, " (INJECTED)");
	if (get_true(ev, "denied"))
		puts_(t, " (DENIED)");
	if (get_true(ev, "missing"))
		puts_(t, " (MISSING)");
	if (get_true(ev, "inputs_late"))
		puts_(t, " (INPUTS READ LATE)");
	if (get_int(ev, "dur_ns", &ns) && ns >= 0)
		printf_(t, " <%lld.%06lld>", ns / 1000000000, ns % 1000000000 / 1000);
}

/* The number under @key, or "?" (strace's unknown). */
static void put_num(struct text *t, struct json_object *ev, const char *key)
{
	long long n;

	if (get_int(ev, key, &n))
		printf_(t, "%lld", n);
	else
		putc_(t, '?');
}

/* ---- bpf ------------------------------------------------------------------ */

static const struct bpf_cmd_desc *cmd_by_name(const char *name)
{
	unsigned i;

	for (i = 0; name && i < BPF_CMD_COUNT; i++)
		if (bpf_cmd_table[i].name && !strcmp(bpf_cmd_table[i].name, name))
			return &bpf_cmd_table[i];
	return NULL;
}

/* C strings and char arrays are quoted; other fields are names, numbers,
 * pointers and flags. */
static enum quote attr_quote(const struct bpf_cmd_desc *d, const char *key)
{
	unsigned i;

	for (i = 0; d && i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];

		if (strcmp(f->name, key))
			continue;
		return f->kind == FK_STR_PTR || f->kind == FK_CHARS ? Q_YES : Q_NO;
	}
	return Q_GUESS;
}

/* An attr with no field to show: NULL, the address, or {}. */
static bool put_attr_empty(struct text *t, struct json_object *ev, struct json_object *attr)
{
	const char *addr = get_str(get(ev, "attr_fault"), "addr");

	if (!attr) {
		puts_(t, get(ev, "attr") ? "NULL" : "?");
		return true;
	}
	if (!json_object_is_type(attr, json_type_object) || json_object_object_length(attr))
		return false;
	if (!addr)
		addr = get_str(ev, "attr_addr");
	if (addr && strcmp(addr, "0x0"))
		put_bare(t, addr);
	else
		puts_(t, addr || get(ev, "attr_addr") ? "NULL" : "{}");
	return true;
}

/* Fields worth a look: not an annotation, and not zero unless @zeros
 * (a pointer that could not be read is not zero). */
static bool shown_field(struct json_object *attr, const char *key, struct json_object *v,
			bool zeros)
{
	return !annotation(key) && (zeros || !is_zero(v) || fault_addr(attr, key, v));
}

static void put_field(struct text *t, struct json_object *attr, const struct bpf_cmd_desc *d,
		      const char *key, struct json_object *v)
{
	const char *fault = fault_addr(attr, key, v);

	put_bare(t, key);
	putc_(t, '=');
	if (fault)
		put_bare(t, fault);
	else
		put_value(t, attr, key, v, attr_quote(d, key));
}

/* The nonzero fields, at most TEXT_FIELDS; how many were shown. */
static int put_fields(struct text *t, struct json_object *attr, const struct bpf_cmd_desc *d)
{
	int shown = 0;

	json_object_object_foreach(attr, key, v) {
		if (!shown_field(attr, key, v, false))
			continue;
		if (shown == TEXT_FIELDS) {
			puts_(t, ", ...");
			break;
		}
		if (shown++)
			puts_(t, ", ");
		put_field(t, attr, d, key, v);
	}
	return shown;
}

/* All fields zero: the first says so ({start_id=0}). */
static int put_first_field(struct text *t, struct json_object *attr,
			   const struct bpf_cmd_desc *d)
{
	json_object_object_foreach(attr, key, v) {
		if (!shown_field(attr, key, v, true))
			continue;
		put_field(t, attr, d, key, v);
		return 1;
	}
	return 0;
}

static void put_attr(struct text *t, struct json_object *ev)
{
	struct json_object *attr = get(ev, "attr"), *log = get(get(ev, "out"), "log");
	const struct bpf_cmd_desc *d = cmd_by_name(get_str(ev, "cmd"));
	int shown;

	if (attr && json_object_is_type(attr, json_type_null))
		attr = NULL;
	if (put_attr_empty(t, ev, attr))
		return;
	if (!json_object_is_type(attr, json_type_object)) {
		put_value(t, ev, "attr", attr, Q_GUESS);
		return;
	}
	putc_(t, '{');
	shown = put_fields(t, attr, d);
	if (!shown)
		shown = put_first_field(t, attr, d);
	if (json_object_is_type(log, json_type_string) && json_object_get_string_len(log))
		printf_(t, "%slog=%d bytes", shown ? ", " : "", json_object_get_string_len(log));
	putc_(t, '}');
}

static void line_bpf(struct text *t, struct json_object *ev)
{
	const char *cmd = get_str(ev, "cmd");

	put_prefix(t, ev);
	puts_(t, "bpf(");
	put_bare(t, cmd ? cmd : "?");
	puts_(t, ", ");
	put_attr(t, ev);
	puts_(t, ", ");
	put_num(t, ev, "size");
	puts_(t, ") = ");
	put_num(t, ev, "ret");
	put_errno(t, ev);
	put_tail(t, ev);
}

/* ---- libbpf --------------------------------------------------------------- */

static const struct libbpf_func *func_by_name(const char *name)
{
	unsigned id;

	for (id = 0; name && id < LF_COUNT; id++)
		if (!strcmp(libbpf_func_name(id), name))
			return libbpf_func(id);
	return NULL;
}

static const struct libbpf_arg *func_arg(const struct libbpf_func *f, const char *key)
{
	unsigned i;

	for (i = 0; f && i < LIBBPF_MAX_ARGS && f->args[i].name; i++)
		if (!strcmp(f->args[i].name, key))
			return &f->args[i];
	return NULL;
}

static bool is_handle(const struct libbpf_arg *a)
{
	return a && (a->kind == LA_OBJECT || a->kind == LA_PROGRAM || a->kind == LA_MAP);
}

/* Strings are quoted: a char * argument, and one the call filled when it
 * succeeded (a pointer otherwise). */
static enum quote arg_quote(struct json_object *ev, const struct libbpf_arg *a)
{
	if (!a)
		return Q_GUESS;
	if (a->kind == LA_STR)
		return Q_YES;
	if (a->kind == LA_OUT_STR)
		return get_str(ev, "errno") ? Q_NO : Q_YES;
	return Q_NO;
}

/* One argument's value.  The first object, program or map handle is
 * the name libbpf gave it (@name, then NULL), quoted. */
static void put_arg(struct text *t, struct json_object *ev, struct json_object *args,
		    const char *key, struct json_object *v, struct json_object **name)
{
	const struct libbpf_arg *a = func_arg(func_by_name(get_str(ev, "func")), key);
	const char *fault = fault_addr(args, key, v);

	if (is_handle(a) && *name && !json_object_is_type(v, json_type_null)) {
		put_quoted(t, ev, "object", *name);
		*name = NULL;
	} else if (fault) {
		put_bare(t, fault);
	} else {
		put_value(t, args, key, v, arg_quote(ev, a));
	}
}

static void put_args(struct text *t, struct json_object *ev)
{
	struct json_object *args = get(ev, "args"), *name = get(ev, "object");
	int shown = 0;

	if (!json_object_is_type(name, json_type_string))
		name = NULL;
	if (!json_object_is_type(args, json_type_object))
		return;
	json_object_object_foreach(args, key, v) {
		if (annotation(key))
			continue;
		if (shown == TEXT_FIELDS) {
			puts_(t, ", ...");
			return;
		}
		if (shown++)
			puts_(t, ", ");
		put_bare(t, key);
		putc_(t, '=');
		put_arg(t, ev, args, key, v, &name);
	}
}

/* The return: a pointer or NULL, a number, or <void> (no ret and no
 * errno; "?" when there is an errno but no ret); then the errno. */
static void put_libbpf_ret(struct text *t, struct json_object *ev)
{
	struct json_object *ptr = get(ev, "ret_ptr");

	if (ptr)
		put_value(t, ev, "ret_ptr", ptr, Q_NO);
	else if (get(ev, "ret") || get_str(ev, "errno"))
		put_num(t, ev, "ret");
	else
		puts_(t, "<void>");
	put_errno(t, ev);
}

static void line_libbpf(struct text *t, struct json_object *ev)
{
	const char *func = get_str(ev, "func");

	put_prefix(t, ev);
	puts_(t, "libbpf: ");
	put_bare(t, func ? func : "?");
	putc_(t, '(');
	put_args(t, ev);
	puts_(t, ") = ");
	put_libbpf_ret(t, ev);
	put_tail(t, ev);
}

/* ---- the +++ lines -------------------------------------------------------- */

static void line_header(struct text *t, struct json_object *ev)
{
	const char *exe = get_str(ev, "exe"), *lib = get_str(ev, "libbpf");
	const char *via = get_str(ev, "via");
	struct json_object *argv = get(ev, "argv");

	if (!exe && json_object_is_type(argv, json_type_array) &&
	    json_object_is_type(json_object_array_get_idx(argv, 0), json_type_string))
		exe = json_object_get_string(json_object_array_get_idx(argv, 0));
	put_prefix(t, ev);
	puts_(t, "+++ traced");
	if (exe) {
		puts_(t, ": ");
		put_bare(t, exe);
	}
	if (via && !strcmp(via, "kernel")) {
		puts_(t, " (from the kernel)");
	} else if (lib && !strcmp(lib, "static or absent")) {
		puts_(t, " (no shared libbpf)");
	} else if (lib) {
		puts_(t, " (libbpf ");
		put_bare(t, lib);
		putc_(t, ')');
	}
	puts_(t, " +++");
}

static void line_layer(struct text *t, struct json_object *ev)
{
	const char *lib = get_str(ev, "libbpf"), *path = get_str(ev, "libbpf_path");

	put_prefix(t, ev);
	puts_(t, "+++ libbpf");
	if (lib) {
		putc_(t, ' ');
		put_bare(t, lib);
	}
	puts_(t, " loaded");
	if (path) {
		puts_(t, ": ");
		put_bare(t, path);
	}
	puts_(t, " +++");
}

static void line_lost(struct text *t, struct json_object *ev)
{
	long long n, first = 0, last = 0;
	bool has_first = get_int(ev, "seq_first", &first);
	bool has_last = get_int(ev, "seq_last", &last);

	put_prefix(t, ev);
	if (get_int(ev, "count", &n))
		printf_(t, "+++ lost %lld event%s", n, n == 1 ? "" : "s");
	else
		puts_(t, "+++ lost events");
	if (has_first && has_last)
		printf_(t, " (seq %lld-%lld)", first, last);
	else if (has_first)
		printf_(t, " (from seq %lld)", first);
	else if (has_last)
		printf_(t, " (up to seq %lld)", last);
	if (get_int(ev, "missed_runs", &n))
		printf_(t, ", %lld run%s missed", n, n == 1 ? "" : "s");
	puts_(t, " +++");
}

static void line_untraced(struct text *t, struct json_object *ev)
{
	const char *exe = get_str(ev, "exe"), *why = get_str(ev, "why");

	put_prefix(t, ev);
	puts_(t, "+++ not traced");
	if (exe) {
		puts_(t, ": ");
		put_bare(t, exe);
	}
	if (why) {
		puts_(t, ": ");
		put_bare(t, why);
	}
	puts_(t, " +++");
}

#define SIG(s) { s, #s }
static const struct {
	int sig;
	const char *name;
} signals[] = {
	SIG(SIGHUP),  SIG(SIGINT),  SIG(SIGQUIT), SIG(SIGILL),    SIG(SIGTRAP), SIG(SIGABRT),
	SIG(SIGBUS),  SIG(SIGFPE),  SIG(SIGKILL), SIG(SIGUSR1),   SIG(SIGSEGV), SIG(SIGUSR2),
	SIG(SIGPIPE), SIG(SIGALRM), SIG(SIGTERM), SIG(SIGCHLD),   SIG(SIGCONT), SIG(SIGSTOP),
	SIG(SIGTSTP), SIG(SIGTTIN), SIG(SIGTTOU), SIG(SIGURG),    SIG(SIGXCPU), SIG(SIGXFSZ),
	SIG(SIGVTALRM), SIG(SIGPROF), SIG(SIGWINCH), SIG(SIGIO),  SIG(SIGPWR),  SIG(SIGSYS),
#ifdef SIGSTKFLT
	SIG(SIGSTKFLT),
#endif
};
#undef SIG

/* strace's names: SIGKILL, SIGRT_2 (from the kernel's SIGRTMIN, 32). */
static void put_signal(struct text *t, long long sig)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (signals[i].sig == sig) {
			puts_(t, signals[i].name);
			return;
		}
	}
	if (sig >= 32 && sig <= 64)
		printf_(t, "SIGRT_%lld", sig - 32);
	else
		printf_(t, "signal %lld", sig);
}

static void line_exit(struct text *t, struct json_object *ev)
{
	long long n;

	if (get_int(ev, "signal", &n)) {
		puts_(t, "+++ killed by ");
		put_signal(t, n);
		puts_(t, " +++");
	} else if (get_int(ev, "status", &n)) {
		printf_(t, "+++ exited with %lld +++", n);
	} else {
		puts_(t, "+++ exited +++");
	}
}

/* ---- the line ------------------------------------------------------------- */

static const struct {
	const char *event;
	void (*line)(struct text *t, struct json_object *ev);
} kinds[] = {
	{ "bpf", line_bpf },
	{ "libbpf", line_libbpf },
	{ "header", line_header },
	{ "layer", line_layer },
	{ "lost", line_lost },
	{ "untraced", line_untraced },
	{ "exit", line_exit },
};

/* The end of a line cut short: its last characters become "...". */
static size_t finish(struct text *t)
{
	size_t dots = t->len < 3 ? t->len : 3;

	if (t->over)
		memset(t->buf + t->len - dots, '.', dots);
	t->buf[t->len] = 0;
	return t->len;
}

size_t bpf_text_line(struct json_object *ev, char *buf, size_t cap)
{
	struct text t = { .buf = buf, .cap = cap };
	const char *event = get_str(ev, "event");
	size_t i;

	if (!buf || !cap)
		return 0;
	buf[0] = 0;
	for (i = 0; event && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(event, kinds[i].event))
			continue;
		kinds[i].line(&t, ev);
		return finish(&t);
	}
	return 0;
}
