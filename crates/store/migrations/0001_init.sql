-- One schema for SQLite and PostgreSQL: TEXT ids made by the application, BIGINT for every
-- integer (fen, unix milliseconds, flags), TEXT ISO-8601 dates.
CREATE TABLE districts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE
);

CREATE TABLE schools (
    id TEXT PRIMARY KEY,
    district_id TEXT REFERENCES districts(id),
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    dues_rate_ppm BIGINT NOT NULL DEFAULT 5000,
    retired_rate_ppm BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    school_id TEXT REFERENCES schools(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    member_id TEXT,
    district_id TEXT REFERENCES districts(id),
    locale TEXT NOT NULL DEFAULT 'zh-CN',
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE INDEX users_school ON users(school_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures(subject, at);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE union_groups (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    is_retired BIGINT NOT NULL DEFAULT 0,
    leader_member_id TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE members (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    employee_no TEXT NOT NULL,
    name TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    name_pinyin TEXT NOT NULL,
    gender TEXT,
    birth_date TEXT,
    id_enc TEXT,
    id_index TEXT,
    id_masked TEXT,
    phone_enc TEXT,
    phone_masked TEXT,
    department_id TEXT REFERENCES departments(id),
    post TEXT,
    title TEXT,
    joined_school TEXT,
    joined_union TEXT,
    group_id TEXT REFERENCES union_groups(id),
    status TEXT NOT NULL,
    is_temporary BIGINT NOT NULL DEFAULT 0,
    spouse_staff BIGINT NOT NULL DEFAULT 0,
    notes TEXT,
    base_salary_fen BIGINT,
    fingerprint TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (school_id, employee_no)
);
CREATE INDEX members_school_name ON members(school_id, name_pinyin);
CREATE INDEX members_school_group ON members(school_id, group_id);
CREATE INDEX members_id_index ON members(school_id, id_index);

CREATE TABLE member_events (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL,
    event_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX member_events_member ON member_events(member_id, at);

CREATE TABLE correction_requests (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    field TEXT NOT NULL,
    requested TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT
);
CREATE INDEX correction_requests_school ON correction_requests(school_id, status);

CREATE TABLE salaries (
    member_id TEXT NOT NULL REFERENCES members(id),
    month TEXT NOT NULL,
    school_id TEXT NOT NULL REFERENCES schools(id),
    base_fen BIGINT NOT NULL,
    PRIMARY KEY (member_id, month)
);

CREATE TABLE dues_payments (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    month TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    is_back_payment BIGINT NOT NULL DEFAULT 0,
    recorded_by TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX dues_payments_school_month ON dues_payments(school_id, month);
CREATE INDEX dues_payments_member ON dues_payments(member_id, month);

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    school_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_school ON audit_log(school_id, seq);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL
);

CREATE TABLE import_stash (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    user_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
