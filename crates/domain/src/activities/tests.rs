use super::*;

fn facts(status: &str, female: bool, group: Option<&str>, delegate: bool) -> MemberFacts {
    MemberFacts { status: status.into(), female, group_id: group.map(Into::into), delegate }
}

fn raw<'a>() -> RawActivity<'a> {
    RawActivity {
        title: "教工羽毛球赛",
        kind: "competition",
        place: "体育馆",
        description: "每人限报一项",
        start: "2026-12-20T15:30",
        end: "2026-12-20T17:30",
        signup_deadline: "2026-12-18T17:00",
        capacity: Some(20),
        audience: "all",
        cost_fen: 3_000,
        hold_hours: None,
    }
}

#[test]
fn capacity_confirms_until_full_then_waitlists() {
    assert_eq!(place(Some(2), 0), Placement::Confirmed);
    assert_eq!(place(Some(2), 1), Placement::Confirmed);
    assert_eq!(place(Some(2), 2), Placement::Waitlisted);
    assert_eq!(place(Some(2), 3), Placement::Waitlisted);
    assert_eq!(place(None, 10_000), Placement::Confirmed, "no capacity: no limit");
}

#[test]
fn waitlist_promotes_the_longest_waiting_first() {
    let w = vec![
        Waiting { member_id: "c".into(), position: 7 },
        Waiting { member_id: "a".into(), position: 3 },
        Waiting { member_id: "b".into(), position: 5 },
    ];
    assert_eq!(promote_first(&w).map(|w| w.member_id.as_str()), Some("a"));
    assert_eq!(promote_first(&[]), None);
}

#[test]
fn promotion_holds_a_seat_for_its_hours_or_confirms_at_once() {
    assert_eq!(Promotion::AtOnce.offer_until(1_000), None);
    assert_eq!(Promotion::Hold { hours: 48 }.offer_until(1_000), Some(1_000 + 48 * 3_600_000));
    assert_eq!(Promotion::from_hours(0), Promotion::AtOnce);
    assert_eq!(Promotion::from_hours(24).hold_hours(), 24);
}

#[test]
fn signup_and_withdrawal_close_after_the_deadline_inclusive() {
    assert!(signup_open(100, 100));
    assert!(!signup_open(101, 100));
    assert!(withdraw_open(100, 100));
    assert!(!withdraw_open(101, 100));
}

#[test]
fn audience_all_admits_active_and_retired_members_only() {
    assert!(Audience::All.admits(&facts("active", false, None, false)));
    assert!(Audience::All.admits(&facts("retired", false, None, false)));
    assert!(!Audience::All.admits(&facts("transferred_out", false, None, false)));
    assert!(!Audience::All.admits(&facts("non_member", true, None, true)));
}

#[test]
fn audience_women_group_retirees_delegates_admit_only_their_members() {
    assert!(Audience::Women.admits(&facts("active", true, None, false)));
    assert!(!Audience::Women.admits(&facts("active", false, None, false)));
    let g = Audience::Group("g1".into());
    assert!(g.admits(&facts("active", false, Some("g1"), false)));
    assert!(!g.admits(&facts("active", false, Some("g2"), false)));
    assert!(!g.admits(&facts("retired", false, Some("g1"), false)), "a retiree has left the group's work");
    assert!(Audience::Retirees.admits(&facts("retired", false, None, false)));
    assert!(!Audience::Retirees.admits(&facts("active", false, None, false)));
    assert!(Audience::Delegates.admits(&facts("active", false, None, true)));
    assert!(!Audience::Delegates.admits(&facts("active", false, None, false)));
}

#[test]
fn audience_codes_round_trip() {
    for a in [Audience::All, Audience::Women, Audience::Group("ab12".into()), Audience::Retirees, Audience::Delegates] {
        assert_eq!(Audience::parse(&a.code()), Some(a));
    }
    assert_eq!(Audience::parse("group:"), None);
    assert_eq!(Audience::parse("everyone"), None);
}

