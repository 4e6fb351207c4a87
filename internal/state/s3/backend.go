// Package s3 reads Terraform state kept by Terraform's s3 backend, finds
// who holds its lock (a .tflock object or a DynamoDB item), and checks
// that the state bucket is reachable, all with the same settings,
// credentials chain and endpoint overrides Terraform 1.11 uses.
package s3

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/awsconf"
	"github.com/stackctl/stackctl/internal/config"
	"github.com/stackctl/stackctl/internal/state"
)

// Backend is one unit's state in S3. It implements state.Backend.
type Backend struct {
	Settings Settings
	// Env is the environment's name, used only in messages ("run
	// `stackctl bootstrap prod`"); empty gives a placeholder.
	Env string

	cfg aws.Config
	s3  *s3.Client
	ddb *dynamodb.Client
}

var _ state.Store = (*Backend)(nil)

// New loads the AWS configuration the settings describe (default chain,
// profile, static keys, assume_role...) and returns the backend. It makes
// no network call.
func New(ctx context.Context, s Settings) (*Backend, error) {
	cfg, err := loadConfig(ctx, s)
	if err != nil {
		return nil, err
	}
	return NewWithConfig(cfg, s), nil
}

func loadConfig(ctx context.Context, s Settings) (aws.Config, error) {
	return loadConfigWith(ctx, s, nil)
}

func loadConfigWith(ctx context.Context, s Settings, base *awsconf.Shared) (aws.Config, error) {
	opts := s.AWSOptions()
	opts.Base = base
	cfg, err := awsconf.LoadWith(ctx, opts)
	if err != nil {
		return aws.Config{}, fmt.Errorf("state s3://%s/%s: %w", s.Bucket, s.ObjectKey(), err)
	}
	return cfg, nil
}

// NewWithConfig returns the backend using cfg for credentials and region
// (a region in the settings still wins); the settings' endpoints and path
// style still apply.
func NewWithConfig(cfg aws.Config, s Settings) *Backend {
	if s.Region != "" {
		cfg.Region = s.Region
	}
	b := &Backend{Settings: s, cfg: cfg}
	b.s3 = s3.NewFromConfig(cfg, b.s3Options)
	b.ddb = dynamodb.NewFromConfig(cfg, b.dynamoDBOptions)
	return b
}

// s3Options applies endpoints.s3 (or the deprecated endpoint, or
// AWS_S3_ENDPOINT) and path style. AWS_ENDPOINT_URL_S3 and
// AWS_ENDPOINT_URL need nothing here: the SDK reads them itself, and an
// explicit setting must win over them, which BaseEndpoint does.
func (b *Backend) s3Options(o *s3.Options) {
	if ep := b.s3Endpoint(); ep.fromSettings {
		o.BaseEndpoint = aws.String(ep.url)
	}
	o.UsePathStyle = b.Settings.UsePathStyle
}

func (b *Backend) dynamoDBOptions(o *dynamodb.Options) {
	if ep := b.dynamoDBEndpoint(); ep.fromSettings {
		o.BaseEndpoint = aws.String(ep.url)
	}
}

// endpoint is where a client sends requests and who said so, for
// messages that tell the user what to change.
type endpoint struct {
	url          string
	source       string
	fromSettings bool // set by stackctl rather than left to the SDK
}

func (b *Backend) s3Endpoint() endpoint {
	return b.serviceEndpoint(b.Settings.Endpoints.S3, "S3", "AWS_S3_ENDPOINT")
}

func (b *Backend) dynamoDBEndpoint() endpoint {
	return b.serviceEndpoint(b.Settings.Endpoints.DynamoDB, "DYNAMODB", "AWS_DYNAMODB_ENDPOINT")
}

