/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bpfspy command: subcommands share these. */
#ifndef BPFSPY_CLI_H
#define BPFSPY_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit codes of every subcommand. */
#define EXIT_USAGE 2   /* bad arguments, unreadable input, bad output path */

int cmd_run(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_shim_path(int argc, char **argv);
int cmd_env(int argc, char **argv);
/* The shim bpfspy run preloads ($BPFSPY_PRELOAD_LIB, the build tree next
 * to the bpfspy binary, the installed copy) into @out: 0 when readable. */
int find_shim(char *out, size_t cap);
/* Absolute path of @path, whose directory must exist. */
int absolute_path(const char *path, char *out, size_t cap);
int cmd_attach(int argc, char **argv);
/* The findings of @n traces (bpfspy check): 0, 1 when a rule failed, 2. */
int check_traces(char *const *paths, int n, bool json, bool lenient);

/* Our own colours: TERM_SGR("1") is bold.  Written with TERM_ESC, which
 * term_safe_stdout() turns into ESC, so that an ESC in a trace's text
 * never is one. */
#define TERM_ESC_BYTE 0xff
#define TERM_ESC "\377"
#define TERM_SGR(n) TERM_ESC "[" n "m"

/* Copy @src into @dst (@cap bytes), cutting it where it does not fit at a
 * character boundary, so that no UTF-8 character is cut in two. */
void copy_text(char *dst, size_t cap, const char *src);

/* From now on, standard output escapes control characters (see cli.c);
 * @json: the output is JSON (escaped as JSON, and only on a terminal). */
void term_safe_stdout(bool json);

/* An output file other than a trace (report --html, export -o), opened as
 * traces are (spool_open_output(): no symlink followed in a sticky
 * world-writable directory, no file of another user), created 0600 and
 * emptied.  NULL with *why set when refused. */
FILE *open_output_file(const char *path, const char **why);

/* A byte count the shim accepts: decimal or 0x hex, below 4 GiB. */
bool cli_byte_count(const char *s);
/* --mode's octal file mode, 0 to 0777, into *@mode; a usage error (said,
 * and -1) otherwise. */
int cli_file_mode(const char *arg, mode_t *mode);

/* The subcommand running ("run"), named by every message; NULL: none. */
extern const char *cli_cmd;
/* Print "bpfspy SUBCOMMAND: " + message to stderr. */
void die_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same and "Try 'bpfspy SUBCOMMAND --help'."; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error for what getopt_long() returned as @c ('?' or ':', with
 * opterr 0 and ':' leading the short options after '+'). */
int bad_option(int c, char **argv);

#endif
