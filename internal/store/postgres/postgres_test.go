package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/postgres"
	"github.com/awaf/awaf/internal/store/storetest"
	"github.com/jackc/pgx/v5"
)

var schemaSeq atomic.Int64

// open gives each test its own schema so that runs and parallel tests never see each
// other's rows.
func open(t *testing.T, now func() time.Time) *postgres.DB {
	t.Helper()
	base := os.Getenv("AWAF_TEST_POSTGRES")
	if base == "" {
		t.Skip("AWAF_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("awaf_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(ctx, u.String(), postgres.Options{Now: now})
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
	for _, stmt := range []string{`UPDATE audit_events SET actor_name = 'mallory'`, `DELETE FROM audit_events`, `TRUNCATE audit_events`} {
		if err := db.ExecRaw(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
		}
	}
}
