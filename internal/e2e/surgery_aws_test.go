package e2e

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/stackctl/stackctl/internal/testutil/moto"
	"github.com/stackctl/stackctl/internal/testutil/tf"
)

// appModule is an app named after itself on resources AWS lets you rename:
// an IAM user with an inline policy, an access key and a group membership,
// an IAM group, and an Aurora cluster.
const appModule = `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "app" { type = string }

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
}

resource "aws_iam_group" "app" {
  name = "${var.app}-devs"
}

resource "aws_iam_user" "app" {
  name = var.app
}

resource "aws_iam_user_policy" "access" {
  name = "access"
  user = aws_iam_user.app.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:ListAllMyBuckets"], Resource = "*" }]
  })
}

resource "aws_iam_access_key" "app" {
  user = aws_iam_user.app.name
}

resource "aws_iam_user_group_membership" "app" {
  user   = aws_iam_user.app.name
  groups = [aws_iam_group.app.name]
}

resource "aws_rds_cluster" "app" {
  cluster_identifier  = var.app
  engine              = "aurora-postgresql"
  master_username     = "app"
  master_password     = "not-a-secret-0123"
  skip_final_snapshot = true

  lifecycle {
    # moto returns an empty Serverless v1 scaling_configuration (docs/emulator.md).
    ignore_changes = [scaling_configuration]
  }
}

output "user_arn" { value = aws_iam_user.app.arn }
output "cluster_endpoint" { value = aws_rds_cluster.app.endpoint }
`

// identities are what tells an object from a recreated one.
type identities struct {
	UserID, UserARN, GroupID, GroupARN, KeyID, ClusterResourceID, ClusterARN string
}

func readIdentities(t *testing.T, srv *moto.Server, app string) identities {
	t.Helper()
	ctx := context.Background()
	cfg := srv.AWSConfig(t)
	ic, rc := iam.NewFromConfig(cfg), rds.NewFromConfig(cfg)
	var id identities
	u, err := ic.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(app)})
	if err != nil {
		t.Fatalf("user %s: %v", app, err)
	}
	id.UserID, id.UserARN = aws.ToString(u.User.UserId), aws.ToString(u.User.Arn)
	g, err := ic.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(app + "-devs")})
	if err != nil {
		t.Fatalf("group %s-devs: %v", app, err)
	}
	id.GroupID, id.GroupARN = aws.ToString(g.Group.GroupId), aws.ToString(g.Group.Arn)
	keys, err := ic.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(app)})
	if err != nil || len(keys.AccessKeyMetadata) != 1 {
		t.Fatalf("access keys of %s: %v %v", app, keys, err)
	}
	id.KeyID = aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId)
	c, err := rc.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(app)})
	if err != nil || len(c.DBClusters) != 1 {
		t.Fatalf("cluster %s: %v", app, err)
	}
	id.ClusterResourceID, id.ClusterARN = aws.ToString(c.DBClusters[0].DbClusterResourceId), aws.ToString(c.DBClusters[0].DBClusterArn)
	return id
}

