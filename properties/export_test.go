package properties

import (
	"context"

	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
)

// PostSearch runs Check's search once and returns a function that does the
// rest of Check (rebuilding executions, witnesses, sorting) on its result
// into a fresh report, for a benchmark of that part alone.
func PostSearch(ctx context.Context, sys *model.System, opts Options) (func(context.Context) (*Report, error), error) {
	eo := opts.Explore
	eo.Keep = max(opts.Witnesses, 1)
	eo.NewSpace = func() explore.Space { return newSpace(sys, opts.AllViolations, opts) }
	res, err := explore.Run(ctx, newSpace(sys, opts.AllViolations, opts), eo)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (rep *Report, err error) {
		defer catchContract(&err)
		rep = &Report{Snapshots: []Snapshot{}, Violations: []Violation{}}
		if err := fillReport(ctx, sys, opts, eo.Workers, res, rep); err != nil {
			return nil, err
		}
		return rep, nil
	}, nil
}
