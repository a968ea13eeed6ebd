// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vercall: one libbpf call bound to one exact symbol version, built once
 * per version node (-DNODE_x_y_z) as tests/progs/vercall_x_y_z.  Each
 * binary's reference is versioned with .symver, so the dynamic linker
 * binds it to FUNC@LIBBPF_x.y.z: the libbpf layer's test checks the
 * trace's "version" is that node.  The calls fail in known ways and need
 * nothing set up.  Prints "FUNC ret=R errno=E".
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>

#define BIND(local, sym, node) __asm__(".symver " #local ", " #sym "@" #node)

static __attribute__((unused)) void show(const char *func, long ret, int err)
{
	printf("%s ret=%ld errno=%d\n", func, ret, err);
}

#define SHOW(func, call) do { long r_ = (long)(call); show(func, r_, r_ < 0 ? errno : 0); } while (0)

static __u32 k __attribute__((unused)), cnt __attribute__((unused)) = 1;
static __u64 v __attribute__((unused));

#if defined(NODE_0_0_1)
int v_call(const char *);
BIND(v_call, bpf_obj_get, LIBBPF_0.0.1);
static void run(void) { SHOW("bpf_obj_get", v_call("/nonexistent/bpfspy")); }
#elif defined(NODE_0_0_2)
int v_call(int, const void *, void *, __u64);
BIND(v_call, bpf_map_lookup_elem_flags, LIBBPF_0.0.2);
static void run(void) { SHOW("bpf_map_lookup_elem_flags", v_call(-1, &k, &v, 0)); }
#elif defined(NODE_0_0_3)
int v_call(int);
BIND(v_call, bpf_map_freeze, LIBBPF_0.0.3);
static void run(void) { SHOW("bpf_map_freeze", v_call(-1)); }
#elif defined(NODE_0_0_4)
struct bpf_link *v_call(const struct bpf_program *, const char *);
BIND(v_call, bpf_program__attach_raw_tracepoint, LIBBPF_0.0.4);
static void run(void)
{
	/* a program of the example's object, opened but not loaded: libbpf
	 * refuses to attach it (NULL, EINVAL) before any syscall */
	struct bpf_object *o = bpf_object__open_file(MINIMAL_BPF_OBJ, NULL);
	struct bpf_program *p = o ? bpf_object__next_program(o, NULL) : NULL;
	struct bpf_link *l;

	if (!p) {
		printf("bpf_program__attach_raw_tracepoint: cannot open %s\n", MINIMAL_BPF_OBJ);
		return;
	}
	l = v_call(p, "sys_enter");
	/* a pointer: the trace has ret 0 or -errno, the pointer in ret_ptr */
	if (l)
		printf("bpf_program__attach_raw_tracepoint ret=0 errno=0\n");
	else
		printf("bpf_program__attach_raw_tracepoint ret=-%d errno=%d\n", errno, errno);
	bpf_object__close(o);
}
#elif defined(NODE_0_0_5)
int v_call(__u32, __u32 *);
BIND(v_call, bpf_btf_get_next_id, LIBBPF_0.0.5);
static void run(void) { SHOW("bpf_btf_get_next_id", v_call(0xfffffff0u, &k)); }
#elif defined(NODE_0_0_6)
struct bpf_object *v_call(const char *, const struct bpf_object_open_opts *);
BIND(v_call, bpf_object__open_file, LIBBPF_0.0.6);
static void run(void)
{
	struct bpf_object *o = v_call("/nonexistent/bpfspy.o", NULL);

	/* a pointer: the trace has ret 0 or -errno, the pointer in ret_ptr */
	if (o)
		printf("bpf_object__open_file ret=0 errno=0\n");
	else
		printf("bpf_object__open_file ret=-%d errno=%d\n", errno, errno);
}
#elif defined(NODE_0_0_7)
int v_call(int, const void *, __u32 *, const struct bpf_map_batch_opts *);
BIND(v_call, bpf_map_delete_batch, LIBBPF_0.0.7);
static void run(void) { SHOW("bpf_map_delete_batch", v_call(-1, &k, &cnt, NULL)); }
#elif defined(NODE_0_0_8)
int v_call(int, int, const struct bpf_link_update_opts *);
BIND(v_call, bpf_link_update, LIBBPF_0.0.8);
static void run(void) { SHOW("bpf_link_update", v_call(-1, -1, NULL)); }
#elif defined(NODE_0_0_9)
int v_call(__u32);
BIND(v_call, bpf_link_get_fd_by_id, LIBBPF_0.0.9);
static void run(void) { SHOW("bpf_link_get_fd_by_id", v_call(0xfffffff0u)); }
#elif defined(NODE_0_1_0)
int v_call(int);
BIND(v_call, bpf_link_detach, LIBBPF_0.1.0);
static void run(void) { SHOW("bpf_link_detach", v_call(-1)); }
#elif defined(NODE_0_2_0)
int v_call(int, int, const struct bpf_prog_bind_opts *);
BIND(v_call, bpf_prog_bind_map, LIBBPF_0.2.0);
static void run(void) { SHOW("bpf_prog_bind_map", v_call(-1, -1, NULL)); }
#elif defined(NODE_0_5_0)
int v_call(int, const void *, void *, __u64);
BIND(v_call, bpf_map_lookup_and_delete_elem_flags, LIBBPF_0.5.0);
static void run(void) { SHOW("bpf_map_lookup_and_delete_elem_flags", v_call(-1, &k, &v, 0)); }
#elif defined(NODE_0_6_0)
int v_call(enum bpf_map_type, const char *, __u32, __u32, __u32,
	   const struct bpf_map_create_opts *);
BIND(v_call, bpf_map_create, LIBBPF_0.6.0);
static void run(void)
{
	SHOW("bpf_map_create", v_call((enum bpf_map_type)9999, "lbv_bad", 4, 8, 1, NULL));
}
#elif defined(NODE_0_7_0)
int v_call(const void *, size_t, struct bpf_btf_load_opts *);
BIND(v_call, bpf_btf_load, LIBBPF_0.7.0);
static void run(void) { SHOW("bpf_btf_load", v_call(&v, 0, NULL)); }
#elif defined(NODE_0_8_0)
int v_call(int, const void *, __u64);
BIND(v_call, bpf_map_delete_elem_flags, LIBBPF_0.8.0);
static void run(void) { SHOW("bpf_map_delete_elem_flags", v_call(-1, &k, 0)); }
#elif defined(NODE_1_0_0)
int v_call(const char *, const struct bpf_obj_get_opts *);
BIND(v_call, bpf_obj_get_opts, LIBBPF_1.0.0);
static void run(void)
{
	LIBBPF_OPTS(bpf_obj_get_opts, o);

	SHOW("bpf_obj_get_opts", v_call("/nonexistent/bpfspy", &o));
}
#elif defined(NODE_1_1_0)
int v_call(__u32, const struct bpf_get_fd_by_id_opts *);
BIND(v_call, bpf_map_get_fd_by_id_opts, LIBBPF_1.1.0);
static void run(void)
{
	LIBBPF_OPTS(bpf_get_fd_by_id_opts, o);

	SHOW("bpf_map_get_fd_by_id_opts", v_call(0xfffffff0u, &o));
}
#else
#error "build with -DNODE_x_y_z"
#endif

int main(void)
{
	run();
	return 0;
}
