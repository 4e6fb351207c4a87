source = "../../../modules/ci"
