-- Sealed ballots as bytes (ADR 007, "Sealed ballots as bytes"). The ciphertext was kept as base64
-- text: a third more bytes to store, read and decode at every count. The new table holds the same
-- nonce ‖ ciphertext as bytes (BYTEA here, BLOB on SQLite). The rows of the old table keep their
-- ids (the poll id and row id are bound into each seal) and are decoded into the new one by the
-- application right after the migrations (`polls::unpack_base64`), which then empties the old
-- table; SQLite has no base64 function, and one SQL subset serves both databases.
ALTER TABLE ballots RENAME TO ballots_base64;
CREATE TABLE ballots (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    id TEXT NOT NULL,
    sealed BYTEA NOT NULL,
    CONSTRAINT ballots_bytes_pk PRIMARY KEY (poll_id, id)
) /*WITHOUT_ROWID*/;
