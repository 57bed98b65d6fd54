cost_center = "a"
cost_center = "b"
