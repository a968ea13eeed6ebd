// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace_bench: make large traces and time bare json-c on them.
 *
 *   trace_bench gen FILE MB [SEED [VARIANT]]
 *        write about MB megabytes of trace: 4 processes of a loader that
 *        loads (feature probes, BTF, maps, a program, a link), then
 *        looks up and updates map elements, with a libbpf event above
 *        each call and now and then a failure.  The same SEED gives the
 *        same calls; VARIANT 1 changes one call in 10000 (another key
 *        size, another errno) and drops one in 20000, for diff.
 *   trace_bench procs FILE N [VARIANT]
 *        write N short-lived processes, one after another: a header and
 *        one MAP_CREATE each (the shape of a shell script running a tool
 *        in a loop), for the readers' per-process memory.  VARIANT 1
 *        gives every 1000th process another max_entries.
 *   trace_bench tokenize FILE...
 *        parse every line with json_tokener, as bpfspy's reader does, and
 *        print "tokenize: BYTES bytes, LINES lines, S s, X MB/s".
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#define NPROC 4

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

struct gen {
	FILE *f;
	uint64_t ts, bytes;
	int64_t seq[NPROC];
	int variant;
};

static const char *const checks =
	",\"checks\":[{\"rule\":\"return\",\"verdict\":\"pass\",\"why\":\"0\"},"
	"{\"rule\":\"zero-tail\",\"verdict\":\"pass\",\"why\":\"zero past the last field `flags` (ends at 32)\"}]";

static void envelope(struct gen *g, int p, const char *kind)
{
	g->ts += 200 + rnd() % 3000;
	g->bytes += (uint64_t)fprintf(g->f,
		"{\"event\":\"%s\",\"seq\":%" PRId64 ",\"ts\":%" PRIu64 ",\"dur_ns\":%" PRIu64
		",\"pid\":%d,\"tid\":%d,\"comm\":\"loader\",", kind, ++g->seq[p],
		(uint64_t)1795316104866490819ull + g->ts, 500 + rnd() % 5000, 4000 + p, 4000 + p);
}

static void header(struct gen *g, int p)
{
	g->bytes += (uint64_t)fprintf(g->f,
		"{\"event\":\"header\",\"schema\":1,\"bpfspy\":\"0.1.0\",\"ts\":%" PRIu64
		",\"pid\":%d,\"ppid\":1,\"exe\":\"/usr/bin/loader\",\"argv\":[\"loader\",\"-v\"],"
		"\"host\":\"vm\",\"kernel\":\"6.18.44\",\"machine\":\"x86_64\","
		"\"layers\":[\"syscall\",\"libbpf\"],\"libbpf\":\"v1.1\",\"follow\":true}\n",
		(uint64_t)1795316104866490819ull + g->ts, 4000 + p);
}

