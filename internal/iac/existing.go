package iac

import "strings"

// Twins maps each existing declaration in res (Resource.Existing) to the index of
// the declared resource it refers to, one with the same resource id or the same type
// and name, or whose name is the very value of the declared resource's name though
// unknown before deployment (Value.MarkName): a Bicep `existing` in one file for a resource another file declares.
// Such a declaration is a reference, not a second resource. Declarations with no
// twin (deployed elsewhere, or named by a value unknown before deployment) are
// absent from the map. It costs one pass over res when it holds no existing one.
func Twins(res []Resource) map[int]int {
	var want []int
	for i := range res {
		if res[i].Existing {
			want = append(want, i)
		}
	}
	if len(want) == 0 {
		return nil
	}
	keys := make(map[string]int, len(want)*2)
	for _, i := range want {
		keys[strings.ToLower(res[i].ID)] = -1
		if ref := res[i].Name.NameOf(); ref != "" {
			// A name unknown before deployment that is the name of a declared
			// resource (Value.MarkName) refers to it.
			keys[strings.ToLower(ref)] = -1
		}
		if name, ok := res[i].NameString(); ok {
			keys[strings.ToLower(res[i].Type)+"|"+strings.ToLower(name)] = -1
		}
	}
	for i := range res {
		if res[i].Existing {
			continue
		}
		if j, ok := keys[strings.ToLower(res[i].ID)]; ok && j < 0 {
			keys[strings.ToLower(res[i].ID)] = i
		}
		if name, ok := res[i].NameString(); ok {
			k := strings.ToLower(res[i].Type) + "|" + strings.ToLower(name)
			if j, ok := keys[k]; ok && j < 0 {
				keys[k] = i
			}
		}
	}
	out := map[int]int{}
	for _, i := range want {
		t := -1
		if name, ok := res[i].NameString(); ok {
			t = keys[strings.ToLower(res[i].Type)+"|"+strings.ToLower(name)]
		}
		if t < 0 && res[i].ID != "" {
			t = keys[strings.ToLower(res[i].ID)]
		}
		if t < 0 {
			if ref := res[i].Name.NameOf(); ref != "" {
				t = keys[strings.ToLower(ref)]
				if t >= 0 && !SameType(res[t].Type, res[i].Type) {
					t = -1
				}
			}
		}
		if t >= 0 {
			out[i] = t
		}
	}
	return out
}
