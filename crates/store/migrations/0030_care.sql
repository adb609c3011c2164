-- 送温暖 (care): the school's care settings (province of the standards table, the local 低保
-- line) and its rule per event type, life events, visit tasks with their due date, visits
-- (money, goods) with the chair's approval above the standard or the annual cap, hardship
-- files and aid records (sensitive fields sealed with the store's key), campaigns, health-check
-- campaigns (attendance only), the women-staff protection checklist and members' requests.
--
-- Anonymous requests: care_requests.member_id is NULL and nothing else names the requester;
-- the requester holds a follow-up code whose keyed hash is stored (code_index).
CREATE TABLE care_settings (
    school_id TEXT PRIMARY KEY REFERENCES schools(id),
    region TEXT NOT NULL DEFAULT 'anhui',
    dibao_fen BIGINT NOT NULL DEFAULT 90000,
    updated_at BIGINT NOT NULL
);

CREATE TABLE care_rules (
    school_id TEXT NOT NULL REFERENCES schools(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    must_visit BIGINT NOT NULL,
    deadline_days BIGINT NOT NULL,
    standard_fen BIGINT NOT NULL,
    annual_cap_fen BIGINT NOT NULL,
    notify_leader BIGINT NOT NULL DEFAULT 1,
    notify_welfare BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (school_id, code),
    CHECK (deadline_days >= 0 AND standard_fen >= 0 AND annual_cap_fen >= 0)
);

CREATE TABLE care_events (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    event_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, member_id, kind, event_date)
);
CREATE INDEX care_events_school_date ON care_events(school_id, event_date);

CREATE TABLE care_campaigns (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE care_tasks (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    event_id TEXT NOT NULL UNIQUE REFERENCES care_events(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    event_date TEXT NOT NULL,
    due TEXT NOT NULL,
    must_visit BIGINT NOT NULL,
    campaign_id TEXT REFERENCES care_campaigns(id),
    visitor_member_id TEXT REFERENCES members(id),
    visited_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX care_tasks_school_due ON care_tasks(school_id, visited_on, due);
CREATE INDEX care_tasks_campaign ON care_tasks(campaign_id);

CREATE TABLE care_visits (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    task_id TEXT NOT NULL REFERENCES care_tasks(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    visit_date TEXT NOT NULL,
    year BIGINT NOT NULL,
    visitors TEXT NOT NULL DEFAULT '',
    gift TEXT NOT NULL,
    goods TEXT NOT NULL DEFAULT '',
    amount_fen BIGINT NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    photo_type TEXT,
    photo BYTEA,
    approval TEXT NOT NULL,
    approved_by TEXT,
    approval_reason TEXT,
    approved_at BIGINT,
    idem_key TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, idem_key),
    CHECK (amount_fen >= 0)
);
CREATE INDEX care_visits_member_year ON care_visits(school_id, member_id, kind, year);

CREATE TABLE care_hardship_files (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    sealed TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    review_due TEXT NOT NULL,
    closed_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX care_hardship_school ON care_hardship_files(school_id, review_due);

CREATE TABLE care_aid (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    file_id TEXT NOT NULL REFERENCES care_hardship_files(id),
    aid_date TEXT NOT NULL,
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount_fen BIGINT NOT NULL DEFAULT 0,
    sealed TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CHECK (amount_fen >= 0)
);
CREATE INDEX care_aid_file ON care_aid(file_id);

CREATE TABLE care_checkups (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE care_checkup_people (
    checkup_id TEXT NOT NULL REFERENCES care_checkups(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    scheduled_on TEXT NOT NULL,
    attended BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (checkup_id, member_id)
);

CREATE TABLE care_protections (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    expected TEXT NOT NULL,
    born TEXT,
    difficult BIGINT NOT NULL DEFAULT 0,
    babies BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE care_requests (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT REFERENCES members(id),
    category TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    code_index TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    due TEXT NOT NULL,
    assignee TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    merged_into TEXT,
    first_response_on TEXT,
    answered_on TEXT,
    closed_on TEXT,
    proposal_id TEXT,
    UNIQUE (code_index)
);
CREATE INDEX care_requests_school_state ON care_requests(school_id, state, due);
CREATE INDEX care_requests_member ON care_requests(member_id);

CREATE TABLE care_request_steps (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES care_requests(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    step TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    by_committee BIGINT NOT NULL,
    on_day TEXT NOT NULL
);
CREATE INDEX care_request_steps_request ON care_request_steps(request_id);
