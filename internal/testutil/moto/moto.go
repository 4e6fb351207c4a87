// Package moto runs a private AWS emulator (moto) for tests: one process
// per call on 127.0.0.1 and a free port, stopped when the test (or the
// package, with StartMain) ends. Tests that need AWS fail, never skip,
// when the emulator cannot be started: a skipped test looks like a passed
// one in CI.
package moto

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the region every client of the emulator uses.
const Region = "us-east-1"

// Static credentials moto accepts; they are not secrets.
const (
	AccessKeyID     = "test"
	SecretAccessKey = "test"
)

// LauncherPath is where the repository's emulator launcher lives, relative
// to the repository root. It patches gaps of moto 5.2.1 and takes the same
// arguments as moto_server.
const LauncherPath = "infra/emulator/moto_launcher.py"

const installHint = "install Python 3 and moto with its server extras: pip install 'moto[server]==5.2.1'"

// startTimeout bounds the wait for the emulator to answer; it imports a
// large Python package and needs one to three seconds on a quiet machine.
const startTimeout = 60 * time.Second

// Server is one running emulator.
type Server struct {
	URL  string // http://127.0.0.1:PORT
	Port int

	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
	stop sync.Once
}

// Start starts an emulator for t and stops it when t ends. It fails t with
// what to install when python3 or moto is missing.
func Start(t testing.TB) *Server { t.Helper(); return startFor(t, false) }

// StartStock is Start with stock moto_server: none of the launcher's
// patches. Product code that talks to AWS is tested on it too, so that a
// patch can never hide a product bug.
func StartStock(t testing.TB) *Server { t.Helper(); return startFor(t, true) }

func startFor(t testing.TB, stock bool) *Server {
	t.Helper()
	s, err := start(stock)
	if err != nil {
		t.Fatalf("starting the AWS emulator: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("AWS emulator output (last lines):\n%s", s.out.tail(40))
		}
		s.Stop()
	})
	return s
}

// StartMain starts an emulator shared by a package's tests, for a TestMain
// that needs more than Main, or one that starts it lazily; the caller
// calls stop after m.Run.
func StartMain() (*Server, func(), error) { return startMain(false) }

func startMain(stock bool) (*Server, func(), error) {
	s, err := start(stock)
	if err != nil {
		return nil, func() {}, fmt.Errorf("starting the AWS emulator: %w", err)
	}
	return s, s.Stop, nil
}

// Main is a package's TestMain when every test shares one emulator: it
// starts it, stores it in *srv, runs the tests, stops it and exits. It
// exits 1 with what to install when the emulator cannot be started.
//
//	var srv *moto.Server
//
//	func TestMain(m *testing.M) { moto.Main(m, &srv) }
func Main(m *testing.M, srv **Server) { runMain(m, srv, false) }

// MainStock is Main with stock moto_server (see StartStock).
func MainStock(m *testing.M, srv **Server) { runMain(m, srv, true) }

func runMain(m *testing.M, srv **Server, stock bool) {
	s, stop, err := startMain(stock)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*srv = s
	code := m.Run()
	stop()
	os.Exit(code)
}

// Signal sends sig to the emulator's process: SIGSTOP freezes it, as a
// hung endpoint would be, and SIGCONT lets it go on.
func (s *Server) Signal(sig os.Signal) error { return s.cmd.Process.Signal(sig) }

// Env returns the environment that points AWS SDKs, the AWS CLI and
// Terraform at the emulator, to append to os.Environ() (later entries win
// in os/exec). It keeps Terraform from phoning home and the SDKs from
// probing the EC2 metadata service.
func (s *Server) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + s.URL,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + Region,
		// boto3 and the AWS CLI v1 read only AWS_DEFAULT_REGION.
		"AWS_DEFAULT_REGION=" + Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"CHECKPOINT_DISABLE=1",
	}
}

// Reset wipes every resource in the emulator (POST /moto-api/reset).
func (s *Server) Reset() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("resetting the AWS emulator at %s: %w", s.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("resetting the AWS emulator at %s: HTTP %d", s.URL, resp.StatusCode)
	}
	return nil
}

