param name string
param location string
param keyVaultName string
param storageName string
param openAiId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageName
}

resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {
  name: name
  location: location
  kind: 'Hub'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    friendlyName: 'Chat hub'
    keyVault: vault.id
    storageAccount: storage.id
    publicNetworkAccess: 'Disabled'
    managedNetwork: {
      isolationMode: 'AllowOnlyApprovedOutbound'
      outboundRules: {
        openai: {
          type: 'PrivateEndpoint'
          destination: {
            serviceResourceId: openAiId
            subresourceTarget: 'account'
          }
        }
      }
    }
  }

  resource aoai 'connections' = {
    name: 'aoai'
    properties: {
      category: 'AzureOpenAI'
      target: 'https://${last(split(openAiId, '/'))}.openai.azure.com/'
      authType: 'AAD'
      isSharedToAll: true
      metadata: {
        ApiType: 'Azure'
        ResourceId: openAiId
      }
    }
  }
}

output id string = hub.id
