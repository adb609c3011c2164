-- 工作计划: one plan per school and year, its prose sections, goals (bound to a computed figure
-- or judged by hand), month-by-month schedule entries and the records linked to them.
CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    year BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft',
    adopted_on TEXT,
    adopted_by TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, year)
);

CREATE TABLE plan_sections (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_sections_plan ON plan_sections(plan_id);

CREATE TABLE plan_goals (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    position BIGINT NOT NULL,
    text TEXT NOT NULL,
    figure TEXT,
    cmp TEXT,
    target BIGINT,
    judged BIGINT
);
CREATE INDEX plan_goals_plan ON plan_goals(plan_id);

CREATE TABLE plan_entries (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    month BIGINT NOT NULL,
    item TEXT NOT NULL,
    responsible TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    done_by_hand BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL
);
CREATE INDEX plan_entries_plan ON plan_entries(plan_id, month);

CREATE TABLE plan_links (
    entry_id TEXT NOT NULL REFERENCES plan_entries(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (entry_id, record_kind, record_id)
);
