-- Times are Unix microseconds (0 = none); JSON values are text.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT    NOT NULL UNIQUE,
	name          TEXT    NOT NULL DEFAULT '',
	admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
	password_hash TEXT    NOT NULL DEFAULT '',
	created       INTEGER NOT NULL
);

CREATE TABLE workloads (
	id           INTEGER PRIMARY KEY,
	name         TEXT    NOT NULL,
	description  TEXT    NOT NULL DEFAULT '',
	owner        TEXT    NOT NULL DEFAULT '',
	environment  TEXT    NOT NULL DEFAULT '',
	lens_id      TEXT    NOT NULL DEFAULT '',
	lens_version TEXT    NOT NULL DEFAULT '',
	profile      TEXT    NOT NULL DEFAULT '',
	created      INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	version      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE memberships (
	workload_id INTEGER NOT NULL REFERENCES workloads (id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role        TEXT    NOT NULL CHECK (role IN ('owner', 'contributor', 'reader')),
	granted_by  TEXT    NOT NULL,
	granted     INTEGER NOT NULL,
	PRIMARY KEY (workload_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE tokens (
	id          INTEGER PRIMARY KEY,
	workload_id INTEGER NOT NULL REFERENCES workloads (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	role        TEXT    NOT NULL CHECK (role IN ('owner', 'contributor', 'reader')),
	hash        TEXT    NOT NULL UNIQUE,
	prefix      TEXT    NOT NULL DEFAULT '',
	created_by  TEXT    NOT NULL,
	created     INTEGER NOT NULL,
	expires     INTEGER NOT NULL DEFAULT 0,
	revoked     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
	hash    TEXT    PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf    TEXT    NOT NULL,
	created INTEGER NOT NULL,
	expires INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE answers (
	workload_id INTEGER NOT NULL REFERENCES workloads (id) ON DELETE CASCADE,
	question    TEXT    NOT NULL,
	body        TEXT    NOT NULL,
	version     INTEGER NOT NULL,
	updated_by  TEXT    NOT NULL,
	updated     INTEGER NOT NULL,
	PRIMARY KEY (workload_id, question)
);

CREATE TABLE milestones (
	id          INTEGER PRIMARY KEY,
	workload_id INTEGER NOT NULL REFERENCES workloads (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	created_by  TEXT    NOT NULL,
	created     INTEGER NOT NULL,
	assessment  TEXT    NOT NULL
);
CREATE INDEX milestones_workload ON milestones (workload_id);

CREATE TABLE plan_items (
	workload_id INTEGER NOT NULL REFERENCES workloads (id) ON DELETE CASCADE,
	question    TEXT    NOT NULL,
	choice      TEXT    NOT NULL,
	owner       TEXT    NOT NULL DEFAULT '',
	status      TEXT    NOT NULL CHECK (status IN ('open', 'in-progress', 'done', 'accepted-risk')),
	reason      TEXT    NOT NULL DEFAULT '',
	version     INTEGER NOT NULL,
	updated_by  TEXT    NOT NULL,
	updated     INTEGER NOT NULL,
	PRIMARY KEY (workload_id, question, choice)
);

-- The audit log outlives what it describes, so it has no foreign keys.
CREATE TABLE audit_events (
	id             INTEGER PRIMARY KEY,
	at             INTEGER NOT NULL,
	actor_user_id  INTEGER NOT NULL DEFAULT 0,
	actor_token_id INTEGER NOT NULL DEFAULT 0,
	actor_name     TEXT    NOT NULL,
	workload_id    INTEGER NOT NULL DEFAULT 0,
	action         TEXT    NOT NULL,
	target         TEXT    NOT NULL DEFAULT '',
	before_json    TEXT    NOT NULL DEFAULT '',
	after_json     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_workload ON audit_events (workload_id, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TABLE login_throttle (
	throttle_key TEXT    PRIMARY KEY,
	failures     INTEGER NOT NULL,
	window_start INTEGER NOT NULL,
	locked_until INTEGER NOT NULL
);
