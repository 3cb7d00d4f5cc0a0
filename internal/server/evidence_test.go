package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/iac/arm"
	"github.com/awaf/awaf/internal/rules"
	"github.com/awaf/awaf/internal/scan"
	"github.com/awaf/awaf/internal/server"
)

// realScan scans the ARM sample of internal/scan with the built-in rules, as
// `awaf scan --format json` does, and returns the result and its JSON.
func realScan(t *testing.T) (*scan.Result, []byte) {
	t.Helper()
	cat, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	res, err := scan.Run(context.Background(), os.DirFS("../scan/testdata/rag"), []string{"arm"},
		scan.Options{Frontends: scan.Frontends{{Format: scan.FormatARM, Scanner: &arm.Scanner{}}}, Catalog: cat, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := scan.Write(&buf, res, scan.JSON, scan.WriteOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	return res, buf.Bytes()
}

type evKey struct {
	Question, Choice, Summary string
	Passed                    bool
	Loc                       awaf.Location
}

func scanEvidence(as []awaf.Answer) []evKey {
	var out []evKey
	for _, a := range as {
		for _, e := range a.Evidence {
			if e.Source == scan.EvidenceSource {
				k := evKey{Question: a.Question, Choice: e.Choice, Summary: e.Summary, Passed: e.Passed}
				if e.Location != nil {
					k.Loc = *e.Location
				}
				out = append(out, k)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// TestScanJSONUpload checks that uploading the JSON report records exactly the
// evidence and proposals that `awaf scan --answers` computes from the same scan.
func TestScanJSONUpload(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	res, doc := realScan(t)

	before, err := f.store.Assessment(ctx, f.w.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &awaf.Assessment{Lens: before.Lens, Answers: slices.Clone(before.Answers)}
	props := scan.Attach(want, f.lens, res.Outcomes(), time.Now())
	if len(scanEvidence(want.Answers)) == 0 || len(props) == 0 {
		t.Fatal("the sample scan gives no evidence or no proposals; the test would prove nothing")
	}

	r := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/evidence?name=scan.json", f.w.ID), as: "token:contributor", json: string(doc)})
	body := readBody(t, r)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("upload = %d: %s", r.StatusCode, body)
	}
	var up struct {
		Format    string `json:"format"`
		Recorded  int    `json:"recorded"`
		Proposals []struct {
			Question, Choice string
		} `json:"proposals"`
	}
	if err := json.Unmarshal([]byte(body), &up); err != nil {
		t.Fatal(err)
	}
	after, err := f.store.Assessment(ctx, f.w.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, exp := scanEvidence(after.Answers), scanEvidence(want.Answers)
	if !slices.Equal(got, exp) {
		t.Fatalf("stored evidence differs from scan.Attach:\n got %v\nwant %v", got, exp)
	}
	questions := map[string]bool{}
	for _, k := range exp {
		questions[k.Question] = true
	}
	if up.Format != "scan-json" || up.Recorded != len(questions) {
		t.Fatalf("upload = %+v, want scan-json on %d questions", up, len(questions))
	}
	var gotProps, wantProps []string
	for _, p := range up.Proposals {
		gotProps = append(gotProps, p.Question+"/"+p.Choice)
	}
	for _, p := range props {
		wantProps = append(wantProps, p.Question+"/"+p.Choice)
	}
	sort.Strings(gotProps)
	sort.Strings(wantProps)
	if !slices.Equal(gotProps, wantProps) {
		t.Fatalf("proposals = %v, want %v", gotProps, wantProps)
	}
	// Selections are untouched: nothing becomes an answer without a person.
	for i, a := range after.Answers {
		if b, ok := before.Answer(a.Question); ok && !slices.Equal(b.Selected, a.Selected) || !ok && len(a.Selected) > 0 {
			t.Fatalf("answer %d changed selections: %+v", i, a)
		}
	}

	// The same file through the browser form shows the proposals to confirm.
	page := uploadForm(t, f, "contributor", "scan.json", doc)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), fmt.Sprintf("Recorded scan evidence on %d question", len(questions))) {
		t.Fatalf("form upload = %d: %s", page.Code, page.Body.String())
	}
	p0 := props[0]
	if !strings.Contains(page.Body.String(), `name="question" value="`+p0.Question+`"`) || !strings.Contains(page.Body.String(), `name="choice" value="`+p0.Choice+`"`) {
		t.Fatalf("the page does not offer %s/%s to confirm", p0.Question, p0.Choice)
	}
}

func uploadForm(t *testing.T, f *fixture, who, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", f.sessions[who].csrf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", fmt.Sprintf("/w/%d/evidence", f.w.ID), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "awaf_session", Value: f.sessions[who].cookie})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// TestScanJSONRejects checks that bad scan documents get a clear error naming the
// file and the place, and store nothing.
func TestScanJSONRejects(t *testing.T) {
	f := newFixture(t, func(c *server.Config) { c.MaxEvidence = 4096 })
	ctx := context.Background()
	finding := `{"rule":"AWAF-X-1","title":"t","status":"pass","outcome":"pass","choices":["c"],"resource":{"type":"T","name":"n"},"location":{"file":"a.json","line":3}}`
	doc := func(version, tool, findings string) string {
		return fmt.Sprintf("{\n  \"version\": %s,\n  \"tool\": {\"name\": %q},\n  \"findings\": [%s]\n}", version, tool, findings)
	}
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"truncated", doc("1", "awaf", finding)[:60], 400, "ends early"},
		{"syntax error", "{\n  \"tool\": {\"name\": \"awaf\"},\n  \"findings\": [,]\n}", 400, "scan.json: scan report line 3, column 16"},
		{"wrong type", doc("1", "awaf", `{"rule": 7}`), 400, "line 4"},
		{"version 2", doc("2", "awaf", finding), 400, "version 2: this build reads version 1"},
		{"no version", "{\"tool\": {\"name\": \"awaf\"}, \"findings\": []}", 400, "version is missing"},
		{"other tool", doc("1", "checkov", finding), 400, `tool.name "checkov": want "awaf"`},
		{"bad status", doc("1", "awaf", strings.Replace(finding, `"status":"pass"`, `"status":"ok"`, 1)), 400, `findings[0].status "ok"`},
		{"no rule", doc("1", "awaf", strings.Replace(finding, `"rule":"AWAF-X-1"`, `"rule":""`, 1)), 400, "findings[0].rule is missing"},
		{"trailing data", doc("1", "awaf", finding) + "{}", 400, "line 5, column 2: data after the end of the document"},
		{"too large", doc("1", "awaf", strings.Repeat(finding+",", 40)+finding), 413, "larger than 4096 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/evidence?name=scan.json", f.w.ID), as: "token:contributor", json: c.body})
			body := readBody(t, r)
			var e struct {
				Error struct{ Message string } `json:"error"`
			}
			if json.Unmarshal([]byte(body), &e) == nil && e.Error.Message != "" {
				body = e.Error.Message
			}
			if r.StatusCode != c.status || !strings.Contains(body, c.want) {
				t.Fatalf("= %d %s, want %d with %q", r.StatusCode, body, c.status, c.want)
			}
		})
	}
	a, err := f.store.Assessment(ctx, f.w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ev := scanEvidence(a.Answers); len(ev) != 0 {
		t.Fatalf("a refused upload stored evidence: %v", ev)
	}
}

