# A unit-folder override Terragrunt copies into its working folder.
output "unit_marker" {
  value = "dev-app"
}
