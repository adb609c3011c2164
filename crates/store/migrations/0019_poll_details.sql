-- Polls: what a poll is for (union_election, congress_resolution, consultation: the purpose that
-- preselected its rules and says whether its result decides), a plain-text description, and an
-- optional closing time (ms since the epoch) after which the poll is closed once, by whichever
-- app server gets there first.
ALTER TABLE polls ADD COLUMN purpose TEXT;
ALTER TABLE polls ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE polls ADD COLUMN closes_at BIGINT;
CREATE INDEX polls_closes_at ON polls(status, closes_at);
