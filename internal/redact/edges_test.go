package redact

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// minSecretLen is a floor, not a bar: a four-character secret is masked,
// a three-character one is left (it would mask ordinary words).
func TestSecretsOfTheMinimumLengthAreMasked(t *testing.T) {
	if got := Secrets(cty.ObjectVal(map[string]cty.Value{"pin": cty.StringVal("abcd"), "n": cty.StringVal("abc")})); !slices.Equal(got, []string{"abcd"}) {
		t.Errorf("Secrets = %q, want [abcd]", got)
	}
	if got := String("pin abcd, n abc\n", []string{"abcd", "abc"}); got != "pin "+Mask+", n abc\n" {
		t.Errorf("String = %q", got)
	}
}

// A newline completes the line held so far even when it comes alone: the
// line is written at once, not with the next one.
func TestANewlineAloneCompletesTheLine(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, []string{"s3cret"})
	if n, err := w.Write([]byte("key s3cret")); n != 10 || err != nil || out.Len() != 0 {
		t.Fatalf("partial line: n %d, err %v, written %q", n, err, out.String())
	}
	if n, err := w.Write([]byte("\n")); n != 1 || err != nil {
		t.Fatalf("newline: n %d, err %v", n, err)
	}
	if got := out.String(); got != "key "+Mask+"\n" {
		t.Fatalf("written %q", got)
	}
	out.Reset()
	w = NewWriter(&out, nil)
	_, _ = w.Write([]byte("\nnext"))
	if got := out.String(); got != "\n" {
		t.Fatalf("an empty line was held: written %q", got)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportsTheUnderlyingError(t *testing.T) {
	w := NewWriter(failingWriter{}, nil)
	if n, err := w.Write([]byte("a line\n")); err == nil || n != 0 {
		t.Fatalf("n %d, err %v; want 0 and the writer's error", n, err)
	}
}

// Once a secret with spaces is known, lines go through the wrapping path;
// an ID revealed there must still be learned and masked.
func TestIDsAreLearnedWhileWrappingIsWatched(t *testing.T) {
	got := String("random_string.token: Creation complete after 0s [id=Zq9xK2pLw]\nuse Zq9xK2pLw\n", []string{"correct horse"})
	if want := "random_string.token: Creation complete after 0s [id=" + Mask + "]\nuse " + Mask + "\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// A revealed ID with spaces (aws_secretsmanager_random_password with
// include_space) that terraform wraps further down the same chunk of
// output must be masked across the break, as a given secret would be.
func TestIDWithSpacesWrappedInTheSameWrite(t *testing.T) {
	in := "data.aws_secretsmanager_random_password.p: Read complete after 0s [id=aa bb cc]\n" +
		"│ Error: value aa\n│ bb cc rejected\n"
	got := String(in, nil)
	want := "data.aws_secretsmanager_random_password.p: Read complete after 0s [id=" + Mask + "]\n" +
		"│ Error: value " + Mask + "\n│ " + Mask + " rejected\n"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// Only the secret's own bytes are replaced on each line it spans: the box
// and indentation terraform put before the continuation stay, and a
// continuation starting at the line's first byte loses that byte too.
func TestWrappedSecretIsReplacedExactly(t *testing.T) {
	cases := map[string]string{
		"x aa\nbb cc y\n":         "x " + Mask + "\n" + Mask + " y\n",
		"x aa\n│   bb cc y\n":     "x " + Mask + "\n│   " + Mask + " y\n",
		"x aa bb\n\tcc, then z\n": "x " + Mask + "\n\t" + Mask + ", then z\n",
	}
	for in, want := range cases {
		if got := String(in, []string{"aa bb cc"}); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

// Lines are held from the earliest one where any known secret may have
// begun, whichever secret is looked at first (the longest), and the lines
// before it are written at once.
func TestHeldFromTheEarliestPossibleStart(t *testing.T) {
	cases := []struct {
		secrets         []string
		in, early, rest string
	}{
		// The secret looked at first starts on line 0, the other later.
		{[]string{"aa bb cc dd", "bb cc"}, "x aa\nbb\n", "", "cc dd\n"},
		// The secret looked at first starts later than the other.
		{[]string{"bb cc dd ee", "aa bb zz"}, "first\nx aa\nbb\n", "first\n", "zz\n"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		w := NewWriter(&out, c.secrets)
		_, _ = w.Write([]byte(c.in))
		if got := out.String(); got != c.early {
			t.Fatalf("%q: written before the rest came: %q, want %q", c.secrets, got, c.early)
		}
		_, _ = w.Write([]byte(c.rest))
		_ = w.Flush()
		if got, want := out.String(), c.early+"x "+Mask+"\n"+Mask+"\n"+Mask+"\n"; got != want {
			t.Errorf("%q: got %q, want %q", c.secrets, got, want)
		}
	}
}
