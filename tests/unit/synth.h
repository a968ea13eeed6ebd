/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Synthetic bpf calls the C unit tests render (kread_test, copies_test). */
#ifndef BPFSPY_SYNTH_H
#define BPFSPY_SYNTH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "syscall/bpf_decode.h"

/*
 * A call of @cmd as a caller might fill attr: every pointer field at
 * @addr(@arg, its attr offset), every u32 field @count, enums and flags
 * zero but the u32 at @sel_off (a union arm's selector), @sel; attr read
 * back as it was, the call returning 0 (@count for a command that returns
 * a count of bytes, PROG_STREAM_READ_BY_FD).
 */
static inline void synth_call(struct bpf_call *c, uint32_t cmd,
			      uint64_t (*addr)(void *arg, unsigned off), void *arg,
			      uint32_t count, int sel_off, uint32_t sel)
{
	const struct bpf_cmd_desc *d = bpf_cmd_desc(cmd);
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->cmd = c->cmd_raw = cmd;
	c->size = c->pre_len = BPF_ATTR_SNAP;
	for (i = 0; d && i < d->nfields; i++) {
		const struct bpf_field *f = &d->fields[i];
		uint64_t v = 0;

		if (f->kind == FK_PTR || f->kind == FK_STR_PTR)
			v = addr(arg, f->off);
		else if (f->kind == FK_U32 && f->size == 4)
			v = count;
		if (v && f->off + f->size <= BPF_ATTR_SNAP)
			memcpy(c->pre + f->off, &v, f->size);
	}
	if (sel_off >= 0)
		memcpy(c->pre + sel_off, &sel, 4);
	memcpy(c->post, c->pre, sizeof(c->pre));
	c->post_len = c->pre_len;
	c->have_post = true;
	c->ret = d && d->ret == RET_COUNT ? count : 0;
}

#endif
