variable "name" { type = string }
variable "resource_group_name" { type = string }
variable "location" { type = string }
variable "sku" {
  type    = string
  default = "basic"
}

resource "azurerm_search_service" "this" {
  name                          = var.name
  resource_group_name           = var.resource_group_name
  location                      = var.location
  sku                           = var.sku
  replica_count                 = var.sku == "free" ? 1 : 3
  partition_count               = 1
  public_network_access_enabled = false
  local_authentication_enabled  = false
  allowed_ips                   = ["203.0.113.10"]

  identity {
    type = "SystemAssigned"
  }
}
