// Exercises asserts, date functions and parameter files that extend a base.
param env string
param location string = 'westeurope'
param secretStart string
param replicas int = 1
param createdAt string = utcNow('u')

@description('production needs at least two replicas')
assert prodReplicas = env != 'prod' || replicas >= 2

assert knownRegion = contains(['westeurope', 'swedencentral'], location)

// Not known before deployment: says nothing.
assert sameRegion = resourceGroup().location == location

var expiry = dateTimeToEpoch(dateTimeAdd(secretStart, 'P90D'))

resource srch 'Microsoft.Search/searchServices@2023-11-01' = {
  name: 'srch-${env}'
  location: location
  sku: { name: 'standard' }
  properties: {
    replicaCount: replicas
  }
  tags: {
    reviewBy: dateTimeAdd(secretStart, 'P1Y', 'yyyy-MM-dd')
    created: createdAt
  }
}

resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-${env}'
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: kv
  name: 'search-key'
  properties: {
    value: 'placeholder'
    attributes: {
      nbf: dateTimeToEpoch(secretStart)
      exp: expiry
    }
  }
}
