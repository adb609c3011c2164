-- Notices (通知公告) and news (工会动态): sanitised HTML, an audience resolved to its members when
-- published (who must acknowledge is fixed then), read receipts, attachments and photos.
CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body_html TEXT NOT NULL,
    audience TEXT NOT NULL,
    group_id TEXT REFERENCES union_groups(id),
    pinned BIGINT NOT NULL DEFAULT 0,
    needs_ack BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notices_school ON notices(school_id, kind, created_at);

CREATE TABLE notice_recipients (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    read_at BIGINT,
    PRIMARY KEY (notice_id, member_id)
);
CREATE INDEX notice_recipients_member ON notice_recipients(member_id, read_at);

CREATE TABLE notice_files (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES notices(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    photo BIGINT NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notice_files_notice ON notice_files(notice_id);

-- How often a member wants email (none, realtime, daily, weekly) and where.
CREATE TABLE notify_prefs (
    member_id TEXT PRIMARY KEY REFERENCES members(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    frequency TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    last_emailed_at BIGINT
);

-- A school's group robot (钉钉, 企业微信, 飞书) and the announcements waiting for it.
CREATE TABLE school_webhooks (
    school_id TEXT PRIMARY KEY REFERENCES schools(id),
    provider TEXT NOT NULL,
    url_enc TEXT NOT NULL,
    secret_enc TEXT NOT NULL DEFAULT ''
);
CREATE TABLE webhook_queue (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_queue_pending ON webhook_queue(school_id, sent_at, created_at);

-- Scheduled work runs on one app server at a time: the holder of a lease until it expires.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
