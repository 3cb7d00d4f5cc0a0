# Hardening applied by the platform team.
resource "azurerm_cognitive_account" "oai" {
  local_auth_enabled = false

  network_acls {
    default_action = "Allow"
  }

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  env = "prod"
}