#[test]
fn activity_fields_are_checked_all_at_once_each_naming_its_field() {
    let ok = validate(&raw()).unwrap();
    assert_eq!(ok.kind, Kind::Competition);
    assert_eq!(ok.capacity, Some(20));
    assert_eq!(ok.promotion, Promotion::AtOnce);
    assert_eq!(format_local(ok.starts_at), "2026-12-20T15:30");
    let bad = RawActivity {
        title: " ",
        kind: "party",
        end: "2026-12-20T15:00",
        signup_deadline: "2026-12-21T00:00",
        capacity: Some(0),
        cost_fen: -1,
        hold_hours: Some(1_000),
        audience: "nobody",
        ..raw()
    };
    let errs = validate(&bad).unwrap_err();
    for e in [
        ActivityError::Title,
        ActivityError::Kind,
        ActivityError::End,
        ActivityError::Deadline,
        ActivityError::Capacity,
        ActivityError::Cost,
        ActivityError::HoldHours,
        ActivityError::Audience,
    ] {
        assert!(errs.contains(&e), "{e:?} in {errs:?}");
    }
}

#[test]
fn local_times_are_china_time() {
    // 2026-12-20 08:00 in Beijing is 00:00 UTC.
    assert_eq!(parse_local("2026-12-20T08:00"), Some(1_797_724_800_000));
    assert_eq!(parse_local("2026-12-20 08:00"), parse_local("2026-12-20T08:00"));
    assert_eq!(parse_local("20/12/2026"), None);
}

#[test]
fn qr_code_accepts_the_current_and_previous_step_only() {
    let start = 1_000 * STEP_MS;
    let end = start + 3_600_000;
    let now = start + 10 * STEP_MS;
    let t = CheckinToken::new("ab", step_of(now), "ff");
    assert_eq!(t.check("ab", now, start, end), Ok(()));
    assert_eq!(t.check("ab", now + STEP_MS, start, end), Ok(()), "scanned as the code turned");
    assert_eq!(t.check("ab", now + 2 * STEP_MS, start, end), Err(CheckinRefusal::Expired));
    let future = CheckinToken::new("ab", step_of(now) + 1, "ff");
    assert_eq!(future.check("ab", now, start, end), Err(CheckinRefusal::Expired));
}

#[test]
fn qr_code_of_another_activity_is_refused() {
    let t = CheckinToken::new("ab", step_of(5_000_000), "ff");
    assert_eq!(t.check("cd", 5_000_000, 0, 10_000_000), Err(CheckinRefusal::OtherActivity));
}

#[test]
fn qr_code_works_only_inside_the_activity_window() {
    let start = 100 * 3_600_000;
    let end = start + 3_600_000;
    let before = start - EARLY_MS - 1;
    assert_eq!(
        CheckinToken::new("ab", step_of(before), "ff").check("ab", before, start, end),
        Err(CheckinRefusal::OutsideWindow)
    );
    let early = start - EARLY_MS;
    assert_eq!(CheckinToken::new("ab", step_of(early), "ff").check("ab", early, start, end), Ok(()));
    let after = end + 1;
    assert_eq!(
        CheckinToken::new("ab", step_of(after), "ff").check("ab", after, start, end),
        Err(CheckinRefusal::OutsideWindow)
    );
}

#[test]
fn qr_tokens_parse_only_their_own_shape() {
    let t = CheckinToken::new("ab12", 28_000_000, "0f9e");
    assert_eq!(CheckinToken::parse(&t.encode()), Some(t));
    for bad in ["", "ab12", "ab12.5", "ab12.5.ff.1", "zz.5.ff", "ab.x5.ff", "ab.5.", "ab.-5.ff"] {
        assert_eq!(CheckinToken::parse(bad), None, "{bad}");
    }
    assert!(codes_equal("abc", "abc"));
    assert!(!codes_equal("abc", "abd"));
}
