environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
use_three_node_groups = true
admin_users = ["quote\" backslash\\", "tab\there", "caf\u00e9 \U0001F600", "$${literal} %%{literal} $ %", ""]
