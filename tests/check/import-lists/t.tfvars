environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
use_three_node_groups = true
system_node_instance_types = ["m5.large"]
dask_node_instance_types = [
  "t3.large",
  "m5.large",
]
allowed_users = []
cluster_admin_users = [
  {
    arn      = "arn:aws:iam::123456789012:user/a"
    username = "a"
  },
  { arn = "arn:aws:iam::123456789012:user/b", username = "b" }
]
cluster_admin_roles = [{ arn = "arn:aws:iam::123456789012:role/ci", username = "ci" }]
