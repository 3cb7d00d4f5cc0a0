// Naming and tagging conventions shared by every workload template.

@export()
@description('Resource names for a workload in one environment.')
func naming(workload string, env string) object => {
  suffix: '${workload}-${env}-${take(uniqueString(resourceGroup().id), 6)}'
  openai: toLower('oai-${workload}-${env}')
  search: 'srch-${workload}-${env}'
  vault: 'kv-${workload}-${take(uniqueString(resourceGroup().id, env), 8)}'
  storage: replace('st${workload}${env}', '-', '')
  hub: 'mlw-${workload}-${env}'
}

@export()
func tagsFor(workload string, env string) object => {
  workload: workload
  environment: env
  criticality: env == 'prod' ? 'high' : 'low'
}
