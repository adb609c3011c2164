-- Activities (文体活动 …): the activity with its seat counter, the sign-ups in arrival order
-- (confirmed, offered a held seat, or waiting), attendance (by QR scan or ticked by the
-- organiser), competition entries with results and awards, and each member's calendar feed.
--
-- seats_taken counts confirmed and offered sign-ups; next_position hands out arrival order.
-- A sign-up first updates the activity row (taking its lock on PostgreSQL; SQLite has one
-- writer), so simultaneous sign-ups from several servers are placed one after the other.
CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    organiser_member_id TEXT REFERENCES members(id),
    organiser_group_id TEXT REFERENCES union_groups(id),
    created_by TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    signup_deadline BIGINT NOT NULL,
    capacity BIGINT,
    audience TEXT NOT NULL,
    cost_fen BIGINT NOT NULL DEFAULT 0,
    hold_hours BIGINT NOT NULL DEFAULT 0,
    seats_taken BIGINT NOT NULL DEFAULT 0,
    next_position BIGINT NOT NULL DEFAULT 0,
    checkin_secret TEXT NOT NULL,
    cancelled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CHECK (capacity IS NULL OR seats_taken <= capacity)
);
CREATE INDEX activities_school_start ON activities(school_id, starts_at);

CREATE TABLE activity_signups (
    activity_id TEXT NOT NULL REFERENCES activities(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    position BIGINT NOT NULL,
    state TEXT NOT NULL,
    offer_until BIGINT,
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (activity_id, member_id),
    UNIQUE (activity_id, position)
);
CREATE INDEX activity_signups_member ON activity_signups(member_id, state);
CREATE INDEX activity_signups_offers ON activity_signups(state, offer_until);

CREATE TABLE activity_attendance (
    activity_id TEXT NOT NULL REFERENCES activities(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    how TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (activity_id, member_id)
);
CREATE INDEX activity_attendance_member ON activity_attendance(member_id);

CREATE TABLE activity_entries (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES activities(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    members TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    ranking BIGINT,
    award TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX activity_entries_activity ON activity_entries(activity_id);

CREATE TABLE calendar_feeds (
    member_id TEXT PRIMARY KEY REFERENCES members(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
