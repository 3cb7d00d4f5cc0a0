package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/answers"
)

// runPush sends a local answers file to a team server, for CI pipelines: the file is
// the source of truth, so each answer overwrites the server's.
func runPush(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("awaf push", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", env("AWAF_SERVER", ""), "server base URL, e.g. https://awaf.example.com (AWAF_SERVER)")
	token := fs.String("token", env("AWAF_TOKEN", ""), "API token with the contributor role on the workload (AWAF_TOKEN)")
	path := fs.String("answers", "awaf.yaml", "answers file to send")
	profile := fs.Bool("profile", true, "also send the workload's name and profile")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: awaf push --server URL --token T [--answers awaf.yaml]\n\n"+
			"Sends the answers file to the workload the token belongs to.\n\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected arguments")
	}
	if *server == "" || *token == "" {
		return usageError(fs, "--server and --token are required")
	}
	base, err := url.Parse(strings.TrimSuffix(*server, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return awaf.Errorf(awaf.EINVALID, "--server %q: want an http or https URL", *server)
	}
	a, err := answers.Load(*path)
	if err != nil {
		return err
	}
	c := &apiClient{base: base.String(), token: *token, http: &http.Client{Timeout: 60 * time.Second}}
	var list struct {
		Workloads []awaf.WorkloadRecord `json:"workloads"`
	}
	if err := c.do(ctx, "GET", "/api/v1/workloads", nil, &list); err != nil {
		return err
	}
	if len(list.Workloads) != 1 {
		return awaf.Errorf(awaf.EINVALID, "the token reaches %d workloads; use a workload's API token", len(list.Workloads))
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
	fmt.Fprintf(stdout, "pushed %d answers to %q (workload %d)\n", len(a.Answers), w.Name, w.ID)
	return nil
}

type apiClient struct {
	base, token string
	http        *http.Client
}

// do sends a JSON request and decodes the JSON answer into out; the server's error
// message comes back as an error with the matching code.
func (c *apiClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
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
