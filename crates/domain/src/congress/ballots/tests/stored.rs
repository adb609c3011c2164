//! Stored ballots (`StoredCount`, `write_stored_ballots`): counting each distinct content once and writing the
//! bulletin from the stored text give what the bulletin built ballot by ballot gives.

use proptest::prelude::*;

use super::props::arb_bulletin;
use super::*;

/// The rows the store would hold for `b`: unique trackers, content without tracker and paper.
fn rows_of(b: &Bulletin) -> (String, Vec<(String, String, bool)>) {
    let rows = b
        .ballots
        .iter()
        .enumerate()
        .map(|(i, ballot)| {
            let mut v = serde_json::to_value(ballot).unwrap();
            let obj = v.as_object_mut().unwrap();
            obj.remove("tracker");
            obj.remove("paper");
            (format!("t{i:04}"), v.to_string(), ballot.paper)
        })
        .collect();
    (serde_json::to_string(&b.poll).unwrap(), rows)
}

fn borrowed(rows: &[(String, String, bool)]) -> Vec<(&str, &str, bool)> {
    rows.iter().map(|(t, c, p)| (t.as_str(), c.as_str(), *p)).collect()
}

/// The rows with their contents as bytes, as the store hands them over.
fn bytes<'a>(rows: &[(&'a str, &'a str, bool)]) -> Vec<(&'a str, &'a [u8], bool)> {
    rows.iter().map(|&(t, c, p)| (t, c.as_bytes(), p)).collect()
}

/// The rows counted in one piece.
fn counted(poll: &str, rows: &[(&str, &[u8], bool)]) -> Result<StoredCount, BulletinError> {
    let mut count = StoredCount::new(poll)?;
    count.add(rows)?;
    Ok(count)
}

/// The bulletin of the rows, once they have been counted, written in one piece.
fn written(poll: &str, rows: &[(&str, &[u8], bool)]) -> Vec<u8> {
    counted(poll, rows).unwrap();
    let mut text = Vec::new();
    write_bulletin_start(&mut text, poll).unwrap();
    write_stored_ballots(&mut text, rows, true).unwrap();
    write_bulletin_end(&mut text).unwrap();
    text
}

const POLL: &str = r#"{"title":"t","kind":"election","electorate":9,"present":9,"ballots_issued":9,"seats":1,"candidates":["张三","李四"]}"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn stored_ballots_tally_as_the_bulletin_of_the_same_rows(b in arb_bulletin()) {
        let (poll, rows) = rows_of(&b);
        let rows = borrowed(&rows);
        let byte_rows = bytes(&rows);
        let stored = counted(&poll, &byte_rows).unwrap();
        let built = bulletin_from_stored(&poll, &rows).unwrap();
        prop_assert_eq!(stored.tally(), tally(&built));
        prop_assert_eq!(stored.tally(), tally(&b));
        prop_assert_eq!(stored.len(), b.ballots.len());
        prop_assert!(stored.distinct() <= stored.len());
    }

    #[test]
    fn the_written_bulletin_reads_back_as_the_stored_bulletin(b in arb_bulletin()) {
        let (poll, rows) = rows_of(&b);
        let rows = borrowed(&rows);
        let byte_rows = bytes(&rows);
        let text = written(&poll, &byte_rows);
        let read = parse_bulletin(std::str::from_utf8(&text).unwrap()).unwrap();
        prop_assert_eq!(read, bulletin_from_stored(&poll, &rows).unwrap());
    }
}

