cost_center = "abc
owner_email = "o@example.org"
