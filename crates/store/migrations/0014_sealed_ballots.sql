-- Sealed ballots (ADR 007). A stored ballot is a random row id and one AES-GCM ciphertext of
-- (tracker, paper flag, content) padded to one size per poll, under a key derived from the
-- master key, which is never in the database. Rows of the old plaintext table are sealed by the
-- application right after this migration (`polls::seal_legacy`), which then empties it.
ALTER TABLE ballots RENAME TO ballots_legacy;
CREATE TABLE ballots (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    id TEXT NOT NULL,
    sealed TEXT NOT NULL,
    CONSTRAINT ballots_sealed_pk PRIMARY KEY (poll_id, id)
) /*WITHOUT_ROWID*/;
