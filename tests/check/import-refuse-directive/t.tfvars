cost_center = "%{ if true }x%{ endif }"
