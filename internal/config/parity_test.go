package config

import (
	"maps"
	"strings"
	"testing"
)

func TestParityBlock(t *testing.T) {
	files := maps.Clone(base)
	files["stackctl.hcl"] = `
project = "shop"
parity {
  domain_vars = ["domain", "zone"]
  difference {
    units  = ["database", "apps/*"]
    inputs = ["instance_class", "tags.cost_center"]
    envs   = ["prod"]
    reason = "prod runs larger instances for ${project}"
  }
  difference {
    units  = ["partner"]
    reason = "only prod serves the partner"
  }
}
`
	st := mustLoad(t, files, "dev")
	p := st.Root.Parity
	if p == nil || len(p.DomainVars) != 2 || len(p.Differences) != 2 {
		t.Fatalf("parity: %+v", p)
	}
	d := p.Differences[0]
	if d.Reason != "prod runs larger instances for shop" || d.WholeUnit() || d.At() != "stackctl.hcl:5:3" || len(d.Envs) != 1 {
		t.Errorf("first: %+v", d)
	}
	if !p.Differences[1].WholeUnit() {
		t.Errorf("second should cover whole units: %+v", p.Differences[1])
	}
}

func TestParityErrors(t *testing.T) {
	tests := map[string]string{
		`parity {
  difference { inputs = ["x"] }
}`: `Missing required argument`,
		`parity {
  difference {
    reason = "why"
  }
}`: `Difference declares nothing specific`,
		`parity {
  difference {
    inputs = ".x"
    reason = "why"
  }
}`: `Invalid input pattern`,
		`parity {
  difference {
    inputs = ["x"]
    reason = "  "
  }
}`: `Empty reason`,
		`parity {
  difference {
    inputs = ["x"]
    reason = "r"
    envs   = env.name
  }
}`: `env is not available here`,
		`parity {}
parity {}`: `Duplicate parity block`,
	}
	for body, want := range tests {
		files := maps.Clone(base)
		files["stackctl.hcl"] = "project = \"shop\"\n" + body
		_, diags := load(t, files, "dev", nil)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), want) {
			t.Errorf("%s\nwant %q, got: %v", body, want, diags)
		}
	}
}
