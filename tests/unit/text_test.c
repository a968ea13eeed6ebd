// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * src/text_line.c: real trace lines, each as the one human line it makes.
 *
 * The lines below were recorded by this bpfspy (schema 2) on Linux 6.18
 * with bpftool, libbpf 1.1 and the suite's own programs, and are pasted
 * whole; the few made up by hand say so.  BPFSPY_TEST_VERBOSE=1 prints
 * every line made.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "src/text_line.h"
#include "tap.h"
#include "testlib.h"

/* ---- recorded lines ---------------------------------------------------------- */

/* bpftool map create /sys/fs/bpf/x type hash key 4 value 8 entries 4 name m: the header */
static const char bpftool_header[] =
	"{\"event\":\"header\",\"schema\":2,\"bpfspy\":\"0.1.0\",\"ts\":\"1796145121.03089231"
	"0\",\"pid\":16327,\"ppid\":16326,\"exe\":\"/usr/sbin/bpftool\",\"argv\":[\"bpftool\""
	",\"map\",\"create\",\"/sys/fs/bpf/x\",\"type\",\"hash\",\"key\",\"4\",\"value\",\"8"
	"\",\"entries\",\"4\",\"name\",\"m\"],\"host\":\"vm\",\"kernel\":\"6.18.44-fc-v669\","
	"\"machine\":\"x86_64\",\"host_pid\":16327,\"ns\":{\"pid\":4026531836,\"mnt\":4026532"
	"177,\"user\":4026531837,\"cgroup\":4026531835,\"net\":4026531833},\"cgroup\":\"/\","
	"\"layers\":[\"syscall\"],\"libbpf\":\"static or absent\",\"follow\":true}";

/* ... its map */
static const char bpftool_map_create[] =
	"{\"event\":\"bpf\",\"seq\":4,\"ts\":\"1796145121.031597295\",\"dur_ns\":11857,\"pid"
	"\":16327,\"tid\":16327,\"comm\":\"bpftool\",\"cmd\":\"BPF_MAP_CREATE\",\"size\":72,"
	"\"attr\":{\"map_type\":\"BPF_MAP_TYPE_HASH\",\"key_size\":4,\"value_size\":8,\"max_e"
	"ntries\":4,\"map_flags\":\"0\",\"inner_map_fd\":0,\"numa_node\":0,\"map_name\":\"m\""
	",\"map_ifindex\":0,\"btf_fd\":0,\"btf_key_type_id\":0,\"btf_value_type_id\":0,\"btf_"
	"vmlinux_value_type_id\":0,\"map_extra\":0},\"ret\":3,\"errno\":null,\"fds\":{\"3\":{"
	"\"kind\":\"map\",\"id\":90722,\"type\":\"BPF_MAP_TYPE_HASH\",\"name\":\"m\"}},\"chec"
	"ks\":[{\"rule\":\"return\",\"verdict\":\"pass\",\"why\":\"a new fd, 3\"},{\"rule\":"
	"\"fd-cloexec\",\"verdict\":\"pass\",\"why\":\"fd 3 has FD_CLOEXEC\"},{\"rule\":\"zer"
	"o-tail\",\"verdict\":\"pass\",\"why\":\"zero past the last field `excl_prog_hash_siz"
	"e` (ends at 92)\"},{\"rule\":\"fd-kind\",\"verdict\":\"pass\",\"why\":\"fd 3 is a ma"
	"p\"}]}";

/* ... pinned */
static const char bpftool_obj_pin[] =
	"{\"event\":\"bpf\",\"seq\":5,\"ts\":\"1796145121.031644575\",\"dur_ns\":10836,\"pid"
	"\":16327,\"tid\":16327,\"comm\":\"bpftool\",\"cmd\":\"BPF_OBJ_PIN\",\"size\":16,\"at"
	"tr\":{\"pathname\":\"/sys/fs/bpf/x\",\"bpf_fd\":3,\"file_flags\":\"0\"},\"ret\":0,\""
	"errno\":null,\"fds\":{\"3\":{\"kind\":\"map\",\"id\":90722,\"type\":\"BPF_MAP_TYPE_H"
	"ASH\",\"name\":\"m\"}},\"checks\":[{\"rule\":\"return\",\"verdict\":\"pass\",\"why\""
	":\"zero on success\"},{\"rule\":\"pin-path\",\"verdict\":\"pass\",\"why\":\"the pare"
	"nt directory is on a BPF filesystem\"},{\"rule\":\"zero-tail\",\"verdict\":\"pass\","
	"\"why\":\"zero past the last field `path_fd` (ends at 20)\"}]}";

/* the same under bpfspy run --unprivileged: EPERM, with its audit */
static const char unpriv_map_create[] =
	"{\"event\":\"bpf\",\"seq\":4,\"ts\":\"1796144848.135821228\",\"dur_ns\":2274,\"pid\""
	":13234,\"tid\":13234,\"comm\":\"bpftool\",\"cmd\":\"BPF_MAP_CREATE\",\"size\":72,\"a"
	"ttr\":{\"map_type\":\"BPF_MAP_TYPE_HASH\",\"key_size\":4,\"value_size\":8,\"max_entr"
	"ies\":4,\"map_flags\":\"0\",\"inner_map_fd\":0,\"numa_node\":0,\"map_name\":\"\",\"m"
	"ap_ifindex\":0,\"btf_fd\":0,\"btf_key_type_id\":0,\"btf_value_type_id\":0,\"btf_vmli"
	"nux_value_type_id\":0,\"map_extra\":0},\"ret\":-1,\"errno\":\"EPERM\",\"checks\":[{"
	"\"rule\":\"return\",\"verdict\":\"pass\",\"why\":\"-1 with errno EPERM\"},{\"rule\":"
	"\"zero-tail\",\"verdict\":\"pass\",\"why\":\"zero past the last field `excl_prog_has"
	"h_size` (ends at 92)\"},{\"rule\":\"capability\",\"verdict\":\"pass\",\"why\":\"BPF_"
	"MAP_CREATE of a BPF_MAP_TYPE_HASH map needs no capability, but kernel.unprivileged_b"
	"pf_disabled=2 requires CAP_BPF; the process lacks CAP_BPF\"}],\"explanation\":{\"rul"
	"e\":\"capability\",\"text\":\"BPF_MAP_CREATE of a BPF_MAP_TYPE_HASH map needs no cap"
	"ability, but kernel.unprivileged_bpf_disabled=2 requires CAP_BPF; the process lacks "
	"CAP_BPF: the kernel returns EPERM\"},\"audit\":{\"capabilities\":{\"effective\":[],"
	"\"permitted\":[]},\"unprivileged_bpf_disabled\":2,\"memlock\":{\"cur\":8388608,\"max"
	"\":8388608},\"user_ns\":\"init\",\"token_fd\":null,\"requires\":\"BPF_MAP_CREATE of "
	"a BPF_MAP_TYPE_HASH map needs no capability\",\"verdict\":\"BPF_MAP_CREATE of a BPF_"
	"MAP_TYPE_HASH map needs no capability, but kernel.unprivileged_bpf_disabled=2 requir"
	"es CAP_BPF; the process lacks CAP_BPF\",\"fix\":\"run with CAP_BPF, or set kernel.un"
	"privileged_bpf_disabled=0\"}}";

