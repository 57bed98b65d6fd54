environment = "demo"
