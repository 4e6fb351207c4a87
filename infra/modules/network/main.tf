data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  name = "${var.project}-${var.environment}"
  azs  = length(var.availability_zones) == 2 ? var.availability_zones : slice(data.aws_availability_zones.available.names, 0, 2)

  # What the tasks reach without the NAT gateway: images (ECR), logs, and
  # SSM (container secrets; ssmmessages carries ECS exec sessions).
  interface_endpoints = {
    ecr_api     = "com.amazonaws.${var.aws_region}.ecr.api"
    ecr_dkr     = "com.amazonaws.${var.aws_region}.ecr.dkr"
    logs        = "com.amazonaws.${var.aws_region}.logs"
    ssm         = "com.amazonaws.${var.aws_region}.ssm"
    ssmmessages = "com.amazonaws.${var.aws_region}.ssmmessages"
  }
}

# --- VPC and subnets ----------------------------------------------------------

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # needed by the interface endpoints' private DNS

  tags = { Name = local.name }
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id                  = aws_vpc.this.id
  cidr_block              = var.public_subnet_cidrs[count.index]
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = false

  tags = { Name = "${local.name}-public-${local.azs[count.index]}", Tier = "public" }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.this.id
  cidr_block        = var.private_subnet_cidrs[count.index]
  availability_zone = local.azs[count.index]

  tags = { Name = "${local.name}-private-${local.azs[count.index]}", Tier = "private" }
}

# --- Internet and NAT gateways -----------------------------------------------

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = local.name }
}

resource "aws_eip" "nat" {
  count = var.nat_gateway_count

  domain = "vpc"

  tags = { Name = "${local.name}-nat-${local.azs[count.index]}" }
}

resource "aws_nat_gateway" "this" {
  count = var.nat_gateway_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = { Name = "${local.name}-${local.azs[count.index]}" }

  depends_on = [aws_internet_gateway.this]
}

# --- Route tables -------------------------------------------------------------

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "${local.name}-public" }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = 2

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# One private route table per AZ; with a single NAT both point at it.
resource "aws_route_table" "private" {
  count = 2

  vpc_id = aws_vpc.this.id

  tags = { Name = "${local.name}-private-${local.azs[count.index]}" }
}

resource "aws_route" "private_nat" {
  count = 2

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[min(count.index, var.nat_gateway_count - 1)].id
}

resource "aws_route_table_association" "private" {
  count = 2

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# --- VPC endpoints ------------------------------------------------------------

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.aws_region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = { Name = "${local.name}-s3" }
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = aws_vpc.this.id
  service_name        = each.value
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.vpc_endpoints.id]

  tags = { Name = "${local.name}-${replace(each.key, "_", "-")}" }
}

# --- Public DNS zone ------------------------------------------------------------
# Lives here rather than in the edge unit: the service unit DNS-validates the
# ALB's ACM certificates in it, and edge depends on service (ALB DNS name).
#
# dns_zone_mode:
#   existing  — the zone already exists (typically prod: the domain's own zone,
#               where the registrar points); it is looked up, never changed.
#   delegated — a sub-zone created here (dev.example.org) and delegated from
#               its parent (dns_parent_zone_name, which must exist in this
#               account): the NS records are written into the parent, so ACM
#               DNS validation and the public records resolve.

resource "aws_route53_zone" "this" {
  count = var.dns_zone_mode == "delegated" ? 1 : 0

  name          = var.dns_zone_name
  comment       = "${local.name} public zone (stackctl), delegated from ${var.dns_parent_zone_name}"
  force_destroy = var.dns_zone_force_destroy
}

data "aws_route53_zone" "existing" {
  count = var.dns_zone_mode == "existing" ? 1 : 0

  name         = var.dns_zone_name
  private_zone = false
}

data "aws_route53_zone" "parent" {
  count = var.dns_zone_mode == "delegated" ? 1 : 0

  name         = var.dns_parent_zone_name
  private_zone = false
}

resource "aws_route53_record" "delegation" {
  count = var.dns_zone_mode == "delegated" ? 1 : 0

  zone_id = data.aws_route53_zone.parent[0].zone_id
  name    = var.dns_zone_name
  type    = "NS"
  ttl     = 3600
  records = aws_route53_zone.this[0].name_servers
}

locals {
  zone_id           = var.dns_zone_mode == "delegated" ? aws_route53_zone.this[0].zone_id : data.aws_route53_zone.existing[0].zone_id
  zone_name         = var.dns_zone_mode == "delegated" ? aws_route53_zone.this[0].name : data.aws_route53_zone.existing[0].name
  zone_name_servers = var.dns_zone_mode == "delegated" ? aws_route53_zone.this[0].name_servers : data.aws_route53_zone.existing[0].name_servers
}