// serviceEndpoint follows Terraform's order: the setting, then
// AWS_ENDPOINT_URL_<SERVICE>, then the deprecated variable, then
// AWS_ENDPOINT_URL, then the AWS default.
func (b *Backend) serviceEndpoint(setting, service, deprecatedEnv string) endpoint {
	lower := map[string]string{"S3": "s3", "DYNAMODB": "dynamodb"}[service]
	if setting != "" {
		return endpoint{url: setting, source: "endpoints." + lower + " in remote_state config", fromSettings: true}
	}
	if os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != "true" {
		if v := os.Getenv("AWS_ENDPOINT_URL_" + service); v != "" {
			return endpoint{url: v, source: "AWS_ENDPOINT_URL_" + service}
		}
	}
	if v := os.Getenv(deprecatedEnv); v != "" {
		return endpoint{url: v, source: deprecatedEnv, fromSettings: true}
	}
	if b.cfg.BaseEndpoint != nil {
		return endpoint{url: *b.cfg.BaseEndpoint, source: "AWS_ENDPOINT_URL (or endpoint_url in the AWS profile)"}
	}
	return endpoint{url: fmt.Sprintf("https://%s.%s.amazonaws.com", lower, b.cfg.Region), source: "the AWS default for the region"}
}

// S3EndpointURL is where S3 requests go (the settings, the environment or
// the AWS default), for telling a plain-HTTP store apart.
func (b *Backend) S3EndpointURL() string { return b.s3Endpoint().url }

// S3 returns the S3 client the backend uses, configured with the
// settings' endpoint and path style (for bootstrap).
func (b *Backend) S3() *s3.Client { return b.s3 }

// DynamoDB returns the DynamoDB client the backend uses.
func (b *Backend) DynamoDB() *dynamodb.Client { return b.ddb }

// AWSConfig returns the configuration the clients were built from.
func (b *Backend) AWSConfig() aws.Config { return b.cfg }

// Region is the region requests go to.
func (b *Backend) Region() string { return b.cfg.Region }

// Describe returns s3://bucket/key.
func (b *Backend) Describe() string {
	return "s3://" + b.Settings.Bucket + "/" + b.Settings.ObjectKey()
}

// Read returns the state, or nil without error when the object does not
// exist (or is empty) yet.
func (b *Backend) Read(ctx context.Context) (*state.State, error) {
	obj, err := b.getObject(ctx, b.Settings.ObjectKey(), "", "reading state")
	data := obj.data
	if err != nil || len(data) == 0 {
		return nil, err
	}
	s, err := state.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Describe(), err)
	}
	return s, nil
}

// Errors callers can test with errors.Is.
var (
	// ErrBucketNotFound: the state bucket does not exist.
	ErrBucketNotFound = errors.New("state bucket does not exist")
	// ErrLockTableNotFound: the DynamoDB lock table does not exist.
	ErrLockTableNotFound = errors.New("lock table does not exist")
	// ErrNoCredentials: no credentials could be found or fetched.
	ErrNoCredentials = awsconf.ErrNoCredentials
	// ErrUnreachable: the endpoint did not answer.
	ErrUnreachable = errors.New("AWS endpoint unreachable")
	// ErrAccessDenied: the credentials are not allowed (or not valid).
	ErrAccessDenied = errors.New("access denied")
	// ErrWrongRegion: the bucket is in another region than configured.
	ErrWrongRegion = errors.New("bucket in another region")
)