/* ... and bpftool's exit status */
static const char unpriv_exit[] =
	"{\"event\":\"exit\",\"ts\":\"1796144848.136619677\",\"pid\":13234,\"status\":255}";

/* tests/progs/libbpf_calls: an invalid map type */
static const char bad_map_type[] =
	"{\"event\":\"bpf\",\"seq\":10,\"ts\":\"1796145131.064266359\",\"dur_ns\":1002,\"pid"
	"\":16560,\"tid\":16560,\"comm\":\"libbpf_calls\",\"parent\":9,\"cmd\":\"BPF_MAP_CREA"
	"TE\",\"size\":72,\"attr\":{\"map_type\":\"9999\",\"key_size\":4,\"value_size\":8,\"m"
	"ax_entries\":4,\"map_flags\":\"0\",\"inner_map_fd\":0,\"numa_node\":0,\"map_name\":"
	"\"lbc_bad\",\"map_ifindex\":0,\"btf_fd\":0,\"btf_key_type_id\":0,\"btf_value_type_id"
	"\":0,\"btf_vmlinux_value_type_id\":0,\"map_extra\":0},\"ret\":-1,\"errno\":\"EINVAL"
	"\",\"checks\":[{\"rule\":\"return\",\"verdict\":\"pass\",\"why\":\"-1 with errno EIN"
	"VAL\"},{\"rule\":\"zero-tail\",\"verdict\":\"pass\",\"why\":\"zero past the last fie"
	"ld `excl_prog_hash_size` (ends at 92)\"}]}";

/* ... and the libbpf call that made it */
static const char bad_map_type_libbpf[] =
	"{\"event\":\"libbpf\",\"seq\":9,\"ts\":\"1796145131.064265618\",\"dur_ns\":2334,\"pi"
	"d\":16560,\"tid\":16560,\"comm\":\"libbpf_calls\",\"func\":\"bpf_map_create\",\"vers"
	"ion\":\"LIBBPF_0.6.0\",\"args\":{\"map_type\":\"9999\",\"map_name\":\"lbc_bad\",\"ke"
	"y_size\":4,\"value_size\":8,\"max_entries\":4,\"opts\":null},\"ret\":-22,\"errno\":"
	"\"EINVAL\",\"syscalls\":1,\"failed\":1,\"checks\":[{\"rule\":\"libbpf-return\",\"ver"
	"dict\":\"pass\",\"why\":\"-22 and errno EINVAL\"},{\"rule\":\"libbpf-wraps\",\"verdi"
	"ct\":\"pass\",\"why\":\"bpf_map_create made BPF_MAP_CREATE\"}]}";

/* exerciser allcmds: a program the verifier rejects, with its log */
static const char verifier_eacces[] =
	"{\"event\":\"bpf\",\"seq\":30,\"ts\":\"1796144859.426177639\",\"dur_ns\":53830,\"pid"
	"\":13502,\"tid\":13502,\"comm\":\"exerciser\",\"cmd\":\"BPF_PROG_LOAD\",\"size\":168"
	",\"attr\":{\"prog_type\":\"BPF_PROG_TYPE_SOCKET_FILTER\",\"insn_cnt\":1,\"insns\":\""
	"0x55ddd76e20c0\",\"license\":\"GPL\",\"log_level\":\"BPF_LOG_LEVEL1\",\"log_size\":4"
	"096,\"log_buf\":\"0x55ddd76e9040\",\"kern_version\":\"0.0.0\",\"prog_flags\":\"0\","
	"\"prog_name\":\"ac_bad\",\"prog_ifindex\":0,\"expected_attach_type\":\"BPF_CGROUP_IN"
	"ET_INGRESS\",\"prog_btf_fd\":0,\"func_info_rec_size\":0,\"func_info\":null,\"func_in"
	"fo_cnt\":0,\"line_info_rec_size\":0,\"line_info\":null,\"line_info_cnt\":0,\"attach_"
	"btf_id\":0,\"attach_prog_fd\":0,\"core_relo_cnt\":0,\"fd_array\":null,\"core_relos\""
	":null,\"core_relo_rec_size\":0,\"prog_token_fd\":0,\"fd_array_cnt\":0,\"signature\":"
	"null,\"signature_size\":0,\"keyring_id\":0,\"insns_digest\":\"xxh3:2e82982284fea3fd"
	"\"},\"ret\":-1,\"errno\":\"EACCES\",\"out\":{\"log_true_size\":143,\"log\":\"0: R1=c"
	"tx() R10=fp0\\n0: (95) exit\\nR0 !read_ok\\nprocessed 1 insns (limit 1000000) max_st"
	"ates_per_insn 0 total_states 0 peak_states 0 mark_read 0\\n\"},\"checks\":[{\"rule\""
	":\"return\",\"verdict\":\"pass\",\"why\":\"-1 with errno EACCES\"},{\"rule\":\"zero-"
	"tail\",\"verdict\":\"pass\",\"why\":\"zero past the last field `keyring_id` (ends at"
	" 168)\"},{\"rule\":\"log-attrs\",\"verdict\":\"pass\",\"why\":\"log buffer, size and"
	" level agree\"}],\"audit\":{\"capabilities\":{\"effective\":[\"CAP_BPF\",\"CAP_PERFM"
	"ON\",\"CAP_NET_ADMIN\",\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_BPF\",\"CAP_PERFMON\""
	",\"CAP_NET_ADMIN\",\"CAP_SYS_ADMIN\"]},\"unprivileged_bpf_disabled\":2,\"memlock\":{"
	"\"cur\":8388608,\"max\":8388608},\"user_ns\":\"init\",\"token_fd\":null,\"requires\""
	":\"BPF_PROG_LOAD of a BPF_PROG_TYPE_SOCKET_FILTER program needs no capability\",\"ve"
	"rdict\":\"BPF_PROG_LOAD of a BPF_PROG_TYPE_SOCKET_FILTER program needs no capability"
	"; the process has what it needs: EACCES is the verifier refusing the program (its lo"
	"g says why); kernel.unprivileged_bpf_disabled=2\"}}";

