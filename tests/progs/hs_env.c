// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hs_env: what an exec'd image finds in its environment.
 *
 *   hs_env exec N   N lookups, then exec "hs_env show"
 *   hs_env show     print which BPFSPY_* variables are set
 */
#include "hs.h"

extern char **environ;

int main(int argc, char **argv)
{
	char **e;
	long i, n;
	int map;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "show")) {
		for (e = environ; *e; e++)
			if (!strncmp(*e, "BPFSPY_", 7))
				printf("%.*s\n", (int)(strchr(*e, '=') - *e), *e);
		printf("shown\n");
		return 0;
	}
	n = argc > 2 ? atol(argv[2]) : 1;
	map = hs_map();
	for (i = 0; i < n; i++)
		hs_lookup(map);
	hs_report();
	fflush(stdout);
	execl(argv[0], argv[0], "show", (char *)NULL);
	return 127;
}
