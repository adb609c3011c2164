-- Polls: what a poll is for (union_election, congress_resolution, consultation: the purpose that
-- preselected its rules and says whether its result decides), a plain-text description, and an
-- optional closing time (ms since the epoch) after which the poll is closed once, by whichever
-- app server gets there first.
ALTER TABLE polls ADD COLUMN purpose TEXT;
ALTER TABLE polls ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE polls ADD COLUMN closes_at BIGINT;
CREATE INDEX polls_closes_at ON polls(status, closes_at);
-- Files attached to a poll (type checked by content, at most 5 MiB each), base64 in a TEXT
-- column so both databases hold them the same way.
CREATE TABLE poll_attachments (
    id TEXT PRIMARY KEY,
    poll_id TEXT NOT NULL REFERENCES polls(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX poll_attachments_poll ON poll_attachments(poll_id, created_at);