static void load(struct gen *g, int p)
{
	int i;

	for (i = 0; i < 3; i++) {
		envelope(g, p, "bpf");
		g->bytes += (uint64_t)fprintf(g->f,
			"\"cmd\":\"BPF_BTF_LOAD\",\"size\":28,\"attr\":{\"btf\":\"0x55cf0e2e5da0\","
			"\"btf_log_buf\":null,\"btf_size\":%d,\"btf_log_size\":0,\"btf_log_level\":\"0\","
			"\"btf_digest\":\"xxh3:1f5e3cee80fcec%02x\"},\"ret\":3,\"errno\":null,"
			"\"fds\":{\"3\":{\"kind\":\"btf\",\"id\":%d}},\"probe\":\"a %d-byte BTF blob\"}\n",
			40 + i, i, 17000 + i, 40 + i);
	}
	for (i = 0; i < 2; i++) {
		envelope(g, p, "bpf");
		g->bytes += (uint64_t)fprintf(g->f,
			"\"cmd\":\"BPF_MAP_CREATE\",\"size\":72,\"attr\":{\"map_type\":\"BPF_MAP_TYPE_HASH\","
			"\"key_size\":4,\"value_size\":8,\"max_entries\":%d,\"map_flags\":\"0\","
			"\"inner_map_fd\":0,\"numa_node\":0,\"map_name\":\"map%d\",\"map_ifindex\":0,"
			"\"btf_fd\":3,\"btf_key_type_id\":8,\"btf_value_type_id\":11,"
			"\"btf_vmlinux_value_type_id\":0,\"map_extra\":0},\"ret\":%d,\"errno\":null,"
			"\"fds\":{\"%d\":{\"kind\":\"map\",\"id\":%d,\"type\":\"BPF_MAP_TYPE_HASH\","
			"\"name\":\"map%d\"}}}\n", 128 << i, i, 4 + i, 4 + i, 21000 + i, i);
	}
	envelope(g, p, "bpf");
	g->bytes += (uint64_t)fprintf(g->f,
		"\"cmd\":\"BPF_PROG_LOAD\",\"size\":128,\"attr\":{\"prog_type\":"
		"\"BPF_PROG_TYPE_RAW_TRACEPOINT\",\"insn_cnt\":40,\"insns\":\"0x55cf0e2e5b70\","
		"\"license\":\"GPL\",\"log_level\":\"0\",\"log_size\":0,\"log_buf\":null,"
		"\"prog_name\":\"handler\",\"prog_btf_fd\":3,\"insns_digest\":\"xxh3:d54995937bc975d0\"},"
		"\"ret\":6,\"errno\":null,\"fds\":{\"6\":{\"kind\":\"prog\",\"id\":38430,"
		"\"type\":\"BPF_PROG_TYPE_RAW_TRACEPOINT\",\"name\":\"handler\"}}}\n");
	envelope(g, p, "bpf");
	g->bytes += (uint64_t)fprintf(g->f,
		"\"cmd\":\"BPF_RAW_TRACEPOINT_OPEN\",\"size\":16,\"attr\":{\"name\":\"sys_enter\","
		"\"prog_fd\":6},\"ret\":7,\"errno\":null,\"fds\":{\"6\":{\"kind\":\"prog\",\"id\":38430,"
		"\"type\":\"BPF_PROG_TYPE_RAW_TRACEPOINT\",\"name\":\"handler\"},\"7\":{\"kind\":\"link\","
		"\"id\":1975,\"type\":\"BPF_LINK_TYPE_RAW_TRACEPOINT\"}}}\n");
}

/* One element call: a lookup (maybe of a missing key) or an update. */
static void element(struct gen *g, int p, uint64_t n)
{
	bool lookup = n % 4 != 0, miss = n % 50 == 7;
	unsigned key = (unsigned)(n % 1000);
	int fd = 4 + (int)(n % 2), key_size = 4;
	const char *err = miss ? "\"ENOENT\"" : "null";

	if (g->variant && n % 10000 == 5000)
		key_size = 8;
	if (g->variant && n % 10000 == 5007)
		err = "\"E2BIG\"";
	envelope(g, p, "bpf");
	g->bytes += (uint64_t)fprintf(g->f,
		"\"cmd\":\"%s\",\"size\":32,\"attr\":{\"map_fd\":%d,\"key\":\"0x7ffd22de%04x\","
		"\"value\":\"0x7ffd22de%04x\",\"flags\":\"BPF_ANY\",\"key_data\":\"%0*x\"%s},"
		"\"ret\":%d,\"errno\":%s%s,\"fds\":{\"%d\":{\"kind\":\"map\",\"id\":%d,"
		"\"type\":\"BPF_MAP_TYPE_HASH\",\"name\":\"map%d\"}}%s}\n",
		lookup ? "BPF_MAP_LOOKUP_ELEM" : "BPF_MAP_UPDATE_ELEM", fd,
		(unsigned)(rnd() & 0xffff), (unsigned)(rnd() & 0xffff), key_size * 2, key,
		lookup ? "" : ",\"value_data\":\"2a00000000000000\"", strcmp(err, "null") ? -1 : 0,
		err, lookup && !strcmp(err, "null") ? ",\"out\":{\"value_data\":\"1100000000000000\"}" : "",
		fd, 21000 + fd - 4, fd - 4, n % 16 == 0 ? checks : "");
	if (n % 8)
		return;
	envelope(g, p, "libbpf");
	g->bytes += (uint64_t)fprintf(g->f,
		"\"func\":\"bpf_map_lookup_elem\",\"version\":\"LIBBPF_0.0.1\",\"args\":{\"fd\":%d,"
		"\"key\":\"0x7ffd22de215c\",\"value\":\"0x7ffd22de2168\"},\"ret\":0,\"errno\":null,"
		"\"syscalls\":1,\"failed\":0}\n", fd);
}

