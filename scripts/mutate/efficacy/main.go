// Command efficacy is make mutate's gate: it reads the JSON report gremlins
// wrote for one package and fails when the efficacy is below the minimum
// once the mutants listed as equivalent are left out. A mutant that
// cannot change behaviour cannot be killed by any test; listing it, with
// its reason, is how docs/testing.md accounts for it, and the list is
// checked here rather than by lowering the threshold for a whole package.
//
//	go run ./scripts/mutate/efficacy -min 90 -equivalent scripts/mutate/equivalent.txt -pkg redact report.json
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type report struct {
	Files []struct {
		Name      string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

func main() {
	minimum := flag.Float64("min", 90, "the efficacy wanted, in percent")
	listFile := flag.String("equivalent", "", "the list of equivalent mutants: lines 'PKG/FILE:LINE:COLUMN TYPE  reason'")
	pkg := flag.String("pkg", "", "the package below internal/, as the list names it")
	flag.Parse()
	if flag.NArg() != 1 || *pkg == "" {
		fmt.Fprintln(os.Stderr, "usage: efficacy -pkg PKG [-min N] [-equivalent FILE] REPORT.json")
		os.Exit(2)
	}
	equivalent, err := readList(*listFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "efficacy:", err)
		os.Exit(2)
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "efficacy:", err)
		os.Exit(2)
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		fmt.Fprintf(os.Stderr, "efficacy: %s is not a gremlins report: %v\n", flag.Arg(0), err)
		os.Exit(2)
	}
	var killed, lived, excused int
	var unexcused []string
	for _, f := range r.Files {
		for _, m := range f.Mutations {
			key := fmt.Sprintf("%s/%s:%d:%d %s", *pkg, f.Name, m.Line, m.Column, m.Type)
			switch m.Status {
			case "KILLED":
				killed++
			case "LIVED":
				if equivalent[key] {
					excused++
					continue
				}
				lived++
				unexcused = append(unexcused, key)
			}
		}
	}
	sort.Strings(unexcused)
	eff := 100.0
	if killed+lived > 0 {
		eff = 100 * float64(killed) / float64(killed+lived)
	}
	fmt.Printf("%s: %d killed, %d lived, %d lived but listed as equivalent: efficacy %.1f %% without those (wanted %.0f %%)\n", *pkg, killed, lived, excused, eff, *minimum)
	for _, k := range unexcused {
		fmt.Println("  lived, not listed as equivalent:", k)
	}
	if eff < *minimum {
		os.Exit(1)
	}
}

// readList reads the equivalent mutants: one per line, the mutant
// (PKG/FILE:LINE:COLUMN TYPE) and its reason; # starts a comment line.
func readList(path string) (map[string]bool, error) {
	set := map[string]bool{}
	if path == "" {
		return set, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			return nil, fmt.Errorf("%s:%d: want 'PKG/FILE:LINE:COLUMN TYPE reason', got %q", path, n, line)
		}
		set[fields[0]+" "+fields[1]] = true
	}
	return set, sc.Err()
}
