/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offsets of the fields of union bpf_attr, by the struct of the union each
 * command uses (x86_64 and every other 64-bit ABI).  The one place they
 * are written: the field tables (bpf_cmds.c), the capture plan, the
 * checker and the shim name them from here.  ATTR_<struct>_<field>, the
 * field as the UAPI header names it (a dotted table name such as
 * "kprobe_multi.cnt" is ATTR_LINK_CREATE_kprobe_multi_cnt).
 */
#ifndef BPFSPY_BPF_ATTR_H
#define BPFSPY_BPF_ATTR_H

enum bpf_attr_off {
	/* BPF_MAP_CREATE */
	ATTR_MAP_CREATE_map_type = 0,
	ATTR_MAP_CREATE_key_size = 4,
	ATTR_MAP_CREATE_value_size = 8,
	ATTR_MAP_CREATE_max_entries = 12,
	ATTR_MAP_CREATE_map_flags = 16,
	ATTR_MAP_CREATE_inner_map_fd = 20,
	ATTR_MAP_CREATE_numa_node = 24,
	ATTR_MAP_CREATE_map_name = 28,
	ATTR_MAP_CREATE_map_ifindex = 44,
	ATTR_MAP_CREATE_btf_fd = 48,
	ATTR_MAP_CREATE_btf_key_type_id = 52,
	ATTR_MAP_CREATE_btf_value_type_id = 56,
	ATTR_MAP_CREATE_btf_vmlinux_value_type_id = 60,
	ATTR_MAP_CREATE_map_extra = 64,
	ATTR_MAP_CREATE_value_type_btf_obj_fd = 72,
	ATTR_MAP_CREATE_map_token_fd = 76,
	ATTR_MAP_CREATE_excl_prog_hash = 80,
	ATTR_MAP_CREATE_excl_prog_hash_size = 88,

	/* BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY, BPF_MAP_FREEZE */
	ATTR_MAP_ELEM_map_fd = 0,
	ATTR_MAP_ELEM_key = 8,
	ATTR_MAP_ELEM_value = 16,
	ATTR_MAP_ELEM_next_key = 16,
	ATTR_MAP_ELEM_flags = 24,

	/* BPF_PROG_LOAD */
	ATTR_PROG_LOAD_prog_type = 0,
	ATTR_PROG_LOAD_insn_cnt = 4,
	ATTR_PROG_LOAD_insns = 8,
	ATTR_PROG_LOAD_license = 16,
	ATTR_PROG_LOAD_log_level = 24,
	ATTR_PROG_LOAD_log_size = 28,
	ATTR_PROG_LOAD_log_buf = 32,
	ATTR_PROG_LOAD_kern_version = 40,
	ATTR_PROG_LOAD_prog_flags = 44,
	ATTR_PROG_LOAD_prog_name = 48,
	ATTR_PROG_LOAD_prog_ifindex = 64,
	ATTR_PROG_LOAD_expected_attach_type = 68,
	ATTR_PROG_LOAD_prog_btf_fd = 72,
	ATTR_PROG_LOAD_func_info_rec_size = 76,
	ATTR_PROG_LOAD_func_info = 80,
	ATTR_PROG_LOAD_func_info_cnt = 88,
	ATTR_PROG_LOAD_line_info_rec_size = 92,
	ATTR_PROG_LOAD_line_info = 96,
	ATTR_PROG_LOAD_line_info_cnt = 104,
	ATTR_PROG_LOAD_attach_btf_id = 108,
	ATTR_PROG_LOAD_attach_prog_fd = 112,
	ATTR_PROG_LOAD_core_relo_cnt = 116,
	ATTR_PROG_LOAD_fd_array = 120,
	ATTR_PROG_LOAD_core_relos = 128,
	ATTR_PROG_LOAD_core_relo_rec_size = 136,
	ATTR_PROG_LOAD_log_true_size = 140,
	ATTR_PROG_LOAD_prog_token_fd = 144,
	ATTR_PROG_LOAD_fd_array_cnt = 148,
	ATTR_PROG_LOAD_signature = 152,
	ATTR_PROG_LOAD_signature_size = 160,
	ATTR_PROG_LOAD_keyring_id = 164,

	/* BPF_OBJ_PIN, BPF_OBJ_GET */
	ATTR_OBJ_pathname = 0,
	ATTR_OBJ_bpf_fd = 8,
	ATTR_OBJ_file_flags = 12,
	ATTR_OBJ_path_fd = 16,

