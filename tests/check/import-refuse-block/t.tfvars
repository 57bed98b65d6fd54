locals {
  x = 1
}
module "m" {
}
