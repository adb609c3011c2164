//! Field encryption and keyed hashing for sensitive personal data (PIPL art. 28).
//!
//! The master key never lives in the database: it comes from configuration or from a key file
//! created on first run. Sub-keys are derived per purpose so the blind index (used to find a
//! duplicate ID number) cannot be turned into the encryption key.

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::StoreError;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of an AES-GCM nonce and tag around a sealed ballot.
pub(crate) const BALLOT_NONCE: usize = 12;
const NONCE: usize = BALLOT_NONCE;
const TAG: usize = 16;

/// Hex digits of a blind index (128 bits).
pub const BLIND_INDEX_LEN: usize = 32;

/// The derived keys of one installation.
#[derive(Clone)]
pub struct Crypto {
    cipher: Aes256Gcm,
    /// Seals stored ballots (ADR 007); a key of its own, never in the database.
    ballot_cipher: Aes256Gcm,
    // HMAC states with their keys already absorbed: each MAC starts from a copy (two
    // SHA-256 blocks fewer per MAC than keying afresh).
    index_mac: HmacSha256,
    audit_mac: HmacSha256,
    checkin_mac: HmacSha256,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Crypto(..)")
    }
}

fn derive(master: &[u8; 32], label: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"jiaogong-key-derivation\0");
    h.update(label.as_bytes());
    h.update([0u8]);
    h.update(master);
    h.finalize().into()
}

impl Crypto {
    pub fn new(master: [u8; 32]) -> Self {
        let enc = derive(&master, "field-encryption");
        let cipher = Aes256Gcm::new(aes_gcm::Key::<Aes256Gcm>::from_slice(&enc));
        let ballot = derive(&master, "ballot-sealing");
        Crypto {
            cipher,
            ballot_cipher: Aes256Gcm::new(aes_gcm::Key::<Aes256Gcm>::from_slice(&ballot)),
            index_mac: keyed(&derive(&master, "blind-index")),
            audit_mac: keyed(&derive(&master, "audit-chain")),
            checkin_mac: keyed(&derive(&master, "congress-checkin")),
        }
    }

    /// Parses a master key written as 64 hex digits.
    pub fn from_hex(s: &str) -> Result<Self, StoreError> {
        let bytes = hex::decode(s.trim()).map_err(|_| StoreError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| StoreError::BadKey)?;
        Ok(Crypto::new(key))
    }

    /// A new random master key as hex, for the key file written on first run.
    pub fn generate_hex() -> String {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        hex::encode(key)
    }

    /// Encrypts one field value: `v1.` + base64(nonce ‖ ciphertext).
    pub fn encrypt(&self, plain: &str) -> Result<String, StoreError> {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let ct = self.cipher.encrypt(Nonce::from_slice(&nonce), plain.as_bytes()).map_err(|_| StoreError::Crypto)?;
        let mut out = Vec::with_capacity(12 + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(format!("v1.{}", B64.encode(out)))
    }

    pub fn decrypt(&self, sealed: &str) -> Result<String, StoreError> {
        let body = sealed.strip_prefix("v1.").ok_or(StoreError::Crypto)?;
        let raw = B64.decode(body).map_err(|_| StoreError::Crypto)?;
        if raw.len() < 12 {
            return Err(StoreError::Crypto);
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), ct).map_err(|_| StoreError::Crypto)?;
        String::from_utf8(plain).map_err(|_| StoreError::Crypto)
    }

    /// Deterministic keyed hash used to find equal values without storing them in clear: the
    /// first 128 bits of the HMAC, as 32 hex digits ([`BLIND_INDEX_LEN`]; values written before
    /// were the whole 64, of which these are the start).
    pub fn blind_index(&self, school_id: &str, value: &str) -> String {
        let mut mac = mac_hex(&self.index_mac, &[school_id.as_bytes(), value.as_bytes()]);
        mac.truncate(BLIND_INDEX_LEN);
        mac
    }

    /// The check-in code of a session for one time slot (128 bits as hex): only the server, which
    /// holds the master key and the session's secret, can make one.
    pub fn checkin_code(&self, session_id: &str, session_secret: &str, slot: u64) -> String {
        let mut code = mac_hex(
            &self.checkin_mac,
            &[session_id.as_bytes(), session_secret.as_bytes(), slot.to_string().as_bytes()],
        );
        code.truncate(32);
        code
    }

