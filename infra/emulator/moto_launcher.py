#!/usr/bin/env python3
"""Start moto's server with a few in-process patches for gaps of moto 5.2.1.

Usage is exactly that of ``moto_server``:  moto_launcher.py -H 127.0.0.1 -p PORT

Every patch below is small, names the gap it closes, and is listed in
docs/emulator.md together with how it was verified. Patches are applied to
moto's classes before the server starts, so they take effect for every
account and region the server emulates.
"""

import os
import sys

# Defaults the stack needs (see docs/emulator.md); an explicit value wins.
#  - AWS-managed IAM policies (AmazonECSTaskExecutionRolePolicy) must exist
#    for aws_iam_role_policy_attachment.
#  - ACM DNS validation is immediate instead of taking ~33 s.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "0")

import json  # noqa: E402

from moto.applicationautoscaling import models as aas_models  # noqa: E402
from moto.applicationautoscaling.responses import (  # noqa: E402
    ApplicationAutoScalingResponse,
)
from moto.cloudfront import models as cf_models  # noqa: E402
from moto.ec2.models import flow_logs as ec2_flow_log_models  # noqa: E402
from moto.ec2.models import security_groups as ec2_sg_models  # noqa: E402
from moto.ecs.responses import EC2ContainerServiceResponse  # noqa: E402
from moto.iam import models as iam_models  # noqa: E402
from moto.iam.responses import IamResponse  # noqa: E402
from moto.core.responses import EmptyResult  # noqa: E402
from moto.utilities.tagging_service import TaggingService  # noqa: E402


# ---------------------------------------------------------------------------
# Gap 1: Application Auto Scaling has no ListTagsForResource / TagResource /
# UntagResource, and RegisterScalableTarget ignores its Tags. The AWS provider
# reads tags after creating aws_appautoscaling_target and retries the HTTP 500
# for 20+ minutes. Tags are kept in a TaggingService on the backend.
# ---------------------------------------------------------------------------
def _aas_tagger(backend):
    tagger = getattr(backend, "_launcher_tagger", None)
    if tagger is None:
        tagger = backend._launcher_tagger = TaggingService()
    return tagger


def _aas_tag_map(tags):
    return [{"Key": k, "Value": v} for k, v in (tags or {}).items()]


def _aas_list_tags_for_resource(self):
    arn = self._get_param("ResourceARN")
    tagger = _aas_tagger(self.applicationautoscaling_backend)
    tags = tagger.get_tag_dict_for_resource(arn)
    return json.dumps({"Tags": tags})


def _aas_tag_resource(self):
    arn = self._get_param("ResourceARN")
    tags = self._get_param("Tags") or {}
    _aas_tagger(self.applicationautoscaling_backend).tag_resource(
        arn, _aas_tag_map(tags)
    )
    return json.dumps({})


def _aas_untag_resource(self):
    arn = self._get_param("ResourceARN")
    keys = self._get_param("TagKeys") or []
    _aas_tagger(self.applicationautoscaling_backend).untag_resource_using_names(
        arn, keys
    )
    return json.dumps({})


_orig_register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target


def _aas_register_scalable_target(self):
    body = _orig_register_scalable_target(self)
    tags = self._get_param("Tags")
    if tags:
        arn = json.loads(body)["ScalableTargetARN"]
        _aas_tagger(self.applicationautoscaling_backend).tag_resource(
            arn, _aas_tag_map(tags)
        )
    return body


_orig_deregister = aas_models.ApplicationAutoscalingBackend.deregister_scalable_target


def _aas_deregister_scalable_target(self, namespace, r_id, dimension):
    for t in self.describe_scalable_targets(namespace, [r_id], dimension):
        _aas_tagger(self).delete_all_tags_for_resource(t.arn)
    return _orig_deregister(self, namespace, r_id, dimension)


