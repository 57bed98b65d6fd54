cost_center = "a\qb"
