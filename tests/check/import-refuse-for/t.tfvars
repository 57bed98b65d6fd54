admin_users = [for u in ["a"] : u]
