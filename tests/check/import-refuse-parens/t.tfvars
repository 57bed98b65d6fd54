user_node_max_size = (3)
