package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/stackctl/stackctl/internal/testutil/moto"
)

var (
	motoOnce   sync.Once
	motoServer *moto.Server
	motoStop   func()
	motoErr    error
)

// emulator returns the package's moto_server, started on first use and
// stopped by TestMain. Tests keep apart by bucket name.
func emulator(t *testing.T) *moto.Server {
	t.Helper()
	motoOnce.Do(func() { motoServer, motoStop, motoErr = moto.StartMain() })
	if motoErr != nil {
		t.Fatalf("starting the AWS emulator: %v", motoErr)
	}
	return motoServer
}

func stopEmulator() {
	if motoStop != nil {
		motoStop()
	}
}

func randomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// s3Tree is chain() with state in S3 on the emulator, in a bucket of its
// own.
func s3Tree(t *testing.T, extra map[string]string) (*tree, *moto.Server, string) {
	t.Helper()
	srv := emulator(t)
	project := randomName("e2e")
	files := chain()
	files["stackctl.hcl"] = strings.Replace(rootFile, `project  = "e2e"`, `project  = "`+project+`"`, 1) + `
remote_state {
  backend = "s3"
  config = {
    bucket       = "${project}-tfstate-${env.name}"
    key          = "${unit.path}/terraform.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}
`
	for k, v := range extra {
		files[k] = v
	}
	tr := newTree(t, files)
	tr.Env = append(tr.Env, srv.Env()...)
	return tr, srv, project + "-tfstate-dev"
}

func s3Client(t *testing.T, srv *moto.Server) *s3.Client {
	return s3.NewFromConfig(srv.AWSConfig(t), func(o *s3.Options) { o.UsePathStyle = true })
}

func objectKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("listing %s: %v", bucket, err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	slices.Sort(keys)
	return keys
}

func objectVersions(t *testing.T, c *s3.Client, bucket string) string {
	t.Helper()
	out, err := c.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("listing versions of %s: %v", bucket, err)
	}
	var ids []string
	for _, v := range out.Versions {
		ids = append(ids, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
	}
	slices.Sort(ids)
	return strings.Join(ids, ",")
}

func TestS3BootstrapIsHardenedAndIdempotent(t *testing.T) {
	t.Parallel()
	tr, srv, bucket := s3Tree(t, nil)
	r := tr.Must(0, "bootstrap", "dev")
	contains(t, "bootstrap", r.Stdout, "s3://"+bucket, "created")
	c := s3Client(t, srv)
	ctx := context.Background()
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("versioning: %v %v", v, err)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil || enc.ServerSideEncryptionConfiguration == nil || len(enc.ServerSideEncryptionConfiguration.Rules) == 0 || enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("encryption: %v", err)
	}
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("public access block: %v", err)
	}
	p := pab.PublicAccessBlockConfiguration
	if !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.RestrictPublicBuckets) {
		t.Errorf("public access block %+v", p)
	}
	// The emulator is plain HTTP: a TLS-only policy would lock everyone
	// out, so there is none, and the report says why.
	if pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)}); err == nil && strings.Contains(aws.ToString(pol.Policy), "aws:SecureTransport") {
		t.Errorf("a TLS-only policy on a plain-HTTP endpoint: %s", aws.ToString(pol.Policy))
	}
	contains(t, "bootstrap", r.Stdout, "not applicable")
	// A second run finds everything in place and changes nothing.
	r = tr.Must(0, "bootstrap", "dev", "--json")
	var doc struct {
		Reports []struct {
			Checks []struct{ Setting, Status string }
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Reports) != 1 || len(doc.Reports[0].Checks) == 0 {
		t.Fatalf("second bootstrap: want one report with its checks:\n%s", r.Stdout)
	}
	for _, ch := range doc.Reports[0].Checks {
		if ch.Status != "ok" && ch.Status != "not applicable" {
			t.Errorf("second bootstrap: %s is %s", ch.Setting, ch.Status)
		}
	}
}

func TestS3AuditChangesNothingUntilFix(t *testing.T) {
	t.Parallel()
	tr, srv, bucket := s3Tree(t, nil)
	c := s3Client(t, srv)
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	r := tr.Must(2, "bootstrap", "dev")
	contains(t, "audit", r.Stdout, "missing", "versioning", "encryption", "block_public_acls", "restrict_public_buckets")
	contains(t, "audit", r.Stderr, "nothing was changed", "stackctl bootstrap dev --fix")
	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("versioning after the audit: %v", err)
	} else if v.Status == s3types.BucketVersioningStatusEnabled {
		t.Error("the audit enabled versioning")
	}
	r = tr.Must(0, "bootstrap", "dev", "--fix")
	contains(t, "fix", r.Stdout, "fixed")
	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}); err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("--fix did not enable versioning (%v)", err)
	}
	tr.Must(0, "bootstrap", "dev")
}

