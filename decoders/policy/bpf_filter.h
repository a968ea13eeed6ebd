/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What to record, as strace's -e trace=SET says it: bpfspy run -e
 * trace=BPF_PROG_LOAD,bpf_object__load, -e 'trace=!BPF_MAP_LOOKUP_ELEM',
 * BPFSPY_TRACE=SET in bare mode.
 *
 * SET is a comma-separated list of bpf commands (BPF_PROG_LOAD, prog_load,
 * PROG_LOAD or 5, as --inject names them) and interposed libbpf functions
 * (bpf_object__load: libbpf's exact lower-case name), or "all" or "none".
 * A leading "!" records everything but the list.  Only what the set names
 * is recorded: "BPF_PROG_LOAD" alone records no libbpf calls.  Commands
 * past the 64 this table knows are recorded when the set is negated.
 */
#ifndef BPFSPY_BPF_FILTER_H
#define BPFSPY_BPF_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libbpf/libbpf_funcs.h"

struct bpf_filter {
	bool active;             /* a filter was given: the default records all */
	bool negated;
	uint64_t cmds;           /* bit N: command N is named */
	uint64_t funcs[(LF_COUNT + 63) / 64];
};

/* Parse @spec ("trace=SET" or "SET") into @f.  0, or -1 with the bad word
 * (at most @cap bytes) in @bad. */
int bpf_filter_parse(const char *spec, struct bpf_filter *f, char *bad, size_t cap);

/* Is a call of command @cmd, or of libbpf function @id, recorded? */
static inline bool bpf_filter_cmd(const struct bpf_filter *f, uint32_t cmd)
{
	if (!f->active)
		return true;
	if (cmd >= 64)
		return f->negated;
	return (bool)((f->cmds >> cmd) & 1) != f->negated;
}

static inline bool bpf_filter_func(const struct bpf_filter *f, unsigned id)
{
	if (!f->active)
		return true;
	if (id >= LF_COUNT)
		return f->negated;
	return (bool)((f->funcs[id / 64] >> (id % 64)) & 1) != f->negated;
}

#endif
