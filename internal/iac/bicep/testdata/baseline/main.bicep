// Baseline chat workload: Azure OpenAI behind private endpoints, AI Search for
// retrieval, an Azure Machine Learning hub with a managed network, Key Vault and
// storage. Written for awaf's Bicep reader tests.
targetScope = 'resourceGroup'

import { naming, tagsFor } from 'shared/conventions.bicep'

metadata description = 'Baseline chat workload (test fixture)'

@description('Region for every resource.')
param location string = resourceGroup().location

@minLength(3)
@maxLength(12)
param workload string = 'chat'

@allowed([
  'dev'
  'prod'
])
param environment string = 'dev'

@description('Model deployments of the OpenAI account.')
param modelDeployments deploymentSpec[] = [
  {
    name: 'gpt-4o'
    model: 'gpt-4o'
    version: '2024-08-06'
    capacity: 30
  }
]

@minValue(1)
@maxValue(12)
param searchReplicaCount int = 1

param enablePrivateEndpoints bool = true
param deployMlHub bool = true

@secure()
param adminObjectId string

type deploymentSpec = {
  name: string
  model: string
  @description('Model version; latest when left out.')
  version: string?
  capacity: int
  raiPolicy: string?
}

var isProd = environment == 'prod'
var names = naming(workload, environment)
var tags = union(tagsFor(workload, environment), {
  costCenter: 'ai-platform'
})
var peSubnetId = resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-${workload}', 'snet-private-endpoints')

module openai 'modules/openai.bicep' = {
  name: 'openai-${environment}'
  params: {
    name: names.openai
    location: location
    tags: tags
    deployments: modelDeployments
    publicAccess: !enablePrivateEndpoints
    logAnalyticsId: logs.id
  }
}

module search 'modules/search.bicep' = {
  name: 'search'
  params: {
    name: names.search
    location: location
    replicaCount: isProd ? max(searchReplicaCount, 3) : searchReplicaCount
    partitionCount: 1
    tags: tags
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'vault'
  params: {
    name: names.vault
    location: location
    adminObjectId: adminObjectId
    purgeProtection: isProd
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    containers: [
      'documents'
      'chat-history'
    ]
  }
}

module hub 'modules/ml.bicep' = if (deployMlHub) {
  name: 'ml-hub'
  params: {
    name: names.hub
    location: location
    keyVaultName: names.vault
    storageName: names.storage
    openAiId: openai.outputs.id
  }
}

var privateLinks = [
  { name: 'openai', id: openai.outputs.id, group: 'account' }
  { name: 'search', id: search.outputs.id, group: 'searchService' }
  { name: 'vault', id: vault.outputs.id, group: 'vault' }
]

module endpoints 'modules/private-endpoint.bicep' = [for link in privateLinks: if (enablePrivateEndpoints) {
  name: 'pe-${link.name}'
  params: {
    name: 'pe-${link.name}-${names.suffix}'
    location: location
    subnetId: peSubnetId
    targetId: link.id
    groupId: link.group
  }
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${names.suffix}'
  location: location
  properties: {
    retentionInDays: isProd ? 90 : 30
    sku: {
      name: 'PerGB2018'
    }
  }
}

module insights 'br/public:avm/res/insights/component:0.4.1' = {
  name: 'appi'
  params: {
    name: 'appi-${names.suffix}'
    workspaceResourceId: logs.id
  }
}

output openAiEndpoint string = openai.outputs.endpoint
output searchName string = search.outputs.name
