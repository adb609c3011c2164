-- The roster page sorts by pinyin within a school; this index serves it without a sort, and
-- `origin` records how a member entered the roster (form, import, api, demo) so an import does
-- not need one history row per member.
CREATE INDEX members_school_pinyin_no ON members(school_id, name_pinyin, employee_no);
ALTER TABLE members ADD COLUMN origin TEXT NOT NULL DEFAULT '';
