# Native declarations that the JSON files of the same module use.
variable "env" {
  type = string
}

variable "sku" {
  type    = string
  default = "F0"
}

variable "subnets" {
  type    = list(string)
  default = []
}
