environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
use_three_node_groups = true
additional_image_choices = [
  { "name": "pangeo/pangeo-notebook:2025.01.10", slug: "pangeo", "display_name" = "Pangeo",
    description = "the Pangeo stack", default = true },
]
