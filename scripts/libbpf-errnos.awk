# Extract, for each libbpf function documented in libbpf-api-docs.txt (the
# doxygen comments proposed for libbpf's bpf.h), the errnos its comment
# names, as decoders/check/libbpf_errnos.def lines.  Run by hand when the
# documentation changes:
#   awk -f scripts/libbpf-errnos.awk libbpf-api-docs.txt
# A comment documents the first LIBBPF_API declaration after it.
/^\/\*\*/ { inblk = 1; errs = ""; next }
inblk && /\*\// { inblk = 0; pending = errs; next }
inblk {
	line = $0
	while (match(line, /E[A-Z0-9][A-Z0-9][A-Z0-9]+/)) {
		e = substr(line, RSTART, RLENGTH)
		line = substr(line, RSTART + RLENGTH)
		if (e ~ /^(EFAULT|EINVAL|EPERM|EACCES|ENOENT|EEXIST|ENOMEM|EBADF|E2BIG|ENOSPC|EOPNOTSUPP|ENOTSUPP|EBUSY|EAGAIN|ENODEV|ENXIO|ESRCH|EINTR|ERANGE|ENOTDIR|EIO|ELOOP|ENAMETOOLONG|EROFS|EXDEV|ENOSYS|EMFILE|ENFILE|EOVERFLOW|ETIMEDOUT|EBADFD|EPROTO|EMSGSIZE|EALREADY)$/ &&
		    index(" " errs " ", " " e " ") == 0)
			errs = errs (errs == "" ? "" : " ") e
	}
	next
}
/^LIBBPF_API/ {
	if (match($0, /[a-z_0-9]+\(/)) {
		f = substr($0, RSTART, RLENGTH - 1)
		if (pending != "")
			printf "LIBBPF_ERRNOS(%s, \"%s\")\n", f, pending
		pending = ""
	}
}
