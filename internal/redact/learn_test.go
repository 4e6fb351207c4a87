package redact

import (
	"strings"
	"testing"
)

// writeAll writes chunks through a Writer with the given secrets and
// returns what came out.
func writeAll(t *testing.T, secrets []string, chunks ...string) string {
	t.Helper()
	var b strings.Builder
	w := NewWriter(&b, secrets)
	for _, c := range chunks {
		if _, err := w.Write([]byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The password terraform prints as the ID of
// data.aws_secretsmanager_random_password is masked where it is printed
// and in every later line, coloured or not, split across writes or not.
func TestWriterLearnsSecretIDs(t *testing.T) {
	const pw = "Zq8vN2kLmX4pR7tW9yB3cD5fG6hJ1"
	cases := map[string][]string{
		"plain": {
			"data.aws_secretsmanager_random_password.master: Reading...\n",
			"data.aws_secretsmanager_random_password.master: Read complete after 0s [id=" + pw + "]\n",
			"  + value = \"" + pw + "\"\n",
		},
		"coloured, in a module, split": {
			"\x1b[0m\x1b[1mmodule.db.data.aws_secretsmanager_random_password.master: Read complete after 0s [id=" + pw[:10],
			pw[10:] + "]\x1b[0m\n",
			"later " + pw + " again\n",
		},
		"keyed module instance with dots": {
			`module.db["eu.west"].data.aws_secretsmanager_random_password.master[0]: Read complete after 1s [id=` + pw + "]\n",
			pw + "\n",
		},
		"random_string still creating": {
			"random_string.token: Still creating... [id=" + pw + ", 1m10s elapsed]\n",
			"token=" + pw + "\n",
		},
		"json UI": {
			`{"@level":"info","@message":"data.aws_secretsmanager_random_password.master: Read complete after 0s [id=` + pw + `]","hook":{"resource":{"addr":"data.aws_secretsmanager_random_password.master","resource_type":"aws_secretsmanager_random_password"},"action":"read","id_key":"id","id_value":"` + pw + `","elapsed_seconds":0},"type":"apply_complete"}` + "\n",
			`{"@message":"` + pw + `"}` + "\n",
		},
	}
	for name, chunks := range cases {
		t.Run(name, func(t *testing.T) {
			got := writeAll(t, nil, chunks...)
			if strings.Contains(got, pw) || strings.Contains(got, pw[:20]) {
				t.Fatalf("the password leaked:\n%s", got)
			}
			if n := strings.Count(got, Mask); n < 2 {
				t.Errorf("want the ID and the later use masked, got %d masks:\n%s", n, got)
			}
		})
	}
}

// An ID with "]" in it is learned whole (terraform prints it raw), and an
// ID over 80 characters, which terraform shortens to a prefix and "...",
// has its prefix learned.
func TestWriterLearnsAwkwardIDs(t *testing.T) {
	bracket := "ab]cd]ef12"
	got := writeAll(t, nil, "data.aws_secretsmanager_random_password.p: Read complete after 0s [id="+bracket+"]\n", "x "+bracket+"\n")
	if strings.Contains(got, "cd]ef12") {
		t.Errorf("an ID with brackets leaked:\n%s", got)
	}
	long := strings.Repeat("k", 77)
	got = writeAll(t, nil, "random_string.s: Creation complete after 0s [id="+long+"...]\n", long+"tail\n")
	if strings.Contains(got, long) {
		t.Errorf("a shortened ID's prefix leaked:\n%s", got)
	}
}

// IDs of other types are not secrets and stay; random_password's "none"
// is not learned (it would mask the word everywhere).
func TestWriterLeavesOrdinaryIDs(t *testing.T) {
	in := "aws_vpc.this: Creation complete after 1s [id=vpc-0123456789abcdef0]\n" +
		"random_password.master: Creation complete after 0s [id=none]\n" +
		"data.aws_ssm_parameter.x: Read complete after 0s [id=/app/dev/db]\n" +
		"vpc-0123456789abcdef0 none /app/dev/db\n"
	if got := writeAll(t, nil, in); got != in {
		t.Errorf("ordinary IDs changed:\n%s", got)
	}
}

// Mask and String know learned secrets too: ops masks the error text of
// a failed step, which does not pass through the writer.
func TestMaskUsesLearnedSecrets(t *testing.T) {
	const pw = "learned-secret-value-42"
	w := NewWriter(&strings.Builder{}, []string{"given-secret"})
	if _, err := w.Write([]byte("random_string.s: Creation complete after 0s [id=" + pw + "]\n")); err != nil {
		t.Fatal(err)
	}
	if got := w.Mask("Error: " + pw + " and given-secret"); strings.Contains(got, pw) || strings.Contains(got, "given-secret") {
		t.Errorf("Mask: %s", got)
	}
	text := "data.aws_secretsmanager_random_password.m: Read complete after 0s [id=" + pw + "]\nuse " + pw
	if got := String(text, nil); strings.Contains(got, pw) {
		t.Errorf("String: %s", got)
	}
}

func TestAddrType(t *testing.T) {
	for addr, want := range map[string]string{
		"aws_vpc.this":           "aws_vpc",
		"data.aws_x.y":           "data.aws_x",
		"module.db.data.aws_x.y": "data.aws_x",
		`module.a["k.z"].module.b[0].random_string.s[1]`: "random_string",
		"module.": "",
	} {
		if got := addrType(addr); got != want {
			t.Errorf("addrType(%q) = %q, want %q", addr, got, want)
		}
	}
}
