package terraform

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Kill ends, at once, the terraform processes stackctl started in this
// working folder, with their providers (terraform-exec starts each in a
// process group of its own). It is for a terraform that stopped making
// progress and does not react to an interrupt: a frozen endpoint holds it
// forever. Linux only (it reads /proc); elsewhere it does nothing.
func (w *Workdir) Kill() int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	me := os.Getpid()
	killed := 0
	dir := w.Dir
	// /proc holds resolved paths.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid(pid) != me {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || filepath.Clean(cwd) != filepath.Clean(dir) {
			continue
		}
		if syscall.Kill(-pid, syscall.SIGKILL) == nil || syscall.Kill(pid, syscall.SIGKILL) == nil {
			killed++
		}
	}
	return killed
}

// ppid reads a process's parent from /proc/PID/stat ("pid (comm) state
// ppid …"; comm may hold spaces and parentheses, so read after the last ')').
func ppid(pid int) int {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return -1
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return -1
	}
	n, _ := strconv.Atoi(f[1])
	return n
}
