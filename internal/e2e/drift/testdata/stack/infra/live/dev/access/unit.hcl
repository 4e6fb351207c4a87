source = "../../../modules/access"
