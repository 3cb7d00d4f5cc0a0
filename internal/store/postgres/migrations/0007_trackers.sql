-- Backlog sync: a workload's connections to trackers (the token sealed with the
-- server's key, never stored in the clear) and the work item each plan item was
-- pushed to, with what both sides said at the last pull.
CREATE TABLE tracker_connections (
	id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	workload_id    BIGINT NOT NULL REFERENCES workloads (id) ON DELETE CASCADE,
	kind           TEXT    NOT NULL CHECK (kind IN ('ado', 'github', 'jira')),
	base_url       TEXT    NOT NULL,
	project        TEXT    NOT NULL,
	work_item_type TEXT    NOT NULL DEFAULT '',
	account        TEXT    NOT NULL DEFAULT '',
	sealed_token   TEXT    NOT NULL,
	created_by     TEXT    NOT NULL,
	created        BIGINT NOT NULL
);
CREATE INDEX tracker_connections_workload ON tracker_connections (workload_id);

CREATE TABLE work_item_links (
	workload_id   BIGINT NOT NULL REFERENCES workloads (id) ON DELETE CASCADE,
	question      TEXT    NOT NULL,
	choice        TEXT    NOT NULL,
	connection_id BIGINT NOT NULL REFERENCES tracker_connections (id) ON DELETE CASCADE,
	item_id       TEXT    NOT NULL,
	url           TEXT    NOT NULL,
	synced_state  TEXT    NOT NULL DEFAULT '',
	synced_status TEXT    NOT NULL DEFAULT '',
	conflict      TEXT    NOT NULL DEFAULT '',
	pushed        BIGINT NOT NULL,
	synced        BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (workload_id, question, choice)
);
CREATE INDEX work_item_links_connection ON work_item_links (connection_id);
