variable "name" { type = string }
variable "purge" { default = false }

resource "azurerm_key_vault" "this" {
  name                     = var.name
  sku_name                 = "standard"
  purge_protection_enabled = var.purge
}
