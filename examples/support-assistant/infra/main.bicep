// Support assistant: a RAG chat over product manuals. Models behind API Management,
// grounding in AI Search (module), chat history in Cosmos DB.
targetScope = 'resourceGroup'

param location string = 'swedencentral'
param prefix string = 'supa'
param owner string = 'support-platform'
param alertEmail string = 'oncall@example.com'
param privateSubnetId string = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-supa-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/private'
param apimSubnetId string = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-supa-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apim'

var tags = { owner: owner, workload: 'support-assistant' }

resource law 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-law'
  location: location
  tags: tags
  properties: { retentionInDays: 30, sku: { name: 'PerGB2018' } }
}

resource ai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: '${prefix}-ai'
  location: location
  kind: 'AIServices'
  sku: { name: 'S0' }
  identity: { type: 'SystemAssigned' }
  tags: tags
  properties: {
    customSubDomainName: '${prefix}-ai'
    disableLocalAuth: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny' }
    restrictOutboundNetworkAccess: true
    allowedFqdnList: [ '${prefix}-srch.search.windows.net' ]
  }
}

resource filter 'Microsoft.CognitiveServices/accounts/raiPolicies@2024-10-01' = {
  parent: ai
  name: 'support-filter'
  properties: {
    basePolicyName: 'Microsoft.DefaultV2'
    mode: 'Blocking'
    customBlocklists: [ { blocklistName: 'competitor-names', blocking: true, source: 'Completion' } ]
    contentFilters: [
      { name: 'Hate', severityThreshold: 'Medium', blocking: true, enabled: true, source: 'Prompt' }
      { name: 'Hate', severityThreshold: 'Medium', blocking: true, enabled: true, source: 'Completion' }
      { name: 'Violence', severityThreshold: 'Medium', blocking: true, enabled: true, source: 'Prompt' }
      { name: 'Violence', severityThreshold: 'Medium', blocking: true, enabled: true, source: 'Completion' }
      { name: 'Jailbreak', blocking: true, enabled: true, source: 'Prompt' }
      { name: 'Indirect Attack', blocking: true, enabled: true, source: 'Prompt' }
      { name: 'Protected Material Text', blocking: true, enabled: true, source: 'Completion' }
      { name: 'Protected Material Code', blocking: true, enabled: true, source: 'Completion' }
    ]
  }
}

resource chat 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: ai
  name: 'chat'
  sku: { name: 'DataZoneStandard', capacity: 50 }
  properties: {
    model: { format: 'OpenAI', name: 'gpt-4o-mini', version: '2024-07-18' }
    versionUpgradeOption: 'NoAutoUpgrade'
    raiPolicyName: filter.name
  }
}

resource aiDiag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: ai
  name: 'to-law'
  properties: {
    workspaceId: law.id
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource oncall 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${prefix}-oncall'
  location: 'global'
  properties: {
    groupShortName: 'oncall'
    enabled: true
    emailReceivers: [ { name: 'oncall', emailAddress: alertEmail } ]
  }
}

resource throttled 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${prefix}-throttled'
  location: 'global'
  properties: {
    severity: 2
    enabled: true
    scopes: [ ai.id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'throttled'
          metricName: 'AzureOpenAIRequests'
          dimensions: [ { name: 'StatusCode', operator: 'Include', values: [ '429' ] } ]
          operator: 'GreaterThan'
          threshold: 10
          timeAggregation: 'Total'
          criterionType: 'StaticThresholdCriterion'
        }
      ]
    }
    actions: [ { actionGroupId: oncall.id } ]
  }
}

resource budget 'Microsoft.Consumption/budgets@2023-11-01' = {
  name: '${prefix}-monthly'
  properties: {
    category: 'Cost'
    amount: 3000
    timeGrain: 'Monthly'
    timePeriod: { startDate: '2026-01-01' }
    notifications: {
      actual80: { enabled: true, operator: 'GreaterThan', threshold: 80, contactEmails: [ alertEmail ] }
    }
  }
}

module search 'modules/search.bicep' = {
  name: 'search'
  params: { location: location, prefix: prefix, tags: tags, workspaceId: law.id, actionGroupId: oncall.id }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: '${prefix}-cosmos'
  location: location
  kind: 'GlobalDocumentDB'
  tags: tags
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    publicNetworkAccess: 'Disabled'
    minimalTlsVersion: 'Tls12'
    backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous7Days' } }
    locations: [ { locationName: location, failoverPriority: 0, isZoneRedundant: true } ]
  }
}

resource chatDb 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: 'chat'
  properties: { resource: { id: 'chat' } }
}

resource history 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: chatDb
  name: 'history'
  properties: {
    resource: {
      id: 'history'
      partitionKey: { paths: [ '/userId' ], kind: 'Hash' }
      defaultTtl: 2592000
    }
  }
}

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: '${prefix}-apim'
  location: location
  sku: { name: 'StandardV2', capacity: 1 }
  identity: { type: 'SystemAssigned' }
  tags: tags
  properties: {
    publisherName: 'Support platform'
    publisherEmail: alertEmail
    virtualNetworkType: 'Internal'
    virtualNetworkConfiguration: { subnetResourceId: apimSubnetId }
  }
}

