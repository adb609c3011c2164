-- 校务公开: items with their publicity period (first and last working day, as dates), the
-- attachments, the objections (异议) and the supervision group's sign-off (监督小组意见).
--
-- An automatic item (a selection's result, a finance disclosure) names its source; the unique
-- (school_id, source_kind, source_id) makes publishing it again a no-op. public_token is the
-- unguessable public link, NULL when the item is for staff only or the link was withdrawn.
CREATE TABLE transparency_items (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL DEFAULT 'staff',
    public_token TEXT UNIQUE,
    working_days BIGINT NOT NULL,
    start_day TEXT NOT NULL,
    end_day TEXT NOT NULL,
    decision_day TEXT,
    link TEXT,
    source_kind TEXT,
    source_id TEXT,
    signoff TEXT,
    signed_by TEXT,
    signed_at BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, source_kind, source_id)
);
CREATE INDEX transparency_items_school_start ON transparency_items(school_id, start_day);

CREATE TABLE transparency_files (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES transparency_items(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX transparency_files_item ON transparency_files(item_id);

-- An anonymous objection has no member column at all: signer_member_id is NULL and its time
-- is kept to the day, so neither a column nor the order of writes ties it to a member.
CREATE TABLE transparency_objections (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES transparency_items(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    signer_member_id TEXT REFERENCES members(id),
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    handling TEXT NOT NULL DEFAULT '',
    handled_by TEXT,
    handled_at BIGINT,
    filed_on TEXT NOT NULL
);
CREATE INDEX transparency_objections_item ON transparency_objections(item_id);
