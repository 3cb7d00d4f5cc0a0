// The grounding index service: private, keyless, three replicas.
param location string
param prefix string
param tags object
param workspaceId string

resource srch 'Microsoft.Search/searchServices@2024-06-01-preview' = {
  name: '${prefix}-srch'
  location: location
  sku: { name: 'standard' }
  identity: { type: 'SystemAssigned' }
  tags: tags
  properties: {
    replicaCount: 3
    partitionCount: 1
    publicNetworkAccess: 'disabled'
    disableLocalAuth: true
    semanticSearch: 'standard'
  }
}

resource toBlob 'Microsoft.Search/searchServices/sharedPrivateLinkResources@2024-06-01-preview' = {
  parent: srch
  name: 'manuals-blob'
  properties: {
    groupId: 'blob'
    privateLinkResourceId: resourceId('Microsoft.Storage/storageAccounts', '${prefix}manuals')
    requestMessage: 'Indexer access to the manuals container'
  }
}

resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: srch
  name: 'to-law'
  properties: {
    workspaceId: workspaceId
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
  }
}

param actionGroupId string

resource latency 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${prefix}-srch-latency'
  location: 'global'
  properties: {
    severity: 3
    enabled: true
    scopes: [ srch.id ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'retrieval-budget'
          metricName: 'SearchLatency'
          operator: 'GreaterThan'
          threshold: json('0.4')
          timeAggregation: 'Average'
          criterionType: 'StaticThresholdCriterion'
        }
      ]
    }
    actions: [ { actionGroupId: actionGroupId } ]
  }
}

output id string = srch.id
