cost_center = var.cost_center