/* bpfspy run --inject BPF_MAP_CREATE:ENOMEM -- examples/minimal_loader */
static const char injected_map_create[] =
	"{\"event\":\"bpf\",\"seq\":26,\"ts\":\"1796144848.155804566\",\"dur_ns\":40,\"pid\":"
	"13240,\"tid\":13240,\"comm\":\"minimal_loader\",\"parent\":24,\"cmd\":\"BPF_MAP_CREA"
	"TE\",\"size\":72,\"attr\":{\"map_type\":\"BPF_MAP_TYPE_ARRAY\",\"key_size\":4,\"valu"
	"e_size\":4,\"max_entries\":1,\"map_flags\":\"BPF_F_MMAPABLE\",\"inner_map_fd\":0,\"n"
	"uma_node\":0,\"map_name\":\"libbpf_mmap\",\"map_ifindex\":0,\"btf_fd\":0,\"btf_key_t"
	"ype_id\":0,\"btf_value_type_id\":0,\"btf_vmlinux_value_type_id\":0,\"map_extra\":0},"
	"\"ret\":-1,\"errno\":\"ENOMEM\",\"injected\":true,\"probe\":\"libbpf's probe map \\"
	"\"libbpf_mmap\\\"\"}";

/* exerciser badattr: attr NULL... */
static const char null_attr[] =
	"{\"event\":\"bpf\",\"seq\":2,\"ts\":\"1796145218.552880599\",\"dur_ns\":3845,\"pid\""
	":22739,\"tid\":22739,\"comm\":\"exerciser\",\"cmd\":\"BPF_MAP_CREATE\",\"size\":32,"
	"\"attr\":{},\"attr_fault\":{\"addr\":\"0x0\",\"offset\":0,\"error\":\"EFAULT\"},\"re"
	"t\":-1,\"errno\":\"EFAULT\",\"checks\":[{\"rule\":\"return\",\"verdict\":\"pass\",\""
	"why\":\"-1 with errno EFAULT\"},{\"rule\":\"zero-tail\",\"verdict\":\"pass\",\"why\""
	":\"zero past the last field `excl_prog_hash_size` (ends at 92)\"}]}";

/* ... and a license pointer that cannot be read */
static const char bad_license[] =
	"{\"event\":\"bpf\",\"seq\":7,\"ts\":\"1796145218.552931554\",\"dur_ns\":42383,\"pid"
	"\":22739,\"tid\":22739,\"comm\":\"exerciser\",\"cmd\":\"BPF_PROG_LOAD\",\"size\":144"
	",\"attr\":{\"prog_type\":\"BPF_PROG_TYPE_SOCKET_FILTER\",\"insn_cnt\":2,\"insns\":\""
	"0x55f4891530a0\",\"license\":null,\"license_fault\":{\"addr\":\"0x7f3fd7aed000\",\"e"
	"rror\":\"EFAULT\"},\"log_level\":\"0\",\"log_size\":0,\"log_buf\":null,\"kern_versio"
	"n\":\"0.0.0\",\"prog_flags\":\"0\",\"prog_name\":\"\",\"prog_ifindex\":0,\"expected_"
	"attach_type\":\"BPF_CGROUP_INET_INGRESS\",\"prog_btf_fd\":0,\"func_info_rec_size\":0"
	",\"func_info\":null,\"func_info_cnt\":0,\"line_info_rec_size\":0,\"line_info\":null,"
	"\"line_info_cnt\":0,\"attach_btf_id\":0,\"attach_prog_fd\":0,\"core_relo_cnt\":0,\"f"
	"d_array\":null,\"core_relos\":null,\"core_relo_rec_size\":0,\"insns_digest\":\"xxh3:"
	"d67abaeadc63bf24\"},\"ret\":-1,\"errno\":\"EFAULT\",\"out\":{\"log_true_size\":0},\""
	"probe\":\"an anonymous 2-instruction program\",\"checks\":[{\"rule\":\"return\",\"ve"
	"rdict\":\"pass\",\"why\":\"-1 with errno EFAULT\"},{\"rule\":\"zero-tail\",\"verdict"
	"\":\"pass\",\"why\":\"zero past the last field `keyring_id` (ends at 168)\"},{\"rule"
	"\":\"log-attrs\",\"verdict\":\"pass\",\"why\":\"no log\"}]}";

/* bpfspy run --deny BPF_PROG_LOAD -- examples/minimal_loader */
static const char late_next_key[] =
	"{\"event\":\"bpf\",\"seq\":1807,\"ts\":\"1796234562.347563796\",\"dur_ns\":127"
	"089,\"pid\":20915,\"tid\":20915,\"comm\":\"exerciser\",\"cmd\":\"BPF_MAP_GET_N"
	"EXT_KEY\",\"size\":32,\"attr\":{\"map_fd\":3,\"key\":\"0x7fff0c44c394\",\"next"
	"_key\":\"0x7fff0c44c394\",\"flags\":\"BPF_ANY\",\"key_data\":\"06000000\"},\"r"
	"et\":0,\"errno\":null,\"inputs_late\":true,\"out\":{\"next_key_data\":\"060000"
	"00\"}}";

static const char denied_prog_load[] =
	"{\"event\":\"bpf\",\"seq\":3,\"ts\":\"1796144848.167042795\",\"dur_ns\":912,\"pid\":"
	"13244,\"tid\":13244,\"comm\":\"minimal_loader\",\"parent\":2,\"cmd\":\"BPF_PROG_LOAD"
	"\",\"size\":116,\"attr\":{\"prog_type\":\"BPF_PROG_TYPE_SOCKET_FILTER\",\"insn_cnt\""
	":2,\"insns\":\"0x7ffd273244f0\",\"license\":\"GPL\",\"log_level\":\"0\",\"log_size\""
	":0,\"log_buf\":null,\"kern_version\":\"0.0.0\",\"prog_flags\":\"0\",\"prog_name\":\""
	"\",\"prog_ifindex\":0,\"expected_attach_type\":\"BPF_CGROUP_INET_INGRESS\",\"prog_bt"
	"f_fd\":0,\"func_info_rec_size\":0,\"func_info\":null,\"func_info_cnt\":0,\"line_info"
	"_rec_size\":0,\"line_info\":null,\"line_info_cnt\":0,\"attach_btf_id\":0,\"attach_pr"
	"og_fd\":0,\"insns_digest\":\"xxh3:b3aec48241a04fa2\"},\"ret\":-1,\"errno\":\"EPERM\""
	",\"denied\":true,\"probe\":\"an anonymous 2-instruction program\"}";

