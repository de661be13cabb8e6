# Renames since the single-target stack, so an existing deployment updates in place instead of
# deleting and recreating these. (Adding `count` to a resource moves `x` to `x[0]` by itself.)

moved {
  from = aws_vpc_security_group_egress_rule.connector_to_db
  to   = aws_vpc_security_group_egress_rule.app_to_db
}

moved {
  from = aws_vpc_security_group_ingress_rule.db_from_connector
  to   = aws_vpc_security_group_ingress_rule.db_from_app
}
