-- Requests for an interim session (临时会议), signed by members of the term's voting body
-- (congress.md: an interim session can be requested by at least one third of the delegates).
CREATE TABLE interim_requests (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    term_id TEXT NOT NULL REFERENCES congress_terms(id),
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES members(id),
    created_at BIGINT NOT NULL,
    -- Touched by every signature, withdrawal and convening: the row lock serialises them.
    updated_at BIGINT NOT NULL,
    -- When the signatures first reached one third of the voting body.
    reached_at BIGINT,
    -- The interim session the chair convened from the request; set once, the request is then closed.
    session_id TEXT REFERENCES congress_sessions(id)
);
CREATE INDEX interim_requests_term ON interim_requests(school_id, term_id, created_at);

CREATE TABLE interim_signatures (
    request_id TEXT NOT NULL REFERENCES interim_requests(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (request_id, member_id)
);
