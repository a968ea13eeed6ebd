/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether an exec of an image would load the shim.
 *
 * ld.so loads the LD_PRELOAD shim only into an image it starts, and a
 * process it does not enter records nothing, silently: a statically
 * linked image (no PT_INTERP: gcc -static, a Go binary without cgo, a
 * static-pie), an AT_SECURE exec (set-user-ID, set-group-ID, file
 * capabilities: ld.so ignores a preload path then), an image of another
 * ELF class or machine, and a root (container, chroot) where the shim's
 * path does not exist.  bpfspy run warns with this; the shim's exec
 * wrappers record an "untraced" event with it.
 *
 * AT_SECURE is predicted as the kernel decides it (commoncap.c): the new
 * effective IDs against the real ones, and file capabilities only for a
 * caller whose real UID is not 0, none of it on a nosuid mount.  So root
 * running a set-user-ID-root program is traced, and so is ping.
 *
 * Async-signal-safe: system calls and fixed buffers on the stack (under
 * 6 KiB), no allocation, no stdio.  The shim calls it in exec wrappers,
 * which may run after fork().  Preserves errno.
 */
#ifndef BPFSPY_EXE_CHECK_H
#define BPFSPY_EXE_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* What exe_untraceable() returns. */
#define EXE_TRACEABLE 0   /* the image gets the shim */
#define EXE_UNTRACED 1    /* it runs, without the shim: @why says why */
#define EXE_NOEXEC 2      /* the exec would fail (@why): nothing runs untraced */

/* The reasons, as @why starts (a script's adds " (interpreter PATH)"). */
#define EXE_WHY_STATIC "statically linked"
#define EXE_WHY_SETUID "set-user-ID"
#define EXE_WHY_SETGID "set-group-ID"
#define EXE_WHY_EUID "effective UID is not the real UID"
#define EXE_WHY_EGID "effective GID is not the real GID"
#define EXE_WHY_CAPS "file capabilities"
#define EXE_WHY_NO_SHIM "shim not found at "
#define EXE_WHY_SHIM_UNREADABLE "shim not readable at "
#define EXE_WHY_CLASS "a 32-bit image (the shim is 64-bit)"
#define EXE_WHY_CLASS64 "a 64-bit image (the shim is 32-bit)"
#define EXE_WHY_MACHINE "an image of another architecture"

/*
 * Would an exec of @path, resolved relative to @dirfd as execveat(2) does
 * (AT_FDCWD normally; @path "" or NULL: @dirfd itself, as AT_EMPTY_PATH
 * and fexecve), load the shim at @shim_path (NULL: do not check that it
 * exists; access(2) from this process's root and mount namespace)?
 * EXE_TRACEABLE, EXE_UNTRACED or EXE_NOEXEC, with a short reason in @why
 * (always terminated, "" for EXE_TRACEABLE).  A #! script is judged by its
 * interpreter (scripts of scripts too, 4 deep as the kernel allows;
 * "#!/usr/bin/env NAME" by NAME found through $PATH).  An image it cannot
 * read (execute-only) is judged by its mode and owner alone.
 */
int exe_untraceable(int dirfd, const char *path, const char *shim_path, char *why, size_t cap);

/* @why names an AT_SECURE exec: ld.so ignores LD_PRELOAD's paths. */
bool exe_why_secure(const char *why);

/*
 * Where execvp(3) would find @file: @file itself when it holds a '/',
 * else the first executable regular file of $PATH's directories (unset:
 * "/bin:/usr/bin", as glibc; an empty entry is the current directory).
 * 0 with the path in @out, -1 when there is none or it does not fit.
 */
int exe_search(const char *file, char *out, size_t cap);

#endif
