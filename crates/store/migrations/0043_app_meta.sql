-- What program last opened this database: its version and migration level (ADR 037). A program
-- older than the one recorded here refuses to start instead of running on a schema it does not know.
CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
