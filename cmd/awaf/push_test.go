package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/server"
	"github.com/awaf/awaf/internal/store/sqlite"
)

func TestPush(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "awaf.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := auth.New(db, nil)
	srv, err := server.New(server.Config{Store: db, Auth: a, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	l, _ := lens.Builtin()
	u := &awaf.User{Email: "ci@example.com", PasswordHash: "x"}
	if err := db.CreateUser(ctx, awaf.Actor{Name: "t"}, u); err != nil {
		t.Fatal(err)
	}
	w := &awaf.WorkloadRecord{Workload: awaf.Workload{Name: "Chat"}, Lens: awaf.LensRef{ID: l.ID, Version: l.Version}}
	if err := db.CreateWorkload(ctx, awaf.Actor{UserID: u.ID, Name: u.Email}, w); err != nil {
		t.Fatal(err)
	}
	contributor, _, err := a.NewToken(ctx, awaf.Actor{Name: "t"}, w.ID, "ci", awaf.RoleContributor, 0)
	if err != nil {
		t.Fatal(err)
	}
	reader, _, _ := a.NewToken(ctx, awaf.Actor{Name: "t"}, w.ID, "ro", awaf.RoleReader, 0)

	q0, q1 := l.Questions[0], l.Questions[1]
	file := filepath.Join(dir, "awaf.yaml")
	local := &awaf.Assessment{
		Lens:     awaf.LensRef{ID: l.ID, Version: l.Version},
		Workload: awaf.Workload{Name: "Chat (prod)"},
		Profile:  awaf.Profile{Kinds: []awaf.Kind{awaf.KindGenerative}, Criticality: awaf.MissionCritical, Sensitivity: awaf.Regulated, Exposure: awaf.ExposureExternal},
		Answers: []awaf.Answer{
			{Question: q0.ID, Selected: []string{q0.Choices[0].ID}, Note: "from CI"},
			{Question: q1.ID, NotApplicable: &awaf.NotApplicable{Reason: awaf.NAOutOfScope, Note: "no"}},
		},
	}
	if err := answers.Save(file, local); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
		want  string // error substring; empty for success
	}{
		{"contributor", contributor, ""},
		{"again overwrites", contributor, ""},
		{"reader may not write", reader, "contributor role"},
		{"bad token", "awaf_nope", "invalid or revoked token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(ctx, []string{"push", "--server", ts.URL, "--token", tt.token, "--answers", file}, nil, &out, &errb)
			if tt.want == "" {
				if err != nil || !strings.Contains(out.String(), "pushed 2 answers") {
					t.Fatalf("push: %v %s %s", err, out.String(), errb.String())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("push error = %v, want %q", err, tt.want)
			}
			// A token the server refuses is the user's to fix: exit 2, no internal code.
			var msg bytes.Buffer
			if code := exitCode(err, &msg); code != 2 || strings.Contains(msg.String(), "unauthorized:") || strings.Contains(msg.String(), "forbidden:") {
				t.Errorf("exit %d, %q", code, msg.String())
			}
		})
	}
	got, err := db.Assessment(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Workload.Name != "Chat (prod)" || got.Profile.Criticality != awaf.MissionCritical || len(got.Answers) != 2 {
		t.Fatalf("server has %+v", got)
	}
}

// TestPushEvidence: `awaf push --evidence` uploads the JSON of a real scan, and the
// server records it as evidence on the workload's answers.
func TestPushEvidence(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "awaf.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := auth.New(db, nil)
	srv, err := server.New(server.Config{Store: db, Auth: a, Lens: lens.BuiltinByID, DefaultLens: lens.BuiltinID})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	l, _ := lens.Builtin()
	u := &awaf.User{Email: "ci@example.com", PasswordHash: "x"}
	if err := db.CreateUser(ctx, awaf.Actor{Name: "t"}, u); err != nil {
		t.Fatal(err)
	}
	w := &awaf.WorkloadRecord{Workload: awaf.Workload{Name: "Chat"}, Lens: awaf.LensRef{ID: l.ID, Version: l.Version}}
	if err := db.CreateWorkload(ctx, awaf.Actor{UserID: u.ID, Name: u.Email}, w); err != nil {
		t.Fatal(err)
	}
	token, _, err := a.NewToken(ctx, awaf.Actor{Name: "t"}, w.ID, "ci", awaf.RoleContributor, 0)
	if err != nil {
		t.Fatal(err)
	}
	scanJSON := filepath.Join(dir, "scan.json")
	var out, errb bytes.Buffer
	run(ctx, []string{"scan", "../../internal/scan/testdata/rag/arm", "--format", "json", "-o", scanJSON}, nil, &out, &errb)
	if _, err := os.Stat(scanJSON); err != nil {
		t.Fatalf("scan wrote nothing: %v %s", err, errb.String())
	}
	file := filepath.Join(dir, "awaf.yaml")
	if err := answers.Save(file, &awaf.Assessment{Lens: awaf.LensRef{ID: l.ID, Version: l.Version}, Workload: awaf.Workload{Name: "Chat"}}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = run(ctx, []string{"push", "--server", ts.URL, "--token", token, "--answers", file, "--evidence", scanJSON}, nil, &out, &errb)
	if err != nil || !strings.Contains(out.String(), "recorded scan evidence on") {
		t.Fatalf("push: %v %s %s", err, out.String(), errb.String())
	}
	got, err := db.Assessment(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ans := range got.Answers {
		for _, e := range ans.Evidence {
			if e.Source == "scan" {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatalf("no scan evidence on the server: %+v", got.Answers)
	}
	// A missing evidence file stops the push before anything is sent.
	err = run(ctx, []string{"push", "--server", ts.URL, "--token", token, "--answers", file, "--evidence", filepath.Join(dir, "nope.json")}, nil, &out, &errb)
	if awaf.ErrorCode(err) != awaf.ENOTFOUND {
		t.Fatalf("missing evidence file: %v", err)
	}
}