ApplicationAutoScalingResponse.list_tags_for_resource = _aas_list_tags_for_resource
ApplicationAutoScalingResponse.tag_resource = _aas_tag_resource
ApplicationAutoScalingResponse.untag_resource = _aas_untag_resource
ApplicationAutoScalingResponse.register_scalable_target = _aas_register_scalable_target
aas_models.ApplicationAutoscalingBackend.deregister_scalable_target = (
    _aas_deregister_scalable_target
)


# ---------------------------------------------------------------------------
# Gap 2: CloudFront drops an origin's OriginAccessControlId (S3 origins behind
# origin access control), so every plan shows origin_access_control_id
# "" -> "<id>". Keep the field on moto's Origin; the serializer picks it up.
# ---------------------------------------------------------------------------
_orig_origin_init = cf_models.Origin.__init__


def _cf_origin_init(self, origin):
    _orig_origin_init(self, origin)
    self.origin_access_control_id = origin.get("OriginAccessControlId") or ""


cf_models.Origin.__init__ = _cf_origin_init


# Gap 2b: a cache behaviour that uses a cache policy (CachePolicyId) gets an
# invented legacy ForwardedValues block; AWS returns none. Every plan then wants
# to remove forwarded_values from default/ordered_cache_behavior.
_orig_default_cb_init = cf_models.DefaultCacheBehaviour.__init__


def _cf_default_cb_init(self, config):
    _orig_default_cb_init(self, config)
    if config.get("CachePolicyId") and not config.get("ForwardedValues"):
        self.forwarded_values = None


cf_models.DefaultCacheBehaviour.__init__ = _cf_default_cb_init

# Gap 2c: a viewer certificate from ACM (or IAM) still reports
# CloudFrontDefaultCertificate = true: perpetual diff on viewer_certificate.
_orig_viewer_cert_init = cf_models.ViewerCertificate.__init__


def _cf_viewer_cert_init(self, config):
    _orig_viewer_cert_init(self, config)
    if "CloudFrontDefaultCertificate" not in config:
        if config.get("ACMCertificateArn"):
            self.cloud_front_default_certificate = False
            self.certificate_source = "acm"
        elif config.get("IAMCertificateId"):
            self.cloud_front_default_certificate = False
            self.certificate_source = "iam"


cf_models.ViewerCertificate.__init__ = _cf_viewer_cert_init

# Gap 2d: distribution ARNs lack the empty region field
# ("arn:aws:cloudfront:ACCOUNT:..." instead of "arn:aws:cloudfront::ACCOUNT:...");
# bucket policies with an AWS:SourceArn condition would carry the malformed ARN.
_orig_distribution_init = cf_models.Distribution.__init__


def _cf_distribution_init(self, *args, **kwargs):
    _orig_distribution_init(self, *args, **kwargs)
    prefix, sep, rest = self.arn.partition(":cloudfront:")
    if sep and not rest.startswith(":"):
        self.arn = f"{prefix}:cloudfront::{rest}"


cf_models.Distribution.__init__ = _cf_distribution_init


# ---------------------------------------------------------------------------
# Gap 3: IAM UpdateServerCertificate is not implemented (HTTP 500), so renaming
# an aws_iam_server_certificate, or changing its path, fails.
# ---------------------------------------------------------------------------
def _iam_update_server_certificate(self):
    name = self._get_param("ServerCertificateName")
    new_name = self._get_param("NewServerCertificateName")
    new_path = self._get_param("NewPath")
    cert = self.backend.get_server_certificate(name)
    if new_name:
        cert.cert_name = new_name
    if new_path:
        cert.path = new_path
    return EmptyResult()


IamResponse.update_server_certificate = _iam_update_server_certificate


# ---------------------------------------------------------------------------
# Gap 4: IAM UpdateUser (rename) loses the user's tags (they are keyed by the
# user ARN, which contains the name) and leaves the user's access keys on the
# old user name. Move both to the new name.
# ---------------------------------------------------------------------------
_orig_update_user = iam_models.IAMBackend.update_user


