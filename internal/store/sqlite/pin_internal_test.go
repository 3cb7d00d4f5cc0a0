package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/awaf/awaf"
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
