package convert

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/stackctl/stackctl/internal/english"
)

// CheckOut refuses an output folder that has anything in it: the converter
// never overwrites or mixes with existing files.
func CheckOut(out string) error {
	entries, err := os.ReadDir(out)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		if st, serr := os.Stat(out); serr == nil && !st.IsDir() {
			return fmt.Errorf("--out %s is a file: give a folder that does not exist yet (or an empty one)", out)
		}
		return fmt.Errorf("cannot read --out %s: %v", out, err)
	case len(entries) > 0:
		return fmt.Errorf("--out %s is not empty: give a folder that does not exist yet (or an empty one); stackctl convert never overwrites files", out)
	}
	return nil
}

// Write writes the tree into out, which must not exist or be empty.
func (r *Result) Write(out string) error {
	if err := CheckOut(out); err != nil {
		return err
	}
	for _, f := range r.Files {
		p := filepath.Join(out, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteText prints what was converted and what was not, for people. at
// turns a file relative to the Terragrunt tree into the path to show.
func (r *Result) WriteText(w io.Writer, out string, at func(string) string) {
	fmt.Fprintf(w, "Converted %s into %s.\n\n", at(""), out)
	fmt.Fprintln(w, "Environments:")
	for _, e := range r.Envs {
		fmt.Fprintf(w, "  %-10s from %s: %s\n", e.Name, e.From, strings.Join(e.Units, ", "))
	}
	if len(r.Shared) > 0 {
		fmt.Fprintln(w, "\nShared unit definitions:")
		for _, s := range r.Shared {
			fmt.Fprintf(w, "  %s from %s (%s)\n", s.Path, s.From, english.Count(s.Units, "unit"))
		}
	}
	written, copied := 0, 0
	for _, f := range r.Files {
		if f.Copied {
			copied++
		} else {
			written++
		}
	}
	fmt.Fprintf(w, "\nWrote %s", english.Count(written, "file"))
	if copied > 0 {
		fmt.Fprintf(w, " and copied %d from unit folders", copied)
	}
	fmt.Fprintln(w, ".")
	if len(r.NotConverted) == 0 {
		fmt.Fprintln(w, "\nEverything was converted.")
	} else {
		fmt.Fprintf(w, "\nNot converted (%d): each needs a decision of yours.\n", len(r.NotConverted))
		for _, i := range r.NotConverted {
			fmt.Fprintf(w, "  %s:%d:%d: %s: %s\n", at(i.File), i.Line, i.Column, i.Construct, i.Reason)
		}
	}
	if len(r.Envs) > 0 {
		fmt.Fprintf(w, "\nNext: stackctl list %s --root %s, then render and validate.\n", r.Envs[0].Name, out)
	}
}

// Sources reads the files diagnostics point into, for their snippets.
func Sources(diags hcl.Diagnostics) map[string]*hcl.File {
	files := map[string]*hcl.File{}
	for _, d := range diags {
		if d.Subject == nil || files[d.Subject.Filename] != nil {
			continue
		}
		if src, err := os.ReadFile(d.Subject.Filename); err == nil {
			files[d.Subject.Filename] = &hcl.File{Bytes: src}
		}
	}
	return files
}
