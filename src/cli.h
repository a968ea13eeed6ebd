/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bpfspy command: subcommands share these. */
#ifndef BPFSPY_CLI_H
#define BPFSPY_CLI_H

#include <stdbool.h>

/* Exit codes of every subcommand. */
#define EXIT_USAGE 2   /* bad arguments, unreadable input, bad output path */

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_attach(int argc, char **argv);
/* The findings of @n traces (bpfspy check): 0, 1 when a rule failed, 2. */
int check_traces(char *const *paths, int n, bool json, bool lenient);

/* Print "bpfspy: " + message to stderr. */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
