package terraform

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/awaf/awaf/internal/iac"
)

// typeMap says how one azurerm_* resource type becomes an ARM resource.
type typeMap struct {
	ARMType string
	// Kind is the ARM kind implied by the Terraform type itself (azurerm_linux_web_app
	// is kind "app,linux"); a kind attribute in the map wins over it.
	Kind string
	// ParentAttr names the argument that holds the parent's id, for child resources:
	// the ARM name becomes "<parent name>/<name>".
	ParentAttr string
	// ParentNameAttr names the argument that holds the parent's name, for child
	// resources declared by names (azurerm_subnet's virtual_network_name).
	ParentNameAttr string
	Attrs          []attrMap
	// Defaults are values the azurerm provider sends when an argument is absent and
	// that differ from what ARM assumes when the property is absent (see MAPPING.md).
	Defaults []providerDefault
	// Custom handles mappings that need several arguments at once.
	Custom func(tf *iac.Value, arm *iac.Value, loc iacLoc)
}

// attrMap maps one Terraform argument path onto one ARM path. Paths are dotted; a
// nested block is a list in Terraform, and a path step into a block reads its single
// instance. A "[]" suffix on a step of From maps each element of that list onto the
// element with the same index of the To step that has "[]"; From ending in "[]" maps the
// list elements themselves (allowed_ips[] -> ipRules[].value).
type attrMap struct {
	From string
	To   string
	Conv conv
}

// conv transforms a known, non-null Terraform value into its ARM form. It returns nil
// to leave the ARM property out.
type conv func(v *iac.Value) *iac.Value

// providerDefault is an ARM value set when the Terraform argument When is absent (and,
// if Requires is set, that block is present).
type providerDefault struct {
	When     string
	Requires string
	To       string
	Value    any
}

// Conversions.
var (
	// not turns local_auth_enabled into disableLocalAuth.
	not conv = func(v *iac.Value) *iac.Value {
		if b, known, ok := v.AsBool(); ok && known {
			return iac.NewBool(!b, v.Loc)
		}
		return nil
	}
	// enabledDisabled turns public_network_access_enabled into publicNetworkAccess.
	enabledDisabled conv = func(v *iac.Value) *iac.Value {
		if b, known, ok := v.AsBool(); ok && known {
			if b {
				return iac.NewString("Enabled", v.Loc)
			}
			return iac.NewString("Disabled", v.Loc)
		}
		return nil
	}
	// autoscaleRules turns the rule blocks of an autoscale profile into ARM rules with
	// their metric and scale direction.
	autoscaleRules conv = func(v *iac.Value) *iac.Value {
		if v.Kind != iac.Array {
			return nil
		}
		out := iac.NewArray(v.Loc)
		for _, r := range v.Items {
			rule := iac.NewObject(r.Loc)
			if r.Kind == iac.Object {
				applyAttrs([]attrMap{
					{From: "metric_trigger.metric_name", To: "metricTrigger.metricName"},
					{From: "metric_trigger.metric_resource_id", To: "metricTrigger.metricResourceUri"},
					{From: "metric_trigger.operator", To: "metricTrigger.operator"},
					{From: "metric_trigger.threshold", To: "metricTrigger.threshold"},
					{From: "scale_action.direction", To: "scaleAction.direction"},
				}, r, rule)
			}
			out.Items = append(out.Items, rule)
		}
		return out
	}
	// present gives a constant when a block or value is declared at all.
	present = func(s string) conv {
		return func(v *iac.Value) *iac.Value {
			if v.Kind == iac.Array && len(v.Items) == 0 {
				return nil
			}
			return iac.NewString(s, v.Loc)
		}
	}
	// enabledOr maps true to "Enabled" and false to the given word.
	enabledOr = func(off string) conv {
		return func(v *iac.Value) *iac.Value {
			if b, known, ok := v.AsBool(); ok && known {
				if b {
					return iac.NewString("Enabled", v.Loc)
				}
				return iac.NewString(off, v.Loc)
			}
			return nil
		}
	}
	// joinList turns a set of strings into ARM's comma-separated flags
	// ("AzureServices, Logging").
	joinList conv = func(v *iac.Value) *iac.Value {
		if v.Kind != iac.Array {
			return v
		}
		var parts []string
		for _, it := range v.Items {
			s, known, ok := it.AsString()
			if !known {
				return iac.NewUnknown(it.Why, it.Loc)
			}
			if ok {
				parts = append(parts, s)
			}
		}
		if len(parts) == 0 {
			return iac.NewString("None", v.Loc)
		}
		return iac.NewString(strings.Join(parts, ", "), v.Loc)
	}
	// keyVaultURI and keyName split a versioned or versionless Key Vault key id
	// (https://kv.vault.azure.net/keys/name/version).
	keyVaultURI conv = func(v *iac.Value) *iac.Value {
		s, _, _ := v.AsString()
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return nil
		}
		return iac.NewString(u.Scheme+"://"+u.Host+"/", v.Loc)
	}
	keyName conv = func(v *iac.Value) *iac.Value {
		s, _, _ := v.AsString()
		u, err := url.Parse(s)
		if err != nil {
			return nil
		}
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(parts) >= 2 && parts[0] == "keys" {
			return iac.NewString(parts[1], v.Loc)
		}
		return nil
	}
	// linuxKind gives a service plan its kind from os_type.
	linuxKind conv = func(v *iac.Value) *iac.Value {
		s, _, _ := v.AsString()
		switch strings.ToLower(s) {
		case "linux":
			return iac.NewString("linux", v.Loc)
		case "windows":
			return iac.NewString("app", v.Loc)
		case "windowscontainer":
			return iac.NewString("windows", v.Loc)
		}
		return nil
	}
	isLinux conv = func(v *iac.Value) *iac.Value {
		s, _, _ := v.AsString()
		return iac.NewBool(strings.EqualFold(s, "linux"), v.Loc)
	}
)

