/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where rendered trace lines go: a file (or standard error), or the
 * systemd journal, one entry per event.  bpfspy run delivers its trace
 * through a sink; a collector that streams events can use the same.
 */
#ifndef BPFSPY_SINK_H
#define BPFSPY_SINK_H

#include <stdbool.h>
#include <stddef.h>

struct sink {
	/* Take one rendered event, @len bytes without its newline. */
	int (*write)(struct sink *s, const char *line, size_t len);
	void (*close)(struct sink *s);
	unsigned long long lines, failed;   /* taken, and not delivered */
	int last_err;                       /* errno of the last failure */
};

/* Lines to @fd (kept open by the caller), each with its newline. */
struct sink *sink_file_open(int fd);
/* One journal entry per line (sd_journal_sendv); NULL with errno set when
 * this bpfspy was built without it (ENOTSUP) or out of memory. */
struct sink *sink_journal_open(void);
/* Whether a journald listens here; when not, why in @why. */
bool sink_journal_available(char *why, size_t cap);

static inline int sink_write(struct sink *s, const char *line, size_t len)
{
	int rc = s->write(s, line, len);

	s->lines++;
	if (rc < 0) {
		s->failed++;
		s->last_err = -rc;
	}
	return rc;
}

/* Every line of @fd, from its start, into @s; -errno on a read error. */
int sink_feed_fd(struct sink *s, int fd);
void sink_close(struct sink *s);

#endif
