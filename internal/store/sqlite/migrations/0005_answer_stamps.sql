-- Each workload counts the saves of its answers and keeps the time of the last one,
-- so that views over many workloads (the portfolio) tell a changed workload from an
-- unchanged one without reading answers. Existing answers count by their versions.
ALTER TABLE workloads ADD COLUMN answer_saves INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workloads ADD COLUMN answers_updated INTEGER NOT NULL DEFAULT 0;
UPDATE workloads SET
	answer_saves = (SELECT COALESCE(SUM(version), 0) FROM answers WHERE answers.workload_id = workloads.id),
	answers_updated = (SELECT COALESCE(MAX(updated), 0) FROM answers WHERE answers.workload_id = workloads.id);
