environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
use_three_node_groups = true
user_node_max_size = "3"
admin_users = "alice"
