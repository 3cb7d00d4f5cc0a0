package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/awaf/awaf"
	"github.com/awaf/awaf/internal/auth"
	"github.com/awaf/awaf/internal/server"
)

// syncFlags configure backlog sync.
type syncFlags struct {
	sealKeyFile  string
	interval     time.Duration
	allowPrivate bool
}

func addSyncFlags(cmd *cobra.Command, f *syncFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.sealKeyFile, "seal-key-file", "", "`FILE` with the 32-byte key (hex or base64) tracker tokens are encrypted with; AWAF_SEAL_KEY may hold the key itself. Without a key, backlog sync is off (AWAF_SEAL_KEY_FILE)")
	fl.DurationVar(&f.interval, "sync-interval", time.Hour, "how often every tracker connection is pulled; 0 turns the scheduled pull off (AWAF_SYNC_INTERVAL)")
	envFlag(cmd, "seal-key-file", "AWAF_SEAL_KEY_FILE")
	fl.BoolVar(&f.allowPrivate, "sync-allow-private", false, "let tracker base URLs resolve to private, loopback and link-local addresses (a tracker inside your network); off, they are refused (AWAF_SYNC_ALLOW_PRIVATE)")
	envFlag(cmd, "sync-interval", "AWAF_SYNC_INTERVAL")
	envFlag(cmd, "sync-allow-private", "AWAF_SYNC_ALLOW_PRIVATE")
}

// openSealer reads the seal key; nil (sync off) when none is given.
func openSealer(f *syncFlags) (*auth.Sealer, error) {
	var key []byte
	var err error
	switch {
	case f.sealKeyFile != "":
		if err := checkInput(f.sealKeyFile, "a file holding the seal key"); err != nil {
			return nil, err
		}
		key, err = auth.LoadSealKey(f.sealKeyFile)
	case os.Getenv("AWAF_SEAL_KEY") != "":
		key, err = auth.ParseSealKey(os.Getenv("AWAF_SEAL_KEY"))
	default:
		return nil, nil
	}
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "%v", err)
	}
	s, err := auth.NewSealer(key)
	if err != nil {
		return nil, awaf.Errorf(awaf.EINVALID, "%v", err)
	}
	return s, nil
}

// pullOnSchedule pulls every tracker connection every interval. Each pull is audited
// by the store (plan changes and link updates, as "sync:scheduled").
func pullOnSchedule(ctx context.Context, srv *server.Server, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := srv.PullAll(ctx); err != nil {
				log.Warn("scheduled pull", slog.Any("err", err))
			}
		}
	}
}
