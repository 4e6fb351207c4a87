package ops

import (
	"context"

	"github.com/stackctl/stackctl/internal/backend"
	"github.com/stackctl/stackctl/internal/bootstrap"
)

// Bootstrap creates, or audits (and with fix repairs), every state bucket
// and lock table the environment's units use. With local state there is
// nothing to do: no reports. On an error, the reports of what was done
// before it come back too.
func (e *Engine) Bootstrap(ctx context.Context, fix bool) ([]*bootstrap.Report, error) {
	opener, ok := e.States.(*backend.Opener)
	if !ok {
		return nil, nil
	}
	if err := e.checkAccount(ctx); err != nil {
		return nil, err
	}
	backends, err := opener.S3Backends(ctx, e.Stack.Units)
	if err != nil {
		return nil, err
	}
	var reports []*bootstrap.Report
	for _, b := range backends {
		rep, err := bootstrap.Run(ctx, bootstrap.FromBackend(b, fix))
		if rep != nil {
			reports = append(reports, rep)
		}
		if err != nil {
			return reports, err
		}
	}
	return reports, nil
}
