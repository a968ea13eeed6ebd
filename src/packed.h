/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packed traces (bpfspy run --packed, bpfspy collect --packed): the
 * collector writes each spool record as it is, a line of base64, instead
 * of rendering it; whoever reads the trace renders it (LTTng's split:
 * producers append, a consumer renders).  Lines bpfspy makes as JSON
 * (headers, exits, lost counts) stay JSON.  bpfspy-trace(5) has the
 * format; a packed line starts with '%':
 *
 *   %S STREAM PID HEAD     a spool begins: its dictionary's head
 *   %D STREAM SLOT BYTES   a template its records name, before the first
 *   %R STREAM TYPE BYTES   a record of the spool (bpf_record.h)
 *
 * STREAM numbers a spool among those one collector wrote; a collector
 * that starts later numbers its own from 1 again and says %S first.
 */
#ifndef BPFSPY_PACKED_H
#define BPFSPY_PACKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The writer: one per spool, as a struct spool_renderer's ctx. */
struct packer;
struct packer *packer_new(void);
void packer_free(struct packer *p);
/* struct spool_renderer's begin_file and render. */
void packer_begin(void *ctx, const void *dict, size_t len);
size_t packer_record(void *ctx, uint32_t type, const void *rec, size_t len, char *out,
		     size_t cap);
/* struct spool_renderer's undo: what it wrote was not kept (a failed
 * write): say %S and every %D again. */
void packer_undo(void *ctx);

/* The reader: every stream of a trace. */
struct unpacker;
struct unpacker *unpacker_new(void);
void unpacker_free(struct unpacker *u);
/*
 * One line of a packed trace (@n bytes, no newline).  Returns 1 with the
 * JSON line it renders to in *@json (*@jn bytes, no newline; valid until
 * the next call), 0 for a line that only carries state, -1 when it is
 * malformed (*@why says how).
 */
int unpacker_line(struct unpacker *u, const char *line, size_t n, const char **json, size_t *jn,
		  const char **why);

/* True for a line of a packed trace that is not JSON. */
static inline bool packed_line(const char *line, size_t n)
{
	return n && line[0] == '%';
}

#endif
