// Package ci turns a selection of units into work for a CI system: the
// units in dependency waves, as JSON that a GitHub Actions job uses directly
// as strategy.matrix, and the GitHub Actions workflows of a repository that
// uses stackctl.
package ci

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stackctl/stackctl/internal/graph"
)

// MaxMatrixJobs is GitHub Actions' limit on the jobs one matrix may
// generate; a larger matrix fails the workflow run.
const MaxMatrixJobs = 256

// Matrix is the JSON `stackctl ci matrix` prints.
type Matrix struct {
	Env   string `json:"env"`
	Units int    `json:"units"`
	// Waves are the units by dependency level: every unit of a wave
	// depends only on units of earlier waves.
	Waves []Wave `json:"waves"`
	// Jobs are the waves cut to at most MaxJobs units each, in the order
	// they must run: jobs[k] starts when jobs[k-1] succeeded. A workflow job
	// uses jobs[k].matrix as its strategy.matrix.
	Jobs []Job `json:"jobs"`
}

// Wave is one dependency level.
type Wave struct {
	Wave  int      `json:"wave"` // from 1
	Units []string `json:"units"`
}

// Job is one matrix job of a workflow: one part of one wave.
type Job struct {
	Wave   int       `json:"wave"`
	Part   int       `json:"part"`  // from 1
	Parts  int       `json:"parts"` // how many jobs the wave was cut into
	Matrix JobMatrix `json:"matrix"`
}

// JobMatrix is in the form strategy.matrix takes: one generated job per
// include entry.
type JobMatrix struct {
	Include []Entry `json:"include"`
}

// Entry is one unit's job.
type Entry struct {
	Unit string `json:"unit"`
	Env  string `json:"env"`
	Wave int    `json:"wave"`
	// Slug is the unit path made safe for artifact and cache names ('/'
	// is not allowed there): "apps/api" → "apps__api".
	Slug string `json:"slug"`
}

// MatrixOptions shape a matrix.
type MatrixOptions struct {
	Env string
	// MaxJobs is the most units in one job's matrix; 0 means MaxMatrixJobs.
	MaxJobs int
}

// Waves groups the selected units by dependency level. A unit's wave is
// one more than the highest wave among the selected units it depends on,
// directly or through units that are not selected (those do not run, but
// the order through them still holds). Within a wave, units keep the
// graph's order.
func Waves(g *graph.Graph, selected map[string]bool) [][]string {
	level := make(map[string]int, len(g.Nodes()))
	var waves [][]string
	for _, n := range g.Order() {
		l := 0
		for _, d := range g.Dependencies(n) {
			dl := level[d]
			if selected[d] {
				dl++
			}
			l = max(l, dl)
		}
		level[n] = l
		if selected[n] {
			for len(waves) <= l {
				waves = append(waves, nil)
			}
			waves[l] = append(waves[l], n)
		}
	}
	return waves
}

// BuildMatrix lays the selected units out in waves and jobs. Selected units
// missing from the graph are an error.
func BuildMatrix(g *graph.Graph, selected map[string]bool, opts MatrixOptions) (*Matrix, error) {
	limit := opts.MaxJobs
	if limit <= 0 || limit > MaxMatrixJobs {
		limit = MaxMatrixJobs
	}
	known := make(map[string]bool, len(g.Nodes()))
	for _, n := range g.Nodes() {
		known[n] = true
	}
	var unknown []string
	for u, ok := range selected {
		if ok && !known[u] {
			unknown = append(unknown, u)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("units not in the graph of %s: %s", opts.Env, strings.Join(unknown, ", "))
	}
	m := &Matrix{Env: opts.Env, Waves: []Wave{}, Jobs: []Job{}}
	slugs := map[string]bool{}
	for i, units := range Waves(g, selected) {
		w := i + 1
		m.Waves = append(m.Waves, Wave{Wave: w, Units: units})
		m.Units += len(units)
		// Equal parts rather than 256 and a remainder: the parts run one
		// after another, and the slowest part sets the pace.
		parts := (len(units) + limit - 1) / limit
		for p := 0; p < parts; p++ {
			lo, hi := p*len(units)/parts, (p+1)*len(units)/parts
			job := Job{Wave: w, Part: p + 1, Parts: parts, Matrix: JobMatrix{Include: make([]Entry, 0, hi-lo)}}
			for _, u := range units[lo:hi] {
				job.Matrix.Include = append(job.Matrix.Include, Entry{Unit: u, Env: opts.Env, Wave: w, Slug: slug(u, slugs)})
			}
			m.Jobs = append(m.Jobs, job)
		}
	}
	return m, nil
}

// slug makes a unit path fit artifact names, unique within one matrix.
func slug(unit string, taken map[string]bool) string {
	base := strings.NewReplacer("/", "__", "\\", "_", ":", "_", "\"", "_", "<", "_", ">", "_", "|", "_", "*", "_", "?", "_").Replace(unit)
	s := base
	for i := 2; taken[s]; i++ {
		s = fmt.Sprintf("%s-%d", base, i)
	}
	taken[s] = true
	return s
}

// JSON is the matrix on one line, as a $GITHUB_OUTPUT value must be.
func (m *Matrix) JSON() ([]byte, error) {
	return json.Marshal(m)
}
