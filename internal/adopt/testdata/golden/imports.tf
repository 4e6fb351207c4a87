# Adopted by hand last week.
import {
  to = aws_vpc.main # the VPC
  id = "vpc-1"
}

import {
  to = aws_ecs_service.app["web"]
  id = "drifty/web"
}

import {
  to = aws_ssm_parameter.p
  id = "/a/$${b}"
}
