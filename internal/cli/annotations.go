package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// truthy reads a CI-style boolean variable (CI=true, CI=1).
func (a *app) truthy(name string) bool {
	v, _ := a.getenv(name)
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// inCI: a CI system runs stackctl (CI=true, as GitHub Actions, GitLab and
// most others set it). No live view, no questions: nobody is watching.
func (a *app) inCI() bool { return a.truthy("CI") }

// onGitHubActions: configuration errors are also written as workflow
// commands, which GitHub shows on the file and line in the pull request.
func (a *app) onGitHubActions() bool { return a.truthy("GITHUB_ACTIONS") }

func ciApplyHint(what string) string {
	if what == "apply" {
		return ", or --plan DIR to apply the plans saved (and reviewed) with plan --out DIR"
	}
	return ""
}

// annotate writes diagnostics as GitHub Actions annotations on stderr
// (::error file=…,line=…,col=…::message), on GitHub Actions only. Paths
// are made relative to the workspace, which is what GitHub resolves them
// against.
func (a *app) annotate(diags hcl.Diagnostics) {
	if !a.onGitHubActions() {
		return
	}
	for _, d := range diags {
		a.writeAnnotation(d)
	}
}

func (a *app) writeAnnotation(d *hcl.Diagnostic) {
	level := "error"
	if d.Severity == hcl.DiagWarning {
		level = "warning"
	}
	var props []string
	if d.Subject != nil {
		r := *d.Subject
		props = append(props, "file="+escapeProperty(a.workspacePath(r.Filename)),
			fmt.Sprintf("line=%d", r.Start.Line), fmt.Sprintf("col=%d", r.Start.Column))
		if r.End.Line >= r.Start.Line {
			props = append(props, fmt.Sprintf("endLine=%d", r.End.Line))
			if r.End.Line == r.Start.Line && r.End.Column > r.Start.Column {
				props = append(props, fmt.Sprintf("endColumn=%d", r.End.Column))
			}
		}
	}
	props = append(props, "title="+escapeProperty("stackctl: "+d.Summary))
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	fmt.Fprintf(a.streams.ErrOut, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg))
}

// annotateFile is an annotation on a whole file (fmt --check).
func (a *app) annotateFile(level, file, msg string) {
	if !a.onGitHubActions() {
		return
	}
	fmt.Fprintf(a.streams.ErrOut, "::%s file=%s,title=%s::%s\n", level, escapeProperty(a.workspacePath(file)), escapeProperty("stackctl"), escapeData(msg))
}

// workspacePath turns a displayed file name (relative to the working
// directory) into a path relative to $GITHUB_WORKSPACE.
func (a *app) workspacePath(name string) string {
	abs := name
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(a.cwd, name)
	}
	ws, ok := a.getenv("GITHUB_WORKSPACE")
	if !ok || ws == "" {
		return filepath.ToSlash(name)
	}
	if rel, err := filepath.Rel(ws, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// Workflow command escaping, as @actions/core does it.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
