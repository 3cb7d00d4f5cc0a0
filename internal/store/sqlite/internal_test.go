package sqlite

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/store/sqldb"
)

// TestRestoreRefusesIdleServer: a server whose pooled connections have all gone idle
// and closed still keeps the database, so a restore is refused.
func TestRestoreRefusesIdleServer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	db, err := Open(ctx, live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.sql.SetMaxIdleConns(0) // what ConnMaxIdleTime does to an idle server
	if n := db.sql.Stats().OpenConnections; n > 1 {
		t.Fatalf("%d connections open after dropping idle ones", n)
	}
	if _, err := Restore(ctx, backup, live, nil); awaf.ErrorCode(err) != awaf.ECONFLICT {
		t.Fatalf("Restore under an idle server = %v, want a conflict", err)
	}
}

// TestTokenCreatorMigration: tokens made before migration 0004 are bound to the
// person whose email made them; a token whose maker is not a person stays unbound.
func TestTokenCreatorMigration(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"), Options{NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_lenses.sql", "0003_users_disabled.sql"} {
		b, err := fs.ReadFile(Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		old[name] = &fstest.MapFile{Data: b}
	}
	if _, err := sqldb.Migrate(ctx, db.conn, dialect, old); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO users (id, email, created) VALUES (7, 'ada@example.com', 1)`,
		`INSERT INTO workloads (id, name, created, updated) VALUES (1, 'chat', 1, 1)`,
		`INSERT INTO tokens (workload_id, name, role, hash, created_by, created) VALUES (1, 'ci', 'reader', 'h1', 'ada@example.com', 1)`,
		`INSERT INTO tokens (workload_id, name, role, hash, created_by, created) VALUES (1, 'sys', 'reader', 'h2', 'setup', 1)`,
	} {
		if err := db.ExecRaw(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for hash, want := range map[string]int64{"h1": 7, "h2": 0} {
		tok, err := db.TokenByHash(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		if tok.CreatorID != want {
			t.Errorf("token %s: creator %d, want %d", tok.Name, tok.CreatorID, want)
		}
	}
	// ada holds no role on the workload, so her old token is suspended.
	if tok, _ := db.TokenByHash(ctx, "h1"); tok.Suspended == "" {
		t.Error("a migrated token of someone without access works")
	}
}

// TestAnswerStampMigration: workloads answered before migration 0005 get stamps that
// count their answers' versions and their last answer's time; an unanswered workload
// starts at zero.
func TestAnswerStampMigration(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"), Options{NoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_lenses.sql", "0003_users_disabled.sql", "0004_token_creator.sql"} {
		b, err := fs.ReadFile(Migrations(), name)
		if err != nil {
			t.Fatal(err)
		}
		old[name] = &fstest.MapFile{Data: b}
	}
	if _, err := sqldb.Migrate(ctx, db.conn, dialect, old); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO workloads (id, name, created, updated) VALUES (1, 'chat', 1, 5)`,
		`INSERT INTO workloads (id, name, created, updated) VALUES (2, 'empty', 1, 3)`,
		`INSERT INTO answers (workload_id, question, body, version, updated_by, updated) VALUES (1, 'q1', '{"question":"q1"}', 3, 'ada', 9000000)`,
		`INSERT INTO answers (workload_id, question, body, version, updated_by, updated) VALUES (1, 'q2', '{"question":"q2"}', 1, 'ada', 7000000)`,
	} {
		if err := db.ExecRaw(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := db.Stamps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[0].AnswerSaves != 4 || st[0].Updated.UnixMicro() != 9000000 || st[1].AnswerSaves != 0 || st[1].Updated.UnixMicro() != 3 {
		t.Errorf("stamps after migration: %+v", st)
	}
}
