-- The person a token acts for. A token works only while that person is enabled and
-- holds at least the token's role on its workload; 0 means no person (made by the
-- system). Tokens made before this column are matched to their creator by email.
ALTER TABLE tokens ADD COLUMN creator_id BIGINT NOT NULL DEFAULT 0;
UPDATE tokens SET creator_id = COALESCE((SELECT id FROM users WHERE users.email = tokens.created_by), 0);
CREATE INDEX tokens_creator ON tokens (workload_id, creator_id);
