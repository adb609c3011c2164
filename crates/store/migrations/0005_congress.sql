-- The staff congress: terms, sessions, delegates with their history, attendance, and the link
-- from a poll to the session it is voted in.
CREATE TABLE congress_terms (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    number BIGINT NOT NULL,
    starts_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, number)
);

CREATE TABLE congress_sessions (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    term_id TEXT NOT NULL REFERENCES congress_terms(id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    checkin_token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    UNIQUE (term_id, number)
);

CREATE TABLE delegates (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    term_id TEXT NOT NULL REFERENCES congress_terms(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    constituency TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delegates_term ON delegates(term_id, member_id);

CREATE TABLE attendance (
    session_id TEXT NOT NULL REFERENCES congress_sessions(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    method TEXT NOT NULL,
    PRIMARY KEY (session_id, member_id)
);

ALTER TABLE polls ADD COLUMN session_id TEXT;
