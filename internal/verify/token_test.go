package verify

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// A token endpoint may answer JSON with the token in a named field, or
// the bare token; the issuer is read from the token either way.
func TestJWTIssuerTokenForms(t *testing.T) {
	t.Parallel()
	token := "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"https://auth.example.test/"}`)) + ".c2ln"
	mux := http.NewServeMux()
	mux.HandleFunc("/json", func(w http.ResponseWriter, _ *http.Request) {
		// scope's dots make the body look like no JWT when read whole.
		fmt.Fprintf(w, `{"access_token":"opaque","id_token":%q,"scope":"read.write.all"}`, token)
	})
	mux.HandleFunc("/bare", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "%s\n", token)
	})
	mux.HandleFunc("/accepted", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(299)
		fmt.Fprintf(w, `{"access_token":%q}`, token)
	})
	mux.HandleFunc("/refused", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "no", http.StatusUnauthorized)
	})
	base := httpServer(t, mux)
	specs := load(t, `
verify "id_token" {
  jwt_issuer {
    token_url   = "${outputs.base}/json"
    token_field = "id_token"
    issuer      = "https://auth.example.test/"
  }
}
verify "bare" {
  jwt_issuer {
    token_url = "${outputs.base}/bare"
    issuer    = "https://auth.example.test/"
  }
}
verify "any_2xx" {
  jwt_issuer {
    token_url = "${outputs.base}/accepted"
    issuer    = "https://auth.example.test/"
  }
}
verify "refused" {
  timeout = "1s"
  jwt_issuer {
    token_url = "${outputs.base}/refused"
    issuer    = "https://auth.example.test/"
  }
}
`, map[string]cty.Value{"base": str(base)})
	got := run(t, verifier(t, Options{}), specs)
	for _, name := range []string{"id_token", "bare", "any_2xx"} {
		if r := got[name]; !r.Passed || r.Reason != `the token's iss claim is "https://auth.example.test/"` {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if r := got["id_token"]; r.Target != "POST "+base+"/json" {
		t.Errorf("id_token: target %q", r.Target)
	}
	if r := got["refused"]; r.Passed || !strings.HasPrefix(r.Reason, "token endpoint answered 401 Unauthorized, want 2xx") {
		t.Errorf("refused: %+v", r)
	}
}

// An answer quoted in a reason is cut at 120 characters, on one line.
func TestExcerpt(t *testing.T) {
	exact := strings.Repeat("a", 120)
	for in, want := range map[string]string{
		exact:              `"` + exact + `"`,
		exact + "b":        `"` + exact + `…"`,
		"  two\n\tlines  ": `"two lines"`,
		" \n ":             "(empty)",
		`say "hi"`:         `"say \"hi\""`,
	} {
		if got := excerpt(in); got != want {
			t.Errorf("excerpt(%q) = %s, want %s", in, got, want)
		}
	}
}
