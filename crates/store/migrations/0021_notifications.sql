-- The in-app inbox every area writes to (activities, notices, congress, and later finance and
-- care): one row per person and message. A row links to the page where the person acts.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    link TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    emailed_at BIGINT
);
CREATE INDEX notifications_member ON notifications(member_id, created_at);
CREATE INDEX notifications_unread ON notifications(school_id, member_id, read_at);
