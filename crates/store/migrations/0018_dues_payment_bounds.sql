-- Dues payments: the largest single payment a school accepts (a setting, ¥10,000.00 by default),
-- and the key that makes a submitted payment idempotent (the form's one-time key, the API's
-- Idempotency-Key, or the request's own content): the same request sent twice is booked once.
ALTER TABLE schools ADD COLUMN max_payment_fen BIGINT NOT NULL DEFAULT 1000000;
ALTER TABLE dues_payments ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX dues_payments_request ON dues_payments(school_id, request_key);
