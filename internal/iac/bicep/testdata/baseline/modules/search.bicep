param name string
param location string
@minValue(1)
param replicaCount int
param partitionCount int = 1
param tags object

resource search 'Microsoft.Search/searchServices@2024-03-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'standard'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    replicaCount: replicaCount
    partitionCount: partitionCount
    hostingMode: 'default'
    disableLocalAuth: true
    publicNetworkAccess: 'disabled'
    semanticSearch: replicaCount >= 2 ? 'standard' : 'free'
  }
}

output id string = search.id
output name string = search.name