/* bpfspy run --unprivileged -- examples/minimal_loader: the header */
static const char loader_header[] =
	"{\"event\":\"header\",\"schema\":2,\"bpfspy\":\"0.1.0\",\"ts\":\"1796144848.14892899"
	"4\",\"pid\":13238,\"ppid\":13237,\"exe\":\"/work/wt-text/examples/minimal_loader\","
	"\"argv\":[\"/work/wt-text/examples/minimal_loader\"],\"host\":\"vm\",\"kernel\":\"6."
	"18.44-fc-v669\",\"machine\":\"x86_64\",\"host_pid\":13238,\"ns\":{\"pid\":4026531836"
	",\"mnt\":4026531832,\"user\":4026531837,\"cgroup\":4026531835,\"net\":4026531833},\""
	"cgroup\":\"/\",\"layers\":[\"syscall\",\"libbpf\"],\"libbpf\":\"v1.1\",\"libbpf_path"
	"\":\"/lib/x86_64-linux-gnu/libbpf.so.1\",\"follow\":true,\"dropped_caps\":[\"CAP_NET"
	"_ADMIN\",\"CAP_SYS_ADMIN\",\"CAP_PERFMON\",\"CAP_BPF\"]}";

/* ... a function returning a pointer */
static const char loader_open[] =
	"{\"event\":\"libbpf\",\"seq\":1,\"ts\":\"1796144848.149194618\",\"dur_ns\":93098,\"p"
	"id\":13238,\"tid\":13238,\"comm\":\"minimal_loader\",\"func\":\"bpf_object__open_fil"
	"e\",\"version\":\"LIBBPF_0.0.6\",\"args\":{\"path\":\"/work/wt-text/examples/minimal"
	".bpf.o\",\"opts\":null},\"object\":\"minimal\",\"ret\":0,\"ret_ptr\":\"0x55bbd090959"
	"0\",\"errno\":null,\"syscalls\":0,\"failed\":0,\"checks\":[{\"rule\":\"libbpf-return"
	"\",\"verdict\":\"pass\",\"why\":\"a pointer\"}]}";

/* ... the load that failed */
static const char loader_load[] =
	"{\"event\":\"libbpf\",\"seq\":2,\"ts\":\"1796144848.149384770\",\"dur_ns\":220166,\""
	"pid\":13238,\"tid\":13238,\"comm\":\"minimal_loader\",\"func\":\"bpf_object__load\","
	"\"version\":\"LIBBPF_0.0.1\",\"args\":{\"obj\":\"0x55bbd0909590\"},\"object\":\"mini"
	"mal\",\"ret\":-1,\"errno\":\"EPERM\",\"syscalls\":3,\"failed\":3,\"checks\":[{\"rule"
	"\":\"libbpf-return\",\"verdict\":\"pass\",\"why\":\"-1 and errno EPERM\"}]}";

/* ... a void function */
static const char loader_close[] =
	"{\"event\":\"libbpf\",\"seq\":8,\"ts\":\"1796144848.149610815\",\"dur_ns\":22603,\"p"
	"id\":13238,\"tid\":13238,\"comm\":\"minimal_loader\",\"func\":\"bpf_object__close\","
	"\"version\":\"LIBBPF_0.0.1\",\"args\":{\"obj\":\"0x55bbd0909590\"},\"object\":\"mini"
	"mal\",\"errno\":null,\"syscalls\":0,\"failed\":0,\"checks\":[]}";

/* bpfspy run --inject bpf_object__load:EACCES -- examples/minimal_loader */
static const char injected_load[] =
	"{\"event\":\"libbpf\",\"seq\":2,\"ts\":\"1796144848.161499288\",\"dur_ns\":30,\"pid"
	"\":13242,\"tid\":13242,\"comm\":\"minimal_loader\",\"func\":\"bpf_object__load\",\"v"
	"ersion\":\"LIBBPF_0.0.1\",\"injected\":true,\"args\":{\"obj\":\"0x55dec59e7590\"},\""
	"object\":\"minimal\",\"ret\":-13,\"errno\":\"EACCES\",\"syscalls\":0,\"failed\":0}";

/* tests/progs/libbpf_more taskfd: 9 arguments, pointers written through, a filled string */
static const char task_fd_query[] =
	"{\"event\":\"libbpf\",\"seq\":9,\"ts\":\"1796145134.600085328\",\"dur_ns\":7131,\"pi"
	"d\":16680,\"tid\":16680,\"comm\":\"libbpf_more\",\"func\":\"bpf_task_fd_query\",\"ve"
	"rsion\":\"LIBBPF_0.0.1\",\"args\":{\"pid\":16680,\"fd\":4,\"flags\":\"0\",\"buf\":\""
	"sys_enter\",\"buf_len\":{\"addr\":\"0x7fff7289a7a4\",\"in\":64,\"out\":9},\"prog_id"
	"\":{\"addr\":\"0x7fff7289a7a8\",\"out\":71301},\"fd_type\":{\"addr\":\"0x7fff7289a7a"
	"c\",\"out\":\"BPF_FD_TYPE_RAW_TRACEPOINT\"},\"probe_offset\":{\"addr\":\"0x7fff7289a"
	"7b0\",\"out\":0},\"probe_addr\":{\"addr\":\"0x7fff7289a7b8\",\"out\":0}},\"ret\":0,"
	"\"errno\":null,\"syscalls\":1,\"failed\":0,\"checks\":[{\"rule\":\"libbpf-return\","
	"\"verdict\":\"pass\",\"why\":\"success\"},{\"rule\":\"libbpf-wraps\",\"verdict\":\"p"
	"ass\",\"why\":\"bpf_task_fd_query made BPF_TASK_FD_QUERY\"}]}";

