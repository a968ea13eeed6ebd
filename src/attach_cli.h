/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpfspy attach and run --kernel (src/attach.c). */
#ifndef BPFSPY_ATTACH_CLI_H
#define BPFSPY_ATTACH_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli.h"

enum attach_mode { ATTACH_PIDS, ATTACH_COMM, ATTACH_ALL };

struct attach_opts {
	enum attach_mode mode;
	pid_t *pids;
	unsigned npids;
	const char *comm;
	const char *output;      /* NULL: standard output (run: standard error) */
	bool follow;             /* children of traced processes too */
	const char *log_bytes, *str_bytes, *data_bytes;
	bool no_data, insns, no_check, audit_all;
	uint32_t buffer_size;    /* the ring buffer's bytes; 0: the default */
	mode_t file_mode;        /* of the -o file; 0: 0600 */
};

/* Trace until a signal or until every target has exited. */
int attach_trace(const struct attach_opts *ao);
/* Start @prog and trace it (and its children with follow): its status. */
int attach_run(const struct attach_opts *ao, char **prog);

#endif
