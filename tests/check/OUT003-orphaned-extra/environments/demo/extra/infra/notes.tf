locals {
  note = "kept"
}
