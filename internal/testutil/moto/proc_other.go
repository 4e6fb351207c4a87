//go:build !unix

package moto

import (
	"os"
	"os/exec"
)

const (
	syscallTERM = 0
	syscallKILL = 1
)

func setProcessGroup(*exec.Cmd) {}

// terminate kills the process itself: there are no process groups to
// signal here.
func terminate(cmd *exec.Cmd, _ int) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Signal(os.Kill)
}
