-- Polls and secret ballots (ballots.md). Ballot rows carry no voter, no time and no ordered id:
-- the key is the random tracker, and on SQLite the tables are WITHOUT ROWID so even the storage
-- order is the tracker's, not the voters'.
CREATE TABLE polls (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    definition TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    opened_at BIGINT,
    closed_at BIGINT
);
CREATE INDEX polls_school ON polls(school_id, created_at);

CREATE TABLE poll_electorate (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    PRIMARY KEY (poll_id, member_id)
) /*WITHOUT_ROWID*/;

CREATE TABLE poll_voted (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    PRIMARY KEY (poll_id, member_id)
) /*WITHOUT_ROWID*/;

CREATE TABLE ballots (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    tracker TEXT NOT NULL,
    content TEXT NOT NULL,
    paper BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, tracker)
) /*WITHOUT_ROWID*/;
