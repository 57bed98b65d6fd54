environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
enable_jupyterhub = false
use_three_node_groups = false
