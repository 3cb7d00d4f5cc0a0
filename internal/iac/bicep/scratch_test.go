package bicep

import (
	"encoding/json"
	"testing"
)

func TestScratch(t *testing.T) {
	src := `targetScope = 'resourceGroup'
metadata info = 'x'
@description('loc')
param location string = resourceGroup().location
@allowed([
  'S0'
  'S1'
])
param sku string = 'S0'
@secure()
param key string
type pair = { a: string, @description('b') b: int? }
type u = 'a' | 'b'
func add(a int, b int) int => a + b
var names = [for i in range(0, 3): 'n${i}']
var m = '''
multi
line'''
import { pair as p2 } from 'types.bicep'
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-${uniqueString(resourceGroup().id)}'
  location: location
  properties: {
    disableLocalAuth: true
    x: empty(sku) ? 'a' : 'b'
    y: acct.?properties.foo ?? 'z'
  }
  resource dep 'deployments@2024-10-01' = [for (d, i) in deps: {
    name: d.name
  }]
}
module m1 './mod.bicep' = if (sku == 'S0') {
  name: 'm1'
  params: { a: 1, b: filter(names, n => n != 'x') }
}
output id string = acct.id
`
	f := Parse("main.bicep", src)
	for _, e := range f.Errors {
		t.Errorf("%v", e)
	}
	b, _ := json.MarshalIndent(f.Stmts, "", " ")
	_ = b
	t.Logf("%d stmts", len(f.Stmts))
}
