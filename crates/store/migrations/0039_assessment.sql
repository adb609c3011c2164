-- 建家 staff-home assessment: a scoring standard per district (or "default" for schools without
-- a district) and year, copied from the built-in default on first use; its items (grouped, with
-- points, criteria and how each is scored: by evidence or computed from the data); the evidence
-- a school links (a record of its own) or uploads (bytes is empty for a link; file_name is set
-- for an upload only); and the school's self-score per item.
CREATE TABLE assess_standards (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (scope, year)
);

CREATE TABLE assess_items (
    id TEXT PRIMARY KEY,
    standard_id TEXT NOT NULL REFERENCES assess_standards(id),
    group_code TEXT NOT NULL,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    criteria TEXT NOT NULL DEFAULT '',
    points BIGINT NOT NULL,
    method TEXT NOT NULL,
    threshold BIGINT NOT NULL DEFAULT 0,
    removed BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assess_items_standard ON assess_items(standard_id, position);

CREATE TABLE assess_evidence (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    item_id TEXT NOT NULL REFERENCES assess_items(id),
    kind TEXT NOT NULL,
    ref_id TEXT,
    label TEXT NOT NULL,
    file_name TEXT,
    content_type TEXT,
    bytes BYTEA NOT NULL,
    size BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX assess_evidence_school_item ON assess_evidence(school_id, item_id);

CREATE TABLE assess_scores (
    school_id TEXT NOT NULL REFERENCES schools(id),
    item_id TEXT NOT NULL REFERENCES assess_items(id),
    self_score BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (school_id, item_id)
);
