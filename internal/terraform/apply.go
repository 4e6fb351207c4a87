package terraform

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// ApplyOptions shape the apply of a saved plan.
type ApplyOptions struct {
	LockTimeout string // "" for terraform's default
	// Extra are options translated from arguments after "--".
	Extra []tfexec.ApplyOption
}

// Apply applies a saved plan: exactly what was planned, nothing newer.
func (w *Workdir) Apply(ctx context.Context, p *Plan, o ApplyOptions) error {
	opts := []tfexec.ApplyOption{tfexec.DirOrPlan(p.File)}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
	}
	opts = append(opts, o.Extra...)
	return classify("apply", w.tf.Apply(ctx, opts...))
}

// AutoApplyOptions shape an apply that plans and applies in one terraform
// process.
type AutoApplyOptions struct {
	Destroy     bool
	LockTimeout string
	// Extra are options translated from arguments after "--".
	Extra []tfexec.ApplyOption
}

// Applied is what an apply without a saved plan did.
type Applied struct {
	Changes Changes
	// HasChanges reports whether any resource was added, changed,
	// destroyed or imported.
	HasChanges bool
}

// ApplyAuto plans and applies in one terraform process (`apply
// -auto-approve`), for runs nobody reviews in between: one process per
// unit instead of plan, show and apply, as bare terraform costs. Its
// output is terraform's own, diff included, so the unit's log reads as a
// terraform apply does; the counts come from the line terraform ends a
// successful apply with.
func (w *Workdir) ApplyAuto(ctx context.Context, o AutoApplyOptions) (*Applied, error) {
	watch := &completeLine{}
	w.tf.SetStdout(io.MultiWriter(w.out, watch))
	defer w.tf.SetStdout(w.out)
	opts := []tfexec.ApplyOption{tfexec.Destroy(o.Destroy)}
	if o.LockTimeout != "" {
		opts = append(opts, tfexec.LockTimeout(o.LockTimeout))
	}
	opts = append(opts, o.Extra...)
	if err := w.tf.Apply(ctx, opts...); err != nil {
		return nil, classify(applyStep(o.Destroy), err)
	}
	a := &Applied{Changes: watch.changes()}
	a.HasChanges = a.Changes.Any()
	return a, nil
}

func applyStep(destroy bool) string {
	if destroy {
		return "destroy"
	}
	return "apply"
}

// completeLine reads "Apply complete! Resources: 1 imported, 2 added, 0
// changed, 1 destroyed." (or "Destroy complete! Resources: 3 destroyed.")
// from terraform's output as it passes.
type completeLine struct {
	mu   sync.Mutex
	buf  []byte
	seen Changes
}

var completeCounts = regexp.MustCompile(`(\d+) (imported|added|changed|destroyed)`)

func (c *completeLine) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	for {
		i := bytes.IndexByte(c.buf, '\n')
		if i < 0 {
			break
		}
		line := string(c.buf[:i])
		c.buf = c.buf[i+1:]
		if !strings.Contains(line, "complete! Resources:") {
			continue
		}
		var ch Changes
		for _, m := range completeCounts.FindAllStringSubmatch(line, -1) {
			n, _ := strconv.Atoi(m[1])
			switch m[2] {
			case "imported":
				ch.Import = n
			case "added":
				ch.Add = n
			case "changed":
				ch.Change = n
			case "destroyed":
				ch.Destroy = n
			}
		}
		c.seen = ch
	}
	return len(p), nil
}

func (c *completeLine) changes() Changes {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen
}
