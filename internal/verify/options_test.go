package verify

import (
	"net"
	"testing"
	"time"
)

// Options left out take the documented defaults.
func TestNewDefaults(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o := v.opts; o.Timeout != DefaultTimeout || o.Interval != DefaultInterval || o.Parallelism != DefaultParallelism || o.Resolver != net.DefaultResolver {
		t.Errorf("defaults: %+v", o)
	}
	v, err = New(Options{Timeout: time.Second, Interval: time.Millisecond, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	if o := v.opts; o.Timeout != time.Second || o.Interval != time.Millisecond || o.Parallelism != 1 {
		t.Errorf("given options replaced: %+v", o)
	}
}

func TestParseResolve(t *testing.T) {
	for in, want := range map[string]Resolve{
		"App.Example.com:443:10.0.3.7": {"app.example.com", "443", "10.0.3.7"},
		"app.example.com:8443:[::1]":   {"app.example.com", "8443", "::1"},
	} {
		got, err := ParseResolve(in)
		if err != nil || got != want {
			t.Errorf("ParseResolve(%q) = %+v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"app.example.com:443", "app.example.com:443:not-an-ip", ":443:10.0.0.1"} {
		if _, err := ParseResolve(bad); err == nil {
			t.Errorf("ParseResolve(%q): want an error", bad)
		}
	}
}
