package server

import (
	"context"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	for pattern, want := range map[string]routeClass{
		"GET /healthz":           classOps,
		"GET /static/":           classOps,
		"POST /signin":           classHashing,
		"POST /setup":            classHashing,
		"POST /account/password": classHashing,
		"POST /admin/users":      classHashing,
		"GET /signin":            classRead,
		"GET /w/{id}/dashboard":  classRead,
		"GET /w/{id}/evidence":   classRead,
		"PUT /api/v1/workloads/{id}/answers/{question}": classWrite,
		"POST /w/{id}/assess/{area}":                    classWrite,
		"GET /w/{id}/export/{format}":                   classHeavy,
		"GET /api/v1/workloads/{id}/reports/{format}":   classHeavy,
		"GET /w/{id}/backlog/{target}":                  classHeavy,
		"GET /w/{id}/audit.csv":                         classHeavy,
		"POST /w/{id}/evidence":                         classHeavy,
		"POST /api/v1/lenses":                           classHeavy,
		"POST /w/{id}/lens/upgrade":                     classHeavy,
	} {
		if got := classify(pattern); got != want {
			t.Errorf("classify(%q) = %s, want %s", pattern, got, want)
		}
	}
}

// TestGate fills a gate of one slot and one queue place: the next request waits and
// gets the slot when it is freed, a third finds the queue full, and a waiter whose
// time runs out is refused.
func TestGate(t *testing.T) {
	g := newGate(classRead, Limit{InFlight: 1, Queue: 1, Wait: time.Second})
	ctx := context.Background()
	if !g.enter(ctx) {
		t.Fatal("an empty gate refused")
	}
	got := make(chan bool)
	go func() { got <- g.enter(ctx) }()
	for len(g.queue) == 0 {
		time.Sleep(time.Millisecond)
	}
	if g.enter(ctx) {
		t.Fatal("entered with the slot taken and the queue full")
	}
	g.leave()
	if !<-got {
		t.Fatal("the queued request was refused after the slot was freed")
	}
	short := newGate(classRead, Limit{InFlight: 1, Queue: 1, Wait: 20 * time.Millisecond})
	short.enter(ctx)
	start := time.Now()
	if short.enter(ctx) {
		t.Fatal("entered a full gate")
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Errorf("refused after %v, before the wait ran out", d)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if short.enter(cctx) {
		t.Fatal("a cancelled request entered")
	}
}