	/* BPF_PROG_ATTACH, BPF_PROG_DETACH */
	ATTR_PROG_ATTACH_target_fd = 0,
	ATTR_PROG_ATTACH_target_ifindex = 0,
	ATTR_PROG_ATTACH_attach_bpf_fd = 4,
	ATTR_PROG_ATTACH_attach_type = 8,
	ATTR_PROG_ATTACH_attach_flags = 12,
	ATTR_PROG_ATTACH_replace_bpf_fd = 16,
	ATTR_PROG_ATTACH_relative_fd = 20,
	ATTR_PROG_ATTACH_relative_id = 20,
	ATTR_PROG_ATTACH_expected_revision = 24,

	/* BPF_PROG_TEST_RUN */
	ATTR_TEST_prog_fd = 0,
	ATTR_TEST_retval = 4,
	ATTR_TEST_data_size_in = 8,
	ATTR_TEST_data_size_out = 12,
	ATTR_TEST_data_in = 16,
	ATTR_TEST_data_out = 24,
	ATTR_TEST_repeat = 32,
	ATTR_TEST_duration = 36,
	ATTR_TEST_ctx_size_in = 40,
	ATTR_TEST_ctx_size_out = 44,
	ATTR_TEST_ctx_in = 48,
	ATTR_TEST_ctx_out = 56,
	ATTR_TEST_flags = 64,
	ATTR_TEST_cpu = 68,
	ATTR_TEST_batch_size = 72,

	/* BPF_*_GET_NEXT_ID, BPF_*_GET_FD_BY_ID */
	ATTR_GET_ID_start_id = 0,
	ATTR_GET_ID_next_id = 4,
	ATTR_GET_ID_prog_id = 0,
	ATTR_GET_ID_open_flags = 8,
	ATTR_GET_ID_map_id = 0,
	ATTR_GET_ID_btf_id = 0,
	ATTR_GET_ID_fd_by_id_token_fd = 12,
	ATTR_GET_ID_link_id = 0,

	/* BPF_OBJ_GET_INFO_BY_FD */
	ATTR_INFO_bpf_fd = 0,
	ATTR_INFO_info_len = 4,
	ATTR_INFO_info = 8,

	/* BPF_PROG_QUERY */
	ATTR_QUERY_target_fd = 0,
	ATTR_QUERY_target_ifindex = 0,
	ATTR_QUERY_attach_type = 4,
	ATTR_QUERY_query_flags = 8,
	ATTR_QUERY_attach_flags = 12,
	ATTR_QUERY_prog_ids = 16,
	ATTR_QUERY_prog_cnt = 24,
	ATTR_QUERY_prog_attach_flags = 32,
	ATTR_QUERY_link_ids = 40,
	ATTR_QUERY_link_attach_flags = 48,
	ATTR_QUERY_revision = 56,

	/* BPF_RAW_TRACEPOINT_OPEN */
	ATTR_RAW_TP_name = 0,
	ATTR_RAW_TP_prog_fd = 8,
	ATTR_RAW_TP_cookie = 16,

	/* BPF_BTF_LOAD */
	ATTR_BTF_LOAD_btf = 0,
	ATTR_BTF_LOAD_btf_log_buf = 8,
	ATTR_BTF_LOAD_btf_size = 16,
	ATTR_BTF_LOAD_btf_log_size = 20,
	ATTR_BTF_LOAD_btf_log_level = 24,
	ATTR_BTF_LOAD_btf_log_true_size = 28,
	ATTR_BTF_LOAD_btf_flags = 32,
	ATTR_BTF_LOAD_btf_token_fd = 36,

	/* BPF_TASK_FD_QUERY */
	ATTR_TASK_FD_QUERY_pid = 0,
	ATTR_TASK_FD_QUERY_fd = 4,
	ATTR_TASK_FD_QUERY_flags = 8,
	ATTR_TASK_FD_QUERY_buf_len = 12,
	ATTR_TASK_FD_QUERY_buf = 16,
	ATTR_TASK_FD_QUERY_prog_id = 24,
	ATTR_TASK_FD_QUERY_fd_type = 28,
	ATTR_TASK_FD_QUERY_probe_offset = 32,
	ATTR_TASK_FD_QUERY_probe_addr = 40,

	/* BPF_MAP_*_BATCH */
	ATTR_BATCH_in_batch = 0,
	ATTR_BATCH_out_batch = 8,
	ATTR_BATCH_keys = 16,
	ATTR_BATCH_values = 24,
	ATTR_BATCH_count = 32,
	ATTR_BATCH_map_fd = 36,
	ATTR_BATCH_elem_flags = 40,
	ATTR_BATCH_flags = 48,

