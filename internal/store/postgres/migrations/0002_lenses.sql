-- Lens versions uploaded by site administrators. A version never changes; seq orders
-- the uploads so that the latest version of an id is the one uploaded last.
CREATE TABLE lenses (
	seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id          TEXT   NOT NULL,
	version     TEXT   NOT NULL,
	name        TEXT   NOT NULL DEFAULT '',
	source      TEXT   NOT NULL,
	uploaded_by TEXT   NOT NULL,
	uploaded_at BIGINT NOT NULL,
	UNIQUE (id, version)
);
