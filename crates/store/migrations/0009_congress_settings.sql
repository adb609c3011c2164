-- Per-school congress settings (congress.md: every number is a setting with its default), the
-- 教职工大会 mode of a term, and interim session requests signed by delegates.
CREATE TABLE congress_settings (
    school_id TEXT PRIMARY KEY REFERENCES schools(id),
    quorum_num BIGINT NOT NULL,
    quorum_den BIGINT NOT NULL,
    margin_percent BIGINT NOT NULL,
    min_group_size BIGINT NOT NULL,
    flag_num BIGINT NOT NULL,
    flag_den BIGINT NOT NULL,
    publicity_days BIGINT NOT NULL,
    assembly BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- 1: the term is a 教职工大会 and its voting body is every active member of the school.
ALTER TABLE congress_terms ADD COLUMN assembly BIGINT NOT NULL DEFAULT 0;

CREATE TABLE interim_requests (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    term_id TEXT NOT NULL REFERENCES congress_terms(id),
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES members(id),
    created_at BIGINT NOT NULL,
    -- Set when the threshold was first reached, and when the chair convened the session.
    reached_at BIGINT,
    session_id TEXT REFERENCES congress_sessions(id)
);
CREATE INDEX interim_requests_school ON interim_requests(school_id, created_at);

CREATE TABLE interim_signatures (
    request_id TEXT NOT NULL REFERENCES interim_requests(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, member_id)
);
