package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/sqlite"
	"github.com/awaf/awaf/internal/store/storetest"
)

func open(t *testing.T, now func() time.Time) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "awaf.db"), sqlite.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) awaf.Store { return open(t, now) })
}

func TestMigrateIsIdempotent(t *testing.T) {
	db := open(t, nil)
	defer db.Close()
	n, err := db.Migrate(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("second migrate applied %d, err %v", n, err)
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	db := open(t, nil)
	defer db.Close()
	ctx := context.Background()
	storetest.MustUser(t, db, "ada@example.com", true)
	raw, err := sqlite.Open(ctx, db.Path(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, stmt := range []string{`UPDATE audit_events SET actor_name = 'mallory'`, `DELETE FROM audit_events`} {
		if err := raw.ExecRaw(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
		}
	}
}

// TestBackupRestore writes answers, takes an online backup while another writer keeps
// saving, opens the backup as a database and finds every answer acknowledged before
// the backup began.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	db := open(t, nil)
	defer db.Close()
	ada := storetest.MustUser(t, db, "ada@example.com", true)
	w := storetest.MustWorkload(t, db, ada, "Support chat")
	var want []awaf.StoredAnswer
	for i := range 200 {
		a := awaf.Answer{Question: fmt.Sprintf("q%03d", i), Selected: []string{"c1", "c2"}, Note: "n" + fmt.Sprint(i)}
		sa, err := db.PutAnswer(ctx, storetest.ActorOf(ada), w.ID, a, 0)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, *sa)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			db.PutAnswer(ctx, storetest.ActorOf(ada), w.ID, awaf.Answer{Question: fmt.Sprintf("later%03d", i)}, 0)
		}
	}()
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := db.Backup(ctx, dst); awaf.ErrorCode(err) != awaf.ECONFLICT {
		t.Fatalf("backup over an existing file: %v", err)
	}

	restored, err := sqlite.Open(ctx, dst, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	got, err := restored.Answers(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	byQ := map[string]awaf.StoredAnswer{}
	for _, a := range got {
		byQ[a.Question] = a
	}
	for _, a := range want {
		if !reflect.DeepEqual(byQ[a.Question], a) {
			t.Fatalf("restored answer %s = %+v, want %+v", a.Question, byQ[a.Question], a)
		}
	}
	if u, err := restored.UserByEmail(ctx, "ada@example.com"); err != nil || !u.Admin {
		t.Fatalf("restored admin: %+v, %v", u, err)
	}
}
