//! Tests of member enums and the status transition rule of members.md.

use super::*;

use MemberEventKind as E;
use MemberStatus as S;

#[test]
fn join_only_from_non_member() {
    assert_eq!(transition(S::NonMember, E::Join), Ok(S::Active));
    for s in [S::Active, S::Retired, S::TransferredOut, S::Deceased] {
        assert!(transition(s, E::Join).is_err(), "{s:?}");
    }
}

#[test]
fn retire_only_from_active() {
    assert_eq!(transition(S::Active, E::Retire), Ok(S::Retired));
    for s in [S::NonMember, S::Retired, S::TransferredOut, S::Deceased] {
        assert!(transition(s, E::Retire).is_err(), "{s:?}");
    }
}

#[test]
fn transfer_out_only_from_active_and_back_only_from_transferred() {
    assert_eq!(transition(S::Active, E::TransferOut), Ok(S::TransferredOut));
    assert_eq!(transition(S::TransferredOut, E::TransferBack), Ok(S::Active));
    assert!(transition(S::Retired, E::TransferOut).is_err());
    assert!(transition(S::Active, E::TransferBack).is_err());
}

#[test]
fn death_from_any_living_status() {
    for s in [S::NonMember, S::Active, S::Retired, S::TransferredOut] {
        assert_eq!(transition(s, E::Death), Ok(S::Deceased));
    }
    assert!(transition(S::Deceased, E::Death).is_err());
}

#[test]
fn group_change_and_update_keep_status_except_deceased() {
    for s in [S::NonMember, S::Active, S::Retired, S::TransferredOut] {
        assert_eq!(transition(s, E::GroupChange), Ok(s));
        assert_eq!(transition(s, E::Update), Ok(s));
    }
    let err = transition(S::Deceased, E::Update).unwrap_err();
    assert_eq!(err.key(), "err-transition-not-allowed");
    assert_eq!(err.args(), vec![("from", "deceased".to_string()), ("event", "update".to_string())]);
    assert!(err.to_string().contains("去世"));
}

#[test]
fn allowed_events_of_active_member() {
    assert_eq!(allowed_events(S::Active), vec![E::Retire, E::TransferOut, E::Death, E::GroupChange, E::Update]);
    assert!(allowed_events(S::Deceased).is_empty());
}

#[test]
fn status_codes_and_zh_labels_round_trip() {
    for s in MemberStatus::ALL {
        assert_eq!(MemberStatus::from_code(s.code()), Some(s));
        assert_eq!(MemberStatus::parse_zh(s.label_zh()), Some(s));
        assert!(s.key().starts_with("status-"));
    }
    assert_eq!(MemberStatus::parse_zh("在职"), Some(S::Active));
    assert_eq!(MemberStatus::parse_zh(" 退休 "), Some(S::Retired));
    assert_eq!(MemberStatus::parse_zh("临时聘用"), None);
}

#[test]
fn event_codes_round_trip() {
    for e in MemberEventKind::ALL {
        assert_eq!(MemberEventKind::from_code(e.code()), Some(e));
    }
}

#[test]
fn post_codes_and_zh_labels_round_trip() {
    for p in Post::ALL {
        assert_eq!(Post::from_code(p.code()), Some(p));
        assert_eq!(Post::parse_zh(p.label_zh()), Some(p));
    }
    assert_eq!(Post::parse_zh("中层干部"), Some(Post::MiddleManager));
}

#[test]
fn gender_parse_zh_and_codes() {
    assert_eq!(Gender::parse("男"), Some(Gender::Male));
    assert_eq!(Gender::parse(" 女 "), Some(Gender::Female));
    assert_eq!(Gender::parse("m"), Some(Gender::Male));
    assert_eq!(Gender::parse("F"), Some(Gender::Female));
    assert_eq!(Gender::parse("未知"), None);
    for g in Gender::ALL {
        assert_eq!(Gender::from_code(g.code()), Some(g));
    }
}
