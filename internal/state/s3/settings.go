package s3

import (
	"time"

	"github.com/stackctl/stackctl/internal/awsconf"
)

// DefaultWorkspaceKeyPrefix is where Terraform keeps non-default
// workspaces' state: <prefix>/<workspace>/<key>.
const DefaultWorkspaceKeyPrefix = "env:"

// Secret holds a credential. It prints as a mask with every fmt verb and
// in JSON, so a Settings value can be logged or put in an error safely.
type Secret string

// String masks the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "(sensitive)"
}

// GoString masks the value for %#v.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// MarshalJSON masks the value.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// Value returns the secret itself, for the SDK only.
func (s Secret) Value() string { return string(s) }

// Endpoints are per-service endpoint overrides (endpoints { ... }, or the
// deprecated endpoint / dynamodb_endpoint / iam_endpoint / sts_endpoint).
type Endpoints struct {
	S3       string
	DynamoDB string
	STS      string
	IAM      string
	SSO      string
}

// WebIdentity is assume_role_with_web_identity.
type WebIdentity struct {
	RoleARN     string
	SessionName string
	Duration    time.Duration
	Policy      string
	PolicyARNs  []string
	Token       Secret
	TokenFile   string
}

// Settings are a Terraform S3 backend's settings, as Terraform 1.11 reads
// them. Fields stackctl does not need to read state are kept so that
// every valid backend configuration is accepted.
type Settings struct {
	Bucket string
	Key    string
	Region string

	// WorkspaceKeyPrefix and Workspace place non-default workspaces'
	// state; stackctl itself uses the default workspace.
	WorkspaceKeyPrefix string
	Workspace          string

	Endpoints    Endpoints
	UsePathStyle bool

	Encrypt        bool
	KMSKeyID       string
	SSECustomerKey Secret // base64 of 32 bytes
	ACL            string

	DynamoDBTable string
	UseLockfile   bool

	Profile                string
	AccessKey              Secret
	SecretKey              Secret
	Token                  Secret
	SharedCredentialsFiles []string
	SharedConfigFiles      []string
	AssumeRole             *awsconf.AssumeRole
	WebIdentity            *WebIdentity
	STSRegion              string

	SkipCredentialsValidation bool
	SkipRegionValidation      bool
	SkipRequestingAccountID   bool
	// SkipMetadataAPICheck is nil when unset: the environment
	// (AWS_EC2_METADATA_DISABLED) decides.
	SkipMetadataAPICheck *bool
	SkipS3Checksum       bool

	EC2MetadataServiceEndpoint     string
	EC2MetadataServiceEndpointMode string
	MaxRetries                     int // 0: SDK default
	RetryMode                      string
	CustomCABundle                 string
	Insecure                       bool
	HTTPProxy                      string
	HTTPSProxy                     string
	NoProxy                        string
	UseFIPSEndpoint                bool
	UseDualStackEndpoint           bool
	AllowedAccountIDs              []string
	ForbiddenAccountIDs            []string
}

// ObjectKey is the state object's key: Key for the default workspace,
// <workspace_key_prefix>/<workspace>/<key> for others.
func (s Settings) ObjectKey() string {
	if s.Workspace == "" || s.Workspace == "default" {
		return s.Key
	}
	prefix := s.WorkspaceKeyPrefix
	if prefix == "" {
		prefix = DefaultWorkspaceKeyPrefix
	}
	return prefix + "/" + s.Workspace + "/" + s.Key
}

// LockfileKey is the object Terraform creates while it holds the lock with
// use_lockfile = true.
func (s Settings) LockfileKey() string { return s.ObjectKey() + ".tflock" }

// LockID is the DynamoDB item key Terraform locks with dynamodb_table.
func (s Settings) LockID() string { return s.Bucket + "/" + s.ObjectKey() }
