package moto

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestServerLifecycle(t *testing.T) {
	srv := Start(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || srv.Port == 0 {
		t.Fatalf("URL %q, Port %d: want a loopback address", srv.URL, srv.Port)
	}
	env := srv.Env()
	for _, want := range []string{"AWS_ENDPOINT_URL=" + srv.URL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true", "CHECKPOINT_DISABLE=1"} {
		if !slices.Contains(env, want) {
			t.Errorf("Env() lacks %s: %v", want, env)
		}
	}

	ctx := context.Background()
	client := s3.NewFromConfig(srv.AWSConfig(t))
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("harness-check")}); err != nil {
		t.Fatalf("CreateBucket through AWSConfig: %v", err)
	}
	if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("harness-check")}); err != nil {
		t.Fatalf("HeadBucket: %v", err)
	}
	if err := srv.Reset(); err != nil {
		t.Fatal(err)
	}
	out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buckets) != 0 {
		t.Errorf("after Reset: %d buckets, want 0", len(out.Buckets))
	}

	srv.Stop()
	select {
	case <-srv.done:
	case <-time.After(5 * time.Second):
		t.Fatal("emulator process still running after Stop")
	}
	c := &http.Client{Timeout: time.Second}
	if resp, err := c.Get(srv.URL + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Fatal("emulator still answers after Stop: a child process survived")
	}
	srv.Stop() // a second Stop (the Cleanup) must not block or panic
}

func TestStartMainIndependentServers(t *testing.T) {
	a, stopA, err := StartMain()
	if err != nil {
		t.Fatal(err)
	}
	defer stopA()
	b := Start(t)
	if a.Port == b.Port {
		t.Fatalf("two servers share port %d", a.Port)
	}
	ctx := context.Background()
	if _, err := s3.NewFromConfig(a.Config()).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("only-in-a")}); err != nil {
		t.Fatal(err)
	}
	_, err = s3.NewFromConfig(b.AWSConfig(t)).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("only-in-a")})
	var nf *s3types.NotFound
	if err == nil || !errors.As(err, &nf) {
		t.Fatalf("HeadBucket on the other server: %v, want not found", err)
	}
}

func TestRepoRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// This package lives at internal/testutil/moto under the root.
	wd, _ := os.Getwd()
	if want := filepath.Join(root, "internal", "testutil", "moto"); wd != want {
		t.Fatalf("RepoRoot() = %q; working directory %q is not %q", root, wd, want)
	}
}

// StartStock runs moto_server itself, never the launcher; Start runs the
// launcher when the repository has one.
func TestStartStockRunsMotoServer(t *testing.T) {
	stock := StartStock(t)
	if got := filepath.Base(stock.cmd.Path); got != "moto_server" || slices.ContainsFunc(stock.cmd.Args, func(a string) bool { return strings.HasSuffix(a, ".py") }) {
		t.Fatalf("StartStock ran %s %v; want moto_server without the launcher", stock.cmd.Path, stock.cmd.Args)
	}
	patched := Start(t)
	if !slices.ContainsFunc(patched.cmd.Args, func(a string) bool { return strings.HasSuffix(a, LauncherPath) }) {
		t.Fatalf("Start ran %v; want the launcher %s", patched.cmd.Args, LauncherPath)
	}
	if _, err := s3.NewFromConfig(stock.Config()).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("stock")}); err != nil {
		t.Fatalf("CreateBucket on stock moto: %v", err)
	}
}
