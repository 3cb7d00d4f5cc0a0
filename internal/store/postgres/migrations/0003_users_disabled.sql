-- A disabled account cannot sign in; its sessions are deleted when it is disabled.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
