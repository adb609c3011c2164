-- Proposals (提案) of the staff congress: the proposal with its current state, its co-signers,
-- every step as an event, the departments' replies and the proposers' ratings (every round kept),
-- the school's proposal settings and each session's collection window (征集期).
CREATE TABLE proposal_settings (
    school_id TEXT PRIMARY KEY REFERENCES schools(id),
    min_cosigners BIGINT NOT NULL,
    max_rounds BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE proposal_windows (
    session_id TEXT PRIMARY KEY REFERENCES congress_sessions(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL
);

CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    session_id TEXT NOT NULL REFERENCES congress_sessions(id),
    number BIGINT,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    measures TEXT NOT NULL,
    category TEXT NOT NULL,
    proposer_id TEXT NOT NULL REFERENCES members(id),
    state TEXT NOT NULL,
    round BIGINT NOT NULL DEFAULT 0,
    department TEXT,
    due_on TEXT,
    merged_into TEXT,
    last_feedback TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    submitted_on TEXT,
    version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (session_id, number)
);
CREATE INDEX proposals_school_session ON proposals(school_id, session_id, state);
CREATE INDEX proposals_proposer ON proposals(proposer_id);
CREATE INDEX proposals_school_state ON proposals(school_id, state, due_on);

CREATE TABLE proposal_cosigners (
    proposal_id TEXT NOT NULL REFERENCES proposals(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, member_id)
);
CREATE INDEX proposal_cosigners_member ON proposal_cosigners(member_id);

CREATE TABLE proposal_events (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    on_date TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    round BIGINT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    UNIQUE (proposal_id, seq)
);

CREATE TABLE proposal_replies (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    round BIGINT NOT NULL,
    department TEXT NOT NULL,
    status TEXT NOT NULL,
    measures TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL,
    replied_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (proposal_id, round)
);

CREATE TABLE proposal_feedback (
    id TEXT PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposals(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    round BIGINT NOT NULL,
    rating TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    rated_on TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (proposal_id, round)
);
