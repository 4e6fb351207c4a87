# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform from "sgr-aa6d286229d8cc8a8"
resource "aws_vpc_security_group_ingress_rule" "app_tcp_22" {
  cidr_ipv4                    = "0.0.0.0/0"
  cidr_ipv6                    = null
  description                  = null
  from_port                    = 22
  ip_protocol                  = "tcp"
  prefix_list_id               = null
  referenced_security_group_id = null
  security_group_id            = "sg-c629032836ce8a335"
  tags                         = null
  to_port                      = 22
}

# __generated__ by Terraform from "adopty-task/arn:aws:iam::aws:policy/ReadOnlyAccess"
resource "aws_iam_role_policy_attachment" "adopty_task_readonlyaccess" {
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
  role       = "adopty-task"
}

# __generated__ by Terraform from "sg-9c82788aa530d0eb9"
resource "aws_security_group" "adopty_extra" {
  description = "made in the console"
  egress = [{
    cidr_blocks      = ["0.0.0.0/0"]
    description      = ""
    from_port        = 0
    ipv6_cidr_blocks = []
    prefix_list_ids  = []
    protocol         = "-1"
    security_groups  = []
    self             = false
    to_port          = 0
  }]
  ingress                = []
  name                   = "adopty-extra"
  name_prefix            = null
  revoke_rules_on_delete = null
  vpc_id                 = "vpc-4f989d19de702e65d"
}

# __generated__ by Terraform
resource "aws_ssm_parameter" "partner_key" {
  allowed_pattern  = null
  arn              = "arn:aws:ssm:us-east-1:123456789012:parameter/adopty/dev/partner-key"
  data_type        = "text"
  description      = null
  insecure_value   = null
  key_id           = "alias/aws/ssm"
  name             = "/adopty/dev/partner-key"
  overwrite        = null
  tier             = "Standard"
  type             = "SecureString"
  value            = var.partner_key_value_2 # sensitive
  value_wo         = null                    # sensitive
  value_wo_version = null
}

variable "partner_key_value_2" {
  type        = string
  description = "value of aws_ssm_parameter.partner_key: terraform cannot read it back; set it to the real value"
  sensitive   = true
}
