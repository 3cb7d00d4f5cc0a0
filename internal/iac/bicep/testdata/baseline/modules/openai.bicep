param name string
param location string
param tags object = {}
param deployments array
param publicAccess bool = false
param logAnalyticsId string
@description('Content filter used when a deployment names none.')
param defaultRaiPolicy string = 'Microsoft.DefaultV2'

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: publicAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      ipRules: []
    }
  }

  @batchSize(1)
  resource deployment 'deployments' = [for d in deployments: {
    name: d.name
    sku: {
      name: 'GlobalStandard'
      capacity: d.capacity
    }
    properties: {
      model: {
        format: 'OpenAI'
        name: d.model
        version: d.?version ?? null
      }
      raiPolicyName: d.?raiPolicy ?? defaultRaiPolicy
      versionUpgradeOption: 'OnceNewDefaultVersionAvailable'
    }
  }]
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output id string = account.id
output endpoint string = account.properties.endpoint
output principalId string = account.identity.principalId
