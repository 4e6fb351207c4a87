// Package bootstrap creates the remote state bucket (and DynamoDB lock
// table) hardened, or audits existing ones and, when asked, repairs
// exactly what is missing. Every outcome is read back through the API
// before it is reported: "created" and "fixed" mean the service says so,
// not that a call returned without error.
package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/stackctl/stackctl/internal/awsconf"
	s3state "github.com/stackctl/stackctl/internal/state/s3"
)

// Options say what to bootstrap and with which clients.
type Options struct {
	Bucket string
	Region string
	// KMSKeyID, when set, makes default encryption SSE-KMS with this key
	// (ID, ARN or alias) for the bucket and the table; otherwise the bucket
	// uses SSE-S3 and the table the AWS-managed KMS key.
	KMSKeyID string
	// DynamoDBTable is the lock table; empty for none (use_lockfile).
	DynamoDBTable string
	// Fix repairs what an audit finds missing on existing resources.
	// Without it, existing resources are never changed.
	Fix bool

	// Clients; when nil they are built from Config. Calls always go to
	// Region whatever region a client was built for.
	S3       *s3.Client
	DynamoDB *dynamodb.Client
	Config   aws.Config

	// PlainHTTP says the S3 endpoint is served over http (an emulator, an
	// S3-compatible store on a private network): a policy denying requests
	// without TLS would then deny every request, stackctl's and
	// terraform's included, so it is not added.
	PlainHTTP bool
	// Endpoint is the S3 endpoint, for messages.
	Endpoint string

	// WaitTimeout bounds waiting for a new bucket to exist and a table to
	// become ACTIVE; 0 means 5 minutes.
	WaitTimeout time.Duration
}

// FromBackend returns the options for a unit's s3 state backend: its
// bucket, region, KMS key and lock table, with its clients (so its
// endpoints, path style and credentials apply).
func FromBackend(b *s3state.Backend, fix bool) Options {
	return Options{
		Bucket:        b.Settings.Bucket,
		Region:        b.Region(),
		KMSKeyID:      b.Settings.KMSKeyID,
		DynamoDBTable: b.Settings.DynamoDBTable,
		Fix:           fix,
		Endpoint:      b.S3EndpointURL(),
		PlainHTTP:     strings.HasPrefix(strings.ToLower(b.S3EndpointURL()), "http://"),
		S3:            b.S3(),
		DynamoDB:      b.DynamoDB(),
		Config:        b.AWSConfig(),
	}
}

// Run creates or audits (and with Fix repairs) the bucket and the table.
// It returns the report so far together with any error, so a caller can
// show what was done before a failure.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Bucket == "" {
		return nil, errors.New("bootstrap: no bucket given (remote_state config.bucket)")
	}
	if o.Region == "" {
		o.Region = o.Config.Region
	}
	if o.Region == "" {
		return nil, errors.New("bootstrap: no region: set region in remote_state config or AWS_REGION")
	}
	if o.WaitTimeout == 0 {
		o.WaitTimeout = 5 * time.Minute
	}
	if o.S3 == nil {
		o.S3 = s3.NewFromConfig(o.Config)
	}
	if o.DynamoDB == nil && o.DynamoDBTable != "" {
		o.DynamoDB = dynamodb.NewFromConfig(o.Config)
	}
	// Missing credentials are one clear error here rather than a failed
	// HeadBucket, retried, with the SDK's chain in it.
	if err := awsconf.CheckCredentials(ctx, o.Config); err != nil {
		return nil, fmt.Errorf("bootstrap s3://%s: %w", o.Bucket, err)
	}
	r := &Report{Bucket: o.Bucket, Region: o.Region, DynamoDBTable: o.DynamoDBTable, Fix: o.Fix, Checks: []Check{}}
	b := &bucket{o: o, name: o.Bucket}
	if err := run(ctx, r, b.resource(), b.exists, b.create, b.groups()); err != nil {
		return r, err
	}
	if o.DynamoDBTable != "" {
		t := &table{o: o, name: o.DynamoDBTable}
		if err := run(ctx, r, t.resource(), t.exists, t.create, t.groups()); err != nil {
			return r, err
		}
	}
	return r, nil
}

// group is settings read by one call and repaired by one (or none).
type group struct {
	settings []string
	audit    func(ctx context.Context) ([]finding, error)
	// fix repairs the missing settings of the group; nil when they cannot
	// be repaired in place (a table's key schema).
	fix func(ctx context.Context, missing []finding) error
	// notApplicable, when set, is why the group is left out here.
	notApplicable string
}

