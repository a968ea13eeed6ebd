// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The opts tables of decoders/libbpf/libbpf_opts.c against the installed
 * <bpf/bpf.h>: every field the installed libbpf declares is at the
 * offset and of the size the table says, and the table knows a layout at
 * least as large.  Then sz handling: fields past sz are absent, a short
 * sz and a nonzero tail are what libbpf_opts_probe() reports.
 */
#include <bpf/bpf.h>
#include <stddef.h>
#include <string.h>

#include "base/jsonw.h"
#include "libbpf/libbpf_opts.h"
#include "tap.h"

static const struct libbpf_opts_field *field(const struct libbpf_opts_desc *d, const char *n)
{
	unsigned i;

	for (i = 0; i < d->nf; i++)
		if (!strcmp(d->f[i].name, n))
			return &d->f[i];
	return NULL;
}

#define CHECK(d, type, fld)                                                            \
	do {                                                                            \
		const struct libbpf_opts_field *f_ = field(&(d), #fld);                  \
		tap_ok(f_ && f_->off == offsetof(struct type, fld) &&                    \
		       f_->size == sizeof(((struct type *)0)->fld),                      \
		       #type "." #fld " at %zu", offsetof(struct type, fld));           \
	} while (0)

#define SIZE(d, type) tap_ok((d).size >= sizeof(struct type), #type " size %u >= %zu", \
			     (d).size, sizeof(struct type))

static void layouts(void)
{
	SIZE(libbpf_opts_map_create, bpf_map_create_opts);
	CHECK(libbpf_opts_map_create, bpf_map_create_opts, btf_fd);
	CHECK(libbpf_opts_map_create, bpf_map_create_opts, inner_map_fd);
	CHECK(libbpf_opts_map_create, bpf_map_create_opts, map_flags);
	CHECK(libbpf_opts_map_create, bpf_map_create_opts, map_extra);
	CHECK(libbpf_opts_map_create, bpf_map_create_opts, numa_node);
	CHECK(libbpf_opts_map_create, bpf_map_create_opts, map_ifindex);
	SIZE(libbpf_opts_prog_load, bpf_prog_load_opts);
	CHECK(libbpf_opts_prog_load, bpf_prog_load_opts, attempts);
	CHECK(libbpf_opts_prog_load, bpf_prog_load_opts, expected_attach_type);
	CHECK(libbpf_opts_prog_load, bpf_prog_load_opts, attach_btf_obj_fd);
	CHECK(libbpf_opts_prog_load, bpf_prog_load_opts, fd_array);
	CHECK(libbpf_opts_prog_load, bpf_prog_load_opts, line_info_rec_size);
	CHECK(libbpf_opts_prog_load, bpf_prog_load_opts, log_level);
	CHECK(libbpf_opts_prog_load, bpf_prog_load_opts, log_buf);
	SIZE(libbpf_opts_btf_load, bpf_btf_load_opts);
	CHECK(libbpf_opts_btf_load, bpf_btf_load_opts, log_buf);
	CHECK(libbpf_opts_btf_load, bpf_btf_load_opts, log_size);
	SIZE(libbpf_opts_map_batch, bpf_map_batch_opts);
	CHECK(libbpf_opts_map_batch, bpf_map_batch_opts, elem_flags);
	CHECK(libbpf_opts_map_batch, bpf_map_batch_opts, flags);
	SIZE(libbpf_opts_obj_get, bpf_obj_get_opts);
	CHECK(libbpf_opts_obj_get, bpf_obj_get_opts, file_flags);
	SIZE(libbpf_opts_prog_attach, bpf_prog_attach_opts);
	CHECK(libbpf_opts_prog_attach, bpf_prog_attach_opts, flags);
	CHECK(libbpf_opts_prog_attach, bpf_prog_attach_opts, replace_prog_fd);
	SIZE(libbpf_opts_link_create, bpf_link_create_opts);
	CHECK(libbpf_opts_link_create, bpf_link_create_opts, flags);
	CHECK(libbpf_opts_link_create, bpf_link_create_opts, iter_info);
	CHECK(libbpf_opts_link_create, bpf_link_create_opts, iter_info_len);
	CHECK(libbpf_opts_link_create, bpf_link_create_opts, target_btf_id);
	tap_ok(field(&libbpf_opts_link_create, "bpf_cookie")->off ==
	       offsetof(struct bpf_link_create_opts, perf_event.bpf_cookie), "perf_event arm");
	tap_ok(field(&libbpf_opts_link_create, "syms")->off ==
	       offsetof(struct bpf_link_create_opts, kprobe_multi.syms), "kprobe_multi arm");
	SIZE(libbpf_opts_link_update, bpf_link_update_opts);
	CHECK(libbpf_opts_link_update, bpf_link_update_opts, old_prog_fd);
	SIZE(libbpf_opts_get_fd_by_id, bpf_get_fd_by_id_opts);
	CHECK(libbpf_opts_get_fd_by_id, bpf_get_fd_by_id_opts, open_flags);
	SIZE(libbpf_opts_prog_query, bpf_prog_query_opts);
	CHECK(libbpf_opts_prog_query, bpf_prog_query_opts, query_flags);
	CHECK(libbpf_opts_prog_query, bpf_prog_query_opts, attach_flags);
	CHECK(libbpf_opts_prog_query, bpf_prog_query_opts, prog_ids);
	CHECK(libbpf_opts_prog_query, bpf_prog_query_opts, prog_cnt);
	CHECK(libbpf_opts_prog_query, bpf_prog_query_opts, prog_attach_flags);
	SIZE(libbpf_opts_prog_bind, bpf_prog_bind_opts);
	CHECK(libbpf_opts_prog_bind, bpf_prog_bind_opts, flags);
	SIZE(libbpf_opts_test_run, bpf_test_run_opts);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, data_in);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, data_size_out);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, ctx_out);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, retval);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, repeat);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, duration);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, flags);
	CHECK(libbpf_opts_test_run, bpf_test_run_opts, cpu);
}

/* What OPTS_VALID will see, as libbpf_opts_probe() reports it. */
static void probe(void)
{
	union {
		struct bpf_test_run_opts o;
		unsigned char b[160];
	} u;
	struct libbpf_call c;

	memset(&u, 0, sizeof(u));
	memset(&c, 0, sizeof(c));
	c.id = LF_bpf_prog_test_run_opts;
	c.args[1] = (uintptr_t)&u;
	u.o.sz = sizeof(u.o);
	libbpf_opts_probe(&c);
	tap_ok(c.opts_addr == (uintptr_t)&u && c.opts_sz == sizeof(u.o) && !c.opts_sz_small &&
	       !c.opts_tail_nonzero && c.opts_known == 80, "probe: a normal opts");
	u.o.sz = 4;
	libbpf_opts_probe(&c);
	tap_ok(c.opts_sz == 4 && c.opts_sz_small, "probe: sz below sizeof(size_t)");
	u.o.sz = 160;
	u.b[150] = 7;
	libbpf_opts_probe(&c);
	tap_ok(c.opts_sz == 160 && c.opts_tail_nonzero == 150, "probe: first nonzero tail byte %u",
	       c.opts_tail_nonzero);
	c.args[1] = 0;
	libbpf_opts_probe(&c);
	tap_ok(!c.opts_addr && !c.opts_sz, "probe: NULL opts");
	c.args[1] = 8;                   /* unmapped */
	libbpf_opts_probe(&c);
	tap_ok(c.opts_fault && !c.opts_sz, "probe: an unreadable opts faults, never crashes");
}

int main(void)
{
	layouts();
	probe();
	return tap_done();
}
