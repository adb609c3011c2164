-- The district dashboard's summaries: one row per figure of a school's year (key/value, so an
-- area adds a figure without a migration), the time and audit position of each school's last
-- refresh, and the audit position the refresher has read up to (one row, id 1).
CREATE TABLE school_figures (
    school_id TEXT NOT NULL REFERENCES schools(id),
    year BIGINT NOT NULL,
    code TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (school_id, year, code)
);

CREATE TABLE school_figures_state (
    school_id TEXT PRIMARY KEY REFERENCES schools(id),
    year BIGINT NOT NULL,
    refreshed_at BIGINT NOT NULL
);

CREATE TABLE school_figures_mark (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL
);
