/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kfunc calls named in --insns text at collection time (kfunc_names.c). */
#ifndef BPFSPY_KFUNC_NAMES_H
#define BPFSPY_KFUNC_NAMES_H

#include <stddef.h>

struct btf;
struct kfunc_names;

/* Names from the running kernel's BTF, loaded when first needed. */
struct kfunc_names *kfunc_names_new(void);
/* Names from @btf (owned from now on): for tests. */
struct kfunc_names *kfunc_names_with_btf(struct btf *btf);
void kfunc_names_free(struct kfunc_names *k);

/* struct spool_renderer's json hook: a BPF_PROG_LOAD line whose
 * instructions say "call kernel-function#ID" rewritten into @out with
 * "call NAME#ID", as the verifier's log prints them.  Returns the length
 * of the new line (over @cap: the room it needs), 0 to keep the line. */
size_t kfunc_names_json(void *ctx, const char *line, size_t len, char *out, size_t cap);
/* The same in place, as struct bpf_render_hooks' line: @buf holds @len
 * bytes with room for @cap; returns the new length (over @cap: nothing
 * was changed, call again with more room). */
size_t kfunc_names_inplace(void *ctx, char *buf, size_t len, size_t cap);

#endif
