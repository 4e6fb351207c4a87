package ci

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stackctl/stackctl/internal/graph"
)

func workflow(t *testing.T, files []File, name string) string {
	t.Helper()
	for _, f := range files {
		if f.Path == WorkflowDir+"/"+name {
			return string(f.Content)
		}
	}
	t.Fatalf("no %s in %d files", name, len(files))
	return ""
}

// The root folder and the plugin cache are written as GitHub wants them
// whatever form they are given in: no "./", no trailing "/", the cache
// under the root.
func TestGitHubWorkflowsPaths(t *testing.T) {
	files, err := GitHubWorkflows(GitHubOptions{Envs: []string{"dev"}, RootDir: "./infra/", PluginCacheDir: "./cache/plugins/"})
	if err != nil {
		t.Fatal(err)
	}
	plan := workflow(t, files, "stackctl-plan.yml")
	for _, want := range []string{`working-directory: "infra"`, "infra/cache/plugins\n", "infra/.stackctl/terraform", "path: infra/plans/"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan workflow: no %q", want)
		}
	}
	top, _ := GitHubWorkflows(GitHubOptions{Envs: []string{"dev"}, RootDir: "."})
	plan = workflow(t, top, "stackctl-plan.yml")
	if strings.Contains(plan, "working-directory") || !strings.Contains(plan, " .stackctl/plugins\n") {
		t.Errorf("root at the top level:\n%s", plan)
	}
}

// The fan-out workflow has one job per wave slot, 8 unless told.
func TestGitHubWorkflowsWaveSlots(t *testing.T) {
	for jobs, want := range map[int]int{0: 8, 2: 2} {
		files, err := GitHubWorkflows(GitHubOptions{Envs: []string{"dev"}, FanOut: true, WaveJobs: jobs})
		if err != nil {
			t.Fatal(err)
		}
		env := workflow(t, files, "stackctl-apply-env.yml")
		if !strings.Contains(env, fmt.Sprintf(`"$jobs" -gt %d ]`, want)) || !strings.Contains(env, fmt.Sprintf("\n  wave_%d:", want)) || strings.Contains(env, fmt.Sprintf("\n  wave_%d:", want+1)) {
			t.Errorf("WaveJobs %d: want %d wave jobs", jobs, want)
		}
	}
	if files, _ := GitHubWorkflows(GitHubOptions{Envs: []string{"dev"}}); len(files) != 4 {
		t.Errorf("without fan-out: %d files, want 4", len(files))
	}
}

func TestJobID(t *testing.T) {
	for env, want := range map[string]string{"dev": "dev", "eu west/1": "eu-west-1", "-x-": "x", "日本": "env", "a_b": "a_b"} {
		if got := jobID(env); got != want {
			t.Errorf("jobID(%q) = %q, want %q", env, got, want)
		}
	}
}

func TestExistsErrorMessage(t *testing.T) {
	one := (&ExistsError{Paths: []string{"a.yml"}}).Error()
	two := (&ExistsError{Paths: []string{"a.yml", "b.yml"}}).Error()
	if !strings.HasPrefix(one, "a.yml already exists; nothing was written.") || !strings.HasPrefix(two, "a.yml, b.yml already exist; nothing was written.") {
		t.Errorf("messages:\n%s\n%s", one, two)
	}
	var ee *ExistsError
	if !errors.As(error(&ExistsError{}), &ee) {
		t.Error("not an *ExistsError")
	}
}

func TestPromotionOrderRanks(t *testing.T) {
	got := PromotionOrder([]string{"Live", "uat", "zeta", "CI", "alpha", "sandbox", "Prod", "stage"})
	want := []string{"sandbox", "CI", "alpha", "zeta", "stage", "uat", "Live", "Prod"}
	if !slices.Equal(got, want) {
		t.Errorf("PromotionOrder = %v, want %v", got, want)
	}
}

// Parts of a wave are as equal as can be, none above MaxJobs; an entry's
// slug is unique in the matrix even when two units' paths make the same.
func TestMatrixPartsAndSlugs(t *testing.T) {
	units := []string{"a/b", "a__b", `a\_b`, "d", "e"}
	g, _ := graph.New(units, nil)
	sel := map[string]bool{}
	for _, u := range units {
		sel[u] = true
	}
	sel["not-selected"] = false
	m, err := BuildMatrix(g, sel, MatrixOptions{Env: "dev", MaxJobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var slugs []string
	for _, j := range m.Jobs {
		sizes = append(sizes, len(j.Matrix.Include))
		for _, e := range j.Matrix.Include {
			slugs = append(slugs, e.Slug)
		}
	}
	if !slices.Equal(sizes, []int{1, 2, 2}) || !slices.Equal(slugs, []string{"a__b", "a__b-2", "a__b-3", "d", "e"}) || m.Units != 5 {
		t.Errorf("MaxJobs 2: sizes %v, slugs %v, %d units", sizes, slugs, m.Units)
	}
	for _, max := range []int{MaxMatrixJobs, MaxMatrixJobs + 1, -1} {
		m, _ := BuildMatrix(g, sel, MatrixOptions{Env: "dev", MaxJobs: max})
		if len(m.Jobs) != 1 {
			t.Errorf("MaxJobs %d: %d jobs for 5 units", max, len(m.Jobs))
		}
	}
	if got := slug(`a\b:c"d<e>f|g*h?i`, map[string]bool{}); got != "a_b_c_d_e_f_g_h_i" {
		t.Errorf("slug = %q", got)
	}
}
