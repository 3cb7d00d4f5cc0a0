using none

param location = 'swedencentral'
param secretStart = '2025-01-01T00:00:00Z'
param replicas = 1
