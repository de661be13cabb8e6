# A VPC with two private subnets and nothing else: no internet gateway, no NAT gateway (~$33/month
# each), no interface endpoints (~$7/month per AZ each), no load balancer. Only the database and the
# app's ENIs (App Runner's VPC connector, or the Lambda function's) live here. The app never calls
# AWS APIs at run time (docs/architecture.md, decision 1): App Runner and Lambda pull the image, ship
# logs and hand over secrets outside the VPC.
# https://docs.aws.amazon.com/apprunner/latest/dg/network-vpc.html
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
#
# The way out (webhooks, recipe pages, Web Push; docs/notifications.md, "What leaves the server, per
# target"): on Lambda, IPv6 only, through an egress-only internet gateway, which has no hourly
# charge (data transfer only) and admits no connection from outside. The subnets are dual-stack
# there, and their route table sends ::/0 to that gateway and nothing for 0.0.0.0/0, so no IPv4
# address ever becomes public. App Runner's VPC connector carries IPv4 only ("only IPv4 is supported
# for outgoing traffic", https://docs.aws.amazon.com/apprunner/latest/dg/network.html), so that
# target gets none of this and runs with OUTBOUND=none.
# https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html

# Pinned to the configured zone IDs so the subnets never move when AWS adds a zone.
data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "zone-id"
    values = var.availability_zone_ids
  }
}

data "aws_caller_identity" "current" {}

resource "aws_vpc" "main" {
  #checkov:skip=CKV2_AWS_11:VPC flow logs would bill CloudWatch ingestion for a VPC whose only traffic is the app talking to its database; the security groups below admit nothing else.
  cidr_block = var.vpc_cidr
  # An Amazon-provided /56, for the Lambda target's way out (above).
  assign_generated_ipv6_cidr_block = local.use_lambda

  # The connector resolves the RDS endpoint through the VPC's Amazon-provided DNS.
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = var.name }
}

# The default security group admits nothing, so nothing can silently land in it.
resource "aws_default_security_group" "main" {
  vpc_id = aws_vpc.main.id

  tags = { Name = "${var.name}-default-deny" }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index)
  availability_zone_id    = var.availability_zone_ids[count.index]
  map_public_ip_on_launch = false
  # Lambda: a /64 of the VPC's /56 each, so the function's ENIs get IPv6 addresses (reachable from
  # nowhere: the only route out is the egress-only gateway).
  ipv6_cidr_block                 = local.use_lambda ? cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, count.index) : null
  assign_ipv6_address_on_creation = local.use_lambda

  tags = { Name = "${var.name}-private-${var.availability_zone_ids[count.index]}" }

  lifecycle {
    precondition {
      condition     = contains(data.aws_availability_zones.available.zone_ids, var.availability_zone_ids[count.index])
      error_message = "availability_zone_ids must be available AZ IDs of the configured region (see `aws ec2 describe-availability-zones`)."
    }
  }
}

# Lambda's way out: IPv6 to the internet through the egress-only gateway, nothing else.
resource "aws_egress_only_internet_gateway" "main" {
  count = local.use_lambda ? 1 : 0

  vpc_id = aws_vpc.main.id

  tags = { Name = "${var.name}-egress-only" }
}

# The function's subnets: the VPC's local routes (implicit) and ::/0 to the egress-only gateway. No
# route for 0.0.0.0/0: IPv4 stays inside the VPC.
resource "aws_route_table" "private" {
  count = local.use_lambda ? 1 : 0

  vpc_id = aws_vpc.main.id

  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = aws_egress_only_internet_gateway.main[0].id
  }

  tags = { Name = "${var.name}-private" }
}

resource "aws_route_table_association" "private" {
  count = local.use_lambda ? length(aws_subnet.private) : 0

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

# The app's security group (App Runner's connector or the Lambda function): egress to PostgreSQL
# only, and on Lambda HTTPS over IPv6 too. Traffic to the VPC's DNS resolver is not filtered by security groups, so no DNS rule is
# needed: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
# The App Runner one keeps its name and description (changing them would replace the group).
resource "aws_security_group" "connector" {
  count = local.use_apprunner ? 1 : 0

  name        = "${var.name}-apprunner-connector"
  description = "App Runner VPC connector: may only open connections to the database"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${var.name}-apprunner-connector" }
}

# Its description predates the IPv6 rule below; changing it would replace the group.
resource "aws_security_group" "lambda" {
  count = local.use_lambda ? 1 : 0

  name        = "${var.name}-lambda"
  description = "Lambda function: may only open connections to the database"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${var.name}-lambda" }
}

locals {
  app_security_group_id = local.use_apprunner ? aws_security_group.connector[0].id : aws_security_group.lambda[0].id
}

resource "aws_vpc_security_group_egress_rule" "app_to_db" {
  security_group_id            = local.app_security_group_id
  description                  = "PostgreSQL to the database"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db.id
}

# Webhooks, recipe pages and Web Push: HTTPS only, over the egress-only gateway (IPv6 only).
resource "aws_vpc_security_group_egress_rule" "lambda_https_ipv6" {
  count = local.use_lambda ? 1 : 0

  security_group_id = aws_security_group.lambda[0].id
  description       = "HTTPS to the internet over IPv6 (egress-only internet gateway)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "::/0"
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "RDS PostgreSQL: admits 5432 from the App Runner connector only"
  vpc_id      = aws_vpc.main.id

  tags = { Name = "${var.name}-db" }
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the app (App Runner connector or Lambda)"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = local.app_security_group_id
}

# The public zone that already holds the domain; records for both host names go here.
data "aws_route53_zone" "main" {
  name         = var.route53_zone_name
  private_zone = false

  lifecycle {
    postcondition {
      condition     = var.app_domain == trimsuffix(self.name, ".") || endswith(var.app_domain, ".${trimsuffix(self.name, ".")}")
      error_message = "app_domain must be route53_zone_name itself (the apex) or a name inside it."
    }
  }
}

locals {
  zone_name = trimsuffix(data.aws_route53_zone.main.name, ".")
}
