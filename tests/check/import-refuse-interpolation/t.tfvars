cost_center = "cc-${var.environment}"
