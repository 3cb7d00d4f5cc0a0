package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/lens"
	"github.com/awaf/awaf/internal/portfolio"
	"github.com/awaf/awaf/internal/report"
)

// reportPortfolio scores one answers file per workload and writes the view across
// them: scores by pillar, the risks they share, the trend of their scores by the
// month each file was last updated.
func reportPortfolio(ctx context.Context, rf *reportFlags, f report.Format, s *streams) error {
	if f == report.CSV {
		return awaf.Errorf(awaf.EINVALID, "csv is Microsoft's single-assessment export: write a portfolio as md, html, json or xlsx")
	}
	parts, err := openParts(rf.answers, rf.lenses)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	seen := map[string]string{}
	entries := make([]portfolio.Entry, 0, len(parts))
	var snaps []portfolio.Snapshot
	for i, p := range parts {
		path, name := rf.answers[i], p.Result.Workload.Name
		if name == "" {
			return awaf.Errorf(awaf.EINVALID, "%s names no workload (workload.name): the portfolio lists workloads by name", path)
		}
		if prev, ok := seen[name]; ok {
			return awaf.Errorf(awaf.EINVALID, "%s and %s are both workload %q: give one answers file per workload (several lenses of one workload: awaf report without --portfolio)", prev, path, name)
		}
		seen[name] = path
		e := portfolio.Entry{Link: filepath.ToSlash(path), Result: p.Result, Updated: p.Assessment.Updated}
		// A lens newer than the file's is known only for built-in lenses.
		if b, err := lens.BuiltinByID(p.Result.Lens.ID); err == nil {
			e.LatestLens = b.Version
		}
		entries = append(entries, e)
		if !p.Assessment.Updated.IsZero() {
			snaps = append(snaps, portfolio.SnapshotOf(name, p.Assessment.Updated, p.Result))
		}
	}
	v := portfolio.Build(entries)
	v.Trend = portfolio.Trend(snaps)
	if rf.sort != "" || rf.desc {
		if err := v.Sort(rf.sort, rf.desc); err != nil {
			return awaf.Errorf(awaf.EINVALID, "--sort: %v", err)
		}
	}
	var buf bytes.Buffer
	if err := report.RenderPortfolio(&buf, f, report.Portfolio{View: v, Generated: reportTime(), Title: rf.title}); err != nil {
		return err
	}
	var total awaf.Score
	for _, r := range v.Rows {
		total.High += r.Overall.High
		total.Medium += r.Overall.Medium
	}
	summary := fmt.Sprintf("%s portfolio report, %s, %s/100 on average, %d high and %d medium risks, %s shared by two or more",
		f, plural(len(v.Rows), "workload"), strconv.FormatFloat(v.Average["overall"], 'f', -1, 64), total.High, total.Medium, plural(len(v.CommonRisks), "risk"))
	if err := emitReport(buf.Bytes(), rf.out, summary, s); err != nil {
		return err
	}
	return gate(rf.failOn, total)
}
