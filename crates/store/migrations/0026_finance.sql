-- Union finance (经费) and internal audit (经审): the chart of accounts per school, vouchers with
-- their lines and attachments, the per-month numbering counter, closed periods, budgets,
-- half-yearly disclosures with members' questions, and auditors' opinions.
--
-- Dates of the books are TEXT 'YYYY-MM-DD' (periods 'YYYY-MM'): they sort as text on both
-- databases. A voucher's number comes from fin_counters in the voucher's own transaction: the
-- counter row is updated first (PostgreSQL holds its row lock until commit; SQLite has one
-- writer), so numbers per month have neither gaps nor duplicates with any number of servers.
CREATE TABLE fin_accounts (
    school_id TEXT NOT NULL REFERENCES schools(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_code TEXT,
    restricted BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (school_id, code)
);

CREATE TABLE fin_settings (
    school_id TEXT PRIMARY KEY REFERENCES schools(id),
    threshold_fen BIGINT NOT NULL DEFAULT 500000,
    keep_share_pct BIGINT NOT NULL DEFAULT 60,
    disclosure_months BIGINT NOT NULL DEFAULT 6,
    updated_at BIGINT NOT NULL
);

CREATE TABLE fin_counters (
    school_id TEXT NOT NULL REFERENCES schools(id),
    period TEXT NOT NULL,
    last_number BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (school_id, period)
);

CREATE TABLE fin_vouchers (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    period TEXT NOT NULL,
    number BIGINT NOT NULL,
    voucher_date TEXT NOT NULL,
    summary TEXT NOT NULL,
    state TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    payee TEXT NOT NULL DEFAULT '',
    prepared_by TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at BIGINT,
    approved_by TEXT,
    approved_at BIGINT,
    reverses_id TEXT,
    source_kind TEXT,
    source_id TEXT,
    link TEXT NOT NULL DEFAULT '',
    needs_clearance BIGINT NOT NULL DEFAULT 0,
    cleared_by TEXT,
    cleared_reason TEXT,
    cleared_at BIGINT,
    decision_date TEXT,
    decision_attendees TEXT,
    decision_minutes TEXT,
    override_reason TEXT,
    closing BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, period, number),
    UNIQUE (school_id, source_kind, source_id)
);
CREATE INDEX fin_vouchers_school_date ON fin_vouchers(school_id, voucher_date);

CREATE TABLE fin_lines (
    voucher_id TEXT NOT NULL REFERENCES fin_vouchers(id),
    line_no BIGINT NOT NULL,
    school_id TEXT NOT NULL REFERENCES schools(id),
    account_code TEXT NOT NULL,
    debit_fen BIGINT NOT NULL DEFAULT 0,
    credit_fen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (voucher_id, line_no),
    CHECK (debit_fen >= 0 AND credit_fen >= 0)
);
CREATE INDEX fin_lines_account ON fin_lines(school_id, account_code);

CREATE TABLE fin_attachments (
    id TEXT PRIMARY KEY,
    voucher_id TEXT NOT NULL REFERENCES fin_vouchers(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    file_name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX fin_attachments_voucher ON fin_attachments(voucher_id);

CREATE TABLE fin_periods (
    school_id TEXT NOT NULL REFERENCES schools(id),
    period TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    closed_at BIGINT NOT NULL,
    PRIMARY KEY (school_id, period)
);

CREATE TABLE fin_opening_balances (
    school_id TEXT NOT NULL REFERENCES schools(id),
    account_code TEXT NOT NULL,
    debit_fen BIGINT NOT NULL DEFAULT 0,
    credit_fen BIGINT NOT NULL DEFAULT 0,
    set_by TEXT NOT NULL,
    set_at BIGINT NOT NULL,
    PRIMARY KEY (school_id, account_code)
);

CREATE TABLE fin_budgets (
    school_id TEXT NOT NULL REFERENCES schools(id),
    year BIGINT NOT NULL,
    account_code TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (school_id, year, account_code)
);

CREATE TABLE fin_budget_approvals (
    school_id TEXT NOT NULL REFERENCES schools(id),
    year BIGINT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at BIGINT NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, year)
);

CREATE TABLE fin_disclosures (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    published_by TEXT,
    published_at BIGINT,
    UNIQUE (school_id, period_from, period_to)
);

CREATE TABLE fin_questions (
    id TEXT PRIMARY KEY,
    disclosure_id TEXT NOT NULL REFERENCES fin_disclosures(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    asked_by TEXT NOT NULL,
    question TEXT NOT NULL,
    asked_at BIGINT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at BIGINT
);
CREATE INDEX fin_questions_disclosure ON fin_questions(disclosure_id);

CREATE TABLE fin_opinions (
    school_id TEXT NOT NULL REFERENCES schools(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    opinion TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at BIGINT NOT NULL,
    PRIMARY KEY (school_id, period_from, period_to)
);
