-- A disabled account cannot sign in; its sessions are deleted when it is disabled.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
