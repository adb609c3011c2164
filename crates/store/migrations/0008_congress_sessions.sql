-- A session's agenda, documents for deliberation and non-voting attendees (列席); paper ballots with
-- double entry by two counters; the scrutineers and counters of a vote; runoff rounds; and the
-- tracking of each resolution until it is implemented (落实情况).
CREATE TABLE session_items (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    session_id TEXT NOT NULL REFERENCES congress_sessions(id),
    kind TEXT NOT NULL,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX session_items_session ON session_items(session_id, kind, position);

-- Paper sheets handed out: the member is marked as having voted (poll_voted) in the same
-- transaction, so nobody votes both on paper and online; this row counts the sheets.
CREATE TABLE paper_issued (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    PRIMARY KEY (poll_id, member_id)
) /*WITHOUT_ROWID*/;

-- Each counter enters every returned sheet independently: pass 1 and pass 2, by two accounts.
CREATE TABLE paper_counters (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    pass BIGINT NOT NULL,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (poll_id, pass)
);

CREATE TABLE paper_entries (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    pass BIGINT NOT NULL,
    sheet TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (poll_id, pass, sheet)
) /*WITHOUT_ROWID*/;

CREATE TABLE poll_officials (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    role TEXT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (poll_id, role, position)
);

ALTER TABLE polls ADD COLUMN runoff_of TEXT;

CREATE TABLE resolution_progress (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    poll_id TEXT NOT NULL REFERENCES polls(id),
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX resolution_progress_poll ON resolution_progress(poll_id, created_at);