// explain turns an SDK error into one that says what failed, where, and
// what to do. SDK errors carry no secrets, and none are added.
func (b *Backend) explain(err error, doing string) error {
	s := b.Settings
	switch {
	case awsconf.IsNoCredentials(err):
		return fmt.Errorf("%s: %w", doing, awsconf.CredentialsError(err))
	case awsconf.IsUnreachable(err):
		ep := b.endpointFor(err)
		return fmt.Errorf("%s: %w: cannot reach %s (%s, from %s): check the endpoint setting and that the service is running",
			doing, ErrUnreachable, ep.url, awsconf.UnreachableCause(err), ep.source)
	case awsconf.ErrorCode(err) == "NoSuchBucket" || (awsconf.HTTPStatus(err) == 404 && awsconf.ErrorCode(err) != "NoSuchKey" && !b.isDynamoDB(err)):
		return &BucketNotFoundError{Bucket: s.Bucket, Region: b.cfg.Region, Env: b.Env}
	case awsconf.ErrorCode(err) == "ResourceNotFoundException":
		return fmt.Errorf("%s: %w: DynamoDB table %s does not exist in region %s: run `stackctl bootstrap %s`",
			doing, ErrLockTableNotFound, s.DynamoDBTable, b.cfg.Region, b.envName())
	case awsconf.HTTPStatus(err) == 301 || awsconf.ErrorCode(err) == "PermanentRedirect" || awsconf.ErrorCode(err) == "AuthorizationHeaderMalformed":
		where := awsconf.ResponseHeader(err, "X-Amz-Bucket-Region")
		if where == "" {
			where = "another region"
		}
		return fmt.Errorf("%s: %w: bucket %s is in %s, not %s: set region in remote_state config to the bucket's region",
			doing, ErrWrongRegion, s.Bucket, where, b.cfg.Region)
	case awsconf.IsAccessDenied(err):
		return fmt.Errorf("%s: %w (%s): the credentials in use are not allowed to do this, or are not valid; check AWS_PROFILE / profile, or the role's permissions",
			doing, ErrAccessDenied, awsconf.CodeOrStatus(err))
	default:
		return fmt.Errorf("%s: %w", doing, err)
	}
}

func (b *Backend) isDynamoDB(err error) bool {
	var op interface{ Service() string }
	if errors.As(err, &op) {
		return op.Service() == "DynamoDB"
	}
	return false
}

// endpointFor names the endpoint a failed request went to.
func (b *Backend) endpointFor(err error) endpoint {
	ep := b.s3Endpoint()
	if b.isDynamoDB(err) {
		ep = b.dynamoDBEndpoint()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ep.url = u.Scheme + "://" + u.Host
		}
	}
	return ep
}

func (b *Backend) envName() string {
	if b.Env != "" {
		return b.Env
	}
	return "ENV"
}

// BucketNotFoundError says the state bucket is missing and how to create
// it. errors.Is(err, ErrBucketNotFound) holds.
type BucketNotFoundError struct {
	Bucket, Region, Env string
}

func (e *BucketNotFoundError) Error() string {
	env := e.Env
	if env == "" {
		env = "ENV"
	}
	return fmt.Sprintf("state bucket %s does not exist in region %s: run `stackctl bootstrap %s`", e.Bucket, e.Region, env)
}

// Is makes errors.Is(err, ErrBucketNotFound) true.
func (e *BucketNotFoundError) Is(target error) bool { return target == ErrBucketNotFound }

// Opener opens s3 backends, sharing one AWS configuration (and so one
// credentials cache) between units whose connection settings are equal.
// It is safe for concurrent use.
type Opener struct {
	// Env is copied into every backend for messages.
	Env string
	// Base are the invocation's base credentials (an environment's
	// assumed role), or nil for the default chain.
	Base *awsconf.Shared

	mu      sync.Mutex
	configs map[string]aws.Config
}

// Open reads the unit's s3 backend settings and returns its backend.
func (o *Opener) Open(ctx context.Context, b config.Backend) (*Backend, error) {
	s, err := FromConfig(b)
	if err != nil {
		return nil, err
	}
	key := s.connectionKey()
	o.mu.Lock()
	defer o.mu.Unlock()
	cfg, ok := o.configs[key]
	if !ok {
		if cfg, err = loadConfigWith(ctx, s, o.Base); err != nil {
			return nil, err
		}
		if o.configs == nil {
			o.configs = map[string]aws.Config{}
		}
		o.configs[key] = cfg
	}
	be := NewWithConfig(cfg, s)
	be.Env = o.Env
	return be, nil
}
