//go:build unix

package moto

import (
	"os/exec"
	"syscall"
)

const (
	syscallTERM = syscall.SIGTERM
	syscallKILL = syscall.SIGKILL
)

func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminate signals the whole process group the emulator leads.
func terminate(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
