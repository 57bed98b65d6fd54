cluster_admin_users = [{ arn = "x", arn = "y" }]
