package bicep

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
)

func TestZZDump(t *testing.T) {
	dir := os.Getenv("AWAF_TEST_BICEP_CORPUS")
	if dir == "" {
		t.Skip()
	}
	res, _, _ := New(t.TempDir()).Scan(context.Background(), os.DirFS(dir), []string{"."})
	counts := map[string]int{}
	for _, r := range res {
		counts[r.Type]++
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(counts[k], k)
	}
	for _, r := range res {
		if r.Type == "Microsoft.CognitiveServices/accounts" || r.Type == "Microsoft.CognitiveServices/accounts/deployments" {
			b, _ := r.Properties.MarshalJSON()
			fmt.Println(r.ID, r.Loc, r.Via, string(b))
		}
	}
}
