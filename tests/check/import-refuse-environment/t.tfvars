environment = "prod"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
