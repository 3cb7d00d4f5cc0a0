variable "workload" {
  type    = string
  default = "ragchat"
}

variable "environment" {
  type = string
}

variable "location" {
  type    = string
  default = "SwedenCentral"
}

variable "regions" {
  type    = number
  default = 1
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}

variable "deployments" {
  type = map(object({
    model    = string
    version  = string
    sku      = optional(string, "GlobalStandard")
    capacity = optional(number, 10)
  }))
}
