-- No statement looks members up by the blind index of their ID number: the roster import reads
-- a school's keys in one query and matches them in memory (ADR 006). The index only cost every
-- insert and every import's rebuild.
DROP INDEX members_id_index;

-- Blind indexes and fingerprints are the first 128 bits of their HMAC (32 hex digits); the
-- values written before held all 256 bits, of which these are the start.
UPDATE members SET id_index = substr(id_index, 1, 32) WHERE length(id_index) > 32;
UPDATE members SET fingerprint = substr(fingerprint, 1, 32) WHERE length(fingerprint) > 32;
