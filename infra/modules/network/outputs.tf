output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "The two availability zones used, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (ALB, NAT gateways), one per availability zone."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (ECS tasks, database, interface endpoints), one per availability zone."
  value       = aws_subnet.private[*].id
}

output "internet_gateway_id" {
  description = "ID of the internet gateway."
  value       = aws_internet_gateway.this.id
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways."
  value       = aws_nat_gateway.this[*].id
}

output "nat_public_ips" {
  description = "Public (Elastic) IPs of the NAT gateways: the stack's egress addresses, e.g. for partner allow-lists."
  value       = aws_eip.nat[*].public_ip
}

output "public_route_table_id" {
  description = "ID of the public route table."
  value       = aws_route_table.public.id
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, one per availability zone."
  value       = aws_route_table.private[*].id
}

output "s3_vpc_endpoint_id" {
  description = "ID of the S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.id
}

output "interface_vpc_endpoint_ids" {
  description = "IDs of the interface endpoints, keyed ecr_api, ecr_dkr, logs, ssm, ssmmessages."
  value       = { for k, e in aws_vpc_endpoint.interface : k => e.id }
}

output "alb_security_group_id" {
  description = "ID of the ALB security group (443 from CloudFront's origin-facing addresses and the partner CIDRs only)."
  value       = aws_security_group.alb.id
}

output "ecs_security_group_id" {
  description = "ID of the ECS tasks security group (application ports from the ALB only)."
  value       = aws_security_group.ecs.id
}

output "database_security_group_id" {
  description = "ID of the database security group (database port from the ECS tasks only)."
  value       = aws_security_group.database.id
}

output "vpc_endpoints_security_group_id" {
  description = "ID of the interface endpoints' security group."
  value       = aws_security_group.vpc_endpoints.id
}

output "dns_zone_id" {
  description = "ID of the environment's public Route53 hosted zone."
  value       = local.zone_id
}

output "dns_zone_name" {
  description = "Name of the environment's public Route53 hosted zone."
  value       = local.zone_name
}

output "dns_zone_name_servers" {
  description = "Name servers of the hosted zone (to delegate it from the parent domain)."
  value       = local.zone_name_servers
}

output "log_bucket_name" {
  description = "Name of the log bucket (ALB access logs under alb/, VPC flow logs under vpc-flow-logs/)."
  value       = aws_s3_bucket.logs.id
}

output "log_bucket_arn" {
  description = "ARN of the log bucket."
  value       = aws_s3_bucket.logs.arn
}

output "cloudfront_prefix_list_id" {
  description = "ID of the AWS-managed prefix list of CloudFront's origin-facing addresses (the only app traffic the ALB accepts)."
  value       = data.aws_ec2_managed_prefix_list.cloudfront.id
}
