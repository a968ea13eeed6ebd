/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One trace line as one human line, in the shape strace gives a system
 * call: bpfspy run's live lines on standard error and --format text.
 * The shapes of each event kind are described atop text_line.c.
 */
#ifndef BPFSPY_TEXT_LINE_H
#define BPFSPY_TEXT_LINE_H

#include <json-c/json.h>
#include <stddef.h>

/* Render the parsed trace line @ev into @buf as one line without a
 * newline, NUL-terminated; a line longer than @cap - 1 ends in "...".
 * Returns its length, or 0 when the event has no text line (a summary,
 * an unknown kind, not an object) or @cap is 0.  Everything written is
 * printable ASCII: bytes of the trace's strings are escaped. */
size_t bpf_text_line(struct json_object *ev, char *buf, size_t cap);

#endif
