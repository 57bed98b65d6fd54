environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
use_three_node_groups = true
cost_centre = "x"
enable_kubcost = true
