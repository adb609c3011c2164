-- The member who answers for the handling department (congress.md: "the department writes a
-- reply"): named by the proposal committee when it assigns the proposal; that member's account
-- may then record the reply (the committee still may, on the department's behalf).
ALTER TABLE proposals ADD COLUMN responder_id TEXT REFERENCES members(id);
CREATE INDEX proposals_responder ON proposals(responder_id, state);
