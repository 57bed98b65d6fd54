cost_center = lower("X")
