# Contoso RAG workload: model hosting, grounding index, storage, secrets, monitoring.
variable "location" {
  type    = string
  default = "swedencentral"
}

variable "prefix" {
  type    = string
  default = "contoso-rag"
}

variable "pe_subnet_id" {
  type    = string
  default = "/subscriptions/0000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe"
}

locals {
  oai_name = "${var.prefix}-oai"
  tags = {
    owner       = "team-rag"
    environment = "prod"
  }
}

resource "azurerm_resource_group" "rag" {
  name     = "${var.prefix}-rg"
  location = var.location
}

resource "azurerm_log_analytics_workspace" "law" {
  name                = "${var.prefix}-law"
  location            = var.location
  resource_group_name = azurerm_resource_group.rag.name
  retention_in_days   = 30
}

resource "azurerm_cognitive_account" "oai" {
  name                          = local.oai_name
  location                      = var.location
  resource_group_name           = azurerm_resource_group.rag.name
  kind                          = "OpenAI"
  sku_name                      = "S0"
  custom_subdomain_name         = local.oai_name
  local_auth_enabled            = false
  public_network_access_enabled = false
  tags                          = local.tags

  identity {
    type = "SystemAssigned"
  }

  network_acls {
    default_action = "Deny"
  }
}

resource "azurerm_cognitive_deployment" "chat" {
  name                 = "gpt-4o"
  cognitive_account_id = azurerm_cognitive_account.oai.id
  rai_policy_name      = "Microsoft.DefaultV2"

  model {
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "2024-11-20"
  }

  sku {
    name     = "GlobalStandard"
    capacity = 50
  }
}

module "search" {
  source   = "./modules/search"
  name     = "${var.prefix}-srch"
  location = var.location
  rg       = azurerm_resource_group.rag.name
}

resource "azurerm_storage_account" "st" {
  name                            = "contosoragst"
  location                        = var.location
  resource_group_name             = azurerm_resource_group.rag.name
  account_kind                    = "StorageV2"
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false
  public_network_access_enabled   = false
}

resource "azurerm_key_vault" "kv" {
  name                          = "${var.prefix}-kv"
  location                      = var.location
  resource_group_name           = azurerm_resource_group.rag.name
  tenant_id                     = "00000000-0000-0000-0000-000000000000"
  sku_name                      = "standard"
  enable_rbac_authorization     = true
  purge_protection_enabled      = true
  public_network_access_enabled = false
}

resource "azurerm_private_endpoint" "oai" {
  name                = "${var.prefix}-pe-oai"
  location            = var.location
  resource_group_name = azurerm_resource_group.rag.name
  subnet_id           = var.pe_subnet_id

  private_service_connection {
    name                           = "account"
    private_connection_resource_id = azurerm_cognitive_account.oai.id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}

resource "azurerm_monitor_diagnostic_setting" "oai" {
  name                       = "to-law"
  target_resource_id         = azurerm_cognitive_account.oai.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.law.id

  enabled_log {
    category_group = "allLogs"
  }
}
