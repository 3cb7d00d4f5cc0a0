package eval

import (
	"context"
	"math"
	"sync"

	"github.com/awaf/awaf/internal/eval/judge"
)

// runJudge scores every row of the current run (and the baseline, whose scores usually
// come from the cache of an earlier run) for every judged metric. A failed judgement
// leaves that row's score NaN: it drops out of the mean and is counted.
func runJudge(ctx context.Context, cfg *Config, opt Options, sets ...*dataset) (*JudgeSummary, error) {
	var names []string
	for _, m := range cfg.Metrics {
		if metricCatalog[m.Name].judge {
			names = append(names, m.Name)
		}
	}
	for _, d := range sets {
		if d != nil {
			d.judged = map[string][]float64{}
		}
	}
	if opt.Judge == nil {
		return nil, nil
	}
	var items []judge.Item
	type job struct {
		d      *dataset
		metric string
		row    int
	}
	var jobs []job
	for _, d := range sets {
		if d == nil {
			continue
		}
		for _, r := range d.rag {
			items = append(items, judge.Item{Question: r.Question, Answer: r.Answer, Contexts: r.Contexts})
		}
		for _, name := range names {
			v := make([]float64, len(d.rag))
			for i := range v {
				v[i] = math.NaN()
				jobs = append(jobs, job{d, name, i})
			}
			d.judged[name] = v
		}
	}
	est := opt.Judge.Estimate(names, items)
	if opt.ConfirmJudge != nil {
		if err := opt.ConfirmJudge(est); err != nil {
			return nil, err
		}
	}
	workers := opt.JudgeWorkers
	if workers <= 0 {
		workers = 4
	}
	var mu sync.Mutex
	var done, failed int64
	next := make(chan job)
	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				r := j.d.rag[j.row]
				s, err := opt.Judge.Score(ctx, j.metric, judge.Item{Question: r.Question, Answer: r.Answer, Contexts: r.Contexts})
				mu.Lock()
				if err == nil {
					j.d.judged[j.metric][j.row] = s
				} else {
					failed++
				}
				done++
				opt.Progress.Update("judge", done, int64(len(jobs)))
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u := opt.Judge.Usage()
	return &JudgeSummary{Model: opt.Judge.Model(), Calls: u.Calls, Attempts: u.Attempts, Retries: u.Retries,
		CacheHits: u.CacheHits, Failed: int(failed), LastError: u.LastError,
		InputTokens: u.InputTokens, OutputTokens: u.OutputTokens, Cost: u.Cost}, nil
}
