package vcs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
)

// TopLevel returns the top level of the git repository holding dir
// (absolute, symbolic links resolved), for files that belong at the
// repository's root (.github/workflows). ErrNotRepository when there is
// none.
func TopLevel(ctx context.Context, dir string, environ []string) (string, error) {
	g := newGit("", dir, environ)
	top, err := g.line(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("%w: %s", ErrNotRepository, dir)
		}
		return "", err
	}
	return filepath.Clean(top), nil
}