// racingStore edits one answer of an evidence upload between the upload's read of the
// versions and its write, as a person saving that answer at the same moment would.
type racingStore struct {
	awaf.Store
	puts int
}

func (s *racingStore) editMeanwhile(ctx context.Context, workloadID int64, question string) {
	s.Store.PutAnswer(ctx, awaf.Actor{Name: "someone"}, workloadID, awaf.Answer{Question: question, Note: "edited meanwhile"}, awaf.AnyVersion)
}

func (s *racingStore) PutAnswer(ctx context.Context, by awaf.Actor, workloadID int64, ans awaf.Answer, version int64) (*awaf.StoredAnswer, error) {
	if s.puts++; s.puts == 3 {
		s.editMeanwhile(ctx, workloadID, ans.Question)
	}
	return s.Store.PutAnswer(ctx, by, workloadID, ans, version)
}

func (s *racingStore) PutAnswers(ctx context.Context, by awaf.Actor, workloadID int64, puts []awaf.AnswerPut) ([]awaf.StoredAnswer, error) {
	if len(puts) >= 3 {
		s.editMeanwhile(ctx, workloadID, puts[2].Answer.Question)
	}
	return s.Store.PutAnswers(ctx, by, workloadID, puts)
}

// TestEvidenceUploadAllOrNothing: an upload that meets a concurrent edit is answered
// 409 and has stored none of its answers.
func TestEvidenceUploadAllOrNothing(t *testing.T) {
	f := newFixture(t, func(c *server.Config) { c.Store = &racingStore{Store: c.Store} })
	_, doc := realScan(t)
	r := f.do(call{method: "POST", path: fmt.Sprintf("/api/v1/workloads/%d/evidence?name=scan.json", f.w.ID), as: "token:contributor", json: string(doc)})
	body := readBody(t, r)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("upload meeting a concurrent edit = %d: %s", r.StatusCode, body)
	}
	after, err := f.store.Assessment(context.Background(), f.w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := scanEvidence(after.Answers); len(got) != 0 {
		t.Fatalf("a refused upload stored evidence on %d choices: %v", len(got), got)
	}
}