#[test]
fn identical_stored_ballots_are_read_once_and_counted_with_their_number() {
    let yes = r#"{"marks":{"张三":"yes","李四":"no"}}"#;
    let no = r#"{"marks":{"张三":"no","李四":"yes"}}"#;
    let trackers: Vec<String> = (0..9).map(|i| format!("t{i}")).collect();
    let rows: Vec<(&str, &str, bool)> =
        trackers.iter().enumerate().map(|(i, t)| (t.as_str(), if i < 6 { yes } else { no }, i == 8)).collect();
    let rows = bytes(&rows);
    let stored = counted(POLL, &rows).unwrap();
    assert_eq!(stored.distinct(), 2);
    let TallyResult::Election(r) = stored.tally() else { panic!("not an election") };
    assert_eq!((r.returned, r.valid, r.elected.clone()), (9, 9, vec!["张三".to_string()]));
    let text = String::from_utf8(written(POLL, &rows)).unwrap();
    assert!(text.contains(r#"{"tracker":"t8","paper":true,"marks":{"张三":"no","李四":"yes"}}"#), "{text}");
}

#[test]
fn a_stored_ballot_the_checks_refuse_is_named_by_its_row() {
    let good = r#"{"marks":{"张三":"yes"}}"#;
    let rows = bytes(&[("a", good, false), ("b", good, false), ("c", r#"{"marks":{"王五":"yes"}}"#, false)]);
    let err = counted(POLL, &rows).err().unwrap();
    assert_eq!(err.ballot_index, Some(2));
    assert_eq!(err.kind, BulletinErrorKind::UnknownCandidate { name: "王五".into() });
    // Not JSON: the precise path's wording, at its row.
    let rows = bytes(&[("a", good, false), ("b", "{\"marks\":", false)]);
    let err = counted(POLL, &rows).err().unwrap();
    assert_eq!(err.ballot_index, Some(1), "{err:?}");
    // Not UTF-8: refused at its row too.
    let rows = [("a", good.as_bytes(), false), ("b", &b"{\"marks\":{\"\xff\":\"yes\"}}"[..], false)];
    let err = counted(POLL, &rows).err().unwrap();
    assert_eq!(err.ballot_index, Some(1), "{err:?}");
}

#[test]
fn stored_content_may_not_carry_its_own_tracker_or_paper_flag() {
    for content in [r#"{"tracker":"x","marks":{"张三":"yes"}}"#, r#"{"paper":true,"marks":{"张三":"yes"}}"#] {
        let rows = [("a", content.as_bytes(), false)];
        let err = counted(POLL, &rows).err().unwrap();
        assert_eq!(err.ballot_index, Some(0), "{content}: {err:?}");
    }
}

#[test]
fn an_unreadable_stored_poll_is_reported_as_the_poll_error() {
    let err = counted(r#"{"title":"t","kind":"vote"}"#, &[]).err().unwrap();
    assert_eq!(err.ballot_index, None);
    assert_eq!(err.kind, BulletinErrorKind::UnknownKind { found: "vote".into() });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn counting_and_writing_in_chunks_gives_what_one_piece_gives(b in arb_bulletin(), at in any::<prop::sample::Index>()) {
        let (poll, rows) = rows_of(&b);
        let rows = borrowed(&rows);
        let byte_rows = bytes(&rows);
        let cut = if byte_rows.is_empty() { 0 } else { at.index(byte_rows.len() + 1) };
        let (head, tail) = byte_rows.split_at(cut);
        let mut count = StoredCount::new(&poll).unwrap();
        let mut text = Vec::new();
        write_bulletin_start(&mut text, &poll).unwrap();
        count.add(head).unwrap();
        write_stored_ballots(&mut text, head, true).unwrap();
        count.add(tail).unwrap();
        write_stored_ballots(&mut text, tail, head.is_empty()).unwrap();
        write_bulletin_end(&mut text).unwrap();
        prop_assert_eq!(count.len(), byte_rows.len());
        prop_assert_eq!(count.tally(), counted(&poll, &byte_rows).unwrap().tally());
        prop_assert_eq!(text, written(&poll, &byte_rows));
    }
}

#[test]
fn an_error_in_a_later_chunk_is_named_by_its_row_over_all_chunks() {
    let good = r#"{"marks":{"张三":"yes"}}"#;
    let mut count = StoredCount::new(POLL).unwrap();
    count.add(&bytes(&[("a", good, false), ("b", good, false)])).unwrap();
    let err = count.add(&bytes(&[("c", good, false), ("d", r#"{"marks":{"王五":"no"}}"#, false)])).err().unwrap();
    assert_eq!(err.ballot_index, Some(3));
}