resource aoaiPrimary 'Microsoft.ApiManagement/service/backends@2024-05-01' = {
  parent: apim
  name: 'aoai-primary'
  properties: {
    url: '${ai.properties.endpoint}openai'
    protocol: 'http'
    circuitBreaker: {
      rules: [
        {
          name: 'throttling'
          failureCondition: { count: 3, interval: 'PT1M', statusCodeRanges: [ { min: 429, max: 429 }, { min: 500, max: 599 } ] }
          tripDuration: 'PT1M'
          acceptRetryAfter: true
        }
      ]
    }
  }
}

resource aoaiSecondary 'Microsoft.ApiManagement/service/backends@2024-05-01' = {
  parent: apim
  name: 'aoai-secondary'
  properties: {
    url: 'https://${prefix}-ai-dr.openai.azure.com/openai'
    protocol: 'http'
    circuitBreaker: {
      rules: [
        {
          name: 'throttling'
          failureCondition: { count: 3, interval: 'PT1M', statusCodeRanges: [ { min: 429, max: 429 } ] }
          tripDuration: 'PT1M'
        }
      ]
    }
  }
}

resource pool 'Microsoft.ApiManagement/service/backends@2024-05-01' = {
  parent: apim
  name: 'aoai-pool'
  properties: {
    type: 'Pool'
    pool: {
      services: [
        { id: aoaiPrimary.id, priority: 1 }
        { id: aoaiSecondary.id, priority: 2 }
      ]
    }
  }
}

resource chatApi 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'chat'
  properties: {
    path: 'openai'
    displayName: 'Chat completions'
    protocols: [ 'https' ]
    format: 'openapi-link'
    value: 'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/specification/cognitiveservices/data-plane/AzureOpenAI/inference/stable/2024-10-21/inference.json'
  }
}

// The API's policy is kept as a file for review and loaded into the template.
resource chatPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: chatApi
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('../apim/chat-policy.xml')
  }
}

resource apimLogger 'Microsoft.ApiManagement/service/loggers@2024-05-01' = {
  parent: apim
  name: 'azuremonitor'
  properties: { loggerType: 'azureMonitor', isBuffered: true }
}

// Prompts and completions are logged centrally, with the caller, to Log Analytics.
resource chatDiag 'Microsoft.ApiManagement/service/apis/diagnostics@2024-06-01-preview' = {
  parent: chatApi
  name: 'azuremonitor'
  properties: {
    loggerId: apimLogger.id
    alwaysLog: 'allErrors'
    largeLanguageModel: {
      logs: 'enabled'
      requests: { messages: 'all', maxSizeInBytes: 262144 }
      responses: { messages: 'all', maxSizeInBytes: 262144 }
    }
  }
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: ai
  name: guid(ai.id, apim.id, 'openai-user')
  properties: {
    principalId: apim.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')
  }
}

resource aiPe 'Microsoft.Network/privateEndpoints@2024-01-01' = {
  name: '${prefix}-ai-pe'
  location: location
  properties: {
    subnet: { id: privateSubnetId }
    privateLinkServiceConnections: [ { name: 'ai', properties: { privateLinkServiceId: ai.id, groupIds: [ 'account' ] } } ]
  }
}

resource srchPe 'Microsoft.Network/privateEndpoints@2024-01-01' = {
  name: '${prefix}-srch-pe'
  location: location
  properties: {
    subnet: { id: privateSubnetId }
    privateLinkServiceConnections: [ { name: 'srch', properties: { privateLinkServiceId: search.outputs.id, groupIds: [ 'searchService' ] } } ]
  }
}

resource appConfig 'Microsoft.AppConfiguration/configurationStores@2024-05-01' = {
  name: '${prefix}-appcfg'
  location: location
  sku: { name: 'standard' }
  tags: tags
  properties: { disableLocalAuth: true, publicNetworkAccess: 'Disabled' }
}

// Operators turn generated answers off (the app then shows search results only).
resource answersFlag 'Microsoft.AppConfiguration/configurationStores/keyValues@2024-05-01' = {
  parent: appConfig
  name: '.appconfig.featureflag~2Fgenerated-answers'
  properties: {
    contentType: 'application/vnd.microsoft.appconfig.ff+json;charset=utf-8'
    value: '{"id":"generated-answers","enabled":true}'
  }
}

resource dashboard 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'support-assistant-models')
  location: location
  kind: 'shared'
  properties: {
    displayName: 'Support assistant: model latency and tokens'
    category: 'workbook'
    sourceId: ai.id
    serializedData: '{"version":"Notebook/1.0","items":[{"type":10,"content":{"chartId":"latency","version":"MetricsItem/2.0","size":0,"chartType":2,"metrics":[{"namespace":"microsoft.cognitiveservices/accounts","metric":"microsoft.cognitiveservices/accounts-Azure OpenAI HTTP Requests-TimeToResponse","aggregation":4,"splitBy":"ModelDeploymentName"},{"namespace":"microsoft.cognitiveservices/accounts","metric":"microsoft.cognitiveservices/accounts-Azure OpenAI Usage-ProcessedPromptTokens","aggregation":1,"splitBy":"ModelDeploymentName"},{"namespace":"microsoft.cognitiveservices/accounts","metric":"microsoft.cognitiveservices/accounts-Azure OpenAI Usage-GeneratedTokens","aggregation":1,"splitBy":"ModelDeploymentName"}]}}]}'
  }
}
