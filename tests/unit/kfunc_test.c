// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kfunc_names_json (src/kfunc_names.c) on crafted trace lines, with a BTF
 * made here (ids 3 and 4 are FUNCs, 1 an INT), then with the running
 * kernel's BTF when it has one.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/kfunc_names.h"
#include "tap.h"

#define HEAD "{\"event\":\"bpf\",\"seq\":3,\"ts\":\"1.000000001\",\"dur_ns\":9,\"pid\":7,\"tid\":7," \
	     "\"comm\":\"loader\",\"cmd\":"
#define LOAD "\"BPF_PROG_LOAD\",\"size\":148,\"attr\":{\"prog_type\":\"BPF_PROG_TYPE_SYSCALL\"," \
	     "\"insn_cnt\":3,\"insns_decoded\":["
#define TAIL "]},\"ret\":5,\"errno\":null}"
/* A CALL: src_reg 2 (kfunc), off, imm, and its text. */
#define CALL(src, off, imm, text) \
	"{\"code\":\"0x85\",\"class\":\"JMP\",\"op\":\"CALL\",\"src\":\"K\",\"dst\":0," \
	"\"src_reg\":" #src ",\"off\":" #off ",\"imm\":" #imm ",\"text\":\"(85) call " text "\"}"
#define KF(id)   CALL(2, 0, id, "kernel-function#" #id)
#define EXIT     "{\"code\":\"0x95\",\"class\":\"JMP\",\"op\":\"EXIT\",\"src\":\"K\",\"dst\":0," \
		 "\"src_reg\":0,\"off\":0,\"imm\":0,\"text\":\"(95) exit\"}"

static struct btf *test_btf(void)
{
	struct btf *b = btf__new_empty();
	int proto;

	if (libbpf_get_error(b))
		return NULL;
	btf__add_int(b, "int", 4, BTF_INT_SIGNED);          /* 1 */
	proto = btf__add_func_proto(b, 0);                   /* 2: void (void) */
	btf__add_func(b, "bpf_rcu_read_lock", BTF_FUNC_STATIC, proto);    /* 3 */
	btf__add_func(b, "bpf_rcu_read_unlock", BTF_FUNC_STATIC, proto);  /* 4 */
	return b;
}

static char out[8192];

/* The line as the hook leaves it: rewritten, or @line itself when kept. */
static const char *hook(struct kfunc_names *k, const char *line, size_t *ret)
{
	size_t n = kfunc_names_json(k, line, strlen(line), out, sizeof(out) - 1);

	*ret = n;
	if (!n)
		return line;
	if (n >= sizeof(out))
		return "<too long>";
	out[n] = 0;
	return out;
}

static int valid_json(const char *s)
{
	struct json_object *o = json_tokener_parse(s);

	json_object_put(o);
	return o != NULL;
}

static void expect(struct kfunc_names *k, const char *what, const char *line, const char *want)
{
	size_t n;
	const char *got = hook(k, line, &n);

	tap_ok(!strcmp(got, want), "%s", what);
	if (strcmp(got, want))
		printf("# got:  %s\n# want: %s\n", got, want);
	if (want == line)
		tap_ok(n == 0, "%s: 0, the line kept", what);
	else
		tap_ok(n == strlen(want) && valid_json(got), "%s: its length, valid JSON", what);
}

