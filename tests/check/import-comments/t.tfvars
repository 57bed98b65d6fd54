# a comment
environment = "demo"
domain_name = ""
admin_email = "a@example.org"
owner_email = "o@example.org"
use_three_node_groups = true   # after a value
// another
/* a block
   comment */ vpc_cidr = "10.9.0.0/16" /* inline */
dask_node_instance_types = [ # inside a list
  "m5.large", // here too
  /* and */ "m5a.large"
]
