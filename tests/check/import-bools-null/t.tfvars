environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
use_three_node_groups = true
enable_kubecost = true
force_destroy_s3 = false
cost_center = null
