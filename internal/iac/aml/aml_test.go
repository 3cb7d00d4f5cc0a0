package aml

import (
	"testing"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name, data, typ string
		path            string
		want            any
	}{
		{"endpoint.yml", "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: churn\nauth_mode: aad_token\ntraffic:\n  blue: 90\n  green: 10\n",
			ws + "onlineEndpoints", "authMode", "AADToken"},
		{"endpoint.yml", "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: churn\ntraffic: {blue: 90, green: 10}\n",
			ws + "onlineEndpoints", "liveDeployments", 2},
		{"deploy.yml", "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\nmodel: azureml://registries/shared/models/churn/versions/4\nenvironment: azureml:serve:7\n",
			ws + "onlineEndpoints/deployments", "modelFromRegistry", true},
		{"deploy.yml", "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\nmodel:\n  path: ./model\nenvironment: azureml:serve@latest\n",
			ws + "onlineEndpoints/deployments", "environmentPinned", false},
		{"job.yml", "$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\ncommand: python train.py\ninputs:\n  train:\n    type: uri_folder\n    path: azureml:churn-train:3\n",
			ws + "jobs", "dataInputs[0].pinned", true},
		{"env.yml", "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\nname: e\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest\n",
			ws + "environments", "imagePinned", false},
		{"cluster.yml", "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: gpu\ntier: low_priority\nmin_instances: 0\n",
			ws + "computes", "properties.vmPriority", "LowPriority"},
		{"monitor.yml", "$schema: http://azureml/sdk-2-0/Schedule.json\n", "", "", nil},
	}
	for _, tt := range tests {
		if tt.typ == "" {
			if Sniff(tt.name, []byte(tt.data)) {
				t.Errorf("%s: sniffed a schema awaf does not read", tt.name)
			}
			continue
		}
		if !Sniff(tt.name, []byte(tt.data)) {
			t.Errorf("%s: not sniffed", tt.name)
		}
		r, err := Read(tt.name, []byte(tt.data))
		if err != nil {
			t.Fatal(err)
		}
		if r.Type != tt.typ {
			t.Errorf("type %s, want %s", r.Type, tt.typ)
		}
		v := r.Properties.Get(tt.path)
		var got any
		switch w := tt.want.(type) {
		case string:
			got, _, _ = v.AsString()
		case bool:
			got = v.Truthy()
		case int:
			got = len(v.Items)
			_ = w
		}
		if got != tt.want {
			t.Errorf("%s %s = %v, want %v", tt.name, tt.path, got, tt.want)
		}
	}
}

func TestPinned(t *testing.T) {
	for ref, want := range map[string]bool{
		"azureml:data:3": true, "azureml:data@latest": false, "azureml:data": false, "./local": false,
		"azureml://registries/r/models/m/versions/2": true, "azureml://registries/r/models/m/versions/latest": false,
	} {
		if got := pinned(ref); got != want {
			t.Errorf("pinned(%q) = %v", ref, got)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\ninputs: {a: {type: uri_file, path: azureml:x:1}}\njobs: [1, {inputs: []}]\n"))
	f.Add([]byte("$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\ntraffic: [1]\nidentity: {type: 3}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read("f.yml", data)
		if err == nil && r.Properties == nil {
			t.Fatal("resource without properties")
		}
	})
}
