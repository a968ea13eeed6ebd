#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/journal-ns.sh DIR COMMAND [ARGS...]: run COMMAND next to a
# systemd-journald of its own.  Run it in a private mount namespace
# (unshare -m --propagation private): it mounts tmpfs on /run (and
# /var/log/journal), so the journald it starts has its own
# /run/systemd/journal socket and keeps its journal in /run/log/journal.
# After COMMAND, the journal is synced and bpfspy's entries are written to
# DIR/journal.json (journalctl -o json --all); the journal files stay
# readable as $JOURNAL_DIR for COMMAND.  Exits with COMMAND's status,
# 77 when journald cannot start here (the caller skips).
set -u
dir=$1
shift
JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
[ -x "$JOURNALD" ] || { echo "no $JOURNALD" >"$dir/journald.why"; exit 77; }
mount -t tmpfs tmpfs /run || { echo "cannot mount tmpfs on /run" >"$dir/journald.why"; exit 77; }
mkdir -p /run/systemd/journal /run/log/journal
[ -d /var/log/journal ] && mount -t tmpfs tmpfs /var/log/journal
# Volatile, every message kept (no rate limit), nothing forwarded.
cat >"$dir/journald.conf" <<'CONF'
[Journal]
Storage=volatile
RateLimitIntervalSec=0
RateLimitBurst=0
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
ReadKMsg=no
CONF
if [ -e /etc/systemd/journald.conf ]; then
	mount --bind "$dir/journald.conf" /etc/systemd/journald.conf
else
	export SYSTEMD_JOURNALD_CONF=$dir/journald.conf
fi
"$JOURNALD" >"$dir/journald.log" 2>&1 &
jpid=$!
for _ in $(seq 100); do
	[ -S /run/systemd/journal/socket ] && break
	kill -0 "$jpid" 2>/dev/null || break
	sleep 0.1
done
if ! [ -S /run/systemd/journal/socket ]; then
	{ echo "systemd-journald did not start:"; cat "$dir/journald.log"; } >"$dir/journald.why"
	kill "$jpid" 2>/dev/null
	exit 77
fi
export JOURNAL_DIR=/run/log/journal
"$@"
rc=$?
# Every datagram sent before now is written (journald processes its
# queue before it answers).
journalctl --sync >>"$dir/journald.log" 2>&1
journalctl --directory=/run/log/journal --all -o json SYSLOG_IDENTIFIER=bpfspy >"$dir/journal.json"
kill "$jpid"
wait "$jpid" 2>/dev/null
exit "$rc"
