source = "../../../modules/flags"