type finding struct {
	setting string
	ok      bool
	detail  string
}

// run creates the resource when it does not exist and applies every
// group, or audits it and, with Fix, repairs; either way each setting is
// read back before it is reported.
func run(ctx context.Context, r *Report, resource string, exists func(context.Context) (bool, error),
	create func(context.Context) error, groups []group) error {
	found, err := exists(ctx)
	if err != nil {
		return err
	}
	created := false
	if !found {
		if err := create(ctx); err != nil {
			return err
		}
		created = true
		r.add(resource, "exists", StatusCreated, "")
	} else {
		r.add(resource, "exists", StatusOK, "")
	}
	for _, g := range groups {
		if g.notApplicable != "" {
			for _, st := range g.settings {
				r.add(resource, st, StatusNotApplicable, g.notApplicable)
			}
			continue
		}
		before, err := g.audit(ctx)
		if err != nil {
			if st, detail, ok := unknown(err); ok {
				for _, s := range g.settings {
					r.add(resource, s, st, detail)
				}
				continue
			}
			return fmt.Errorf("%s: reading %s: %w", resource, g.settings[0], err)
		}
		var missing []finding
		for _, f := range before {
			if !f.ok {
				missing = append(missing, f)
			}
		}
		repair := len(missing) > 0 && g.fix != nil && (created || r.Fix)
		if repair {
			if err := g.fix(ctx, missing); err != nil {
				if awsconf.IsNotImplemented(err) {
					for _, f := range before {
						st, detail := StatusOK, f.detail
						if !f.ok {
							st, detail = StatusMissing, f.detail+"; the service does not implement the call that sets it ("+errCode(err)+")"
						} else if created {
							st = StatusCreated
						}
						r.add(resource, f.setting, st, detail)
					}
					continue
				}
				return fmt.Errorf("%s: setting %s: %w", resource, missing[0].setting, err)
			}
		}
		after := before
		if repair {
			if after, err = g.audit(ctx); err != nil {
				return fmt.Errorf("%s: reading back %s: %w", resource, g.settings[0], err)
			}
		}
		for i, f := range after {
			wasMissing := !before[i].ok
			switch {
			case f.ok && created:
				r.add(resource, f.setting, StatusCreated, f.detail)
			case f.ok && wasMissing:
				r.add(resource, f.setting, StatusFixed, "was: "+before[i].detail)
			case f.ok:
				r.add(resource, f.setting, StatusOK, f.detail)
			case repair:
				r.add(resource, f.setting, StatusMissing, f.detail+"; still missing after the repair was accepted (the service ignored it)")
			case g.fix == nil:
				r.add(resource, f.setting, StatusMissing, f.detail+"; cannot be repaired in place")
			default:
				r.add(resource, f.setting, StatusMissing, f.detail)
			}
		}
	}
	return nil
}

// unknown turns a read the service cannot answer into a report line
// instead of a failure: an emulator lacking the call, or a role lacking
// the permission to read one setting.
func unknown(err error) (Status, string, bool) {
	switch {
	case awsconf.IsNotImplemented(err):
		return StatusUnknown, "the service does not implement reading it (" + errCode(err) + ")", true
	case awsconf.IsAccessDenied(err):
		return StatusUnknown, "not allowed to read it (" + errCode(err) + "): grant the read permission to audit it", true
	}
	return "", "", false
}

func errCode(err error) string {
	if c := awsconf.CodeOrStatus(err); c != "" {
		return c
	}
	return err.Error()
}

// explain adds what to do to the errors a user can act on.
func explain(resource string, err error) error {
	switch {
	case awsconf.IsNoCredentials(err):
		return fmt.Errorf("%s: %w", resource, awsconf.CredentialsError(err))
	case awsconf.IsUnreachable(err):
		return fmt.Errorf("%s: cannot reach the AWS endpoint (%s): check endpoints in remote_state config, AWS_ENDPOINT_URL and the network: %w",
			resource, awsconf.UnreachableCause(err), err)
	case awsconf.IsAccessDenied(err):
		return fmt.Errorf("%s: access denied (%s): the credentials in use are not allowed to manage it: %w", resource, errCode(err), err)
	}
	return fmt.Errorf("%s: %w", resource, err)
}
