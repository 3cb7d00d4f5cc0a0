# The public edge and the manuals store, kept in Terraform by the platform team.
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }
    azapi   = { source = "azure/azapi", version = "~> 2.0" }
  }
}

variable "location" {
  default = "swedencentral"
}

variable "search_principal_id" {
  default = "00000000-0000-0000-0000-000000000001"
}

resource "azurerm_resource_group" "edge" {
  name     = "rg-supa-edge"
  location = var.location
  tags     = { owner = "support-platform" }
}

resource "azurerm_storage_account" "manuals" {
  name                            = "supamanuals"
  resource_group_name             = azurerm_resource_group.edge.name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  https_traffic_only_enabled      = true
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false
  public_network_access_enabled   = false
  tags                            = { owner = "support-platform" }
}

resource "azapi_resource" "manuals_lifecycle" {
  type      = "Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01"
  name      = "default"
  parent_id = azurerm_storage_account.manuals.id
  body = {
    properties = {
      policy = {
        rules = [{
          name    = "age-out-manuals"
          enabled = true
          type    = "Lifecycle"
          definition = {
            filters = { blobTypes = ["blockBlob"], prefixMatch = ["manuals/"] }
            actions = {
              baseBlob = {
                tierToCool = { daysAfterModificationGreaterThan = 90 }
                delete     = { daysAfterModificationGreaterThan = 730 }
              }
            }
          }
        }]
      }
    }
  }
}

resource "azurerm_role_assignment" "search_reads_manuals" {
  scope                = azurerm_storage_account.manuals.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = var.search_principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_web_application_firewall_policy" "edge" {
  name                = "waf-supa"
  resource_group_name = azurerm_resource_group.edge.name
  location            = var.location
  policy_settings {
    enabled = true
    mode    = "Prevention"
  }
  managed_rules {
    managed_rule_set {
      type    = "OWASP"
      version = "3.2"
    }
  }
}

resource "azurerm_application_gateway" "edge" {
  name                = "agw-supa"
  resource_group_name = azurerm_resource_group.edge.name
  location            = var.location
  zones               = ["1", "2", "3"]
  firewall_policy_id  = azurerm_web_application_firewall_policy.edge.id
  sku {
    name     = "WAF_v2"
    tier     = "WAF_v2"
    capacity = 2
  }
  gateway_ip_configuration {
    name      = "gw"
    subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-supa-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/agw"
  }
  frontend_port {
    name = "https"
    port = 443
  }
  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-supa-net/providers/Microsoft.Network/publicIPAddresses/pip-agw"
  }
  backend_address_pool {
    name  = "app"
    fqdns = ["supa-app.azurewebsites.net"]
  }
  backend_http_settings {
    name                  = "app"
    cookie_based_affinity = "Disabled"
    port                  = 443
    protocol              = "Https"
    request_timeout       = 60
  }
  http_listener {
    name                           = "https"
    frontend_ip_configuration_name = "public"
    frontend_port_name             = "https"
    protocol                       = "Https"
    ssl_certificate_name           = "edge"
  }
  ssl_certificate {
    name                = "edge"
    key_vault_secret_id = "https://kv-supa.vault.azure.net/secrets/edge"
  }
  request_routing_rule {
    name                       = "app"
    priority                   = 100
    rule_type                  = "Basic"
    http_listener_name         = "https"
    backend_address_pool_name  = "app"
    backend_http_settings_name = "app"
  }
}
