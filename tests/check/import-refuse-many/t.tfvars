a = 1 +
b = [1 2]
c = {x y}
d = "ok"
e
= 3