func TestS3StateApplyOutputsNoOp(t *testing.T) {
	t.Parallel()
	tr, srv, bucket := s3Tree(t, nil)
	c := s3Client(t, srv)

	// Before bootstrap: one clear message, and no terraform ran.
	r := tr.Must(1, "plan", "dev")
	contains(t, "plan before bootstrap", r.Stderr, bucket, "does not exist", "stackctl bootstrap dev")
	if strings.Contains(r.Stdout, "▶") {
		t.Errorf("units ran against a missing bucket:\n%s", r.Stdout)
	}

	tr.Must(0, "bootstrap", "dev")
	tr.Must(0, "apply", "dev", "--auto-approve")
	want := []string{"database/terraform.tfstate", "monitoring/terraform.tfstate", "network/terraform.tfstate", "service/terraform.tfstate"}
	if got := objectKeys(t, c, bucket); !slices.Equal(got, want) {
		t.Errorf("state objects %v, want %v", got, want)
	}
	if _, err := os.Stat(tr.Path(".stackctl/state")); err == nil {
		t.Error("local state written although remote_state is s3")
	}

	// Outputs come straight from the S3 objects: no terraform on PATH.
	tr.Env = append(tr.Env, "PATH=/usr/bin:/bin")
	r = tr.Must(0, "output", "dev", "--unit", "service", "--json")
	contains(t, "outputs from S3", r.Stdout, `"value": "service(database(network()))"`)
	tr.Env = tr.Env[:len(tr.Env)-1]

	r = tr.Must(0, "plan", "dev", "--detailed-exitcode")
	contains(t, "no-op plan", r.Stdout, "plan dev: 4 succeeded")
}

// Two applies of one unit at once, from two checkouts sharing one state
// (two CI jobs, two laptops): the second waits for the lock, gives up after
// --lock-timeout naming who holds it, and the state is intact. The first
// holds the lock for 15 s: the second must start, plan and time out within
// that, also on a loaded 2-core machine running the other tests with
// -race. (Two runs in one checkout wait for each other's working folder
// first: TestTwoRunsInOneCheckout.)
func TestS3ConcurrentAppliesLock(t *testing.T) {
	t.Parallel()
	tr, srv, bucket := s3Tree(t, map[string]string{
		"live/dev/slow/unit.hcl": `source = "../../../modules/step"
inputs = { name = "slow", sleep = 15 }
`,
	})
	tr.Must(0, "bootstrap", "dev")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	first, out1, err1 := tr.Command(ctx, "apply", "dev", "--unit", "slow", "--auto-approve", "--stream")
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, first, out1, "Provisioning with 'local-exec'")
	// The second run's terraform must be the one waiting: its command line
	// carries -lock-timeout (stackctl's own message would echo the flag
	// even if it never passed it on).
	co := tr.Checkout()
	second, out2, err2 := co.Command(ctx, "apply", "dev", "--unit", "slow", "--auto-approve", "--lock-timeout", "2s")
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- second.Wait() }()
	var cmdlines []string
	var err error
poll:
	for {
		select {
		case err = <-waited:
			break poll
		case <-time.After(20 * time.Millisecond):
			cmdlines = append(cmdlines, terraformCmdlines(t, co.Dir)...)
		}
	}
	if code := second.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("second apply: exit %d (%v), want 1\n%s\n%s", code, err, out2, err2)
	}
	if !slices.ContainsFunc(cmdlines, func(c string) bool {
		return (strings.Contains(c, " plan ") || strings.Contains(c, " apply ")) && strings.Contains(c, " -lock-timeout=2s")
	}) {
		t.Errorf("no terraform plan or apply of the second run got -lock-timeout=2s; its terraform ran as:\n%s", strings.Join(slices.Compact(slices.Sorted(slices.Values(cmdlines))), "\n"))
	}
	r := result{Stdout: out2.String(), Stderr: err2.String()}
	contains(t, "second apply", r.Stdout, "the state of slow is locked by", " since ", "(apply, terraform", "stackctl force-unlock dev --unit slow ")
	if err := first.Wait(); err != nil {
		t.Fatalf("first apply: %v\n%s\n%s", err, out1, err1)
	}
	r = tr.Must(0, "output", "dev", "--unit", "slow", "--json")
	contains(t, "state after both", r.Stdout, `"value": "slow()"`)
	if got := objectKeys(t, s3Client(t, srv), bucket); !slices.Equal(got, []string{"slow/terraform.tfstate"}) {
		t.Errorf("objects after both applies: %v (a lock left behind?)", got)
	}
}

// A lock left by a run that died is released by force-unlock, which names
// the holder and needs the right ID.
func TestS3ForceUnlock(t *testing.T) {
	t.Parallel()
	tr, _, _ := s3Tree(t, map[string]string{
		"live/dev/slow/unit.hcl": `source = "../../../modules/step"
inputs = { name = "slow", sleep = 60 }
`,
	})
	tr.Must(0, "bootstrap", "dev")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, out, _ := tr.Command(ctx, "apply", "dev", "--unit", "slow", "--auto-approve", "--stream")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, cmd, out, "Provisioning with 'local-exec'")
	// terraform dies holding its lock, as in a crash or an OOM kill.
	pids := terraformUnder(t, tr.Dir)
	if len(pids) == 0 {
		t.Fatal("no terraform process to kill")
	}
	for _, p := range pids {
		pid, _ := strconv.Atoi(strings.Fields(p)[0])
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = cmd.Wait()

	r := tr.Must(1, "plan", "dev", "--unit", "slow", "--lock-timeout", "1s")
	i := strings.Index(r.Stdout, "force-unlock dev --unit slow ")
	if i < 0 {
		t.Fatalf("no lock reported:\n%s", r)
	}
	id := strings.Fields(r.Stdout[i+len("force-unlock dev --unit slow "):])[0]

	r = tr.Must(1, "force-unlock", "dev", "--unit", "slow", "not-the-id", "--auto-approve")
	contains(t, "wrong id", r.Stderr, "not by lock not-the-id")
	r = tr.Must(1, "force-unlock", "dev", "--unit", "slow", id)
	contains(t, "no terminal", r.Stderr, "needs --auto-approve")
	r = tr.Must(0, "force-unlock", "dev", "--unit", "slow", id, "--auto-approve")
	contains(t, "released", r.Stdout, "Released lock "+id)
	tr.Must(0, "plan", "dev", "--unit", "slow", "--lock-timeout", "1s")
}
