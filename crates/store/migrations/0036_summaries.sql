-- 工作总结: the drafted figures of a school's year (a JSON snapshot, refreshed by every
-- re-draft) and the chair's prose per section, which a re-draft never touches.
CREATE TABLE summaries (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    year BIGINT NOT NULL,
    figures TEXT NOT NULL,
    drafted_at BIGINT NOT NULL,
    drafted_by TEXT NOT NULL,
    UNIQUE (school_id, year)
);

CREATE TABLE summary_prose (
    summary_id TEXT NOT NULL REFERENCES summaries(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    section TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (summary_id, section)
);
