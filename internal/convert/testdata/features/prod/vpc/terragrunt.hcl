include "root" {
  path = find_in_parent_folders()
}

terraform {
  source = "../../modules//vpc"
}

# Never destroy the production network by accident.
prevent_destroy = true

inputs = {
  cidr = "10.1.0.0/16"
}
