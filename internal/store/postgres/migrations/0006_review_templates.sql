-- Review templates (internal/reviewtemplate): each version is the YAML file as given.
-- A version never changes; the maker of a name's first version owns the name.
CREATE TABLE review_templates (
	name       TEXT    NOT NULL,
	version    BIGINT NOT NULL CHECK (version > 0),
	owner_id   BIGINT NOT NULL,
	owner      TEXT    NOT NULL,
	questions  BIGINT NOT NULL,
	source     TEXT    NOT NULL,
	created_by TEXT    NOT NULL,
	created    BIGINT NOT NULL,
	PRIMARY KEY (name, version)
);
