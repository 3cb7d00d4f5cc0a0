// Command parseonly reads and parses the IaC files under a directory with awaf's front
// ends and nothing else: no rules, no graph, no reports. scripts/bench.sh times it
// beside the whole awaf binary on the same files, for the whole-process ratio.
//
//	go run ./scripts/parseonly DIR
package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"

	"github.com/awaf/awaf/internal/iac"
	"github.com/awaf/awaf/internal/scan"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: parseonly DIR")
		os.Exit(2)
	}
	fsys := os.DirFS(os.Args[1])
	byFormat := map[scan.Format][]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(p) {
		case ".json":
			byFormat[scan.FormatARM] = append(byFormat[scan.FormatARM], p)
		case ".bicep":
			byFormat[scan.FormatBicep] = append(byFormat[scan.FormatBicep], p)
		case ".tf":
			byFormat[scan.FormatTerraform] = append(byFormat[scan.FormatTerraform], p)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fe := scan.DefaultFrontends()
	n, diags := 0, 0
	for format, files := range byFormat {
		var res []iac.Resource
		var ds []iac.Diagnostic
		res, ds, err = fe.Scanner(format).Scan(context.Background(), fsys, files, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n, diags = n+len(res), diags+len(ds)
	}
	fmt.Printf("%d resources, %d diagnostics\n", n, diags)
}
