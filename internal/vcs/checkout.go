package vcs

import (
	"context"
	"fmt"
)

// ChangedSince is Diff followed by Affected: what --changed-since selects
// in one environment.
func ChangedSince(ctx context.Context, opts Options, sc Scope) (*Selection, error) {
	ch, err := Diff(ctx, opts)
	if err != nil {
		return nil, err
	}
	return Affected(ch, sc)
}

// Checkout writes the repository as it was at the merge base into dir (a
// detached git worktree, sharing the object store, so it costs one
// checkout), so that a deleted unit's configuration — its unit.hcl, the
// module it used, its backend — can be evaluated to destroy it. dir must not
// exist or be empty. Remove it with RemoveCheckout.
func (c *Changes) Checkout(ctx context.Context, dir string) error {
	if _, err := c.git.run(ctx, "worktree", "add", "--detach", "--quiet", dir, c.MergeBase); err != nil {
		return fmt.Errorf("checking out %s (the merge base of %s) into %s: %w", short(c.MergeBase), c.Ref, dir, err)
	}
	return nil
}

// RemoveCheckout removes a folder made by Checkout and git's record of it.
func (c *Changes) RemoveCheckout(ctx context.Context, dir string) error {
	if _, err := c.git.run(ctx, "worktree", "remove", "--force", dir); err != nil {
		return fmt.Errorf("removing the checkout %s: %w", dir, err)
	}
	return nil
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
