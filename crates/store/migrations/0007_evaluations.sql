-- Leader evaluations (民主评议) and award selections (评先评优). An evaluation and every voting
-- round of a selection vote through ordinary polls; these tables hold what surrounds the votes.
CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    title TEXT NOT NULL,
    settings TEXT NOT NULL,
    poll_id TEXT REFERENCES polls(id),
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX evaluations_school ON evaluations(school_id, created_at);

CREATE TABLE evaluation_leaders (
    evaluation_id TEXT NOT NULL REFERENCES evaluations(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    report TEXT NOT NULL DEFAULT '',
    report_at BIGINT,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (evaluation_id, member_id)
);

-- Who rates in which group, decided by the server from the member's data when the poll opens.
CREATE TABLE evaluation_raters (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    group_name TEXT NOT NULL,
    PRIMARY KEY (poll_id, member_id)
);

CREATE TABLE selections (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    title TEXT NOT NULL,
    award TEXT NOT NULL,
    quota BIGINT NOT NULL,
    min_years BIGINT NOT NULL DEFAULT 0,
    publicity_days BIGINT NOT NULL DEFAULT 5,
    stage TEXT NOT NULL,
    publicity_start TEXT,
    publicity_end TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX selections_school ON selections(school_id, created_at);

CREATE TABLE selection_nominees (
    id TEXT PRIMARY KEY,
    selection_id TEXT NOT NULL REFERENCES selections(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    label TEXT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    review TEXT,
    review_reason TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT,
    nominated_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (selection_id, member_id),
    UNIQUE (selection_id, label)
);

CREATE TABLE selection_rounds (
    id TEXT PRIMARY KEY,
    selection_id TEXT NOT NULL REFERENCES selections(id),
    number BIGINT NOT NULL,
    top_n BIGINT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (selection_id, number)
);

CREATE TABLE selection_round_polls (
    round_id TEXT NOT NULL REFERENCES selection_rounds(id),
    poll_id TEXT NOT NULL REFERENCES polls(id),
    label TEXT NOT NULL,
    weight BIGINT NOT NULL,
    PRIMARY KEY (round_id, poll_id)
);

CREATE TABLE selection_objections (
    id TEXT PRIMARY KEY,
    selection_id TEXT NOT NULL REFERENCES selections(id),
    nominee_id TEXT NOT NULL REFERENCES selection_nominees(id),
    body TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    status TEXT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '',
    resolved_by TEXT,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX selection_objections_sel ON selection_objections(selection_id, created_at);