/* tests/progs/libbpf_more missing: a function libbpf 1.1 lacks */
static const char missing_func[] =
	"{\"event\":\"libbpf\",\"seq\":1,\"ts\":\"1796145134.606971477\",\"dur_ns\":70,\"pid"
	"\":16684,\"tid\":16684,\"comm\":\"libbpf_more\",\"func\":\"bpf_prog_get_info_by_fd\""
	",\"version\":\"LIBBPF_1.2.0\",\"missing\":true,\"args\":{\"prog_fd\":-1,\"info\":\"0"
	"x7ffdebe0aea0\",\"info_len\":{\"addr\":\"0x7ffdebe0ae80\",\"in\":8,\"out\":8}},\"ret"
	"\":-38,\"errno\":\"ENOSYS\",\"syscalls\":0,\"failed\":0,\"checks\":[{\"rule\":\"libb"
	"pf-return\",\"verdict\":\"pass\",\"why\":\"-38 and errno ENOSYS\"}]}";

/* tests/progs/dlhost late libdlplugin.so: libbpf dlopen()ed after the header */
static const char dlhost_layer[] =
	"{\"event\":\"layer\",\"ts\":\"1796144978.383998591\",\"pid\":14448,\"layer\":\"libbp"
	"f\",\"libbpf\":\"v1.1\",\"libbpf_path\":\"/lib/x86_64-linux-gnu/libbpf.so.1\"}";

/* exerciser threads 2 5000 in a full spool: a thread's call */
static const char threads_lookup[] =
	"{\"event\":\"bpf\",\"seq\":2,\"ts\":\"1796144978.426238857\",\"dur_ns\":3876,\"pid\""
	":14452,\"tid\":14453,\"comm\":\"exerciser\",\"cmd\":\"BPF_MAP_LOOKUP_ELEM\",\"size\""
	":32,\"attr\":{\"map_fd\":3,\"key\":\"0x7fe1b3a9fb44\",\"value\":\"0x7fe1b3a9fb48\","
	"\"flags\":\"BPF_ANY\",\"key_data\":\"00000000\"},\"ret\":0,\"errno\":null,\"out\":{"
	"\"value_data\":\"0000000000000000\"},\"fds\":{\"3\":{\"kind\":\"map\",\"id\":90719,"
	"\"type\":\"BPF_MAP_TYPE_ARRAY\",\"name\":\"exerciser\"}},\"checks\":[{\"rule\":\"ret"
	"urn\",\"verdict\":\"pass\",\"why\":\"zero on success\"},{\"rule\":\"lookup-flags\","
	"\"verdict\":\"pass\",\"why\":\"no flags\"},{\"rule\":\"zero-tail\",\"verdict\":\"pas"
	"s\",\"why\":\"zero past the last field `flags` (ends at 32)\"}]}";

/* ... and the events that found no room */
static const char threads_lost[] =
	"{\"event\":\"lost\",\"pid\":14452,\"count\":6885}";

/* exerciser sigkill */
static const char sigkill_exit[] =
	"{\"event\":\"exit\",\"ts\":\"1796144978.454786905\",\"pid\":14457,\"signal\":9}";

/* exerciser names NAME, NAME the bytes 'a' TAB 'b' LF ESC "[31m" 0xff 0xc3 0xa9
 * '"' '\' 'x': a hostile map name, with map_name_raw */
static const char names_map_create[] =
	"{\"event\":\"bpf\",\"seq\":1,\"ts\":\"1796144859.381139886\",\"dur_ns\":8102,\"pid\""
	":13498,\"tid\":13498,\"comm\":\"a\\tb\\n\\u001b[31m\\ufffd\303\251\\\"\\\\x\",\"comm"
	"_raw\":\"6109620a1b5b33316dffc3a9225c78\",\"cmd\":\"BPF_MAP_CREATE\",\"size\":72,\"a"
	"ttr\":{\"map_type\":\"BPF_MAP_TYPE_ARRAY\",\"key_size\":4,\"value_size\":8,\"max_ent"
	"ries\":1,\"map_flags\":\"0\",\"inner_map_fd\":0,\"numa_node\":0,\"map_name\":\"a\\tb"
	"\\n\\u001b[31m\\ufffd\303\251\\\"\\\\x\",\"map_name_raw\":\"6109620a1b5b33316dffc3a9"
	"225c78\",\"map_ifindex\":0,\"btf_fd\":0,\"btf_key_type_id\":0,\"btf_value_type_id\":"
	"0,\"btf_vmlinux_value_type_id\":0,\"map_extra\":0},\"ret\":-1,\"errno\":\"EINVAL\","
	"\"checks\":[{\"rule\":\"return\",\"verdict\":\"pass\",\"why\":\"-1 with errno EINVAL"
	"\"},{\"rule\":\"zero-tail\",\"verdict\":\"pass\",\"why\":\"zero past the last field "
	"`excl_prog_hash_size` (ends at 92)\"}]}";

/* ... and path, whose invalid byte the trace holds as U+FFFD */
static const char names_obj_get[] =
	"{\"event\":\"bpf\",\"seq\":2,\"ts\":\"1796144859.381154758\",\"dur_ns\":10155,\"pid"
	"\":13498,\"tid\":13498,\"comm\":\"a\\tb\\n\\u001b[31m\\ufffd\303\251\\\"\\\\x\",\"co"
	"mm_raw\":\"6109620a1b5b33316dffc3a9225c78\",\"cmd\":\"BPF_OBJ_GET\",\"size\":16,\"at"
	"tr\":{\"pathname\":\"a\\tb\\n\\u001b[31m\\ufffd\303\251\\\"\\\\x\",\"bpf_fd\":0,\"fi"
	"le_flags\":\"0\"},\"ret\":-1,\"errno\":\"ENOENT\",\"checks\":[{\"rule\":\"return\","
	"\"verdict\":\"pass\",\"why\":\"-1 with errno ENOENT\"},{\"rule\":\"zero-tail\",\"ver"
	"dict\":\"pass\",\"why\":\"zero past the last field `path_fd` (ends at 20)\"}]}";

/* bpfspy run --kernel -- exerciser lookup 2 */
static const char kernel_header[] =
	"{\"event\":\"header\",\"schema\":2,\"bpfspy\":\"0.1.0\",\"ts\":\"1796145143.46878886"
	"9\",\"pid\":16762,\"exe\":\"/work/wt-text/tests/progs/exerciser\",\"argv\":[\"tests/"
	"progs/exerciser\",\"lookup\",\"2\"],\"host\":\"vm\",\"kernel\":\"6.18.44-fc-v669\","
	"\"machine\":\"x86_64\",\"follow\":true,\"via\":\"kernel\"}";

