# The deploy pipeline's user (not in the production stack: the lesson's
# dashboard case needs a destroy that a hand-made attachment blocks). The
# AWS provider detaches a user's policies on destroy only with
# force_destroy, so one attached by hand makes DeleteUser fail.
resource "aws_iam_user" "deploy" {
  name = "${var.project}-${var.environment}-deploy"
}

output "deploy_user" {
  value = aws_iam_user.deploy.name
}
