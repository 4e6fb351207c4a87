package stack

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// noPasswordPrinted: the database master password, read back from SSM,
// is in nothing stackctl printed (validate, render, bootstrap, apply) and
// in no file it wrote — logs, rendered inputs, working folders, plans.
// The module never lets terraform see it outside write-only arguments, so
// not even the state holds it; the grep spares nothing.
func (e *stackEnv) noPasswordPrinted(t *testing.T) {
	t.Helper()
	out, err := ssm.NewFromConfig(e.cfg).GetParameter(context.Background(), &ssm.GetParameterInput{
		Name: aws.String("/bookmark-manager/" + e.name + "/database/master-password"), WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatalf("reading the master password back: %v", err)
	}
	pw := aws.ToString(out.Parameter.Value)
	if len(pw) < 20 {
		t.Fatalf("the master password read back is %d characters: not the generated one", len(pw))
	}
	e.mu.Lock()
	printed := e.printed.String()
	e.mu.Unlock()
	if printed == "" {
		t.Fatal("nothing recorded of what stackctl printed")
	}
	if strings.Contains(printed, pw) {
		t.Error("stackctl printed the database master password")
	}
	files := 0
	err = filepath.WalkDir(e.tr.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		// Provider binaries are hundreds of MB and were built elsewhere.
		if info, err := d.Info(); err == nil && info.Size() > 64<<20 {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		if bytes.Contains(data, []byte(pw)) {
			rel, _ := filepath.Rel(e.tr.Dir, p)
			t.Errorf("%s holds the database master password", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("master password (%d characters) in none of %d bytes printed and %d files written", len(pw), len(printed), files)
}
