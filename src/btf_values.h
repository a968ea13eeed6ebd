/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Typed map keys and values at drain time, from BTF (btf_values.c). */
#ifndef BPFSPY_BTF_VALUES_H
#define BPFSPY_BTF_VALUES_H

#include "event/bpf_record.h"

struct btf_values;

struct btf_values *btf_values_new(void);
void btf_values_free(struct btf_values *v);
/* Fill @h so that a render context types payloads with @v. */
void btf_values_hooks(struct btf_values *v, struct bpf_render_hooks *h);
/* A render context for one spool, payloads typed when *@typed could be
 * made, kfunc calls named by @kf (may be NULL): the collector's and a
 * packed trace's reader's.  NULL: no memory. */
struct kfunc_names;
struct bpf_render_ctx *btf_values_render_ctx(struct btf_values **typed, struct kfunc_names *kf);

#endif
