package s3

import (
	"context"
	"fmt"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// The dependency-output read stackctl does (one GetObject and a parse)
// against what Terragrunt does for each dependency (terraform output -json
// in the dependency's initialised folder), on the same state in S3:
//
//	go test ./internal/state/s3 -run '^$' -bench Outputs -benchtime 20x
func benchUnit(b *testing.B) (dir string, be *Backend) {
	bucket := newBucket(b)
	dir = writeUnit(b, fmt.Sprintf("    bucket = %q\n    key = \"network/terraform.tfstate\"\n    region = \"us-east-1\"\n    use_path_style = true\n    use_lockfile = true\n", bucket), `
resource "terraform_data" "vpc" {
  input = "vpc-0123456789"
}
output "vpc_id" {
  value = terraform_data.vpc.output
}
output "subnets" {
  value = ["subnet-a", "subnet-b", "subnet-c", "subnet-d"]
}
output "password" {
  value     = "s3cr3t"
  sensitive = true
}
`)
	runTerraform(b, dir, "init", "-input=false", "-no-color")
	runTerraform(b, dir, "apply", "-auto-approve", "-input=false", "-no-color")
	be = openBackend(b, map[string]cty.Value{"bucket": cty.StringVal(bucket), "key": cty.StringVal("network/terraform.tfstate"), "use_lockfile": cty.True})
	return dir, be
}

func BenchmarkOutputsFromS3State(b *testing.B) {
	_, be := benchUnit(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := be.Read(ctx)
		if err != nil || len(st.Outputs) != 3 {
			b.Fatalf("read: %v", err)
		}
	}
}

func BenchmarkOutputsFromTerraformOutputJSON(b *testing.B) {
	dir, _ := benchUnit(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := terraform(context.Background(), b, dir, "output", "-json").Output()
		if err != nil || len(out) == 0 {
			b.Fatalf("terraform output -json: %v", err)
		}
	}
}
