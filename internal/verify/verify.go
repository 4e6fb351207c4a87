// Package verify runs the post-deploy checks declared in unit.hcl
// (`verify "NAME" { ... }`), evaluated with the unit's outputs and inputs
// after apply: HTTP answers, TLS certificates, DNS names, JWT issuers and
// assertions. Each check retries until its deadline and reports pass or
// fail with the reason and timing; secrets never reach a message.
//
// The caller evaluates the blocks with config.Stack.EvalVerify (Inputs
// and Outputs build its arguments) and runs the specs with a Verifier.
package verify

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/zclconf/go-cty/cty"

	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// Defaults for checks that do not set their own.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultInterval    = 2 * time.Second
	DefaultParallelism = 4
	// attemptTimeout bounds one request, so that a server that accepts
	// and never answers still leaves time for another attempt.
	attemptTimeout = 15 * time.Second
)

// Options configure a Verifier.
type Options struct {
	// Resolve sends connections for HOST:PORT to another address, like
	// curl --resolve: a new load balancer can be verified before DNS
	// points at it. DNS checks are not affected.
	Resolve []Resolve
	// CAFile is a PEM bundle trusted next to the system roots.
	CAFile string
	// Timeout is the deadline of a check that sets none; Interval the
	// pause between its attempts.
	Timeout, Interval time.Duration
	// Parallelism bounds the checks that run at once.
	Parallelism int
	// Resolver answers DNS checks; nil means net.DefaultResolver.
	Resolver *net.Resolver
}

// Resolve is one --resolve mapping.
type Resolve struct {
	Host, Port, Addr string
}

// ParseResolve reads HOST:PORT:ADDR as curl does; ADDR may be an IPv6
// address in brackets.
func ParseResolve(s string) (Resolve, error) {
	host, rest, ok1 := strings.Cut(s, ":")
	port, addr, ok2 := strings.Cut(rest, ":")
	addr = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
	if !ok1 || !ok2 || host == "" || port == "" || addr == "" {
		return Resolve{}, fmt.Errorf("--resolve %q: want HOST:PORT:ADDR, like app.example.com:443:10.0.3.7", s)
	}
	if net.ParseIP(addr) == nil {
		return Resolve{}, fmt.Errorf("--resolve %q: %q is not an IP address", s, addr)
	}
	return Resolve{Host: strings.ToLower(host), Port: port, Addr: addr}, nil
}

// Verifier runs checks. It is safe for concurrent use: apply --verify
// runs each unit's checks as the unit finishes.
type Verifier struct {
	opts  Options
	roots *x509.CertPool // nil: the system roots
	// resolve maps "host:port" to "addr:port".
	resolve map[string]string
	dialer  *net.Dialer
}

// New prepares a Verifier, reading the CA file once.
func New(opts Options) (*Verifier, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = DefaultParallelism
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	// No dial timeout of its own: every attempt's context has a deadline
	// (attemptTimeout at most), which bounds the dial as well.
	v := &Verifier{opts: opts, resolve: map[string]string{}, dialer: &net.Dialer{}}
	for _, r := range opts.Resolve {
		v.resolve[net.JoinHostPort(r.Host, r.Port)] = net.JoinHostPort(r.Addr, r.Port)
	}
	if opts.CAFile != "" {
		pool, err := loadCAFile(opts.CAFile)
		if err != nil {
			return nil, err
		}
		v.roots = pool
	}
	return v, nil
}

func loadCAFile(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--ca-file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	found := false
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("--ca-file %s: %w", path, err)
		}
		pool.AddCert(cert)
		found = true
	}
	if !found {
		return nil, errors.New("--ca-file " + path + ": no PEM certificate in it; give a file of one or more \"-----BEGIN CERTIFICATE-----\" blocks, such as the CA's certificate exported as PEM")
	}
	return pool, nil
}

// dial connects, following --resolve.
func (v *Verifier) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if to, ok := v.resolve[strings.ToLower(addr)]; ok {
		addr = to
	}
	return v.dialer.DialContext(ctx, network, addr)
}

// dialVia dials connectTo ("HOST" or "HOST:PORT"; the port of the
// address asked for when it has none) in place of the address asked for,
// still following --resolve; with connectTo empty it is dial. Everything
// above the connection (Host header, server name, the name the
// certificate must cover) stays the URL's.
func (v *Verifier) dialVia(connectTo string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if connectTo == "" {
		return v.dial
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		to := connectTo
		if _, _, err := net.SplitHostPort(connectTo); err != nil {
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			to = net.JoinHostPort(connectTo, port)
		}
		return v.dial(ctx, network, to)
	}
}

func (v *Verifier) resolved(hostport string) bool {
	_, ok := v.resolve[strings.ToLower(hostport)]
	return ok
}

// Run runs the specs, at most Parallelism at once, and returns their
// results in the specs' order. onResult, when set, receives each result
// as it is known (from several goroutines, one at a time).
func (v *Verifier) Run(ctx context.Context, specs []*config.VerifySpec, onResult func(Result)) []Result {
	results := make([]Result, len(specs))
	sem := make(chan struct{}, v.opts.Parallelism)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r := v.check(ctx, s)
			results[i] = r
			if onResult != nil {
				mu.Lock()
				onResult(r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

// Outputs turns a unit's state into the values verify blocks see as
// outputs.<name>, sensitive ones marked.
func Outputs(st *state.State) map[string]cty.Value {
	out := map[string]cty.Value{}
	if st == nil {
		return out
	}
	for name, o := range st.Outputs {
		v := o.Value
		if o.Sensitive {
			v = v.Mark(config.Sensitive)
		}
		out[name] = v
	}
	return out
}

// Inputs turns a unit's rendered inputs into the values verify blocks see
// as inputs.<name>.
func Inputs(ins []config.Input) map[string]cty.Value {
	out := make(map[string]cty.Value, len(ins))
	for _, in := range ins {
		out[in.Name] = in.Value
	}
	return out
}
