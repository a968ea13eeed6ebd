// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlplugin: a plugin linked with -lbpf, as libbcc is, for dlhost and for
 * Python's ctypes (tests/bats/dlopen.bats).  Its libbpf calls bind to
 * whatever the dynamic linker finds; under bpfspy that is the shim's
 * wrappers, which must reach this plugin's own libbpf.
 *
 * Each entry point does its work after the libbpf call, so the call is
 * not a tail call and its return address is in this plugin.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

/* Errno of the last call, for ctypes (which cannot read errno). */
static int last_errno;

/* An array map of one 8-byte value: its fd, or -errno. */
EXPORT int plugin_make_map(const char *name)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, 8, 1, NULL);

	last_errno = fd < 0 ? errno : 0;
	return fd;
}

EXPORT int plugin_errno(void)
{
	return last_errno;
}

/* Store @v at key 0 of map @fd and read it back: @v, or -errno. */
EXPORT long plugin_roundtrip(int fd, long v)
{
	unsigned key = 0;
	long out = 0;
	int err;

	err = bpf_map_update_elem(fd, &key, &v, BPF_ANY);
	if (!err)
		err = bpf_map_lookup_elem(fd, &key, &out);
	last_errno = err ? errno : 0;
	return err ? err : out;
}

static int messages;

static int count_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	messages++;
	return 0;
}

/* Which libbpf serves this plugin's interposed calls: install a print
 * callback in this plugin's libbpf (libbpf_set_print is not interposed,
 * so it binds here as it would without bpfspy), open an object from
 * bytes that are no ELF (bpf_object__open_mem is interposed: libbpf
 * logs a warning through the callback of whichever copy runs it), and
 * count what reached this callback.  A call sent to another copy of
 * libbpf would log through that copy's callback instead. */
EXPORT int plugin_print_probe(void)
{
	static const char junk[64] = "not an ELF object";
	libbpf_print_fn_t old = libbpf_set_print(count_print);
	struct bpf_object *obj;

	messages = 0;
	obj = bpf_object__open_mem(junk, sizeof(junk), NULL);
	libbpf_set_print(old);
	if (obj && !libbpf_get_error(obj))
		bpf_object__close(obj);
	return messages;
}

EXPORT const char *plugin_libbpf(void)
{
	return libbpf_version_string();
}
