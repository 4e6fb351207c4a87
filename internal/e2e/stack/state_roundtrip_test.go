package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/state"
)

// checkStackStates reads the states terraform wrote for the production
// stack's units and checks that the state model writes each back byte
// for byte. With STACKCTL_STACK_STATES_OUT set it also saves them there,
// secrets replaced, as fixtures for internal/state/testdata/states.
func checkStackStates(t *testing.T, cfg aws.Config, bucket string, units []string) {
	t.Helper()
	client := s3.NewFromConfig(cfg)
	for _, u := range units {
		out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(u + "/terraform.tfstate")})
		if err != nil {
			t.Errorf("state of %s: %v", u, err)
			continue
		}
		data, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		st, err := state.Parse(data)
		if err != nil {
			t.Errorf("state of %s: %v", u, err)
			continue
		}
		again, err := st.Marshal()
		if err != nil || !bytes.Equal(again, data) {
			t.Errorf("state of %s: Marshal(Parse(state)) differs from what terraform wrote (%v)", u, err)
		}
		if dir := os.Getenv("STACKCTL_STACK_STATES_OUT"); dir != "" {
			clean := redactSecrets(t, st, data)
			name := "stack-" + strings.ReplaceAll(u, "/", "-") + ".tfstate"
			if err := os.WriteFile(filepath.Join(dir, name), clean, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// redactSecrets replaces every value found at a sensitive path, and every
// sensitive output, with a placeholder in the document's own bytes, so
// that the rest stays exactly as terraform wrote it.
func redactSecrets(t *testing.T, st *state.State, data []byte) []byte {
	t.Helper()
	secrets := map[string]bool{}
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case string:
			if len(x) >= 8 {
				secrets[x] = true
			}
		case []any:
			for _, e := range x {
				collect(e)
			}
		case map[string]any:
			for _, e := range x {
				collect(e)
			}
		}
	}
	for _, o := range st.Objects() {
		paths, err := o.Instance.SensitivePaths()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			if v, err := o.Instance.Attribute(p...); err == nil {
				collect(v)
			}
		}
	}
	for _, o := range st.Outputs {
		if o.Sensitive {
			var v any
			_ = json.Unmarshal(o.ValueJSON, &v)
			collect(v)
		}
	}
	list := make([]string, 0, len(secrets))
	for s := range secrets {
		list = append(list, s)
	}
	// Longest first: a secret may contain another (a URL with a password).
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for i, s := range list {
		enc, _ := json.Marshal(s)
		data = bytes.ReplaceAll(data, enc[1:len(enc)-1], []byte("redacted-secret-"+strconv.Itoa(i)))
	}
	for _, s := range list {
		if bytes.Contains(data, []byte(s)) {
			t.Fatalf("a secret survived redaction")
		}
	}
	return data
}
