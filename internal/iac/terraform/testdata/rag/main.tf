# A retrieval-augmented chat workload: OpenAI behind a private endpoint, AI Search
# over a storage account, an App Service front end, and monitoring.

terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 4.0" }
    azapi   = { source = "Azure/azapi", version = "~> 2.0" }
  }
}

locals {
  prefix   = "${var.workload}-${var.environment}"
  location = lower(var.location)
  tags = merge(var.extra_tags, {
    workload    = var.workload
    environment = var.environment
  })
  search_sku = var.environment == "prod" ? "standard" : "basic"
}

resource "azurerm_resource_group" "rg" {
  name     = "rg-${local.prefix}"
  location = local.location
  tags     = local.tags
}

module "openai" {
  source              = "./modules/openai"
  name                = "oai-${local.prefix}"
  resource_group_name = azurerm_resource_group.rg.name
  location            = azurerm_resource_group.rg.location
  subnet_id           = azurerm_subnet.pe.id
  deployments         = var.deployments
  tags                = local.tags
}

module "search" {
  source              = "./modules/search"
  count               = var.regions
  name                = "srch-${local.prefix}-${count.index}"
  resource_group_name = azurerm_resource_group.rg.name
  location            = local.location
  sku                 = local.search_sku
}

module "naming" {
  source  = "Azure/naming/azurerm"
  version = "0.4.0"
}

resource "azurerm_virtual_network" "vnet" {
  name                = "vnet-${local.prefix}"
  resource_group_name = azurerm_resource_group.rg.name
  location            = local.location
  address_space       = ["10.20.0.0/16"]
}

resource "azurerm_subnet" "pe" {
  name                 = "snet-pe"
  resource_group_name  = azurerm_resource_group.rg.name
  virtual_network_name = azurerm_virtual_network.vnet.name
  address_prefixes     = ["10.20.1.0/24"]
}

resource "azurerm_storage_account" "docs" {
  name                            = replace("st${local.prefix}docs", "-", "")
  resource_group_name             = azurerm_resource_group.rg.name
  location                        = local.location
  account_tier                    = "Standard"
  account_replication_type        = var.environment == "prod" ? "ZRS" : "LRS"
  shared_access_key_enabled       = false
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }
  tags = local.tags
}

resource "azurerm_key_vault" "kv" {
  name                       = "kv-${local.prefix}"
  resource_group_name        = azurerm_resource_group.rg.name
  location                   = local.location
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  purge_protection_enabled   = true
  rbac_authorization_enabled = true
}

data "azurerm_client_config" "current" {}

resource "azurerm_service_plan" "web" {
  name                   = "asp-${local.prefix}"
  resource_group_name    = azurerm_resource_group.rg.name
  location               = local.location
  os_type                = "Linux"
  sku_name               = "P1v3"
  zone_balancing_enabled = var.environment == "prod"
  worker_count           = 3
}

resource "azurerm_linux_web_app" "chat" {
  name                = "app-${local.prefix}"
  resource_group_name = azurerm_resource_group.rg.name
  location            = local.location
  service_plan_id     = azurerm_service_plan.web.id
  https_only          = true

  identity {
    type = "SystemAssigned"
  }

  site_config {
    minimum_tls_version = "1.2"
    ftps_state          = "Disabled"
  }

  app_settings = {
    AZURE_OPENAI_ENDPOINT = module.openai.endpoint
  }
}

resource "azurerm_log_analytics_workspace" "logs" {
  name                = "log-${local.prefix}"
  resource_group_name = azurerm_resource_group.rg.name
  location            = local.location
  sku                 = "PerGB2018"
  retention_in_days   = 30
}

resource "azurerm_monitor_diagnostic_setting" "openai" {
  name                       = "diag-openai"
  target_resource_id         = module.openai.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.logs.id

  enabled_log {
    category_group = "allLogs"
  }
  enabled_metric {
    category = "AllMetrics"
  }
}

resource "azurerm_monitor_metric_alert" "throttling" {
  name                = "alert-openai-throttling"
  resource_group_name = azurerm_resource_group.rg.name
  scopes              = [module.openai.id]
  severity            = 2
  frequency           = "PT5M"

  criteria {
    metric_namespace = "Microsoft.CognitiveServices/accounts"
    metric_name      = "ClientErrors"
    aggregation      = "Total"
    operator         = "GreaterThan"
    threshold        = 10
  }
}

resource "azapi_resource" "content_safety" {
  type      = "Microsoft.CognitiveServices/accounts@2024-10-01"
  name      = "cs-${local.prefix}"
  parent_id = azurerm_resource_group.rg.id
  location  = local.location
  body = {
    kind = "ContentSafety"
    sku  = { name = "S0" }
    properties = {
      disableLocalAuth    = true
      publicNetworkAccess = "Disabled"
    }
  }
}