static int gen(const char *path, uint64_t mb, uint64_t seed, int variant)
{
	struct gen g = { .variant = variant };
	uint64_t n = 0, want = mb << 20;
	int p;

	rnd_state = seed * 2654435761u + 88172645463325252ull;
	g.f = fopen(path, "we");
	if (!g.f) {
		perror(path);
		return 1;
	}
	for (p = 0; p < NPROC; p++) {
		header(&g, p);
		load(&g, p);
	}
	while (g.bytes < want) {
		n++;
		if (variant && n % 20000 == 10000)
			continue;
		element(&g, (int)(n % NPROC), n);
	}
	for (p = 0; p < NPROC; p++)
		g.bytes += (uint64_t)fprintf(g.f, "{\"event\":\"lost\",\"pid\":%d,\"count\":%d}\n",
					     4000 + p, p);
	if (fclose(g.f)) {
		perror(path);
		return 1;
	}
	fprintf(stderr, "gen: %s: %" PRIu64 " bytes, %" PRIu64 " element calls\n", path, g.bytes, n);
	return 0;
}

static int procs(const char *path, unsigned long n, int variant)
{
	uint64_t ts = 1795316104866490819ull;
	unsigned long i;
	FILE *f = fopen(path, "we");

	if (!f) {
		perror(path);
		return 1;
	}
	for (i = 0; i < n; i++) {
		unsigned long pid = 100000 + i;
		unsigned entries = variant && i % 1000 == 999 ? 256 : 128;

		fprintf(f, "{\"event\":\"header\",\"schema\":1,\"bpfspy\":\"0.1.0\",\"ts\":%" PRIu64
			",\"pid\":%lu,\"ppid\":1,\"exe\":\"/usr/bin/tool%lu\",\"argv\":[\"tool%lu\",\"-q\"],"
			"\"host\":\"vm\",\"kernel\":\"6.18.44\",\"machine\":\"x86_64\","
			"\"layers\":[\"syscall\"],\"follow\":true}\n", ts, pid, i % 50, i % 50);
		ts += 1000;
		fprintf(f, "{\"event\":\"bpf\",\"seq\":1,\"ts\":%" PRIu64 ",\"dur_ns\":%lu,"
			"\"pid\":%lu,\"tid\":%lu,\"comm\":\"tool%lu\",\"cmd\":\"BPF_MAP_CREATE\","
			"\"size\":72,\"attr\":{\"map_type\":\"BPF_MAP_TYPE_HASH\",\"key_size\":4,"
			"\"value_size\":8,\"max_entries\":%u,\"map_flags\":\"0\",\"map_name\":\"counts\"},"
			"\"ret\":3,\"errno\":null,\"fds\":{\"3\":{\"kind\":\"map\",\"id\":%lu,"
			"\"type\":\"BPF_MAP_TYPE_HASH\",\"name\":\"counts\"}}}\n",
			ts, 2000 + i % 700, pid, pid, i % 50, entries, 5000 + i);
		ts += 100000;
	}
	if (fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int tokenize(char **paths, int n)
{
	struct json_tokener *tok = json_tokener_new();
	uint64_t bytes = 0, lines = 0;
	double t0 = now(), dt;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int i;

	for (i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "re");

		if (!f) {
			perror(paths[i]);
			return 1;
		}
		while ((len = getline(&buf, &cap, f)) > 0) {
			struct json_object *o;

			json_tokener_reset(tok);
			o = json_tokener_parse_ex(tok, buf, (int)len);
			json_object_put(o);
			bytes += (uint64_t)len;
			lines++;
		}
		fclose(f);
	}
	dt = now() - t0;
	printf("tokenize: %" PRIu64 " bytes, %" PRIu64 " lines, %.2f s, %.1f MB/s\n", bytes, lines,
	       dt, (double)bytes / 1e6 / dt);
	free(buf);
	json_tokener_free(tok);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "gen"))
		return gen(argv[2], strtoull(argv[3], NULL, 10),
			   argc > 4 ? strtoull(argv[4], NULL, 10) : 1, argc > 5 ? atoi(argv[5]) : 0);
	if (argc >= 4 && !strcmp(argv[1], "procs"))
		return procs(argv[2], strtoul(argv[3], NULL, 10), argc > 4 ? atoi(argv[4]) : 0);
	if (argc >= 3 && !strcmp(argv[1], "tokenize"))
		return tokenize(argv + 2, argc - 2);
	fputs("usage: trace_bench gen FILE MB [SEED [VARIANT]] | procs FILE N [VARIANT] |"
	      " tokenize FILE...\n", stderr);
	return 2;
}
