-- Per-school congress settings (congress.md: every number is a setting with its default), the
-- 教职工大会 mode of a term.
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
