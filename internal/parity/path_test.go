package parity

import "testing"

// An input path names an identifier key with a dot (letters, '_', and
// after the first character digits and '-') and any other key quoted, the
// way HCL would accept it back.
func TestPathAttr(t *testing.T) {
	for key, want := range map[string]string{
		"a": "in.a", "z": "in.z", "A": "in.A", "Z": "in.Z", "_": "in._",
		"a0": "in.a0", "a9": "in.a9", "a-b": "in.a-b", "a_b": "in.a_b",
		"": `in[""]`, "0a": `in["0a"]`, "-a": `in["-a"]`, "9": `in["9"]`,
		"`": "in[\"`\"]", "{": `in["{"]`, "@": `in["@"]`, "[": `in["["]`,
		"a/": `in["a/"]`, "a:": `in["a:"]`, "a.b": `in["a.b"]`, "a b": `in["a b"]`,
	} {
		if got := pathAttr("in", key); got != want {
			t.Errorf("pathAttr(in, %q) = %s, want %s", key, got, want)
		}
	}
}
