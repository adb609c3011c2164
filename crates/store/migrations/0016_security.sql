-- Login throttling counts attempts, not failures, in one row per subject (an account name, an
-- IP, a user's password change): the attempt is counted and decided in one upsert, so parallel
-- guesses (also on two servers sharing the database) cannot all pass the check before any is
-- counted. The old per-failure rows go.
CREATE TABLE login_throttle (
    subject TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts BIGINT NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle(window_start);
DROP TABLE login_failures;

-- One account per member. Where two accounts were linked to the same member, the oldest keeps
-- the link and the others are unlinked (they remain, without "我的").
UPDATE users SET member_id = NULL
WHERE member_id IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM users o
    WHERE o.member_id = users.member_id
      AND (o.created_at < users.created_at OR (o.created_at = users.created_at AND o.id < users.id))
  );
CREATE UNIQUE INDEX users_one_per_member ON users(member_id);
