package terraform
import ("testing";"fmt";"sort")
func TestListPairs(t *testing.T){
 seen:=map[string]string{}
 var keys []string
 types:=sortedKeys(typeMaps)
 for _,ty:=range types{ for _,a:=range typeMaps[ty].Attrs{ k:=a.From+" -> "+a.To; if _,ok:=seen[k];!ok{seen[k]=ty;keys=append(keys,k)} } }
 sort.Strings(keys)
 for _,k:=range keys{fmt.Println(seen[k], k)}
 fmt.Println(len(keys))
}
