// Command stackctl orchestrates Terraform across an environment's units.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/stackctl/stackctl/internal/cli"
	"github.com/stackctl/stackctl/internal/gctune"
	"github.com/stackctl/stackctl/internal/iostreams"
)

func main() {
	// Every terraform stackctl starts, including hc-install's version
	// probe, inherits this: terraform must never phone home for updates.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	gctune.ForCommand()

	streams := iostreams.System()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(streams.ErrOut, "\nstackctl: interrupted: letting running terraform stop gracefully so that state is saved and locks are released; interrupt again to stop at once")
		// Cancelling sends SIGINT to every running terraform and starts no
		// new unit.
		cancel()
		// A double press (or a terminal that sends SIGINT and SIGTERM
		// together) counts once: killing terraform a few milliseconds
		// into its graceful stop can lose what it was about to save.
		first := time.Now()
		for {
			<-sigs
			if time.Since(first) > time.Second {
				break
			}
		}
		fmt.Fprintln(streams.ErrOut, "stackctl: second interrupt: stopping now; terraform is killed and may leave a lock behind (see force-unlock)")
		// Exiting kills the terraform children (terraform-exec starts them
		// with a parent-death signal), so none outlives stackctl.
		os.Exit(130)
	}()
	stop := profile(streams)
	code := cli.Main(ctx, os.Args, streams)
	cancel()
	stop()
	os.Exit(code)
}

// profile writes a CPU profile to $STACKCTL_CPUPROFILE, for performance
// reports; it returns the function that finishes it.
func profile(streams *iostreams.IOStreams) func() {
	path := os.Getenv("STACKCTL_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(streams.ErrOut, "stackctl: STACKCTL_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
