user_node_max_size = 1 + 2
