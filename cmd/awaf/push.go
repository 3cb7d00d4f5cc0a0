package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
)

// pushFlags are the flags of awaf push.
type pushFlags struct {
	server, token, answers, evidence string
	profile                          bool
}

func newPushCmd(s *streams) *cobra.Command {
	var f pushFlags
	cmd := &cobra.Command{
		Use:   "push --server URL --token TOKEN",
		Short: "send an answers file (with its evidence) to a server workload",
		Long: `Sends the answers file, and optionally scan findings, to the workload the token
belongs to. The file is the source of truth: each answer overwrites the server's.`,
		Example: `  awaf push --server https://awaf.example.com --token "$AWAF_TOKEN"
  awaf scan infra/ --format json -o scan.json --fail-on none
  AWAF_SERVER=https://awaf.example.com awaf push --evidence scan.json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.server == "" || f.token == "" {
				return usagef(cmd, "--server and --token are required (or AWAF_SERVER and AWAF_TOKEN)")
			}
			return runPush(cmd.Context(), &f, s)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", "", "server base `URL`, e.g. https://awaf.example.com (AWAF_SERVER)")
	fl.StringVar(&f.token, "token", "", "API `token` with the contributor role on the workload (AWAF_TOKEN)")
	envFlag(cmd, "server", "AWAF_SERVER")
	envFlag(cmd, "token", "AWAF_TOKEN")
	fl.StringVar(&f.answers, "answers", "awaf.yaml", "answers `FILE` to send")
	fl.BoolVar(&f.profile, "profile", true, "also send the workload's name and profile")
	fl.StringVar(&f.evidence, "evidence", "", "also upload this `FILE`, the output of awaf scan --format json, as evidence")
	return cmd
}

// runPush sends a local answers file to a team server, for CI pipelines: the file is
// the source of truth, so each answer overwrites the server's.
func runPush(ctx context.Context, f *pushFlags, s *streams) error {
	stdout := s.out
	server, token, path, profile, evidence := &f.server, &f.token, &f.answers, &f.profile, &f.evidence
	base, err := url.Parse(strings.TrimSuffix(*server, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return awaf.Errorf(awaf.EINVALID, "--server %q: want an http or https URL", *server)
	}
	if err := checkInput(*path, "an answers file (YAML)"); err != nil {
		return err
	}
	if *evidence != "" {
		if err := checkInput(*evidence, "a scan report (awaf scan --format json)"); err != nil {
			return err
		}
	}
	a, err := answers.Load(*path)
	if err != nil {
		return err
	}
	var scanJSON []byte
	if *evidence != "" {
		// Read it before sending anything, so a missing file changes nothing on the server.
		if scanJSON, err = readLimited(*evidence, maxEvidenceUpload); err != nil {
			return err
		}
	}
	c := &apiClient{base: base.String(), token: *token, http: &http.Client{Timeout: 60 * time.Second}}
	var list struct {
		Workloads []awaf.WorkloadRecord `json:"workloads"`
	}
	if err := c.do(ctx, "GET", "/api/v1/workloads", nil, &list); err != nil {
		return err
	}
	if len(list.Workloads) != 1 {
		return awaf.Errorf(awaf.EINVALID, "the token reaches %s; use a workload's API token", plural(len(list.Workloads), "workload"))
	}
	w := list.Workloads[0]
	if *profile {
		body := map[string]any{"name": w.Name, "description": w.Description, "owner": w.Owner, "environment": w.Environment,
			"profile": a.Profile, "version": w.Version}
		if a.Workload.Name != "" {
			body["name"] = a.Workload.Name
		}
		if err := c.do(ctx, "PUT", fmt.Sprintf("/api/v1/workloads/%d", w.ID), body, nil); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}
	for _, ans := range a.Answers {
		body := map[string]any{"selected": ans.Selected, "notApplicable": ans.NotApplicable, "note": ans.Note,
			"evidence": ans.Evidence, "version": awaf.AnyVersion}
		if err := c.do(ctx, "PUT", fmt.Sprintf("/api/v1/workloads/%d/answers/%s", w.ID, url.PathEscape(ans.Question)), body, nil); err != nil {
			return fmt.Errorf("answer %s: %w", ans.Question, err)
		}
	}
	fmt.Fprintf(stdout, "pushed %s to %q (workload %d)\n", plural(len(a.Answers), "answer"), w.Name, w.ID)
	if scanJSON != nil {
		var up struct {
			Recorded  int   `json:"recorded"`
			Proposals []any `json:"proposals"`
		}
		p := fmt.Sprintf("/api/v1/workloads/%d/evidence?name=%s", w.ID, url.QueryEscape(filepath.Base(*evidence)))
		if err := c.send(ctx, "POST", p, scanJSON, "application/json", &up); err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
		fmt.Fprintf(stdout, "recorded scan evidence on %s; %s for confirmation on the server\n", plural(up.Recorded, "question"), plural(len(up.Proposals), "proposed answer")+" wait")
	}
	return nil
}

// maxEvidenceUpload matches the server's default limit for evidence uploads.
const maxEvidenceUpload = 16 << 20

// readLimited reads a file the user named, refusing one larger than limit.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, awaf.Errorf(awaf.ENOTFOUND, "evidence file %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, awaf.Errorf(awaf.ETOOLARGE, "evidence file %s is larger than %d bytes", path, limit)
	}
	return data, nil
}

type apiClient struct {
	base, token string
	http        *http.Client
}

// do sends a JSON request and decodes the JSON answer into out; the server's error
// message comes back as an error with the matching code.
func (c *apiClient) do(ctx context.Context, method, path string, in, out any) error {
	if in == nil {
		return c.send(ctx, method, path, nil, "", out)
	}
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return c.send(ctx, method, path, b, "application/json", out)
}

// send sends a body as it is and decodes the JSON answer into out.
func (c *apiClient) send(ctx context.Context, method, path string, in []byte, contentType string, out any) error {
	var body io.Reader
	if in != nil {
		body = bytes.NewReader(in)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		json.Unmarshal(data, &e)
		msg := e.Error.Message
		if msg == "" {
			msg = res.Status
		}
		code := awaf.EINTERNAL
		switch res.StatusCode {
		case 400:
			code = awaf.EINVALID
		case 401:
			code = awaf.EUNAUTH
		case 403:
			code = awaf.EFORBIDDEN
		case 404:
			code = awaf.ENOTFOUND
		case 409:
			code = awaf.ECONFLICT
		}
		return awaf.Errorf(code, "%s %s: %s", method, path, msg)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