static void crafted(struct kfunc_names *k)
{
	static const char one[] = HEAD LOAD KF(3) "," EXIT TAIL;
	static const char several[] = HEAD LOAD KF(3) "," CALL(0, 0, 1,
		"bpf_map_lookup_elem#1") "," KF(4) "," KF(99) "," KF(1) "," KF(3) "," EXIT TAIL;
	static const char plain[] = HEAD LOAD CALL(0, 0, 1, "bpf_map_lookup_elem#1") "," EXIT TAIL;
	static const char map[] = HEAD "\"BPF_MAP_CREATE\",\"attr\":{\"map_name\":\"x\"," \
		"\"x\":[" KF(3) "]},\"ret\":4,\"errno\":null}";
	static const char layer[] = "{\"event\":\"libbpf\",\"cmd\":\"BPF_PROG_LOAD\"," \
		"\"insns_decoded\":[" KF(3) "]}";
	static const char unknown[] = HEAD LOAD KF(99) "," KF(1) "," KF(0) "," EXIT TAIL;
	static const char module[] = HEAD LOAD CALL(2, 1, 3, "kernel-function#3") "," KF(4) TAIL;
	static const char logged[] = HEAD LOAD KF(3) "],\"log\":\"0: (85) call kernel-function#3\"," \
		"\"x\":[" EXIT TAIL;
	static const char cut[] = HEAD LOAD "{\"off\":0,\"imm\":3,\"text\":\"(85) call kernel-function#3";

	expect(k, "no kfunc: fast path", plain, plain);
	expect(k, "one kfunc named", one, HEAD LOAD CALL(2, 0, 3, "bpf_rcu_read_lock#3") "," EXIT TAIL);
	expect(k, "several: known ones named, unknown ids and non-FUNCs kept", several,
	       HEAD LOAD CALL(2, 0, 3, "bpf_rcu_read_lock#3") "," CALL(0, 0, 1,
	       "bpf_map_lookup_elem#1") "," CALL(2, 0, 4, "bpf_rcu_read_unlock#4") "," KF(99) ","
	       KF(1) "," CALL(2, 0, 3, "bpf_rcu_read_lock#3") "," EXIT TAIL);
	expect(k, "not a PROG_LOAD: kept", map, map);
	expect(k, "not a bpf event: kept", layer, layer);
	expect(k, "ids not FUNCs of the BTF: kept", unknown, unknown);
	expect(k, "off != 0 (module BTF) kept, off 0 named", module,
	       HEAD LOAD CALL(2, 1, 3, "kernel-function#3") "," CALL(2, 0, 4,
	       "bpf_rcu_read_unlock#4") TAIL);
	expect(k, "only \"text\" values: a log saying the same kept", logged,
	       HEAD LOAD CALL(2, 0, 3, "bpf_rcu_read_lock#3") "],\"log\":\"0: (85) call "
	       "kernel-function#3\",\"x\":[" EXIT TAIL);
	expect(k, "a line cut in the id: kept", cut, cut);
}

static void small_cap(struct kfunc_names *k)
{
	static const char line[] = HEAD LOAD KF(3) "," KF(4) TAIL;
	static const char want[] = HEAD LOAD CALL(2, 0, 3, "bpf_rcu_read_lock#3") "," CALL(2, 0, 4,
		"bpf_rcu_read_unlock#4") TAIL;
	char buf[sizeof(want) + 8];
	size_t n, cap;
	int ok = 1;

	/* every cap short of the line: the length it needs, nothing past cap */
	for (cap = 0; cap < sizeof(want) - 1; cap++) {
		memset(buf, 'Z', sizeof(buf));
		n = kfunc_names_json(k, line, sizeof(line) - 1, buf, cap);
		if (n != sizeof(want) - 1 || buf[cap] != 'Z')
			ok = 0;
	}
	tap_ok(ok, "cap too small: the length needed, nothing written past cap");
	memset(buf, 'Z', sizeof(buf));
	n = kfunc_names_json(k, line, sizeof(line) - 1, buf, sizeof(want) - 1);
	tap_ok(n == sizeof(want) - 1 && !memcmp(buf, want, n) && buf[n] == 'Z',
	       "called again with that room: the line");
}

/* The running kernel's BTF, loaded by the hook itself. */
static void kernel(void)
{
	struct btf *v;
	struct kfunc_names *k;
	char line[1024], want[1024];
	int id;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		tap_skip("no /sys/kernel/btf/vmlinux", "vmlinux BTF names a kfunc");
		return;
	}
	v = btf__load_vmlinux_btf();
	id = libbpf_get_error(v) ? -1 : btf__find_by_name_kind(v, "bpf_rcu_read_lock", BTF_KIND_FUNC);
	btf__free(libbpf_get_error(v) ? NULL : v);
	if (id <= 0) {
		tap_skip("the kernel has no bpf_rcu_read_lock", "vmlinux BTF names a kfunc");
		return;
	}
	snprintf(line, sizeof(line), HEAD LOAD CALL(2, 0, %d, "kernel-function#%d") TAIL, id, id);
	snprintf(want, sizeof(want), HEAD LOAD CALL(2, 0, %d, "bpf_rcu_read_lock#%d") TAIL, id, id);
	k = kfunc_names_new();
	tap_ok(k != NULL, "kfunc_names_new");
	expect(k, "vmlinux BTF, loaded when first needed, names bpf_rcu_read_lock", line, want);
	expect(k, "and again", line, want);
	kfunc_names_free(k);
}

int main(void)
{
	struct kfunc_names *k = kfunc_names_with_btf(test_btf());

	tap_ok(k != NULL, "a BTF with two FUNCs");
	if (k) {
		crafted(k);
		small_cap(k);
	}
	kfunc_names_free(k);
	kfunc_names_free(NULL);
	tap_ok(kfunc_names_json(NULL, "{}", 2, out, sizeof(out)) == 0, "no context: kept");
	kernel();
	return tap_done();
}