// AWSConfig returns an SDK configuration that talks to the emulator only:
// static credentials, fixed region, BaseEndpoint set. It does not read the
// environment or shared files, so a developer's AWS profile cannot leak
// into a test. S3 clients built from it use path-style addressing, which
// the SDK picks by itself for an IP-address endpoint.
func (s *Server) AWSConfig(t testing.TB) aws.Config {
	t.Helper()
	return s.Config()
}

// Config is AWSConfig without a test, for TestMain.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, "")),
		BaseEndpoint: aws.String(s.URL),
	}
}

// Stop kills the emulator's process group and waits for it. Safe to call
// more than once.
func (s *Server) Stop() {
	s.stop.Do(func() {
		terminate(s.cmd, syscallTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			terminate(s.cmd, syscallKILL)
			<-s.done
		}
	})
}

// RepoRoot returns the nearest folder upward from the working directory
// that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found above the working directory")
		}
		dir = parent
	}
}

// command returns the program that runs the emulator: the repository's
// launcher when there is one (unless stock), moto_server otherwise.
func command(stock bool) (name string, args []string, err error) {
	if root, err := RepoRoot(); err == nil && !stock {
		launcher := filepath.Join(root, LauncherPath)
		if _, err := os.Stat(launcher); err == nil {
			py, err := exec.LookPath("python3")
			if err != nil {
				return "", nil, fmt.Errorf("python3 is not on PATH (needed for %s): %s", LauncherPath, installHint)
			}
			return py, []string{launcher}, nil
		}
	}
	ms, err := exec.LookPath("moto_server")
	if err != nil {
		return "", nil, fmt.Errorf("moto_server is not on PATH: %s", installHint)
	}
	return ms, nil, nil
}

func start(stock bool) (*Server, error) {
	name, args, err := command(stock)
	if err != nil {
		return nil, err
	}
	// A port found free can be taken before moto binds it; try again then.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s, err := launch(name, append(args, "-H", "127.0.0.1", "-p", strconv.Itoa(port)), port)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if !strings.Contains(err.Error(), "in use") {
			break
		}
	}
	return nil, lastErr
}

func launch(name string, args []string, port int) (*Server, error) {
	s := &Server{
		URL:  "http://127.0.0.1:" + strconv.Itoa(port),
		Port: port,
		out:  &syncBuffer{},
		done: make(chan struct{}),
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(),
		"MOTO_IAM_LOAD_MANAGED_POLICIES=true",
		"MOTO_ACM_VALIDATION_WAIT=0",
		// Python buffers a pipe's output; the log is only useful unbuffered.
		"PYTHONUNBUFFERED=1",
	)
	cmd.Stdout = s.out
	cmd.Stderr = s.out
	// Its own process group, so that Stop also ends what a wrapper (pyenv's
	// python3 shim, the launcher) started.
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("running %s: %w (%s)", name, err, installHint)
	}
	s.cmd = cmd
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()

	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.done:
			return nil, s.exitError(name)
		default:
		}
		if resp, err := client.Get(s.URL + "/moto-api/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("%s did not answer on %s within %s; its output:\n%s", name, s.URL, startTimeout, s.out.tail(20))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) exitError(name string) error {
	out := s.out.tail(20)
	switch {
	case strings.Contains(out, "No module named"):
		return fmt.Errorf("%s exited: a Python module is missing: %s; its output:\n%s", name, installHint, out)
	case strings.Contains(out, "Address already in use"):
		return fmt.Errorf("%s exited: port %d already in use", name, s.Port)
	default:
		return fmt.Errorf("%s exited before answering (%s); its output:\n%s", name, installHint, out)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port on 127.0.0.1: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects the emulator's output; the process writes it from
// os/exec's copying goroutine while tests may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Keep memory bounded: moto logs every request.
	if b.buf.Len() > 1<<20 {
		rest := b.buf.Bytes()[b.buf.Len()-(1<<19):]
		b.buf = *bytes.NewBuffer(append([]byte(nil), rest...))
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) tail(lines int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	all := strings.Split(strings.TrimRight(b.buf.String(), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
