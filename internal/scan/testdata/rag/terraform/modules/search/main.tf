# Grounding index for the RAG workload.
variable "name" { type = string }
variable "location" { type = string }
variable "rg" { type = string }
variable "replicas" {
  type    = number
  default = 2
}

resource "azurerm_search_service" "this" {
  name                          = var.name
  location                      = var.location
  resource_group_name           = var.rg
  sku                           = "standard"
  replica_count                 = var.replicas
  partition_count               = 1
  public_network_access_enabled = false
  local_authentication_enabled  = false

  identity {
    type = "SystemAssigned"
  }
}
