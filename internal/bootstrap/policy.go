package bootstrap

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DenyInsecureTransportSid names the statement bootstrap adds.
const DenyInsecureTransportSid = "DenyInsecureTransport"

// denyInsecureTransport is the statement that refuses any request to the
// bucket or its objects made without TLS.
func denyInsecureTransport(bucket, partition string) map[string]any {
	arn := "arn:" + partition + ":s3:::" + bucket
	return map[string]any{
		"Sid":       DenyInsecureTransportSid,
		"Effect":    "Deny",
		"Principal": "*",
		"Action":    "s3:*",
		"Resource":  []any{arn, arn + "/*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
}

// withDenyInsecureTransport returns policy with the deny statement added
// (or, when a statement with its Sid exists but falls short, replaced).
func withDenyInsecureTransport(policy, bucket, partition string) (string, error) {
	doc := map[string]any{"Version": "2012-10-17"}
	if strings.TrimSpace(policy) != "" {
		if err := json.Unmarshal([]byte(policy), &doc); err != nil {
			return "", fmt.Errorf("the bucket's policy is not JSON: %w", err)
		}
	}
	var stmts []any
	switch s := doc["Statement"].(type) {
	case []any:
		stmts = s
	case map[string]any:
		stmts = []any{s}
	}
	kept := stmts[:0:0]
	for _, s := range stmts {
		if m, ok := s.(map[string]any); ok && m["Sid"] == DenyInsecureTransportSid {
			continue
		}
		kept = append(kept, s)
	}
	doc["Statement"] = append(kept, denyInsecureTransport(bucket, partition))
	out, err := json.Marshal(doc)
	return string(out), err
}

// deniesInsecureTransport reports whether policy has a statement denying
// every principal every S3 action on the bucket and its objects when
// aws:SecureTransport is false, and if not, what falls short.
func deniesInsecureTransport(policy, bucket string) (bool, string) {
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return false, "the bucket policy is not JSON"
	}
	var stmts []map[string]any
	if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
		var one map[string]any
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false, "the bucket policy has no statements"
		}
		stmts = []map[string]any{one}
	}
	coversBucket, coversObjects := false, false
	for _, s := range stmts {
		if !strings.EqualFold(str(s["Effect"]), "Deny") || !allPrincipals(s["Principal"]) || !secureTransportFalse(s["Condition"]) {
			continue
		}
		if !anyOf(list(s["Action"]), func(a string) bool { return a == "*" || strings.EqualFold(a, "s3:*") }) {
			continue
		}
		for _, r := range list(s["Resource"]) {
			switch {
			case r == "*":
				coversBucket, coversObjects = true, true
			case strings.HasSuffix(r, ":s3:::"+bucket):
				coversBucket = true
			case strings.HasSuffix(r, ":s3:::"+bucket+"/*"):
				coversObjects = true
			}
		}
	}
	switch {
	case coversBucket && coversObjects:
		return true, "denies s3:* when aws:SecureTransport is false"
	case coversBucket:
		return false, "the deny on aws:SecureTransport=false covers the bucket but not its objects"
	case coversObjects:
		return false, "the deny on aws:SecureTransport=false covers the objects but not the bucket"
	}
	return false, "no statement denies s3:* to everyone when aws:SecureTransport is false"
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// list reads a policy element that is a string or a list of strings.
func list(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func anyOf(xs []string, f func(string) bool) bool {
	for _, x := range xs {
		if f(x) {
			return true
		}
	}
	return false
}

// allPrincipals: "*" or {"AWS": "*"}.
func allPrincipals(v any) bool {
	switch x := v.(type) {
	case string:
		return x == "*"
	case map[string]any:
		return anyOf(list(x["AWS"]), func(s string) bool { return s == "*" })
	}
	return false
}

// secureTransportFalse: Condition {"Bool": {"aws:SecureTransport": "false"}},
// the value a string, a bool or a list, the key in any case.
func secureTransportFalse(v any) bool {
	cond, ok := v.(map[string]any)
	if !ok {
		return false
	}
	for op, body := range cond {
		if !strings.EqualFold(op, "Bool") {
			continue
		}
		m, ok := body.(map[string]any)
		if !ok {
			continue
		}
		for k, val := range m {
			if !strings.EqualFold(k, "aws:SecureTransport") {
				continue
			}
			switch x := val.(type) {
			case bool:
				return !x
			case string:
				return strings.EqualFold(x, "false")
			case []any:
				return len(x) == 1 && (x[0] == false || strings.EqualFold(str(x[0]), "false"))
			}
		}
	}
	return false
}
