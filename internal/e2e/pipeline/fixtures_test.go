package pipeline

import (
	"encoding/json"
	"testing"
)

// stepModule is terraform_data only: no provider to install.
const stepModule = `
variable "name" {
  type = string
}
variable "upstream" {
  type    = string
  default = ""
}
variable "sleep" {
  type    = number
  default = 0
}
resource "terraform_data" "this" {
  input = { name = var.name, upstream = var.upstream }
  provisioner "local-exec" {
    command = "sleep ${var.sleep}"
  }
}
output "value" {
  value = "${var.name}(${var.upstream})"
}
output "name" {
  value = var.name
}
`

const rootHCL = `project  = "pipe"
live_dir = "live"
`

func unitHCL(name, dep string) string {
	s := "source = \"../../../modules/step\"\n"
	if dep != "" {
		s += "dependency \"up\" {\n  path         = \"../" + dep + "\"\n  mock_outputs = { value = \"mock\" }\n}\n"
		return s + "inputs = {\n  name     = \"" + name + "\"\n  upstream = dependency.up.outputs.value\n}\n"
	}
	return s + "inputs = { name = \"" + name + "\" }\n"
}

// summary is the part of the --json summary the tests read.
type summary struct {
	Command string `json:"command"`
	Result  string `json:"result"`
	Units   []struct {
		Unit       string   `json:"unit"`
		Result     string   `json:"result"`
		HasChanges bool     `json:"has_changes"`
		Note       string   `json:"note"`
		Error      string   `json:"error"`
		Reasons    []string `json:"reasons"`
		Changes    *struct {
			Add, Change, Destroy int
		} `json:"changes"`
	} `json:"units"`
	Notes        []string `json:"notes"`
	ChangedSince *struct {
		Ref     string `json:"ref"`
		Deleted []struct {
			Path string `json:"path"`
		} `json:"deleted"`
	} `json:"changed_since"`
}

func parseSummary(t *testing.T, r result) summary {
	t.Helper()
	var s summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("not a JSON summary: %v\n%s", err, r)
	}
	return s
}

// byUnit maps the summary's units to their entries' index.
func (s summary) units() []string {
	var out []string
	for _, u := range s.Units {
		out = append(out, u.Unit)
	}
	return out
}
