//! The sealed form of a stored ballot (ADR 007): what the database holds of a ballot is a
//! random row id and one ciphertext, the same length for every ballot of a poll.
//!
//! Plain text inside the seal: version (1), flags (bit 0: on paper), tracker length (1),
//! content length (4, little-endian), the tracker padded with zeros to [`TRACKER_MAX`] bytes,
//! the content padded with zeros to the poll's slot. The slot is the largest content a ballot of
//! the poll can have ([`jiaogong_domain::congress::ballots::limits::content_cap`]); a longer content
//! (only ballots stored before the limits existed) takes a whole number of slots. The poll id
//! and the row id are bound as associated data, so a sealed value copied to another row or
//! poll does not open. The database holds nonce ‖ ciphertext ‖ tag as bytes (migration 0025;
//! before it, the same bytes as base64 text).

use jiaogong_domain::congress::ballots::{limits, Poll};

use crate::{Crypto, Result, StoreError};

/// Longest tracker (online receipts are 32 hex digits, paper sheet numbers a few characters).
pub const TRACKER_MAX: usize = 64;
const HEADER: usize = 7;
const VERSION: u8 = 1;

/// One opened ballot: (tracker, content, on paper).
pub type Opened = (String, Vec<u8>, bool);

/// The content slot of a poll from its stored definition; a definition that does not read
/// (no ballot can be counted against it) gets a slot of 4 KiB.
pub fn slot_of(definition: &str) -> usize {
    match serde_json::from_str::<Poll>(definition) {
        Ok(p) => limits::content_cap(&p),
        Err(_) => 4096,
    }
}

/// The associated data of a ballot row, written into `out` (reused from row to row).
fn aad_into(out: &mut Vec<u8>, poll_id: &str, row_id: &str) {
    out.clear();
    out.extend_from_slice(b"jiaogong-ballot/1\0");
    out.extend_from_slice(poll_id.as_bytes());
    out.push(0);
    out.extend_from_slice(row_id.as_bytes());
}

fn aad(poll_id: &str, row_id: &str) -> Vec<u8> {
    let mut a = Vec::with_capacity(24 + poll_id.len() + row_id.len());
    aad_into(&mut a, poll_id, row_id);
    a
}

/// The bytes of a seal stored as base64 text before migration 0025.
pub fn from_base64(text: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| StoreError::Crypto)
}

/// Seals one ballot of `poll_id` for the row `row_id`.
pub fn seal(
    crypto: &Crypto,
    poll_id: &str,
    row_id: &str,
    slot: usize,
    tracker: &str,
    content: &str,
    paper: bool,
) -> Result<Vec<u8>> {
    if tracker.len() > TRACKER_MAX || tracker.is_empty() {
        return Err(StoreError::Invalid(format!("a ballot tracker has 1 to {TRACKER_MAX} bytes")));
    }
    let slot = slot.max(1);
    let room = content.len().div_ceil(slot).max(1) * slot;
    let len = u32::try_from(content.len()).map_err(|_| StoreError::Invalid("ballot too large".into()))?;
    let mut plain = vec![0u8; HEADER + TRACKER_MAX + room];
    plain[0] = VERSION;
    plain[1] = u8::from(paper);
    plain[2] = tracker.len() as u8;
    plain[3..7].copy_from_slice(&len.to_le_bytes());
    plain[HEADER..HEADER + tracker.len()].copy_from_slice(tracker.as_bytes());
    plain[HEADER + TRACKER_MAX..HEADER + TRACKER_MAX + content.len()].copy_from_slice(content.as_bytes());
    crypto.seal_ballot(&aad(poll_id, row_id), &plain)
}

/// Where the parts of an opened ballot lie in its sealed buffer (see [`open_spans`]).
#[derive(Debug, Clone, Copy)]
pub struct Spans {
    pub tracker: (usize, usize),
    pub content: (usize, usize),
    pub paper: bool,
}

/// Opens one sealed ballot.
pub fn open(crypto: &Crypto, poll_id: &str, row_id: &str, sealed: &[u8]) -> Result<Opened> {
    let mut buf = sealed.to_vec();
    let s = open_spans(crypto, &mut aad(poll_id, row_id), poll_id, row_id, &mut buf)?;
    let tracker = std::str::from_utf8(&buf[s.tracker.0..s.tracker.1]).map_err(|_| StoreError::Crypto)?;
    Ok((tracker.to_string(), buf[s.content.0..s.content.1].to_vec(), s.paper))
}

/// Opens one sealed ballot where it lies (the plain text replaces the ciphertext in `sealed`,
/// nothing is allocated) and says where its tracker and content are, as (start, end) in
/// `sealed`. The tracker has been checked to be UTF-8. `scratch` holds the associated data and
/// is reused from ballot to ballot.
pub fn open_spans(
    crypto: &Crypto,
    scratch: &mut Vec<u8>,
    poll_id: &str,
    row_id: &str,
    sealed: &mut [u8],
) -> Result<Spans> {
    aad_into(scratch, poll_id, row_id);
    let plain = crypto.open_ballot_in_place(scratch, sealed)?;
    if plain.len() < HEADER + TRACKER_MAX || plain[0] != VERSION {
        return Err(StoreError::Crypto);
    }
    let t = usize::from(plain[2]);
    let mut len = [0u8; 4];
    len.copy_from_slice(&plain[3..7]);
    let c = u32::from_le_bytes(len) as usize;
    if t > TRACKER_MAX || HEADER + TRACKER_MAX + c > plain.len() {
        return Err(StoreError::Crypto);
    }
    std::str::from_utf8(&plain[HEADER..HEADER + t]).map_err(|_| StoreError::Crypto)?;
    let paper = plain[1] & 1 == 1;
    // The plain text starts after the nonce.
    let at = crate::platform::crypto::BALLOT_NONCE;
    Ok(Spans {
        tracker: (at + HEADER, at + HEADER + t),
        content: (at + HEADER + TRACKER_MAX, at + HEADER + TRACKER_MAX + c),
        paper,
    })
}
