include "root" {
  path = find_in_parent_folders()
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders())}/_envcommon/app.hcl"
}

prevent_destroy = true

iam_assume_role_session_name = "deploy-prod-app"

inputs = {
  instance_count = 3
}
