resource "terraform_data" "import" {
  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = <<-EOT
      cd ../infra && terraform state list
    EOT
  }
}

locals {
  debug_node = "i-0123abcd" # a node of the old cluster
}