/* bpfspy run --summary=json -- tests/progs/libbpf_calls */
static const char summary_line[] =
	"{\"event\":\"summary\",\"pid\":16758,\"ts\":\"1796145143.007202697\",\"commands\":{"
	"\"BPF_MAP_CREATE\":{\"calls\":3,\"errors\":1,\"total_ns\":19999,\"max_ns\":13790,\"h"
	"ist_ns\":{\"512\":1,\"4096\":1,\"8192\":1}},\"BPF_MAP_LOOKUP_ELEM\":{\"calls\":2,\"e"
	"rrors\":1,\"total_ns\":5528,\"max_ns\":4136,\"hist_ns\":{\"1024\":1,\"4096\":1}},\"B"
	"PF_MAP_UPDATE_ELEM\":{\"calls\":1,\"errors\":0,\"total_ns\":8192,\"max_ns\":8192,\"h"
	"ist_ns\":{\"8192\":1}},\"BPF_PROG_LOAD\":{\"calls\":2,\"errors\":0,\"total_ns\":1168"
	"44,\"max_ns\":89303,\"hist_ns\":{\"16384\":1,\"65536\":1}}},\"functions\":{\"bpf_map"
	"_create\":{\"calls\":3,\"errors\":1,\"total_ns\":161099,\"max_ns\":145686,\"hist_ns"
	"\":{\"1024\":1,\"8192\":1,\"131072\":1}},\"bpf_map_update_elem\":{\"calls\":1,\"erro"
	"rs\":0,\"total_ns\":189531,\"max_ns\":189531,\"hist_ns\":{\"131072\":1}},\"bpf_map_l"
	"ookup_elem\":{\"calls\":2,\"errors\":1,\"total_ns\":6059,\"max_ns\":4557,\"hist_ns\""
	":{\"1024\":1,\"4096\":1}}}}";


/* ---- helpers ---------------------------------------------------------------- */

static struct json_object *parse(const char *line)
{
	struct json_object *o = parse_all(line, strlen(line));

	if (!o) {
		fprintf(stderr, "text_test: a test line does not parse: %.60s\n", line);
		exit(2);
	}
	return o;
}

/* @o's text line is exactly @want. */
static void expect_obj(struct json_object *o, const char *want, const char *what)
{
	char buf[1024];
	size_t n = bpf_text_line(o, buf, sizeof(buf));
	bool same = n == strlen(want) && !strcmp(buf, want);

	tap_ok(same, "%s", what);
	if (!same)
		printf("#  got (%zu): %s\n# want (%zu): %s\n", n, buf, strlen(want), want);
	else if (getenv("BPFSPY_TEST_VERBOSE"))
		fprintf(stderr, "%s\n", buf);
}

static void expect(const char *line, const char *want, const char *what)
{
	struct json_object *o = parse(line);

	expect_obj(o, want, what);
	json_object_put(o);
}

/* @line without the keys @drop (NULL-terminated), as @want. */
static void expect_without(const char *line, const char *const *drop, const char *want,
			   const char *what)
{
	struct json_object *o = parse(line);

	for (; *drop; drop++)
		json_object_object_del(o, *drop);
	expect_obj(o, want, what);
	json_object_put(o);
}

/* ---- bpf events --------------------------------------------------------------- */

static void test_bpf(void)
{
	expect(bpftool_map_create,
	       "[pid 16327] bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, "
	       "value_size=8, max_entries=4, map_name=\"m\"}, 72) = 3 <0.000011>",
	       "MAP_CREATE: the nonzero fields, the name quoted, the fd, the duration");
	expect(bpftool_obj_pin,
	       "[pid 16327] bpf(BPF_OBJ_PIN, {pathname=\"/sys/fs/bpf/x\", bpf_fd=3}, 16) = 0 "
	       "<0.000010>",
	       "OBJ_PIN: a path is quoted");
	expect(threads_lookup,
	       "[pid 14453] bpf(BPF_MAP_LOOKUP_ELEM, {map_fd=3, key=0x7fe1b3a9fb44, "
	       "value=0x7fe1b3a9fb48, flags=BPF_ANY, key_data=00000000}, 32) = 0 <0.000003>",
	       "a second thread's call is its tid's, as strace -f names it");
	expect(null_attr, "[pid 22739] bpf(BPF_MAP_CREATE, NULL, 32) = -1 EFAULT (Bad address) "
			  "<0.000003>",
	       "attr NULL, as strace shows it");
	expect(bad_license,
	       "[pid 22739] bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, "
	       "insns=0x55f4891530a0, license=0x7f3fd7aed000, "
	       "expected_attach_type=BPF_CGROUP_INET_INGRESS}, 144) = -1 EFAULT (Bad address) "
	       "<0.000042>",
	       "a string that cannot be read is its address");
}

static void test_errors(void)
{
	expect(unpriv_map_create,
	       "[pid 13234] bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, "
	       "value_size=8, max_entries=4}, 72) = -1 EPERM (Operation not permitted) "
	       "<0.000002>",
	       "a failed call: -1, its errno and strerror's text");
	expect(bad_map_type,
	       "[pid 16560] bpf(BPF_MAP_CREATE, {map_type=9999, key_size=4, value_size=8, "
	       "max_entries=4, map_name=\"lbc_bad\"}, 72) = -1 EINVAL (Invalid argument) "
	       "<0.000001>",
	       "an unknown map type is its number");
	expect(verifier_eacces,
	       "[pid 13502] bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=1, "
	       "insns=0x55ddd76e20c0, license=\"GPL\", log_level=BPF_LOG_LEVEL1, log_size=4096, "
	       "..., log=142 bytes}, 168) = -1 EACCES (Permission denied) <0.000053>",
	       "six fields, then ..., then the verifier log's size");
	expect(injected_map_create,
	       "[pid 13240] bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, "
	       "value_size=4, max_entries=1, map_flags=BPF_F_MMAPABLE, "
	       "map_name=\"libbpf_mmap\"}, 72) = -1 ENOMEM (Cannot allocate memory) (INJECTED) "
	       "<0.000000>",
	       "--inject: (INJECTED), as strace marks its fault injection");
	expect(denied_prog_load,
	       "[pid 13244] bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=2, "
	       "insns=0x7ffd273244f0, license=\"GPL\", "
	       "expected_attach_type=BPF_CGROUP_INET_INGRESS}, 116) = -1 EPERM (Operation not "
	       "permitted) (DENIED) <0.000000>",
	       "--deny: (DENIED)");
	expect(late_next_key,
	       "[pid 20915] bpf(BPF_MAP_GET_NEXT_KEY, {map_fd=3, key=0x7fff0c44c394, "
	       "next_key=0x7fff0c44c394, flags=BPF_ANY, key_data=06000000}, 32) = 0 "
	       "(INPUTS READ LATE) <0.000127>",
	       "inputs read after the call, an output over them: (INPUTS READ LATE)");
}