// Attribute groups shared by several types.
var (
	commonAttrs = []attrMap{
		{From: "name", To: "name"},
		{From: "location", To: "location"},
		{From: "tags", To: "tags"},
		{From: "identity", To: "identity", Conv: identityConv},
	}
	cognitiveNetworkAttrs = []attrMap{
		{From: "custom_subdomain_name", To: "properties.customSubDomainName"},
		{From: "outbound_network_access_restricted", To: "properties.restrictOutboundNetworkAccess"},
		{From: "fqdns", To: "properties.allowedFqdnList"},
		{From: "dynamic_throttling_enabled", To: "properties.dynamicThrottlingEnabled"},
		{From: "network_acls.default_action", To: "properties.networkAcls.defaultAction"},
		{From: "network_acls.bypass", To: "properties.networkAcls.bypass"},
		{From: "network_acls.ip_rules[]", To: "properties.networkAcls.ipRules[].value"},
		{From: "network_acls.virtual_network_rules[].subnet_id", To: "properties.networkAcls.virtualNetworkRules[].id"},
		{From: "network_acls.virtual_network_rules[].ignore_missing_vnet_service_endpoint", To: "properties.networkAcls.virtualNetworkRules[].ignoreMissingVnetServiceEndpoint"},
		{From: "customer_managed_key", To: "properties.encryption.keySource", Conv: present("Microsoft.KeyVault")},
		{From: "customer_managed_key.identity_client_id", To: "properties.encryption.keyVaultProperties.identityClientId"},
		{From: "customer_managed_key.key_vault_key_id", To: "properties.encryption.keyVaultProperties.keyVaultUri", Conv: keyVaultURI},
		{From: "customer_managed_key.key_vault_key_id", To: "properties.encryption.keyVaultProperties.keyName", Conv: keyName},
		{From: "storage[].storage_account_id", To: "properties.userOwnedStorage[].resourceId"},
	}
	webAppAttrs = []attrMap{
		{From: "https_only", To: "properties.httpsOnly"},
		{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
		{From: "service_plan_id", To: "properties.serverFarmId"},
		{From: "virtual_network_subnet_id", To: "properties.virtualNetworkSubnetId"},
		{From: "client_certificate_enabled", To: "properties.clientCertEnabled"},
		{From: "key_vault_reference_identity_id", To: "properties.keyVaultReferenceIdentity"},
		{From: "site_config.minimum_tls_version", To: "properties.siteConfig.minTlsVersion"},
		{From: "site_config.scm_minimum_tls_version", To: "properties.siteConfig.scmMinTlsVersion"},
		{From: "site_config.ftps_state", To: "properties.siteConfig.ftpsState"},
		{From: "site_config.http2_enabled", To: "properties.siteConfig.http20Enabled"},
		{From: "site_config.always_on", To: "properties.siteConfig.alwaysOn"},
		{From: "site_config.vnet_route_all_enabled", To: "properties.siteConfig.vnetRouteAllEnabled"},
		{From: "site_config.remote_debugging_enabled", To: "properties.siteConfig.remoteDebuggingEnabled"},
	}
	workspaceAttrs = []attrMap{
		{From: "managed_network.isolation_mode", To: "properties.managedNetwork.isolationMode"},
		{From: "primary_user_assigned_identity", To: "properties.primaryUserAssignedIdentity"},
		{From: "key_vault_id", To: "properties.keyVault"},
		{From: "storage_account_id", To: "properties.storageAccount"},
		{From: "application_insights_id", To: "properties.applicationInsights"},
		{From: "container_registry_id", To: "properties.containerRegistry"},
		{From: "description", To: "properties.description"},
		{From: "friendly_name", To: "properties.friendlyName"},
		{From: "encryption", To: "properties.encryption.status", Conv: present("Enabled")},
		{From: "encryption.key_id", To: "properties.encryption.keyVaultProperties.keyIdentifier"},
		{From: "encryption.key_vault_id", To: "properties.encryption.keyVaultProperties.keyVaultArmId"},
		{From: "encryption.user_assigned_identity_id", To: "properties.encryption.identity.userAssignedIdentity"},
	}
)

func join(groups ...[]attrMap) []attrMap {
	var out []attrMap
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// typeMaps covers every resource type the rules read (shared/research/iac-checks.md)
// plus the common companions a workload declares. Property names are ARM's.
var typeMaps = map[string]typeMap{
	"azurerm_cognitive_account": {
		ARMType: "Microsoft.CognitiveServices/accounts",
		Attrs: join(commonAttrs, cognitiveNetworkAttrs, []attrMap{
			{From: "kind", To: "kind"},
			{From: "sku_name", To: "sku.name"},
			{From: "local_auth_enabled", To: "properties.disableLocalAuth", Conv: not},
			{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
			{From: "network_injection[].scenario", To: "properties.networkInjections[].scenario"},
			{From: "network_injection[].subnet_id", To: "properties.networkInjections[].subnetArmId"},
		}),
	},
	"azurerm_ai_services": {
		ARMType: "Microsoft.CognitiveServices/accounts",
		Kind:    "AIServices",
		Attrs: join(commonAttrs, cognitiveNetworkAttrs, []attrMap{
			{From: "sku_name", To: "sku.name"},
			{From: "local_authentication_enabled", To: "properties.disableLocalAuth", Conv: not},
			{From: "public_network_access", To: "properties.publicNetworkAccess"},
		}),
	},
	"azurerm_cognitive_deployment": {
		ARMType:    "Microsoft.CognitiveServices/accounts/deployments",
		ParentAttr: "cognitive_account_id",
		Attrs: []attrMap{
			{From: "name", To: "name"},
			{From: "model.format", To: "properties.model.format"},
			{From: "model.name", To: "properties.model.name"},
			{From: "model.version", To: "properties.model.version"},
			{From: "sku.name", To: "sku.name"},
			{From: "sku.capacity", To: "sku.capacity"},
			{From: "sku.tier", To: "sku.tier"},
			{From: "sku.size", To: "sku.size"},
			{From: "sku.family", To: "sku.family"},
			{From: "rai_policy_name", To: "properties.raiPolicyName"},
			{From: "version_upgrade_option", To: "properties.versionUpgradeOption"},
			{From: "dynamic_throttling_enabled", To: "properties.dynamicThrottlingEnabled"},
		},
	},
	"azurerm_cognitive_account_rai_policy": {
		ARMType:    "Microsoft.CognitiveServices/accounts/raiPolicies",
		ParentAttr: "cognitive_account_id",
		Attrs: []attrMap{
			{From: "name", To: "name"},
			{From: "base_policy_name", To: "properties.basePolicyName"},
			{From: "mode", To: "properties.mode"},
			{From: "content_filter[].name", To: "properties.contentFilters[].name"},
			{From: "content_filter[].filter_enabled", To: "properties.contentFilters[].enabled"},
			{From: "content_filter[].block_enabled", To: "properties.contentFilters[].blocking"},
			{From: "content_filter[].severity_threshold", To: "properties.contentFilters[].severityThreshold"},
			{From: "content_filter[].source", To: "properties.contentFilters[].source"},
		},
	},
	"azurerm_search_service": {
		ARMType: "Microsoft.Search/searchServices",
		Attrs: join(commonAttrs, []attrMap{
			{From: "sku", To: "sku.name"},
			{From: "replica_count", To: "properties.replicaCount"},
			{From: "partition_count", To: "properties.partitionCount"},
			{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
			{From: "local_authentication_enabled", To: "properties.disableLocalAuth", Conv: not},
			{From: "allowed_ips[]", To: "properties.networkRuleSet.ipRules[].value"},
			{From: "network_rule_bypass_option", To: "properties.networkRuleSet.bypass"},
			{From: "authentication_failure_mode", To: "properties.authOptions.aadOrApiKey.aadAuthFailureMode"},
			{From: "hosting_mode", To: "properties.hostingMode"},
			{From: "semantic_search_sku", To: "properties.semanticSearch"},
			{From: "customer_managed_key_enforcement_enabled", To: "properties.encryptionWithCmk.enforcement", Conv: enabledOr("Unspecified")},
		}),
	},
	"azurerm_machine_learning_workspace": {
		ARMType: "Microsoft.MachineLearningServices/workspaces",
		Attrs: join(commonAttrs, workspaceAttrs, []attrMap{
			{From: "kind", To: "kind"},
			{From: "sku_name", To: "sku.name"},
			{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
			{From: "public_access_behind_virtual_network_enabled", To: "properties.allowPublicAccessWhenBehindVnet"},
			{From: "high_business_impact", To: "properties.hbiWorkspace"},
			{From: "image_build_compute_name", To: "properties.imageBuildCompute"},
			{From: "v1_legacy_mode_enabled", To: "properties.v1LegacyMode"},
		}),
	},
	"azurerm_ai_foundry": {
		ARMType: "Microsoft.MachineLearningServices/workspaces",
		Kind:    "Hub",
		Attrs: join(commonAttrs, workspaceAttrs, []attrMap{
			{From: "public_network_access", To: "properties.publicNetworkAccess"},
			{From: "high_business_impact_enabled", To: "properties.hbiWorkspace"},
		}),
	},
	"azurerm_ai_foundry_project": {
		ARMType: "Microsoft.MachineLearningServices/workspaces",
		Kind:    "Project",
		Attrs: join(commonAttrs, []attrMap{
			{From: "ai_services_hub_id", To: "properties.hubResourceId"},
			{From: "high_business_impact_enabled", To: "properties.hbiWorkspace"},
			{From: "primary_user_assigned_identity", To: "properties.primaryUserAssignedIdentity"},
			{From: "description", To: "properties.description"},
			{From: "friendly_name", To: "properties.friendlyName"},
		}),
	},
	"azurerm_machine_learning_compute_instance": {
		ARMType:    "Microsoft.MachineLearningServices/workspaces/computes",
		ParentAttr: "machine_learning_workspace_id",
		Attrs: join(commonAttrs, []attrMap{
			{From: "local_auth_enabled", To: "properties.disableLocalAuth", Conv: not},
			{From: "description", To: "properties.description"},
			{From: "subnet_resource_id", To: "properties.properties.subnet.id"},
			{From: "virtual_machine_size", To: "properties.properties.vmSize"},
			{From: "node_public_ip_enabled", To: "properties.properties.enableNodePublicIp"},
			{From: "authorization_type", To: "properties.properties.computeInstanceAuthorizationType"},
			{From: "assign_to_user.object_id", To: "properties.properties.personalComputeInstanceSettings.assignedUser.objectId"},
			{From: "assign_to_user.tenant_id", To: "properties.properties.personalComputeInstanceSettings.assignedUser.tenantId"},
		}),
		Defaults: []providerDefault{{To: "properties.computeType", Value: "ComputeInstance"}},
	},
	"azurerm_machine_learning_compute_cluster": {
		ARMType:    "Microsoft.MachineLearningServices/workspaces/computes",
		ParentAttr: "machine_learning_workspace_id",
		Attrs: join(commonAttrs, []attrMap{
			{From: "local_auth_enabled", To: "properties.disableLocalAuth", Conv: not},
			{From: "description", To: "properties.description"},
			{From: "subnet_resource_id", To: "properties.properties.subnet.id"},
			{From: "vm_size", To: "properties.properties.vmSize"},
			{From: "vm_priority", To: "properties.properties.vmPriority"},
			{From: "node_public_ip_enabled", To: "properties.properties.enableNodePublicIp"},
			{From: "ssh_public_access_enabled", To: "properties.properties.remoteLoginPortPublicAccess", Conv: enabledDisabled},
			{From: "scale_settings.min_node_count", To: "properties.properties.scaleSettings.minNodeCount"},
			{From: "scale_settings.max_node_count", To: "properties.properties.scaleSettings.maxNodeCount"},
			{From: "scale_settings.scale_down_nodes_after_idle_duration", To: "properties.properties.scaleSettings.nodeIdleTimeBeforeScaleDown"},
		}),
		Defaults: []providerDefault{{To: "properties.computeType", Value: "AmlCompute"}},
	},
	"azurerm_key_vault": {
		ARMType: "Microsoft.KeyVault/vaults",
		Attrs: join(commonAttrs, []attrMap{
			{From: "sku_name", To: "properties.sku.name"},
			{From: "tenant_id", To: "properties.tenantId"},
			{From: "soft_delete_enabled", To: "properties.enableSoftDelete"},
			{From: "soft_delete_retention_days", To: "properties.softDeleteRetentionInDays"},
			{From: "purge_protection_enabled", To: "properties.enablePurgeProtection"},
			{From: "enable_rbac_authorization", To: "properties.enableRbacAuthorization"},
			{From: "rbac_authorization_enabled", To: "properties.enableRbacAuthorization"},
			{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
			{From: "enabled_for_deployment", To: "properties.enabledForDeployment"},
			{From: "enabled_for_disk_encryption", To: "properties.enabledForDiskEncryption"},
			{From: "enabled_for_template_deployment", To: "properties.enabledForTemplateDeployment"},
			{From: "network_acls.default_action", To: "properties.networkAcls.defaultAction"},
			{From: "network_acls.bypass", To: "properties.networkAcls.bypass"},
			{From: "network_acls.ip_rules[]", To: "properties.networkAcls.ipRules[].value"},
			{From: "network_acls.virtual_network_subnet_ids[]", To: "properties.networkAcls.virtualNetworkRules[].id"},
		}),
		Defaults: []providerDefault{
			// azurerm 3.x and later always create vaults with soft delete on; the
			// argument to turn it off is gone.
			{When: "soft_delete_enabled", To: "properties.enableSoftDelete", Value: true},
			{To: "properties.sku.family", Value: "A"}, // the provider always sends family A
		},
	},
	"azurerm_storage_account": {
		ARMType: "Microsoft.Storage/storageAccounts",
		Attrs: join(commonAttrs, []attrMap{
			{From: "account_kind", To: "kind"},
			{From: "access_tier", To: "properties.accessTier"},
			{From: "https_traffic_only_enabled", To: "properties.supportsHttpsTrafficOnly"},
			{From: "enable_https_traffic_only", To: "properties.supportsHttpsTrafficOnly"},
			{From: "min_tls_version", To: "properties.minimumTlsVersion"},
			{From: "allow_nested_items_to_be_public", To: "properties.allowBlobPublicAccess"},
			{From: "allow_blob_public_access", To: "properties.allowBlobPublicAccess"},
			{From: "shared_access_key_enabled", To: "properties.allowSharedKeyAccess"},
			{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
			{From: "default_to_oauth_authentication", To: "properties.defaultToOAuthAuthentication"},
			{From: "cross_tenant_replication_enabled", To: "properties.allowCrossTenantReplication"},
			{From: "is_hns_enabled", To: "properties.isHnsEnabled"},
			{From: "infrastructure_encryption_enabled", To: "properties.encryption.requireInfrastructureEncryption"},
			{From: "customer_managed_key", To: "properties.encryption.keySource", Conv: present("Microsoft.Keyvault")},
			{From: "customer_managed_key.key_vault_key_id", To: "properties.encryption.keyvaultproperties.keyvaulturi", Conv: keyVaultURI},
			{From: "customer_managed_key.key_vault_key_id", To: "properties.encryption.keyvaultproperties.keyname", Conv: keyName},
			{From: "network_rules.default_action", To: "properties.networkAcls.defaultAction"},
			{From: "network_rules.bypass", To: "properties.networkAcls.bypass", Conv: joinList},
			{From: "network_rules.ip_rules[]", To: "properties.networkAcls.ipRules[].value"},
			{From: "network_rules.virtual_network_subnet_ids[]", To: "properties.networkAcls.virtualNetworkRules[].id"},
		}),
		Defaults: []providerDefault{
			// ARM requires a kind; azurerm sends StorageV2 when account_kind is absent.
			{When: "account_kind", To: "kind", Value: "StorageV2"},
			// azurerm defaults min_tls_version to TLS1_2; ARM assumed TLS1_0 for
			// accounts created before November 2024 API versions.
			{When: "min_tls_version", To: "properties.minimumTlsVersion", Value: "TLS1_2"},
			// azurerm defaults allow_nested_items_to_be_public to true, while ARM treats
			// an absent allowBlobPublicAccess as false.
			{When: "allow_nested_items_to_be_public|allow_blob_public_access", To: "properties.allowBlobPublicAccess", Value: true},
		},
		Custom: storageSKU,
	},
	"azurerm_cosmosdb_account": {
		ARMType: "Microsoft.DocumentDB/databaseAccounts",
		Attrs: join(commonAttrs, []attrMap{
			{From: "kind", To: "kind"},
			{From: "offer_type", To: "properties.databaseAccountOfferType"},
			{From: "local_authentication_disabled", To: "properties.disableLocalAuth"},
			{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
			{From: "access_key_metadata_writes_enabled", To: "properties.disableKeyBasedMetadataWriteAccess", Conv: not},
			{From: "minimal_tls_version", To: "properties.minimalTlsVersion"},
			{From: "key_vault_key_id", To: "properties.keyVaultKeyUri"},
			{From: "is_virtual_network_filter_enabled", To: "properties.isVirtualNetworkFilterEnabled"},
			{From: "automatic_failover_enabled", To: "properties.enableAutomaticFailover"},
			{From: "enable_automatic_failover", To: "properties.enableAutomaticFailover"},
			{From: "multiple_write_locations_enabled", To: "properties.enableMultipleWriteLocations"},
			{From: "free_tier_enabled", To: "properties.enableFreeTier"},
			{From: "ip_range_filter[]", To: "properties.ipRules[].ipAddressOrRange"},
			{From: "virtual_network_rule[].id", To: "properties.virtualNetworkRules[].id"},
			{From: "backup.type", To: "properties.backupPolicy.type"},
			{From: "backup.tier", To: "properties.backupPolicy.continuousModeProperties.tier"},
			{From: "backup.interval_in_minutes", To: "properties.backupPolicy.periodicModeProperties.backupIntervalInMinutes"},
			{From: "backup.retention_in_hours", To: "properties.backupPolicy.periodicModeProperties.backupRetentionIntervalInHours"},
			{From: "backup.storage_redundancy", To: "properties.backupPolicy.periodicModeProperties.backupStorageRedundancy"},
			{From: "consistency_policy.consistency_level", To: "properties.consistencyPolicy.defaultConsistencyLevel"},
			{From: "geo_location[].location", To: "properties.locations[].locationName"},
			{From: "geo_location[].failover_priority", To: "properties.locations[].failoverPriority"},
			{From: "geo_location[].zone_redundant", To: "properties.locations[].isZoneRedundant"},
		}),
	},
	"azurerm_linux_web_app":        webApp("app,linux"),
	"azurerm_windows_web_app":      webApp("app"),
	"azurerm_linux_function_app":   webApp("functionapp,linux"),
	"azurerm_windows_function_app": webApp("functionapp"),
	"azurerm_service_plan": {
		ARMType: "Microsoft.Web/serverfarms",
		Attrs: join(commonAttrs, []attrMap{
			{From: "sku_name", To: "sku.name"},
			{From: "worker_count", To: "sku.capacity"},
			{From: "os_type", To: "kind", Conv: linuxKind},
			{From: "os_type", To: "properties.reserved", Conv: isLinux},
			{From: "zone_balancing_enabled", To: "properties.zoneRedundant"},
			{From: "per_site_scaling_enabled", To: "properties.perSiteScaling"},
			{From: "maximum_elastic_worker_count", To: "properties.maximumElasticWorkerCount"},
		}),
	},
	"azurerm_kubernetes_cluster": {
		ARMType: "Microsoft.ContainerService/managedClusters",
		Attrs: join(commonAttrs, []attrMap{
			{From: "sku_tier", To: "sku.tier"},
			{From: "kubernetes_version", To: "properties.kubernetesVersion"},
			{From: "dns_prefix", To: "properties.dnsPrefix"},
			{From: "local_account_disabled", To: "properties.disableLocalAccounts"},
			{From: "private_cluster_enabled", To: "properties.apiServerAccessProfile.enablePrivateCluster"},
			{From: "api_server_access_profile.authorized_ip_ranges", To: "properties.apiServerAccessProfile.authorizedIPRanges"},
			{From: "api_server_authorized_ip_ranges", To: "properties.apiServerAccessProfile.authorizedIPRanges"},
			{From: "role_based_access_control_enabled", To: "properties.enableRBAC"},
			{From: "azure_active_directory_role_based_access_control.azure_rbac_enabled", To: "properties.aadProfile.enableAzureRBAC"},
			{From: "azure_active_directory_role_based_access_control.tenant_id", To: "properties.aadProfile.tenantID"},
			{From: "azure_policy_enabled", To: "properties.addonProfiles.azurepolicy.enabled"},
			{From: "oidc_issuer_enabled", To: "properties.oidcIssuerProfile.enabled"},
			{From: "workload_identity_enabled", To: "properties.securityProfile.workloadIdentity.enabled"},
			{From: "network_profile.network_plugin", To: "properties.networkProfile.networkPlugin"},
			{From: "network_profile.network_policy", To: "properties.networkProfile.networkPolicy"},
			{From: "default_node_pool[].name", To: "properties.agentPoolProfiles[].name"},
			{From: "default_node_pool[].vm_size", To: "properties.agentPoolProfiles[].vmSize"},
			{From: "default_node_pool[].node_count", To: "properties.agentPoolProfiles[].count"},
			{From: "default_node_pool[].zones", To: "properties.agentPoolProfiles[].availabilityZones"},
			{From: "default_node_pool[].auto_scaling_enabled", To: "properties.agentPoolProfiles[].enableAutoScaling"},
			{From: "default_node_pool[].enable_auto_scaling", To: "properties.agentPoolProfiles[].enableAutoScaling"},
			{From: "default_node_pool[].min_count", To: "properties.agentPoolProfiles[].minCount"},
			{From: "default_node_pool[].max_count", To: "properties.agentPoolProfiles[].maxCount"},
			{From: "default_node_pool[].vnet_subnet_id", To: "properties.agentPoolProfiles[].vnetSubnetID"},
		}),
		Defaults: []providerDefault{{When: "sku_tier", To: "sku.tier", Value: "Free"}, {To: "sku.name", Value: "Base"}},
	},
	"azurerm_api_management": {
		ARMType: "Microsoft.ApiManagement/service",
		Attrs: join(commonAttrs, []attrMap{
			{From: "zones", To: "zones"},
			{From: "publisher_name", To: "properties.publisherName"},
			{From: "publisher_email", To: "properties.publisherEmail"},
			{From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled},
			{From: "virtual_network_type", To: "properties.virtualNetworkType"},
			{From: "virtual_network_configuration.subnet_id", To: "properties.virtualNetworkConfiguration.subnetResourceId"},
			{From: "min_api_version", To: "properties.apiVersionConstraint.minApiVersion"},
			{From: "client_certificate_enabled", To: "properties.enableClientCertificate"},
			{From: "gateway_disabled", To: "properties.disableGateway"},
		}),
		Custom: apimSKU,
	},
	"azurerm_web_application_firewall_policy": {
		ARMType: "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
		Attrs: join(commonAttrs, []attrMap{
			{From: "policy_settings.enabled", To: "properties.policySettings.state", Conv: enabledDisabled},
			{From: "policy_settings.mode", To: "properties.policySettings.mode"},
			{From: "policy_settings.request_body_check", To: "properties.policySettings.requestBodyCheck"},
			{From: "policy_settings.max_request_body_size_in_kb", To: "properties.policySettings.maxRequestBodySizeInKb"},
			{From: "policy_settings.file_upload_limit_in_mb", To: "properties.policySettings.fileUploadLimitInMb"},
			{From: "managed_rules.managed_rule_set[].type", To: "properties.managedRules.managedRuleSets[].ruleSetType"},
			{From: "managed_rules.managed_rule_set[].version", To: "properties.managedRules.managedRuleSets[].ruleSetVersion"},
		}),
		Defaults: []providerDefault{
			// With a policy_settings block, azurerm sends state Enabled and mode
			// Prevention unless told otherwise; ARM has no such defaults.
			{When: "policy_settings.enabled", Requires: "policy_settings", To: "properties.policySettings.state", Value: "Enabled"},
			{When: "policy_settings.mode", Requires: "policy_settings", To: "properties.policySettings.mode", Value: "Prevention"},
		},
	},
	"azurerm_private_endpoint": {
		ARMType: "Microsoft.Network/privateEndpoints",
		Attrs: join(commonAttrs, []attrMap{
			{From: "subnet_id", To: "properties.subnet.id"},
			{From: "custom_network_interface_name", To: "properties.customNetworkInterfaceName"},
		}),
		Custom: privateEndpointConnections,
	},
	"azurerm_monitor_diagnostic_setting": {
		ARMType: "Microsoft.Insights/diagnosticSettings",
		Attrs: []attrMap{
			{From: "name", To: "name"},
			{From: "target_resource_id", To: "scope"},
			{From: "log_analytics_workspace_id", To: "properties.workspaceId"},
			{From: "log_analytics_destination_type", To: "properties.logAnalyticsDestinationType"},
			{From: "storage_account_id", To: "properties.storageAccountId"},
			{From: "eventhub_authorization_rule_id", To: "properties.eventHubAuthorizationRuleId"},
			{From: "eventhub_name", To: "properties.eventHubName"},
			{From: "marketplace_partner_resource_id", To: "properties.marketplacePartnerId"},
		},
		Custom: diagnosticLogs,
	},
	"azurerm_monitor_metric_alert": {
		ARMType: "Microsoft.Insights/metricAlerts",
		Attrs: []attrMap{
			{From: "name", To: "name"},
			{From: "tags", To: "tags"},
			{From: "description", To: "properties.description"},
			{From: "scopes", To: "properties.scopes"},
			{From: "target_resource_type", To: "properties.targetResourceType"},
			{From: "target_resource_location", To: "properties.targetResourceRegion"},
			{From: "enabled", To: "properties.enabled"},
			{From: "severity", To: "properties.severity"},
			{From: "frequency", To: "properties.evaluationFrequency"},
			{From: "window_size", To: "properties.windowSize"},
			{From: "auto_mitigate", To: "properties.autoMitigate"},
			{From: "criteria[].metric_namespace", To: "properties.criteria.allOf[].metricNamespace"},
			{From: "criteria[].metric_name", To: "properties.criteria.allOf[].metricName"},
			{From: "criteria[].aggregation", To: "properties.criteria.allOf[].timeAggregation"},
			{From: "criteria[].operator", To: "properties.criteria.allOf[].operator"},
			{From: "criteria[].threshold", To: "properties.criteria.allOf[].threshold"},
			{From: "action[].action_group_id", To: "properties.actions[].actionGroupId"},
		},
		Defaults: []providerDefault{{To: "location", Value: "global"}},
	},
	"azurerm_monitor_autoscale_setting": {
		ARMType: "Microsoft.Insights/autoscalesettings",
		Attrs: join(commonAttrs, []attrMap{
			{From: "target_resource_id", To: "properties.targetResourceUri"},
			{From: "enabled", To: "properties.enabled"},
			{From: "profile[].name", To: "properties.profiles[].name"},
			{From: "profile[].capacity.default", To: "properties.profiles[].capacity.default"},
			{From: "profile[].capacity.minimum", To: "properties.profiles[].capacity.minimum"},
			{From: "profile[].capacity.maximum", To: "properties.profiles[].capacity.maximum"},
			{From: "profile[].rule", To: "properties.profiles[].rules", Conv: autoscaleRules},
		}),
		// The provider sends enabled = true when the argument is left out; ARM's
		// default is false.
		Defaults: []providerDefault{{When: "enabled", To: "properties.enabled", Value: true}},
	},
	"azurerm_security_center_subscription_pricing": {
		ARMType: "Microsoft.Security/pricings",
		Attrs: []attrMap{
			// The ARM name of a pricing is the plan it switches (AI, VirtualMachines, ...).
			{From: "resource_type", To: "name"},
			{From: "tier", To: "properties.pricingTier"},
			{From: "subplan", To: "properties.subPlan"},
		},
		Defaults: []providerDefault{{When: "resource_type", To: "name", Value: "VirtualMachines"}},
	},
	// Companions without rules of their own: they give the workload's shape and the
	// targets of cross-resource links.
	"azurerm_resource_group":                         {ARMType: "Microsoft.Resources/resourceGroups", Attrs: commonAttrs},
	"azurerm_log_analytics_workspace":                {ARMType: "Microsoft.OperationalInsights/workspaces", Attrs: join(commonAttrs, []attrMap{{From: "sku", To: "properties.sku.name"}, {From: "retention_in_days", To: "properties.retentionInDays"}, {From: "local_authentication_disabled", To: "properties.features.disableLocalAuth"}})},
	"azurerm_application_insights":                   {ARMType: "Microsoft.Insights/components", Attrs: join(commonAttrs, []attrMap{{From: "application_type", To: "kind"}, {From: "workspace_id", To: "properties.WorkspaceResourceId"}, {From: "local_authentication_disabled", To: "properties.DisableLocalAuth"}})},
	"azurerm_user_assigned_identity":                 {ARMType: "Microsoft.ManagedIdentity/userAssignedIdentities", Attrs: commonAttrs},
	"azurerm_virtual_network":                        {ARMType: "Microsoft.Network/virtualNetworks", Attrs: join(commonAttrs, []attrMap{{From: "address_space", To: "properties.addressSpace.addressPrefixes"}})},
	"azurerm_subnet":                                 {ARMType: "Microsoft.Network/virtualNetworks/subnets", ParentNameAttr: "virtual_network_name", Attrs: []attrMap{{From: "name", To: "name"}, {From: "address_prefixes", To: "properties.addressPrefixes"}}},
	"azurerm_container_registry":                     {ARMType: "Microsoft.ContainerRegistry/registries", Attrs: join(commonAttrs, []attrMap{{From: "sku", To: "sku.name"}, {From: "admin_enabled", To: "properties.adminUserEnabled"}, {From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled}, {From: "zone_redundancy_enabled", To: "properties.zoneRedundancy", Conv: enabledDisabled}})},
	"azurerm_key_vault_key":                          {ARMType: "Microsoft.KeyVault/vaults/keys", ParentAttr: "key_vault_id", Attrs: []attrMap{{From: "name", To: "name"}, {From: "key_type", To: "properties.kty"}, {From: "key_size", To: "properties.keySize"}, {From: "tags", To: "tags"}}},
	"azurerm_private_dns_zone":                       {ARMType: "Microsoft.Network/privateDnsZones", Attrs: []attrMap{{From: "name", To: "name"}, {From: "tags", To: "tags"}}, Defaults: []providerDefault{{To: "location", Value: "global"}}},
	"azurerm_monitor_action_group":                   {ARMType: "Microsoft.Insights/actionGroups", Attrs: join(commonAttrs, []attrMap{{From: "short_name", To: "properties.groupShortName"}, {From: "enabled", To: "properties.enabled"}})},
	"azurerm_application_gateway":                    {ARMType: "Microsoft.Network/applicationGateways", Attrs: join(commonAttrs, []attrMap{{From: "zones", To: "zones"}, {From: "sku.name", To: "properties.sku.name"}, {From: "sku.tier", To: "properties.sku.tier"}, {From: "sku.capacity", To: "properties.sku.capacity"}, {From: "firewall_policy_id", To: "properties.firewallPolicy.id"}})},
	"azurerm_container_app":                          {ARMType: "Microsoft.App/containerApps", Attrs: join(commonAttrs, []attrMap{{From: "container_app_environment_id", To: "properties.environmentId"}, {From: "ingress.external_enabled", To: "properties.configuration.ingress.external"}})},
	"azurerm_container_app_environment":              {ARMType: "Microsoft.App/managedEnvironments", Attrs: join(commonAttrs, []attrMap{{From: "zone_redundancy_enabled", To: "properties.zoneRedundant"}, {From: "internal_load_balancer_enabled", To: "properties.vnetConfiguration.internal"}, {From: "infrastructure_subnet_id", To: "properties.vnetConfiguration.infrastructureSubnetId"}})},
	"azurerm_role_assignment":                        {ARMType: "Microsoft.Authorization/roleAssignments", Attrs: []attrMap{{From: "name", To: "name"}, {From: "scope", To: "scope"}, {From: "role_definition_name", To: "properties.roleDefinitionName"}, {From: "role_definition_id", To: "properties.roleDefinitionId"}, {From: "principal_id", To: "properties.principalId"}, {From: "principal_type", To: "properties.principalType"}}},
	"azurerm_eventhub_namespace":                     {ARMType: "Microsoft.EventHub/namespaces", Attrs: join(commonAttrs, []attrMap{{From: "sku", To: "sku.name"}, {From: "local_authentication_enabled", To: "properties.disableLocalAuth", Conv: not}, {From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled}})},
	"azurerm_cosmosdb_sql_database":                  {ARMType: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases", ParentNameAttr: "account_name", Attrs: []attrMap{{From: "name", To: "name"}}},
	"azurerm_storage_container":                      {ARMType: "Microsoft.Storage/storageAccounts/blobServices/containers", Attrs: []attrMap{{From: "name", To: "name"}, {From: "container_access_type", To: "properties.publicAccess"}}, Custom: containerName},
	"azurerm_redis_cache":                            {ARMType: "Microsoft.Cache/redis", Attrs: join(commonAttrs, []attrMap{{From: "sku_name", To: "properties.sku.name"}, {From: "family", To: "properties.sku.family"}, {From: "capacity", To: "properties.sku.capacity"}, {From: "minimum_tls_version", To: "properties.minimumTlsVersion"}, {From: "public_network_access_enabled", To: "properties.publicNetworkAccess", Conv: enabledDisabled}, {From: "non_ssl_port_enabled", To: "properties.enableNonSslPort"}})},
	"azurerm_machine_learning_datastore_blobstorage": {ARMType: "Microsoft.MachineLearningServices/workspaces/datastores", ParentAttr: "workspace_id", Attrs: []attrMap{{From: "name", To: "name"}, {From: "storage_container_id", To: "properties.storageContainerId"}}},
}

func webApp(kind string) typeMap {
	return typeMap{
		ARMType: "Microsoft.Web/sites",
		Kind:    kind,
		Attrs:   join(commonAttrs, webAppAttrs),
	}
}

// identityConv turns identity { type, identity_ids } into ARM's identity object.
func identityConv(v *iac.Value) *iac.Value {
	blk := first(v)
	if blk == nil || blk.Kind != iac.Object {
		return blk
	}
	out := iac.NewObject(blk.Loc)
	if t := blk.Field("type"); t != nil && t.Kind != iac.Null {
		out.Set("type", t)
	}
	ids := blk.Field("identity_ids")
	switch {
	case ids == nil || ids.Kind == iac.Null:
	case ids.Kind == iac.Unknown:
		out.Set("userAssignedIdentities", ids)
	case ids.Kind == iac.Array && len(ids.Items) > 0:
		uai := iac.NewObject(ids.Loc)
		for _, id := range ids.Items {
			s, known, ok := id.AsString()
			switch {
			case !known:
				out.Set("userAssignedIdentities", id)
				return out
			case ok:
				uai.Set(s, iac.NewObject(id.Loc))
			}
		}
		out.Set("userAssignedIdentities", uai)
	}
	return out
}

// first returns the single instance of a nested block, or v itself when it is not a
// list.
func first(v *iac.Value) *iac.Value {
	if v == nil || v.Kind != iac.Array {
		return v
	}
	if len(v.Items) == 0 {
		return nil
	}
	return v.Items[0]
}

// storageSKU joins account_tier and account_replication_type into ARM's sku.name
// (Standard_ZRS).
func storageSKU(tf, arm *iac.Value, _ iacLoc) {
	tier, rep := tf.Field("account_tier"), tf.Field("account_replication_type")
	if tier == nil || rep == nil {
		return
	}
	for _, v := range []*iac.Value{tier, rep} {
		if v.Kind == iac.Unknown {
			setPath(arm, "sku.name", v)
			return
		}
	}
	t, _, ok1 := tier.AsString()
	r, _, ok2 := rep.AsString()
	if ok1 && ok2 {
		setPath(arm, "sku.name", iac.NewString(t+"_"+r, rep.Loc))
		setPath(arm, "sku.tier", iac.NewString(t, tier.Loc))
	}
}

// apimSKU splits sku_name "Premium_2" into sku.name and sku.capacity.
func apimSKU(tf, arm *iac.Value, _ iacLoc) {
	v := tf.Field("sku_name")
	if v == nil || v.Kind == iac.Null {
		return
	}
	if v.Kind == iac.Unknown {
		setPath(arm, "sku.name", v)
		return
	}
	s, _, _ := v.AsString()
	name, capacity, _ := strings.Cut(s, "_")
	setPath(arm, "sku.name", iac.NewString(name, v.Loc))
	if n, err := strconv.Atoi(capacity); err == nil {
		setPath(arm, "sku.capacity", iac.NewNumber(float64(n), v.Loc))
	}
}

// privateEndpointConnections maps private_service_connection onto
// privateLinkServiceConnections, or manualPrivateLinkServiceConnections when
// is_manual_connection is true, as the provider does.
func privateEndpointConnections(tf, arm *iac.Value, _ iacLoc) {
	psc := tf.Field("private_service_connection")
	if psc == nil || psc.Kind == iac.Null {
		return
	}
	if psc.Kind == iac.Unknown {
		setPath(arm, "properties.privateLinkServiceConnections", psc)
		return
	}
	auto := iac.NewArray(psc.Loc)
	manual := iac.NewArray(psc.Loc)
	for _, c := range psc.Items {
		if c.Kind != iac.Object {
			auto.Items = append(auto.Items, c)
			continue
		}
		conn := iac.NewObject(c.Loc)
		copyField(c, "name", conn, "name", nil)
		copyField(c, "private_connection_resource_id", conn, "properties.privateLinkServiceId", nil)
		copyField(c, "private_connection_resource_alias", conn, "properties.privateLinkServiceId", nil)
		copyField(c, "subresource_names", conn, "properties.groupIds", nil)
		copyField(c, "request_message", conn, "properties.requestMessage", nil)
		m := c.Field("is_manual_connection")
		if m != nil && m.Kind == iac.Unknown {
			auto.Items = append(auto.Items, iac.NewUnknown("whether the connection is manual: "+m.Why, m.Loc))
			continue
		}
		if b, _, _ := m.AsBool(); b {
			manual.Items = append(manual.Items, conn)
		} else {
			auto.Items = append(auto.Items, conn)
		}
	}
	if len(auto.Items) > 0 {
		setPath(arm, "properties.privateLinkServiceConnections", auto)
	}
	if len(manual.Items) > 0 {
		setPath(arm, "properties.manualPrivateLinkServiceConnections", manual)
	}
}

// diagnosticLogs maps enabled_log (and the older log and metric blocks) onto
// properties.logs and properties.metrics.
func diagnosticLogs(tf, arm *iac.Value, _ iacLoc) {
	logs := iac.NewArray(tf.Loc)
	for _, blockName := range []string{"enabled_log", "log"} {
		blocks := tf.Field(blockName)
		if blocks == nil || blocks.Kind == iac.Null {
			continue
		}
		logs.Loc = blocks.Loc
		if blocks.Kind == iac.Unknown {
			setPath(arm, "properties.logs", blocks)
			return
		}
		for _, b := range blocks.Items {
			if b.Kind != iac.Object {
				logs.Items = append(logs.Items, b)
				continue
			}
			l := iac.NewObject(b.Loc)
			copyField(b, "category", l, "category", nil)
			copyField(b, "category_group", l, "categoryGroup", nil)
			if blockName == "enabled_log" {
				l.Set("enabled", iac.NewBool(true, b.Loc))
			} else if !copyField(b, "enabled", l, "enabled", nil) {
				l.Set("enabled", iac.NewBool(true, b.Loc))
			}
			logs.Items = append(logs.Items, l)
		}
	}
	if len(logs.Items) > 0 {
		setPath(arm, "properties.logs", logs)
	}
	metrics := iac.NewArray(tf.Loc)
	for _, blockName := range []string{"enabled_metric", "metric"} {
		blocks := tf.Field(blockName)
		if blocks == nil || blocks.Kind != iac.Array {
			continue
		}
		for _, b := range blocks.Items {
			if b.Kind != iac.Object {
				continue
			}
			m := iac.NewObject(b.Loc)
			copyField(b, "category", m, "category", nil)
			if !copyField(b, "enabled", m, "enabled", nil) {
				m.Set("enabled", iac.NewBool(true, b.Loc))
			}
			metrics.Items = append(metrics.Items, m)
		}
	}
	if len(metrics.Items) > 0 {
		setPath(arm, "properties.metrics", metrics)
	}
}

// containerName builds a blob container's name from its account (by name or id).
func containerName(tf, arm *iac.Value, _ iacLoc) {
	acct := tf.Field("storage_account_name")
	if acct == nil {
		if id := tf.Field("storage_account_id"); id != nil {
			acct = lastSegment(id)
		}
	}
	if acct != nil && acct.Kind == iac.String {
		acct = iac.NewString(acct.Str+"/default", acct.Loc)
	}
	childName(arm, acct, tf.Field("name"))
}

func childName(arm, parent, name *iac.Value) {
	if parent == nil || name == nil {
		return
	}
	switch {
	case parent.Kind == iac.Unknown:
		arm.Set("name", iac.NewUnknown("parent name: "+parent.Why, name.Loc))
	case name.Kind == iac.Unknown:
		arm.Set("name", name)
	case parent.Kind == iac.String && name.Kind == iac.String:
		arm.Set("name", iac.NewString(parent.Str+"/"+name.Str, name.Loc))
	}
}

// lastSegment returns the last segment of a resource id value.
func lastSegment(id *iac.Value) *iac.Value {
	if id.Kind != iac.String {
		return id
	}
	s := strings.TrimRight(id.Str, "/")
	return iac.NewString(s[strings.LastIndex(s, "/")+1:], id.Loc)
}

// copyField copies the non-null field from of src to path to of dst, converted; it
// reports whether it copied.
func copyField(src *iac.Value, from string, dst *iac.Value, to string, c conv) bool {
	v := src.Field(from)
	if v == nil || v.Kind == iac.Null {
		return false
	}
	if c != nil && v.Kind != iac.Unknown {
		v = c(v)
		if v == nil {
			return false
		}
	}
	setPath(dst, to, v)
	return true
}
