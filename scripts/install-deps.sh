#!/bin/sh
# Install everything bpfspy needs to build and test on Debian 12, as root.
set -eu
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (it uses apt-get)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	clang llvm libclang-rt-dev linux-libc-dev \
	libjson-c-dev libseccomp-dev libunwind-dev libbpf-dev libxxhash-dev libsystemd-dev \
	bats bpftool bpftrace libbpf-tools xdp-tools \
	strace libcap2-bin util-linux procps iproute2 hyperfine xxhash jq \
	systemd systemd-journal-remote \
	dpkg-dev debhelper lintian bash-completion \
	golang-go golang-github-cilium-ebpf-dev \
	chromium python3-pil python3-jsonschema \
	bpfcc-tools linux-headers-amd64 \
	>/dev/null
echo "install-deps.sh: dependencies installed"