/* ---- libbpf events ---------------------------------------------------------- */

static void test_libbpf(void)
{
	expect(loader_load,
	       "[pid 13238] libbpf: bpf_object__load(obj=\"minimal\") = -1 EPERM (Operation not "
	       "permitted) <0.000220>",
	       "bpf_object__load: the object by its name, the error");
	expect(injected_load,
	       "[pid 13242] libbpf: bpf_object__load(obj=\"minimal\") = -13 EACCES (Permission "
	       "denied) (INJECTED) <0.000000>",
	       "an injected libbpf failure");
	expect(loader_open,
	       "[pid 13238] libbpf: bpf_object__open_file(path=\"/work/wt-text/examples/minimal.b\""
	       "..., opts=NULL) = 0x55bbd0909590 <0.000093>",
	       "a pointer return; a path cut at 32 bytes");
	expect(loader_close,
	       "[pid 13238] libbpf: bpf_object__close(obj=\"minimal\") = <void> <0.000022>",
	       "a void function");
	expect(bad_map_type_libbpf,
	       "[pid 16560] libbpf: bpf_map_create(map_type=9999, map_name=\"lbc_bad\", "
	       "key_size=4, value_size=8, max_entries=4, opts=NULL) = -22 EINVAL (Invalid "
	       "argument) <0.000002>",
	       "bpf_map_create: every argument, zeros and NULL too; -errno");
	expect(task_fd_query,
	       "[pid 16680] libbpf: bpf_task_fd_query(pid=16680, fd=4, flags=0, buf=\"sys_enter\", "
	       "buf_len=[64 => 9], prog_id=[71301], ...) = 0 <0.000007>",
	       "9 arguments: 6 and ...; pointers written through as [IN => OUT], [OUT]");
	expect(missing_func,
	       "[pid 16684] libbpf: bpf_prog_get_info_by_fd(prog_fd=-1, info=0x7ffdebe0aea0, "
	       "info_len=[8 => 8]) = -38 ENOSYS (Function not implemented) (MISSING) <0.000000>",
	       "a function the loaded libbpf lacks: (MISSING)");
}

/* ---- the +++ lines ---------------------------------------------------------- */

static void test_plus_lines(void)
{
	expect(bpftool_header, "[pid 16327] +++ traced: /usr/sbin/bpftool (no shared libbpf) +++",
	       "header of a program without a shared libbpf");
	expect(loader_header,
	       "[pid 13238] +++ traced: /work/wt-text/examples/minimal_loader (libbpf v1.1) +++",
	       "header with libbpf's version");
	expect(kernel_header,
	       "[pid 16762] +++ traced: /work/wt-text/tests/progs/exerciser (from the kernel) +++",
	       "header of a trace made from the kernel");
	expect(dlhost_layer,
	       "[pid 14448] +++ libbpf v1.1 loaded: /lib/x86_64-linux-gnu/libbpf.so.1 +++",
	       "layer: a libbpf loaded later");
	expect(threads_lost, "[pid 14452] +++ lost 6885 events +++", "lost");
	expect(unpriv_exit, "+++ exited with 255 +++", "exit status, as strace ends");
	expect(sigkill_exit, "+++ killed by SIGKILL +++", "killed, as strace ends");
	/* By hand: kinds and keys no recorded line has yet. */
	expect("{\"event\":\"untraced\",\"pid\":31,\"exe\":\"/bin/x\","
	       "\"why\":\"statically linked\"}",
	       "[pid 31] +++ not traced: /bin/x: statically linked +++", "untraced");
	expect("{\"event\":\"untraced\",\"pid\":31,\"why\":\"statically linked\"}",
	       "[pid 31] +++ not traced: statically linked +++", "untraced without exe");
	expect("{\"event\":\"lost\",\"pid\":7,\"count\":17,\"seq_first\":100,\"seq_last\":140}",
	       "[pid 7] +++ lost 17 events (seq 100-140) +++", "lost with its seq range");
	expect("{\"event\":\"lost\",\"pid\":7,\"count\":1,\"seq_first\":100}",
	       "[pid 7] +++ lost 1 event (from seq 100) +++", "lost, one, from a seq");
	expect("{\"event\":\"lost\",\"pid\":0,\"count\":3,\"missed_runs\":2,\"via\":\"kernel\"}",
	       "+++ lost 3 events, 2 runs missed +++", "bpfspy attach's lost line: no [pid 0]");
	expect("{\"event\":\"exit\",\"ts\":\"1.000000000\",\"pid\":9,\"signal\":34}",
	       "+++ killed by SIGRT_2 +++", "a real-time signal, named as strace names it");
}

/* ---- strings ---------------------------------------------------------------- */