	/* BPF_LINK_CREATE */
	ATTR_LINK_CREATE_prog_fd = 0,
	ATTR_LINK_CREATE_map_fd = 0,
	ATTR_LINK_CREATE_target_fd = 4,
	ATTR_LINK_CREATE_target_ifindex = 4,
	ATTR_LINK_CREATE_attach_type = 8,
	ATTR_LINK_CREATE_flags = 12,
	ATTR_LINK_CREATE_target_btf_id = 16,
	ATTR_LINK_CREATE_iter_info = 16,
	ATTR_LINK_CREATE_iter_info_len = 24,
	ATTR_LINK_CREATE_perf_event_bpf_cookie = 16,
	ATTR_LINK_CREATE_kprobe_multi_flags = 16,
	ATTR_LINK_CREATE_kprobe_multi_cnt = 20,
	ATTR_LINK_CREATE_kprobe_multi_syms = 24,
	ATTR_LINK_CREATE_kprobe_multi_addrs = 32,
	ATTR_LINK_CREATE_kprobe_multi_cookies = 40,
	ATTR_LINK_CREATE_tracing_target_btf_id = 16,
	ATTR_LINK_CREATE_tracing_cookie = 24,
	ATTR_LINK_CREATE_netfilter_pf = 16,
	ATTR_LINK_CREATE_netfilter_hooknum = 20,
	ATTR_LINK_CREATE_netfilter_priority = 24,
	ATTR_LINK_CREATE_netfilter_flags = 28,
	ATTR_LINK_CREATE_tcx_relative_fd = 16,
	ATTR_LINK_CREATE_tcx_relative_id = 16,
	ATTR_LINK_CREATE_tcx_expected_revision = 24,
	ATTR_LINK_CREATE_uprobe_multi_path = 16,
	ATTR_LINK_CREATE_uprobe_multi_offsets = 24,
	ATTR_LINK_CREATE_uprobe_multi_ref_ctr_offsets = 32,
	ATTR_LINK_CREATE_uprobe_multi_cookies = 40,
	ATTR_LINK_CREATE_uprobe_multi_cnt = 48,
	ATTR_LINK_CREATE_uprobe_multi_flags = 52,
	ATTR_LINK_CREATE_uprobe_multi_pid = 56,
	ATTR_LINK_CREATE_uprobe_multi_path_fd = 60,
	ATTR_LINK_CREATE_netkit_relative_fd = 16,
	ATTR_LINK_CREATE_netkit_relative_id = 16,
	ATTR_LINK_CREATE_netkit_expected_revision = 24,
	ATTR_LINK_CREATE_cgroup_relative_fd = 16,
	ATTR_LINK_CREATE_cgroup_relative_id = 16,
	ATTR_LINK_CREATE_cgroup_expected_revision = 24,
	ATTR_LINK_CREATE_tracing_multi_ids = 16,
	ATTR_LINK_CREATE_tracing_multi_cookies = 24,
	ATTR_LINK_CREATE_tracing_multi_cnt = 32,

	/* BPF_LINK_UPDATE */
	ATTR_LINK_UPDATE_link_fd = 0,
	ATTR_LINK_UPDATE_new_prog_fd = 4,
	ATTR_LINK_UPDATE_flags = 8,
	ATTR_LINK_UPDATE_old_prog_fd = 12,

	/* BPF_LINK_DETACH */
	ATTR_LINK_DETACH_link_fd = 0,

	/* BPF_ENABLE_STATS */
	ATTR_ENABLE_STATS_type = 0,

	/* BPF_ITER_CREATE */
	ATTR_ITER_CREATE_link_fd = 0,
	ATTR_ITER_CREATE_flags = 4,

	/* BPF_PROG_BIND_MAP */
	ATTR_PROG_BIND_MAP_prog_fd = 0,
	ATTR_PROG_BIND_MAP_map_fd = 4,
	ATTR_PROG_BIND_MAP_flags = 8,

	/* BPF_TOKEN_CREATE */
	ATTR_TOKEN_CREATE_flags = 0,
	ATTR_TOKEN_CREATE_bpffs_fd = 4,

	/* BPF_PROG_STREAM_READ_BY_FD */
	ATTR_PROG_STREAM_READ_stream_buf = 0,
	ATTR_PROG_STREAM_READ_stream_buf_len = 8,
	ATTR_PROG_STREAM_READ_stream_id = 12,
	ATTR_PROG_STREAM_READ_prog_fd = 16,

	/* BPF_PROG_ASSOC_STRUCT_OPS */
	ATTR_PROG_ASSOC_STRUCT_OPS_map_fd = 0,
	ATTR_PROG_ASSOC_STRUCT_OPS_prog_fd = 4,
	ATTR_PROG_ASSOC_STRUCT_OPS_flags = 8,
};

#endif