// The lesson: an app renamed outside Terraform. Before the surgery every
// plan wants to create its resources again; rename-app rewrites the state
// and the unit's inputs, verified by a plan, and afterwards a plan is a
// no-op and every object is the one there was (same unique IDs; the ARNs
// the rename gave them). Runs on the launcher's moto: stock moto leaves an
// access key on the old user name after UpdateUser (docs/emulator.md).
func TestRenameAppAfterRenameOutsideTerraform(t *testing.T) {
	t.Parallel()
	srv := moto.Start(t)
	mirror := tf.Mirror(t)
	tr := newTree(t, map[string]string{
		"stackctl.hcl":          "project  = \"rename\"\nlive_dir = \"live\"\nproviders {\n  mirror = \"" + mirror + "\"\n}\n",
		"modules/app/main.tf":   appModule,
		"live/dev/env.hcl":      "vars = {}\n",
		"live/dev/app/unit.hcl": "source = \"../../../modules/app\"\n\ninputs = {\n  app = \"wasabi\" # the app's name\n}\n",
	})
	tr.Env = append(tr.Env, srv.Env()...)
	tr.Timeout = 10 * time.Minute
	tr.Must(0, "apply", "dev", "--auto-approve")
	before := readIdentities(t, srv, "wasabi")

	ctx := context.Background()
	cfg := srv.AWSConfig(t)
	ic, rc := iam.NewFromConfig(cfg), rds.NewFromConfig(cfg)
	if _, err := ic.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("wasabi"), NewUserName: aws.String("wasabi-v2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: aws.String("wasabi-devs"), NewGroupName: aws.String("wasabi-v2-devs")}); err != nil {
		t.Fatal(err)
	}
	if _, err := rc.ModifyDBCluster(ctx, &rds.ModifyDBClusterInput{DBClusterIdentifier: aws.String("wasabi"), NewDBClusterIdentifier: aws.String("wasabi-v2"), ApplyImmediately: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	renamed := readIdentities(t, srv, "wasabi-v2")

	// Before the surgery: terraform can no longer find them.
	r := tr.Run("plan", "dev", "--detailed-exitcode", "--json")
	if r.Code == 0 {
		t.Fatalf("a plan after the rename outside Terraform is a no-op:\n%s", r)
	}
	if r.Code == 2 && !strings.Contains(r.Stdout, `"add": 6`) {
		t.Errorf("the plan after the rename should create the six resources again:\n%s", r.Stdout)
	}

	// Bad input first: nothing changes.
	r = tr.Must(1, "rename-app", "dev", "--from", "kiwi", "--to", "kiwi-v2", "--auto-approve")
	contains(t, "rename-app of a name found nowhere", r.Stderr, `"kiwi" was not found`)
	r = tr.Must(1, "rename-app", "dev", "--from", "wasabi", "--to", "wasabi", "--auto-approve")
	contains(t, "rename-app to the same name", r.Stderr, "nothing to rename")

	r = tr.Must(0, "rename-app", "dev", "--from", "wasabi", "--to", "wasabi-v2", "--auto-approve")
	contains(t, "rename-app", r.Stdout,
		`aws_iam_user_policy.access`, `"wasabi:access" → "wasabi-v2:access"`,
		`aws_iam_user_group_membership.app`, `groups[0]`, `"wasabi-devs" → "wasabi-v2-devs"`,
		`aws_iam_access_key.app`, `user`,
		`aws_rds_cluster.app`, `cluster_identifier`,
		"live/dev/app/unit.hcl:4:10", "Verified: the plan of app: no changes.", "the previous one is backed up in")
	if got := tr.Read("live/dev/app/unit.hcl"); got != "source = \"../../../modules/app\"\n\ninputs = {\n  app = \"wasabi-v2\" # the app's name\n}\n" {
		t.Errorf("unit.hcl after the rename (comment and layout kept):\n%s", got)
	}

	tr.Must(0, "plan", "dev", "--detailed-exitcode")
	after := readIdentities(t, srv, "wasabi-v2")
	if after != renamed {
		t.Errorf("objects were recreated:\nafter the rename outside Terraform %+v\nafter the surgery                  %+v", renamed, after)
	}
	if after.UserID != before.UserID || after.GroupID != before.GroupID || after.KeyID != before.KeyID || after.ClusterResourceID != before.ClusterResourceID {
		t.Errorf("unique IDs changed:\nbefore %+v\nafter  %+v", before, after)
	}
	// The state names the objects by their ARNs as AWS gives them now.
	r = tr.Must(0, "output", "dev", "--unit", "app", "--json")
	var outs map[string]struct{ Value string }
	if err := json.Unmarshal([]byte(r.Stdout), &outs); err != nil {
		t.Fatal(err)
	}
	if outs["user_arn"].Value != after.UserARN {
		t.Errorf("state's user ARN %s, AWS's %s", outs["user_arn"].Value, after.UserARN)
	}
	// A second run finds nothing left to rename.
	r = tr.Must(1, "rename-app", "dev", "--from", "wasabi", "--to", "wasabi-v2", "--auto-approve")
	contains(t, "a second rename-app", r.Stderr, "was not found", `"wasabi-v2" already appears`)
	if _, err := os.Stat(tr.Path(".stackctl/backups/dev/.journal")); err == nil {
		if entries, _ := os.ReadDir(tr.Path(".stackctl/backups/dev/.journal")); len(entries) != 0 {
			t.Errorf("a journal is left: %v", entries)
		}
	}
}
