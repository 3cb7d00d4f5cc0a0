using './main.bicep'

param environment = 'prod'
param workload = 'chat'
param searchReplicaCount = 2
param enablePrivateEndpoints = true
param deployMlHub = true
param modelDeployments = [
  {
    name: 'gpt-4o'
    model: 'gpt-4o'
    version: '2024-08-06'
    capacity: 50
    raiPolicy: 'Microsoft.DefaultV2'
  }
  {
    name: 'embeddings'
    model: 'text-embedding-3-large'
    capacity: 120
  }
]
