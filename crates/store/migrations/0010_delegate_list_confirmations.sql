-- Confirmations of a term's delegate list (congress.md: the composition checks are shown as
-- warnings before the list is confirmed). Every confirmation is kept; the latest one counts, and
-- only while the current delegates are the ones it names.
CREATE TABLE delegate_list_confirmations (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    term_id TEXT NOT NULL REFERENCES congress_terms(id),
    members TEXT NOT NULL,
    delegates BIGINT NOT NULL,
    warnings TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    confirmed_at BIGINT NOT NULL
);
CREATE INDEX delegate_list_confirmations_term ON delegate_list_confirmations(term_id, confirmed_at);
