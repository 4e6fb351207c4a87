package state

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseMarshal: no input makes Parse or Marshal panic, and whatever
// Parse accepts writes back to a document that parses to the same bytes
// again (a write never produces a state the next read rejects).
func FuzzParseMarshal(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "states", "*.tfstate"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"version":4,"serial":1,"lineage":"x","outputs":{},"resources":[]}`))
	f.Add([]byte(`{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"index_key":"a\"b","attributes":{}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		out, err := s.Marshal()
		if err != nil {
			return
		}
		s2, err := Parse(out)
		if err != nil {
			t.Fatalf("a state written by Marshal does not parse: %v\n%s", err, out)
		}
		out2, err := s2.Marshal()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("written twice, the bytes differ (%v):\n%s\n---\n%s", err, out, out2)
		}
		_ = s.Instances()
		for range s.Objects() {
		}
	})
}

// FuzzParseLockInfo: any lock document, however broken, is an error or a
// lock, never a crash.
func FuzzParseLockInfo(f *testing.F) {
	f.Add([]byte(`{"ID":"a","Operation":"OperationTypeApply","Who":"me@host","Version":"1.11.4","Created":"2026-11-23T11:24:10.965172155Z","Path":"p"}`))
	f.Add([]byte(`{"ID":5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if l, err := ParseLockInfo(data, "where"); err == nil {
			_ = l.String()
		}
	})
}
