source = "../../../modules/network"
