# Primary configuration; override.tf and z_override.tf.json change parts of it.
variable "sku" {
  type    = string
  default = "F0"
}

locals {
  env = "dev"
}

locals {
  region = "westeurope"
}

resource "azurerm_cognitive_account" "oai" {
  name                  = "oai-${local.env}"
  location              = local.region
  kind                  = "OpenAI"
  sku_name              = var.sku
  local_auth_enabled    = true
  custom_subdomain_name = "oai-${local.env}"

  network_acls {
    default_action = "Deny"
    ip_rules       = ["1.1.1.1"]
  }

  identity {
    type = "SystemAssigned"
  }

  lifecycle {
    ignore_changes = [tags]
  }
}

module "kv" {
  source = "./m"
  name   = "kv-${local.env}"
}

output "account" {
  value = azurerm_cognitive_account.oai.name
}