def _iam_update_user(self, user_name, new_path=None, new_user_name=None):
    user = self.users.get(user_name)
    old_arn = user.arn if user else None
    old_tags = self.tagger.list_tags_for_resource(old_arn)["Tags"] if user else []
    _orig_update_user(self, user_name, new_path, new_user_name)
    if user is None or user.arn == old_arn:
        return
    self.tagger.delete_all_tags_for_resource(old_arn)
    if old_tags:
        self.tagger.tag_resource(user.arn, old_tags)
    for key in user.access_keys:
        key.user_name = user.name


iam_models.IAMBackend.update_user = _iam_update_user


# ---------------------------------------------------------------------------
# Gap 5: DescribeSecurityGroupRules returns no Description for a rule that
# references another security group (moto only reads the description of CIDR
# rules), so aws_vpc_security_group_ingress_rule / egress_rule with
# referenced_security_group_id and a description plan an update forever.
# ---------------------------------------------------------------------------
def _sg_rule_description(self):
    return self.ip_range.get("Description") or self.source_group.get("Description")


ec2_sg_models.SecurityGroupRule.description = property(_sg_rule_description)


# Gap 5b: the same for a rule whose source is a managed prefix list (the
# ALB's HTTPS rule from CloudFront's origin-facing list): moto keeps only the
# list's ID and drops the description that came with it.
_orig_sg_rule_init = ec2_sg_models.SecurityGroupRule.__init__


def _sg_rule_init(self, *args, **kwargs):
    _orig_sg_rule_init(self, *args, **kwargs)
    # (ec2_backend, ip_protocol, group_id, from_port, to_port, ip_range, source_group, prefix_list_id)
    pl = kwargs.get("prefix_list_id", args[7] if len(args) > 7 else None)
    self._prefix_list_description = pl.get("Description") if isinstance(pl, dict) else None


def _sg_rule_description_any(self):
    return (self.ip_range.get("Description") or self.source_group.get("Description")
            or getattr(self, "_prefix_list_description", None))


ec2_sg_models.SecurityGroupRule.__init__ = _sg_rule_init
ec2_sg_models.SecurityGroupRule.description = property(_sg_rule_description_any)


# ---------------------------------------------------------------------------
# Gap 8: ECS CreateService ignores enableExecuteCommand (UpdateService keeps
# it), so a service created with ECS exec on reads back false and every plan
# wants to turn it on. Keep the flag on the service.
# ---------------------------------------------------------------------------
_orig_ecs_create_service = EC2ContainerServiceResponse.create_service


def _ecs_create_service(self):
    result = _orig_ecs_create_service(self)
    service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
    service.enable_execute_command = bool(self._get_param("enableExecuteCommand", False))
    return result


EC2ContainerServiceResponse.create_service = _ecs_create_service


# ---------------------------------------------------------------------------
# Gap 7: CreateFlowLogs to S3 takes everything after "arn:aws:s3:::" as the
# bucket name, so a destination with a key prefix (arn:aws:s3:::BUCKET/PREFIX/,
# which AWS documents and accepts) fails with "LogDestination: BUCKET/PREFIX/
# does not exist". Check the bucket part only; the flow log keeps the full
# destination, as AWS reports it.
# ---------------------------------------------------------------------------
_orig_create_flow_logs = ec2_flow_log_models.FlowLogsBackend.create_flow_logs


def _create_flow_logs(self, *args, **kwargs):
    dest = kwargs.get("log_destination")
    if kwargs.get("log_destination_type") != "s3" or not dest or "/" not in dest.split(":", 5)[-1]:
        return _orig_create_flow_logs(self, *args, **kwargs)
    created, unsuccessful = _orig_create_flow_logs(self, *args, **dict(kwargs, log_destination=dest.split("/", 1)[0]))
    for fl in created:
        fl.log_destination = dest
    return created, unsuccessful


ec2_flow_log_models.FlowLogsBackend.create_flow_logs = _create_flow_logs


def main(argv=None):
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
