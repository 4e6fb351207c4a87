package vcs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Options say where the repository is and what to compare with.
type Options struct {
	// Dir is a folder inside the repository (stackctl's root); absolute.
	Dir string
	// Ref is what --changed-since names: a branch, tag or commit.
	Ref string
	// Git is the git binary; "" means git on PATH.
	Git string
	// Environ is git's environment; nil means os.Environ().
	Environ []string
}

// Status says how a file differs from the merge base.
type Status string

// The statuses a changed file can have.
const (
	Added       Status = "added"
	Modified    Status = "modified"
	Deleted     Status = "deleted"
	TypeChanged Status = "type-changed"
	Untracked   Status = "untracked"
)

// ChangedFile is one file that differs between the merge base and the
// working tree.
type ChangedFile struct {
	// Path is relative to the repository's top level, '/'-separated, as
	// git prints it.
	Path   string `json:"path"`
	Status Status `json:"status"`
}

// Changes are the files that differ between REF's merge base with HEAD and
// the working tree, uncommitted and untracked (not ignored) files included.
type Changes struct {
	Ref       string        `json:"ref"`
	RefCommit string        `json:"ref_commit"`
	Head      string        `json:"head"`
	MergeBase string        `json:"merge_base"`
	TopLevel  string        `json:"top_level"` // absolute, symbolic links resolved
	Files     []ChangedFile `json:"files"`     // sorted by path

	git *git
}

// Diff lists what changed since opts.Ref.
func Diff(ctx context.Context, opts Options) (*Changes, error) {
	if opts.Ref == "" {
		return nil, fmt.Errorf("%w: --changed-since needs a revision, such as origin/main", ErrUnknownRef)
	}
	g := newGit(opts.Git, opts.Dir, opts.Environ)
	top, err := g.line(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%w: %s is not inside a git repository, and --changed-since compares git revisions. Run stackctl in a clone of the repository (on GitHub Actions: actions/checkout with fetch-depth: 0), or leave --changed-since out", ErrNotRepository, opts.Dir)
		}
		return nil, err
	}
	g.dir = top
	ch := &Changes{Ref: opts.Ref, TopLevel: filepath.Clean(top), git: g}
	if ch.Head, err = g.line(ctx, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"); err != nil || ch.Head == "" {
		return nil, fmt.Errorf("%w in %s: --changed-since compares with HEAD; commit something first", ErrNoCommits, top)
	}
	ch.RefCommit, err = g.line(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", opts.Ref+"^{commit}")
	if err != nil || ch.RefCommit == "" {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr // interrupted: not an unknown revision
		}
		return nil, fmt.Errorf("%w %q in %s: no branch, tag or commit of that name. %s", ErrUnknownRef, opts.Ref, top, g.fetchHint(ctx, opts.Ref))
	}
	ch.MergeBase, err = g.line(ctx, "merge-base", ch.RefCommit, ch.Head)
	if err != nil || ch.MergeBase == "" {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("%w between %s and HEAD in %s: they share no history. %s", ErrNoMergeBase, opts.Ref, top, g.fetchHint(ctx, opts.Ref))
	}
	// Against the working tree, with renames as delete + add: a moved unit
	// is a deleted unit and a new one.
	out, err := g.run(ctx, "-c", "core.quotePath=false", "diff", "--name-status", "--no-renames", "--no-ext-diff", "--no-textconv", "-z", ch.MergeBase, "--")
	if err != nil {
		return nil, err
	}
	fields := splitZ(out)
	seen := map[string]bool{}
	// Pairs of status and path.
	for ; len(fields) >= 2; fields = fields[2:] {
		f := ChangedFile{Path: fields[1], Status: statusOf(fields[0])}
		seen[f.Path] = true
		ch.Files = append(ch.Files, f)
	}
	out, err = g.run(ctx, "ls-files", "--others", "--exclude-standard", "-z", "--")
	if err != nil {
		return nil, err
	}
	for _, p := range splitZ(out) {
		if !seen[p] {
			ch.Files = append(ch.Files, ChangedFile{Path: p, Status: Untracked})
		}
	}
	slices.SortFunc(ch.Files, func(a, b ChangedFile) int { return strings.Compare(a.Path, b.Path) })
	return ch, nil
}

func statusOf(s string) Status {
	switch {
	case strings.HasPrefix(s, "A"):
		return Added
	case strings.HasPrefix(s, "D"):
		return Deleted
	case strings.HasPrefix(s, "T"):
		return TypeChanged
	default: // M, U (unmerged) and anything newer
		return Modified
	}
}

// fetchHint says how to get the history a comparison needs: CI checkouts
// are usually shallow and carry one branch.
func (g *git) fetchHint(ctx context.Context, ref string) string {
	remote, branch, _ := strings.Cut(ref, "/")
	fetch := "git fetch origin " + ref
	if branch != "" && remote == "origin" {
		fetch = "git fetch origin " + branch
	}
	if shallow, _ := g.line(ctx, "rev-parse", "--is-shallow-repository"); shallow == "true" {
		return "This clone is shallow: fetch the history (git fetch --unshallow, and " + fetch + "; on GitHub Actions: actions/checkout with fetch-depth: 0)."
	}
	return "Fetch it first (" + fetch + "; on GitHub Actions: actions/checkout with fetch-depth: 0), or name another revision."
}
