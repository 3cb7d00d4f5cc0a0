-- Review templates (internal/reviewtemplate): each version is the YAML file as given.
-- A version never changes; the maker of a name's first version owns the name.
CREATE TABLE review_templates (
	name       TEXT    NOT NULL,
	version    INTEGER NOT NULL CHECK (version > 0),
	owner_id   INTEGER NOT NULL,
	owner      TEXT    NOT NULL,
	questions  INTEGER NOT NULL,
	source     TEXT    NOT NULL,
	created_by TEXT    NOT NULL,
	created    INTEGER NOT NULL,
	PRIMARY KEY (name, version)
);
