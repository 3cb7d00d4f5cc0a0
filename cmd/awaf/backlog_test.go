package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBacklogCommand(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		file  string
		check func(t *testing.T, out []byte)
	}{
		{"ado to stdout, now only", []string{"--target", "ado", "--horizon", "now"}, "", func(t *testing.T, out []byte) {
			recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(recs[0], ",") != "Work Item Type,Title,Description,Priority,Tags" || len(recs) < 2 {
				t.Fatalf("header %q, %d rows", recs[0], len(recs))
			}
			for _, r := range recs[1:] {
				if !strings.Contains(r[4], "horizon:now") {
					t.Errorf("filter not applied: %q", r[4])
				}
			}
		}},
		{"jira to a file, security only", []string{"--target", "jira", "--pillar", "security", "-o", filepath.Join(dir, "jira.csv")}, "jira.csv", func(t *testing.T, out []byte) {
			recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs[1:] {
				if !strings.Contains(strings.Join(r[6:], " "), "security") {
					t.Errorf("row without the security label: %q", r[6:])
				}
			}
		}},
		{"github script is executable", []string{"--target", "github-sh", "--min-priority", "45", "-o", filepath.Join(dir, "issues.sh")}, "issues.sh", func(t *testing.T, out []byte) {
			if !bytes.HasPrefix(out, []byte("#!/bin/sh\n")) || !bytes.Contains(out, []byte("gh issue create")) {
				t.Errorf("not a gh script: %.200s", out)
			}
			st, err := os.Stat(filepath.Join(dir, "issues.sh"))
			if err != nil || st.Mode().Perm()&0o100 == 0 {
				t.Errorf("script mode %v, %v", st.Mode(), err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "", append([]string{"backlog", "--answers", exampleAnswers}, tc.args...)...)
			if err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			out := []byte(stdout)
			if tc.file != "" {
				if out, err = os.ReadFile(filepath.Join(dir, tc.file)); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(stderr, "awaf: wrote") {
					t.Errorf("stderr %q", stderr)
				}
			}
			tc.check(t, out)
		})
	}
}

func TestBacklogBadInput(t *testing.T) {
	cases := []struct {
		name, want string
		args       []string
		code       int
	}{
		{"no target", "--target is required", []string{"backlog", "--answers", exampleAnswers}, 2},
		{"bad target", `--target "trello": want ado, github, github-sh or jira`, []string{"backlog", "--answers", exampleAnswers, "--target", "trello"}, 2},
		{"bad horizon", `--horizon "soon": want now, next or later`, []string{"backlog", "--answers", exampleAnswers, "--target", "ado", "--horizon", "soon"}, 2},
		{"missing answers", "missing.yaml", []string{"backlog", "--answers", "missing.yaml", "--target", "ado"}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, "", tc.args...)
			var msg bytes.Buffer
			if code := exitCode(err, &msg); code != tc.code {
				t.Errorf("exit %d, want %d (%v)", code, tc.code, err)
			}
			if !strings.Contains(stderr+msg.String(), tc.want) {
				t.Errorf("message %q lacks %q", stderr+msg.String(), tc.want)
			}
		})
	}
}
