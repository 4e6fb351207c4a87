// Package treegen writes synthetic live trees of any size, for benchmarks
// and the whole-command performance script. Units form layers: each unit
// depends on up to two units of the layer before it, the shape of real
// stacks (network, then data stores, then services, then edges).
package treegen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Options shape a tree.
type Options struct {
	Units int
	// Width is the number of units per layer (default 10).
	Width int
	// Env is the environment's name (default "bench").
	Env string
	// Module, when set, is written as every unit's module (a main.tf);
	// otherwise a terraform_data module that accepts the inputs is used.
	Module string
}

const defaultModule = `variable "name" {
  type = string
}
variable "upstream" {
  type    = list(string)
  default = []
}
variable "environment" {
  type = string
}
variable "revision" {
  type    = string
  default = "0"
}
resource "terraform_data" "this" {
  input = { name = var.name, upstream = var.upstream, environment = var.environment, revision = var.revision }
}
output "id" {
  value = var.name
}
`

// Write creates the tree under dir and returns the unit paths.
func Write(dir string, o Options) ([]string, error) {
	if o.Width <= 0 {
		o.Width = 10
	}
	if o.Env == "" {
		o.Env = "bench"
	}
	if o.Module == "" {
		o.Module = defaultModule
	}
	files := map[string]string{
		"stackctl.hcl": `project  = "bench"
live_dir = "live"

locals {
  owner = "platform"
}

inputs = {
  environment = env.name
  owner       = local.owner
  tags        = { Project = project, Environment = env.name, Unit = unit.path }
  # A new value changes every unit: the performance script's "every
  # unit changed" apply.
  revision = get_env("STACKCTL_PERF_REVISION", "0")
}
`,
		"modules/unit/main.tf": o.Module,
		"live/" + o.Env + "/env.hcl": `locals {
  domain = "example.com"
}
vars = {
  region = "eu-west-1"
  domain = "${local.domain}"
}
inputs = {
  region = env.region
}
`,
	}
	var paths []string
	for i := 0; i < o.Units; i++ {
		layer, idx := i/o.Width, i%o.Width
		path := fmt.Sprintf("layer%02d/unit%03d", layer, idx)
		paths = append(paths, path)
		var b strings.Builder
		b.WriteString("source = \"../../../../modules/unit\"\n\n")
		b.WriteString(fmt.Sprintf("locals {\n  index = %d\n}\n\n", i))
		var ups []string
		if layer > 0 {
			// The unit in the same column of the layer before, and its
			// neighbour, which is the same unit when a layer is one wide.
			cols := []int{idx}
			if o.Width > 1 {
				cols = append(cols, (idx+1)%o.Width)
			}
			for k, j := range cols {
				name := fmt.Sprintf("up%d", k)
				fmt.Fprintf(&b, "dependency %q {\n  path         = \"../../layer%02d/unit%03d\"\n  mock_outputs = { id = \"mock\" }\n}\n\n", name, layer-1, j)
				ups = append(ups, fmt.Sprintf("dependency.%s.outputs.id", name))
			}
		}
		fmt.Fprintf(&b, "inputs = {\n  name     = \"${unit.name}-${local.index}\"\n  upstream = [%s]\n}\n", strings.Join(ups, ", "))
		files["live/"+o.Env+"/"+path+"/unit.hcl"] = b.String()
	}
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return nil, err
		}
	}
	return paths, nil
}
