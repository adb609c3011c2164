-- One-time activation codes: the chair opens accounts for the whole staff at once and hands
-- each member a slip; the member sets their own password with it (finding 23). Only the
-- SHA-256 of a code is kept; a code expires and works once.
CREATE TABLE activation_codes (
    code_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX activation_codes_user ON activation_codes(user_id);
