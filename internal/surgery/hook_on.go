//go:build crashtest

package surgery

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// testHook, in binaries built with -tags crashtest only (the e2e tests
// build one), reads STACKCTL_TEST_HOOK after every step of a transaction
// or a recovery:
//
//	crash:STEP   SIGKILL this process right after STEP (a trailing * matches a prefix)
//	pause:STEP   print "stackctl-test: paused after STEP" on stderr and wait
//	             until the file named by STACKCTL_TEST_RESUME exists
//
// The product binary has no such code: the hook is a no-op there
// (hook_off.go).
func testHook(step string) {
	spec := os.Getenv("STACKCTL_TEST_HOOK")
	if spec == "" {
		return
	}
	action, pattern, _ := strings.Cut(spec, ":")
	if !(pattern == step || strings.HasSuffix(pattern, "*") && strings.HasPrefix(step, strings.TrimSuffix(pattern, "*"))) {
		return
	}
	switch action {
	case "crash":
		fmt.Fprintf(os.Stderr, "stackctl-test: crashing after %s\n", step)
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	case "pause":
		fmt.Fprintf(os.Stderr, "stackctl-test: paused after %s\n", step)
		resume := os.Getenv("STACKCTL_TEST_RESUME")
		for resume != "" {
			if _, err := os.Stat(resume); err == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
