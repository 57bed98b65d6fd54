cost_center = <<EOT
abc
