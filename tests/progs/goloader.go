// SPDX-License-Identifier: GPL-2.0-or-later
//
// goloader - a Go loader on cilium/ebpf, for bpfspy run --seccomp-trap
// (tests/bats/trap.bats).  Go issues bpf(2) by the syscall instruction
// (golang.org/x/sys/unix.Syscall), never through libc's syscall(), so
// without the trap bpfspy sees none of its calls.  cgo is imported so the
// binary is linked against libc dynamically and loads LD_PRELOAD, and the
// Go runtime installs its signal handlers through libc's sigaction.
//
// It creates an array map, puts and looks up a value, looks up a missing
// key, loads a socket filter, and prints one "key=value" line each.  With
// the argument "kill" it then sends itself SIGSYS, which the Go runtime's
// handler turns into a crash ("SIGSYS: bad system call", exit status 2).
package main

// #include <stdlib.h>
import "C"

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

func die(what string, err error) {
	fmt.Fprintf(os.Stderr, "goloader: %s: %v\n", what, err)
	os.Exit(1)
}

func main() {
	m, err := ebpf.NewMap(&ebpf.MapSpec{
		Name: "go_array", Type: ebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 4,
	})
	if err != nil {
		die("map", err)
	}
	defer m.Close()
	fmt.Printf("map_fd=%d\n", m.FD())
	if err := m.Put(uint32(1), uint64(0x1122334455667788)); err != nil {
		die("put", err)
	}
	var v uint64
	if err := m.Lookup(uint32(1), &v); err != nil {
		die("lookup", err)
	}
	fmt.Printf("value=%#x\n", v)
	err = m.Lookup(uint32(9), &v)
	fmt.Printf("missing_is_enoent=%v\n", errors.Is(err, ebpf.ErrKeyNotExist))
	p, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name: "go_prog", Type: ebpf.SocketFilter, License: "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()},
	})
	if err != nil {
		die("prog", err)
	}
	defer p.Close()
	fmt.Printf("prog_fd=%d\n", p.FD())
	if len(os.Args) > 1 && os.Args[1] == "kill" {
		syscall.Kill(os.Getpid(), syscall.SIGSYS)
		select {}
	}
}
