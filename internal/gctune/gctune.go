// Package gctune sets the garbage collector for a short-lived command.
//
// Loading a large live tree allocates tens of megabytes in a few
// milliseconds (HCL's parser is allocation-heavy: ~50 KB per small file),
// and with Go's default GOGC=100 the collector runs many times while the
// heap grows (BenchmarkLoadGraph1000 at GOGC=100 and at 400: the figures
// and the command are in docs/performance.md). A command that exits in
// seconds can afford the larger heap.
package gctune

import (
	"os"
	"runtime/debug"
)

// Percent is the GOGC value stackctl runs with unless GOGC is set.
const Percent = 400

// ForCommand applies Percent unless the user set GOGC themselves.
func ForCommand() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	debug.SetGCPercent(Percent)
}