    /// Seals a stored ballot: nonce ‖ AES-256-GCM(plain) ‖ tag with `aad` bound, as bytes.
    pub(crate) fn seal_ballot(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::with_capacity(NONCE + plain.len() + TAG);
        let mut nonce = [0u8; NONCE];
        rand::thread_rng().fill_bytes(&mut nonce);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        let tag = self
            .ballot_cipher
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), aad, &mut out[NONCE..])
            .map_err(|_| StoreError::Crypto)?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Opens a ballot sealed by [`Self::seal_ballot`] with the same `aad` where it lies: the
    /// plain text replaces the ciphertext in `sealed`, and is returned as a part of it (no
    /// allocation: a count opens every ballot of a poll).
    pub(crate) fn open_ballot_in_place<'a>(&self, aad: &[u8], sealed: &'a mut [u8]) -> Result<&'a [u8], StoreError> {
        if sealed.len() < NONCE + TAG {
            return Err(StoreError::Crypto);
        }
        let (nonce, rest) = sealed.split_at_mut(NONCE);
        let (body, tag) = rest.split_at_mut(rest.len() - TAG);
        let tag = aes_gcm::Tag::clone_from_slice(tag);
        self.ballot_cipher
            .decrypt_in_place_detached(Nonce::from_slice(nonce), aad, body, &tag)
            .map_err(|_| StoreError::Crypto)?;
        Ok(body)
    }

    pub(crate) fn audit_mac(&self, parts: &[&[u8]]) -> String {
        mac_hex(&self.audit_mac, parts)
    }
}

fn keyed(key: &[u8; 32]) -> HmacSha256 {
    // HMAC pads a key shorter than SHA-256's 64-byte block with zeros, so keying with the padded
    // block is the same MAC as keying with the 32 bytes (and cannot fail).
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    <HmacSha256 as hmac::digest::KeyInit>::new(&block.into())
}

fn mac_hex(keyed: &HmacSha256, parts: &[&[u8]]) -> String {
    let mut mac = keyed.clone();
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    let tag = mac.finalize().into_bytes();
    let mut out = vec![0u8; 2 * tag.len()];
    match hex::encode_to_slice(tag, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| hex::encode(tag)),
        Err(_) => hex::encode(tag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_state_gives_the_hmac_of_the_32_byte_key() {
        let key = derive(&[3u8; 32], "blind-index");
        let mut fresh = <HmacSha256 as Mac>::new_from_slice(&key).unwrap();
        for p in [b"school".as_slice(), b"11010519491231002X".as_slice()] {
            fresh.update(&(p.len() as u64).to_be_bytes());
            fresh.update(p);
        }
        let expected = hex::encode(fresh.finalize().into_bytes());
        let got = mac_hex(&keyed(&key), &[b"school", b"11010519491231002X"]);
        assert_eq!(got, expected);
        assert_eq!(got.len(), 64);
        // The state is copied, not consumed: the same input gives the same MAC again.
        assert_eq!(mac_hex(&keyed(&key), &[b"school", b"11010519491231002X"]), got);
    }

    #[test]
    fn encrypt_round_trips_and_hides_plain_text() {
        let c = Crypto::new([7u8; 32]);
        let sealed = c.encrypt("11010519491231002X").unwrap();
        assert!(!sealed.contains("11010519491231002X"));
        assert_eq!(c.decrypt(&sealed).unwrap(), "11010519491231002X");
        assert_ne!(sealed, c.encrypt("11010519491231002X").unwrap(), "nonce must differ");
    }

    #[test]
    fn decrypt_with_other_key_fails() {
        let a = Crypto::new([1u8; 32]);
        let b = Crypto::new([2u8; 32]);
        let sealed = a.encrypt("13800138000").unwrap();
        assert!(b.decrypt(&sealed).is_err());
        assert!(a.decrypt("v1.garbage").is_err());
        assert!(a.decrypt("plain").is_err());
    }

    #[test]
    fn checkin_codes_differ_per_slot_session_and_key() {
        let c = Crypto::new([3u8; 32]);
        let code = c.checkin_code("s1", "secret", 10);
        assert_eq!(code.len(), 32);
        assert_eq!(code, c.checkin_code("s1", "secret", 10));
        assert_ne!(code, c.checkin_code("s1", "secret", 11));
        assert_ne!(code, c.checkin_code("s2", "secret", 10));
        assert_ne!(code, Crypto::new([4u8; 32]).checkin_code("s1", "secret", 10));
    }

    #[test]
    fn blind_index_is_per_school_and_deterministic() {
        let c = Crypto::new([3u8; 32]);
        assert_eq!(c.blind_index("s1", "x"), c.blind_index("s1", "x"));
        assert_ne!(c.blind_index("s1", "x"), c.blind_index("s2", "x"));
    }
}
