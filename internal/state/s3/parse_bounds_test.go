package s3

import (
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// max_retries takes whole numbers from 0 to 100, both included.
func TestMaxRetriesBounds(t *testing.T) {
	for _, n := range []int64{0, 1, 100} {
		s, err := FromConfig(s3Backend(map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"), "max_retries": cty.NumberIntVal(n)}))
		if err != nil || int64(s.MaxRetries) != n {
			t.Errorf("max_retries = %d: %d, %v", n, s.MaxRetries, err)
		}
	}
	for _, v := range []cty.Value{cty.NumberIntVal(-1), cty.NumberIntVal(101), cty.NumberFloatVal(2.5)} {
		_, err := FromConfig(s3Backend(map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"), "max_retries": v}))
		if err == nil || !strings.Contains(err.Error(), "max_retries must be a whole number between 0 and 100") {
			t.Errorf("max_retries = %s: %v", v.AsBigFloat(), err)
		}
	}
}

// assume_role.duration takes 15m to 12h, both included (AWS's bounds for
// a role session).
func TestAssumeRoleDurationBounds(t *testing.T) {
	role := func(d string) map[string]cty.Value {
		return map[string]cty.Value{"bucket": cty.StringVal("b"), "key": cty.StringVal("k"),
			"assume_role": cty.ObjectVal(map[string]cty.Value{"role_arn": cty.StringVal("arn:aws:iam::1:role/r"), "duration": cty.StringVal(d)})}
	}
	for d, want := range map[string]time.Duration{"15m": 15 * time.Minute, "12h": 12 * time.Hour} {
		s, err := FromConfig(s3Backend(role(d)))
		if err != nil || s.AssumeRole == nil || s.AssumeRole.Duration != want {
			t.Errorf("duration %s: %+v, %v", d, s.AssumeRole, err)
		}
	}
	for _, d := range []string{"14m59s", "12h0m1s"} {
		if _, err := FromConfig(s3Backend(role(d))); err == nil || !strings.Contains(err.Error(), "must be a duration between 15m and 12h") {
			t.Errorf("duration %s: %v", d, err)
		}
	}
}
