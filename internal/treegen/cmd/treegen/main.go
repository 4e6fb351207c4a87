// Command treegen writes a synthetic live tree for performance runs:
//
//	go run ./internal/treegen/cmd/treegen -units 20 -width 5 -out /tmp/tree
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/stackctl/stackctl/internal/treegen"
)

func main() {
	units := flag.Int("units", 20, "number of units")
	width := flag.Int("width", 5, "units per dependency layer")
	env := flag.String("env", "bench", "environment name")
	out := flag.String("out", "", "folder to write the tree into (required)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "treegen: -out DIR is required")
		os.Exit(2)
	}
	if _, err := treegen.Write(*out, treegen.Options{Units: *units, Width: *width, Env: *env}); err != nil {
		fmt.Fprintln(os.Stderr, "treegen:", err)
		os.Exit(1)
	}
}