static void test_escaping(void)
{
	/* strace 6.1 -e trace=bpf showed this call's name the same way */
	expect(names_map_create,
	       "[pid 13498] bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, "
	       "value_size=8, max_entries=1, "
	       "map_name=\"a\\tb\\n\\33[31m\\377\\303\\251\\\"\\\\x\"}, 72) = -1 EINVAL "
	       "(Invalid argument) <0.000008>",
	       "a hostile name: its exact bytes (map_name_raw), escaped as strace does");
	expect(names_obj_get,
	       "[pid 13498] bpf(BPF_OBJ_GET, {pathname=\"a\\tb\\n\\33[31m\\357\\277\\275\\303\\251"
	       "\\\"\\\\x\"}, 16) = -1 ENOENT (No such file or directory) <0.000010>",
	       "a path with no _raw: the trace's UTF-8, U+FFFD included, in octal");
	/* By hand: the octal rule, a long string, a string the trace cut. */
	expect("{\"event\":\"bpf\",\"pid\":1,\"cmd\":\"BPF_OBJ_GET\",\"size\":16,"
	       "\"attr\":{\"pathname\":\"\\u0001\\u00077\\u007f\\r\\f\\u000b\\u0000z\"},"
	       "\"ret\":-1,\"errno\":\"ENOENT\"}",
	       "[pid 1] bpf(BPF_OBJ_GET, {pathname=\"\\1\\0077\\177\\r\\f\\v\\0z\"}, 16) "
	       "= -1 ENOENT (No such file or directory)",
	       "octal, 3 digits before a digit; \\r \\f \\v; a NUL");
	expect("{\"event\":\"bpf\",\"pid\":1,\"cmd\":\"BPF_OBJ_GET\",\"size\":16,"
	       "\"attr\":{\"pathname\":\"/sys/fs/bpf/0123456789012345678901234567\"},"
	       "\"ret\":-1,\"errno\":\"ENOENT\"}",
	       "[pid 1] bpf(BPF_OBJ_GET, {pathname=\"/sys/fs/bpf/01234567890123456789\"...}, 16) "
	       "= -1 ENOENT (No such file or directory)",
	       "a string cut at 32 bytes, as strace -s 32");
	expect("{\"event\":\"bpf\",\"pid\":1,\"cmd\":\"BPF_OBJ_GET\",\"size\":16,"
	       "\"attr\":{\"pathname\":\"/sys/fs/bpf/x\",\"pathname_truncated\":true},"
	       "\"ret\":-1,\"errno\":\"ENOENT\"}",
	       "[pid 1] bpf(BPF_OBJ_GET, {pathname=\"/sys/fs/bpf/x\"...}, 16) = -1 ENOENT (No such "
	       "file or directory)",
	       "a string the trace cut (_truncated) ends in ... too");
	expect("{\"event\":\"header\",\"schema\":2,\"ts\":\"1.000000000\",\"pid\":5,"
	       "\"exe\":\"/tmp/\\u001b]0;x\\u0007\\\"q\\\"\",\"libbpf\":\"v1.1\"}",
	       "[pid 5] +++ traced: /tmp/\\33]0;x\\7\"q\" (libbpf v1.1) +++",
	       "a bare path is escaped too (a terminal title sequence)");
	expect("{\"event\":\"bpf\",\"pid\":1,\"cmd\":\"BPF_\\u001b[2J\",\"size\":0,\"attr\":{},"
	       "\"ret\":-1,\"errno\":\"EINVAL\"}",
	       "[pid 1] bpf(BPF_\\33[2J, {}, 0) = -1 EINVAL (Invalid argument)",
	       "so is a command name");
}

/* ---- what a line lacks ------------------------------------------------------ */

static void test_missing(void)
{
	static const char *const no_dur[] = { "dur_ns", "tid", NULL };
	static const char *const no_call[] = { "cmd", "attr", "size", "ret", "errno", NULL };
	static const char *const no_ids[] = { "pid", "tid", "exe", NULL };
	static const char *const no_count[] = { "count", NULL };
	static const char *const no_status[] = { "status", NULL };
	static const char *const no_args[] = { "args", "object", "ret", "ret_ptr", NULL };

	expect_without(bpftool_map_create, no_dur,
		       "[pid 16327] bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_HASH, key_size=4, "
		       "value_size=8, max_entries=4, map_name=\"m\"}, 72) = 3",
		       "no dur_ns: no duration; no tid: the pid");
	expect_without(bpftool_map_create, no_call, "[pid 16327] bpf(?, ?, ?) = ? <0.000011>",
		       "no cmd, attr, size, ret: ?, as strace writes what it does not know");
	expect_without(bpftool_header, no_ids,
		       "+++ traced: bpftool (no shared libbpf) +++",
		       "a header without pid and exe: argv[0]");
	expect_without(threads_lost, no_count, "[pid 14452] +++ lost events +++",
		       "lost without a count");
	expect_without(unpriv_exit, no_status, "+++ exited +++", "exit without a status");
	expect_without(loader_load, no_args, "[pid 13238] libbpf: bpf_object__load() = ? EPERM "
					    "(Operation not permitted) <0.000220>",
		       "libbpf without args, object and ret: ?, and its errno");
}

/* ---- events without a line -------------------------------------------------- */

static void expect_none(struct json_object *o, const char *what)
{
	char buf[64];
	size_t n;

	memset(buf, 'x', sizeof(buf));
	n = bpf_text_line(o, buf, sizeof(buf));
	tap_ok(n == 0 && buf[0] == 0, "no line: %s", what);
}

static void test_no_line(void)
{
	struct json_object *o;
	static const char *const unknown[] = {
		"{\"event\":\"future\",\"pid\":1,\"seq\":3}",
		"{\"pid\":1,\"cmd\":\"BPF_MAP_CREATE\"}",
		"{\"event\":7,\"pid\":1}",
		"[\"bpf\"]",
		"\"bpf\"",
	};
	size_t i;

	o = parse(summary_line);
	expect_none(o, "a summary line");
	json_object_put(o);
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		o = parse(unknown[i]);
		expect_none(o, unknown[i]);
		json_object_put(o);
	}
	expect_none(NULL, "no object");
}

/* ---- a short buffer --------------------------------------------------------- */

/* Every cap from 1 to past the line: the line's first cap - 1 bytes, the
 * last 3 of them dots when it was cut, never a byte past cap. */
static bool cut_right(struct json_object *o, const char *full, size_t cap)
{
	char buf[512];
	size_t n, len = strlen(full), keep = len < cap - 1 ? len : cap - 1;
	size_t dots = keep < len ? (keep < 3 ? keep : 3) : 0;

	memset(buf, '#', sizeof(buf));
	n = bpf_text_line(o, buf, cap);
	return n == keep && buf[n] == 0 && buf[cap] == '#' && !strncmp(buf, full, keep - dots) &&
	       !strncmp(buf + keep - dots, "...", dots);
}

static void test_truncation(void)
{
	struct json_object *o = parse(bpftool_map_create);
	char full[512], buf[64];
	size_t len = bpf_text_line(o, full, sizeof(full)), cap, bad = 0;

	for (cap = 1; cap <= len + 2; cap++)
		if (!cut_right(o, full, cap) && !bad++)
			printf("# wrong at cap %zu\n", cap);
	tap_ok(len > 100 && !bad,
	       "every cap from 1 to %zu: cut with ..., NUL-terminated, in bounds", len + 2);
	tap_ok(bpf_text_line(o, buf, 40) == 39 &&
		       !strcmp(buf, "[pid 16327] bpf(BPF_MAP_CREATE, {map..."),
	       "cap 40: 36 characters and ...");
	tap_ok(bpf_text_line(o, buf, 3) == 2 && !strcmp(buf, ".."), "cap 3: ..");
	memset(buf, '#', sizeof(buf));
	tap_ok(bpf_text_line(o, buf, 0) == 0 && buf[0] == '#', "cap 0: nothing written");
	json_object_put(o);
}

int main(void)
{
	test_bpf();
	test_errors();
	test_libbpf();
	test_plus_lines();
	test_escaping();
	test_missing();
	test_no_line();
	test_truncation();
	return tap_done();
}
