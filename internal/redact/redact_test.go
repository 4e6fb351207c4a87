package redact

import (
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestWriterMasksSecretsAcrossWrites(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b, []string{"hunter22", "hunter22-long", "ab"})
	for _, chunk := range []string{"password = \"hun", "ter22\"\nother = hunter22-long\n", "tail hunter22"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if strings.Contains(got, "hunter22") {
		t.Fatalf("secret leaked: %q", got)
	}
	want := "password = \"(sensitive value)\"\nother = (sensitive value)\ntail (sensitive value)"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	// Short values are not treated as secrets (they would mask everything).
	if strings.Count(String("ab cab", []string{"ab"}), Mask) != 0 {
		t.Fatal("short value masked")
	}
}

func TestSecretsOfNestedValues(t *testing.T) {
	v := cty.ObjectVal(map[string]cty.Value{"user": cty.StringVal("admin-user"), "n": cty.NumberIntVal(5), "list": cty.ListVal([]cty.Value{cty.StringVal("p4ssword")})})
	got := Secrets(v)
	if len(got) != 2 {
		t.Fatalf("secrets %v", got)
	}
}

// Terraform escapes a string in quotes and prints a multi-line one as a
// heredoc (both as terraform 1.11's plan shows a variable that is not
// declared sensitive): neither form may slip through.
func TestWriterMasksTheFormsTerraformPrints(t *testing.T) {
	quoted := "pa\"ss\\word\twith\x01"
	key := "-----BEGIN KEY-----\nMIIEowIBAAKCAQEAsecretline\n-----END KEY-----"
	var b strings.Builder
	w := NewWriter(&b, []string{quoted, key})
	plan := `      + input  = "pa\"ss\\word\twith\x01"
      + key    = <<-EOT
            -----BEGIN KEY-----
            MIIEowIBAAKCAQEAsecretline
            -----END KEY-----
        EOT
`
	if _, err := w.Write([]byte(plan)); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, leak := range []string{`ss\\word`, "MIIEowIBAAKCAQEAsecretline", "BEGIN KEY"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q leaked:\n%s", leak, got)
		}
	}
	if strings.Count(got, Mask) != 4 {
		t.Errorf("want 4 masks:\n%s", got)
	}
}
