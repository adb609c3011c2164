-- 上报: the district opens a submission with a deadline; each school of the district submits
-- once (a later submission replaces its own), with a note and a file (the generated year-end
-- summary or self-assessment, or an upload; bytes is empty and file_name NULL without a file).
-- A submission after the deadline is kept and
-- flagged late.
CREATE TABLE district_submissions (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    instructions TEXT NOT NULL DEFAULT '',
    deadline TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX district_submissions_district ON district_submissions(district_id, deadline);

CREATE TABLE district_submission_entries (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES district_submissions(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    note TEXT NOT NULL DEFAULT '',
    file_name TEXT,
    content_type TEXT,
    bytes BYTEA NOT NULL,
    late BIGINT NOT NULL DEFAULT 0,
    submitted_on TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (submission_id, school_id)
);
