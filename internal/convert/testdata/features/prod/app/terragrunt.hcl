include "root" {
  path = find_in_parent_folders()
}

include "envcommon" {
  path = "${dirname(find_in_parent_folders())}/_envcommon/app.hcl"
}

prevent_destroy = true

inputs = {
  instance_count = 3
}
