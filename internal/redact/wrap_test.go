package redact

import (
	"bytes"
	"strings"
	"testing"
)

const passphrase = "correct horse battery staple"

// What terraform printed in one trial: an error that quotes a sensitive
// value with spaces, wrapped inside its diagnostic box.
const wrappedError = `╷
│ Error: creating SSM Parameter (/app/key): ValidationException: the value correct horse
│ battery staple is not allowed here
│
│   with aws_ssm_parameter.key,
│   on main.tf line 3, in resource "aws_ssm_parameter" "key":
│    3: resource "aws_ssm_parameter" "key" {
╵
`

func TestSecretsSurviveWrapping(t *testing.T) {
	cases := map[string]string{
		"box":         wrappedError,
		"indented":    "Error: the value is\n    correct horse battery\n    staple, rejected\n",
		"three lines": "Error: correct\n│ horse\n│ battery staple\n",
		"plain":       "x correct horse battery staple y\n",
	}
	for name, in := range cases {
		for _, chunk := range []int{1, 7, 1 << 20} {
			var out bytes.Buffer
			w := NewWriter(&out, []string{passphrase})
			for i := 0; i < len(in); i += chunk {
				_, _ = w.Write([]byte(in[i:min(i+chunk, len(in))]))
			}
			_ = w.Flush()
			got := out.String()
			for _, part := range []string{"correct horse", "horse battery", "battery staple"} {
				if strings.Contains(got, part) {
					t.Errorf("%s (writes of %d bytes): %q shows:\n%s", name, chunk, part, got)
				}
			}
			if !strings.Contains(got, Mask) {
				t.Errorf("%s: nothing masked:\n%s", name, got)
			}
			if strings.Count(got, "\n") != strings.Count(in, "\n") {
				t.Errorf("%s: lines lost or added:\n%s", name, got)
			}
		}
	}
}

// Words of a secret in ordinary text that does not continue it are not
// masked, and a line that only might start a secret is written once the
// next line (or Flush) shows it does not.
func TestWrappingLeavesOtherTextAlone(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, []string{passphrase})
	_, _ = w.Write([]byte("a correct horse\n"))
	if out.Len() != 0 {
		t.Errorf("a line that may start the secret was written before the next: %q", out.String())
	}
	_, _ = w.Write([]byte("│ ran away\n"))
	if got := out.String(); got != "a correct horse\n│ ran away\n" {
		t.Errorf("ordinary text changed: %q", got)
	}
	_, _ = w.Write([]byte("ends with correct\n"))
	_ = w.Flush()
	if !strings.HasSuffix(out.String(), "ends with correct\n") {
		t.Errorf("Flush lost a held line: %q", out.String())
	}
	if got := String(wrappedError, []string{passphrase}); strings.Contains(got, "battery staple") || !strings.Contains(got, "on main.tf line 3") {
		t.Errorf("String: %s", got)
	}
	w = NewWriter(&bytes.Buffer{}, []string{passphrase})
	if got := w.Mask("value correct horse\n│ battery staple"); strings.Contains(got, "battery") {
		t.Errorf("Mask: %q", got)
	}
}

// FuzzWriter: whatever the text and however it is wrapped and split into
// writes, no word pair of a secret survives, and no line is lost.
func FuzzWriter(f *testing.F) {
	f.Add("before ", " after\nmore\n", uint8(3), uint8(5))
	f.Add("│ Error: ", "\n│ next line\n", uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, before, after string, wrapAt, chunk uint8) {
		if strings.Contains(before+after, "horse") || strings.Contains(before+after, "battery") {
			return
		}
		words := strings.Fields(passphrase)
		k := int(wrapAt)%(len(words)-1) + 1
		text := before + strings.Join(words[:k], " ") + "\n│   " + strings.Join(words[k:], " ") + after
		var out bytes.Buffer
		w := NewWriter(&out, []string{passphrase})
		step := int(chunk)%16 + 1
		for i := 0; i < len(text); i += step {
			_, _ = w.Write([]byte(text[i:min(i+step, len(text))]))
		}
		_ = w.Flush()
		got := out.String()
		if strings.Contains(got, "horse") || strings.Contains(got, "battery") {
			t.Fatalf("a part of the secret shows in %q (input %q)", got, text)
		}
		if strings.Count(got, "\n") != strings.Count(text, "\n") {
			t.Fatalf("lines lost: %q from %q", got, text)
		}
	})
}
