//! A congress session end to end: delegates, no vote without a two-thirds quorum, QR sign-in on
//! the delegate's phone, and the session's 实到 in the closed vote's bulletin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;

fn form(t: &common::TestApp, uri: &str, who: &str, body: &str) -> axum::http::Request<Body> {
    t.req("POST", uri, Some(t.as_role(who)), Body::from(body.to_string()), Some("application/x-www-form-urlencoded"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_open_only_with_quorum_and_delegates_sign_in_by_qr() {
    let t = common::app().await;
    let r = t
        .send(form(
            &t,
            "/s/a/congress",
            "chair",
            "term=5&number=2&title=%E7%AC%AC%E4%BA%94%E5%B1%8A%E4%BA%8C%E6%AC%A1&held_on=2026-12-20",
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session_url = r.headers()["location"].to_str().unwrap().to_string();
    let r = t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=A1")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=NOPE")).await;
    assert!(common::body_text(r).await.contains("NOPE"));
    let r = t.send(form(&t, &format!("{session_url}/polls"), "chair", "title=%E5%86%B3%E8%AE%AE")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let poll_id = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let purpose = jiaogong_store::congress::polls::details(&t.store, &poll_id).await.unwrap().purpose;
    assert_eq!(purpose.as_deref(), Some("congress_resolution"), "a session's vote is a 教代会决议");

    // Nobody signed in: the vote cannot open.
    let r = t
        .send(t.req("POST", &format!("/api/v1/polls/{poll_id}/open"), Some(t.as_role("chair")), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(common::body_text(r).await.contains("no_quorum"));

    // The delegate scans the session's QR code and signs in.
    let token = checkin_token(&t, &session_url).await;
    let r = t.send(t.req("GET", &format!("/checkin/{token}"), Some(t.as_role("member")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = t.send(form(&t, &format!("/checkin/{token}"), "member", "")).await;
    assert!(common::body_text(r).await.contains("签到成功"));
    // Another school's user cannot use the link.
    let r = t.send(t.req("GET", &format!("/checkin/{token}"), Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let page =
        common::body_text(t.send(t.req("GET", &session_url, Some(t.as_role("chair")), Body::empty(), None)).await)
            .await;
    assert!(page.contains("id=\"n-present\">1<") && page.contains("已达法定人数（2/3）"), "live quorum shown");

    let r = t
        .send(t.req("POST", &format!("/api/v1/polls/{poll_id}/open"), Some(t.as_role("chair")), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = t
        .send(t.req(
            "POST",
            &format!("/api/v1/polls/{poll_id}/ballots"),
            Some(t.as_role("member")),
            Body::from(r#"{"choice":"yes"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = t
        .send(t.req("POST", &format!("/api/v1/polls/{poll_id}/close"), Some(t.as_role("chair")), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = t
        .send(t.req("GET", &format!("/api/v1/polls/{poll_id}/bulletin"), Some(t.as_role("chair")), Body::empty(), None))
        .await;
    let b: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!((b["poll"]["electorate"].as_i64(), b["poll"]["present"].as_i64()), (Some(1), Some(1)));
    assert_eq!(b["poll"]["rules"]["base"], "electorate");
    let result = jiaogong_domain::congress::ballots::tally_json(&b.to_string()).unwrap();
    assert_eq!(result["passed"], true);
}

/// The check-in token of the QR code on the chair's screen now.
async fn checkin_token(t: &common::TestApp, session_url: &str) -> String {
    let page =
        common::body_text(t.send(t.req("GET", session_url, Some(t.as_role("chair")), Body::empty(), None)).await).await;
    let at = page.find("id=\"checkin-link\">").unwrap();
    let link = &page[at..];
    let start = link.find("/checkin/").unwrap() + "/checkin/".len();
    link[start..].split('<').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checkin_code_rotates_and_an_expired_code_is_refused_with_a_message() {
    use jiaogong_domain::congress::checkin::{slot_of, CheckinToken};
    let t = common::app().await;
    // Keep clear of a minute boundary so "now" and "a minute ago" stay what they are below.
    let into_minute = jiaogong_store::now_ms() % 60_000;
    if into_minute > 55_000 {
        tokio::time::sleep(std::time::Duration::from_millis((60_100 - into_minute) as u64)).await;
    }
    let body = "term=5&number=1&title=%E4%B8%80%E6%AC%A1&held_on=2026-12-20";
    let session_url =
        t.send(form(&t, "/s/a/congress", "chair", body)).await.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(
        t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=A1")).await.status(),
        StatusCode::SEE_OTHER
    );
    let sid = session_url.rsplit('/').next().unwrap().to_string();
    let s = jiaogong_store::congress::session(&t.store, &t.school_a, &sid).await.unwrap();
    let at = |slot: u64| {
        CheckinToken::new(&s.id, slot, &t.store.crypto.checkin_code(&s.id, &s.checkin_token, slot)).encode()
    };
    let now = slot_of(jiaogong_store::now_ms());

    // The fixed session secret is no longer a link, and a forged code is not found.
    let r = t
        .send(t.req("GET", &format!("/checkin/{}", s.checkin_token), Some(t.as_role("member")), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let forged = CheckinToken::new(&s.id, now, "00000000000000000000000000000000").encode();
    let r = t.send(form(&t, &format!("/checkin/{forged}"), "member", "")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A code from two minutes ago: refused with a message, nobody signed in.
    let r = t.send(form(&t, &format!("/checkin/{}", at(now - 2)), "member", "")).await;
    assert_eq!(r.status(), StatusCode::GONE);
    assert!(common::body_text(r).await.contains("请重新扫描会场屏幕上当前显示的二维码"));
    assert!(!jiaogong_store::congress::paper::is_present(&t.store, &s.id, &t.member_a).await.unwrap());

    // The screen's fragment shows this minute's code; the previous minute's is still accepted.
    let r = t.send(t.req("GET", &format!("{session_url}/qr"), Some(t.as_role("chair")), Body::empty(), None)).await;
    let fragment = common::body_text(r).await;
    assert!(fragment.contains("<svg") && fragment.contains("hx-trigger=\"every 20s\""));
    let shown = checkin_token(&t, &session_url).await;
    assert!(fragment.contains(&shown));
    let r = t.send(t.req("GET", &format!("{session_url}/qr"), Some(t.as_role("member")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = t.send(form(&t, &format!("/checkin/{}", at(now - 1)), "member", "")).await;
    assert!(common::body_text(r).await.contains("签到成功"));
    assert!(jiaogong_store::congress::paper::is_present(&t.store, &s.id, &t.member_a).await.unwrap());
    // The clerk path still works: untick and tick again.
    let member = t.member_a.clone();
    for _ in 0..2 {
        let r = t.send(form(&t, &format!("{session_url}/attendance/{member}"), "chair", "")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    assert!(jiaogong_store::congress::paper::is_present(&t.store, &s.id, &t.member_a).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_delegate_added_is_audited_with_member_and_constituency() {
    use jiaogong_domain::members::{validate_member, Field, RawMember};
    let t = common::app().await;
    // A second member without a union group: an empty constituency.
    let mut tx = t.store.begin().await.unwrap();
    let m = validate_member(&RawMember::new().with(Field::Name, "甲二").with(Field::EmployeeNo, "A2")).unwrap();
    let a2 = jiaogong_store::members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let r =
        t.send(form(&t, "/s/a/congress", "chair", "term=5&number=1&title=%E4%B8%80%E6%AC%A1&held_on=2026-12-20")).await;
    let session_url = r.headers()["location"].to_str().unwrap().to_string();
    let r = t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=A1+A2")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Adding A1 again adds nobody and audits nothing more.
    t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=A1")).await;
    let term = jiaogong_store::congress::sessions(&t.store, &t.school_a).await.unwrap()[0].term_id.clone();
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 100).await.unwrap();
    let mut added: Vec<(String, String, String)> = entries
        .iter()
        .filter(|e| e.action == "congress.delegate.add")
        .map(|e| (e.actor.clone(), e.target.clone(), e.detail.clone()))
        .collect();
    added.sort();
    let mut expected = vec![
        ("u-chair".to_string(), t.member_a.clone(), format!("term={term} constituency=语文组")),
        ("u-chair".to_string(), a2, format!("term={term} constituency=")),
    ];
    expected.sort();
    assert_eq!(added, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_list_with_composition_warnings_is_confirmed_only_when_acknowledged() {
    let t = common::app().await;
    let r =
        t.send(form(&t, "/s/a/congress", "chair", "term=5&number=1&title=%E4%B8%80%E6%AC%A1&held_on=2026-12-20")).await;
    let session_url = r.headers()["location"].to_str().unwrap().to_string();
    let confirm = format!("{session_url}/delegate-list/confirm");
    // No delegate yet: nothing to confirm.
    let r = t.send(form(&t, &confirm, "chair", "")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("还没有代表，不能确认名单"));
    // A1 has no post on record: no teacher among the delegates, a warning.
    t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=A1")).await;
    let page =
        common::body_text(t.send(t.req("GET", &session_url, Some(t.as_role("chair")), Body::empty(), None)).await)
            .await;
    assert!(page.contains("教师代表低于 60%") && page.contains("已知悉以上提示，仍确认名单"));
    assert!(page.contains("id=\"list-unconfirmed\""));
    let r = t.send(form(&t, &confirm, "chair", "")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("请勾选“已知悉以上提示，仍确认名单”"));
    let term = jiaogong_store::congress::sessions(&t.store, &t.school_a).await.unwrap()[0].term_id.clone();
    assert!(jiaogong_store::congress::delegate_lists::latest(&t.store, &t.school_a, &term).await.unwrap().is_none());

    let r = t.send(form(&t, &confirm, "chair", "acknowledge=1")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c = jiaogong_store::congress::delegate_lists::latest(&t.store, &t.school_a, &term).await.unwrap().unwrap();
    assert_eq!((c.delegates, c.warnings.as_str(), c.confirmed_by.as_str()), (1, "teachers_below_60", "u-chair"));
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 100).await.unwrap();
    let e = entries.iter().find(|e| e.action == "congress.delegates.confirm").expect("confirmation audited");
    assert_eq!((e.target.as_str(), e.detail.as_str()), (term.as_str(), "delegates=1 acknowledged=teachers_below_60"));
    let page =
        common::body_text(t.send(t.req("GET", &session_url, Some(t.as_role("chair")), Body::empty(), None)).await)
            .await;
    assert!(page.contains("id=\"list-confirmed\"") && page.contains("确认时已知悉代表构成的提示"));
    assert!(!page.contains("id=\"confirm-list\""), "nothing more to confirm");
    // A change to the list calls for a new confirmation. Another school cannot confirm this one.
    let mut tx = t.store.begin().await.unwrap();
    let m = jiaogong_domain::members::validate_member(
        &jiaogong_domain::members::RawMember::new()
            .with(jiaogong_domain::members::Field::Name, "甲二")
            .with(jiaogong_domain::members::Field::EmployeeNo, "A2"),
    )
    .unwrap();
    jiaogong_store::members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=A2")).await;
    let page =
        common::body_text(t.send(t.req("GET", &session_url, Some(t.as_role("chair")), Body::empty(), None)).await)
            .await;
    assert!(page.contains("id=\"list-changed\"") && page.contains("id=\"confirm-list\""));
    let foreign = confirm.replacen("/s/a/", "/s/b/", 1);
    let r = t
        .send(t.req(
            "POST",
            &foreign,
            Some(&t.chair_b),
            Body::from("acknowledge=1"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delegate_who_retires_leaves_the_list_with_a_history_line_and_the_counts_agree() {
    use jiaogong_domain::members::{validate_member, Field, MemberEventKind, MemberStatus, RawMember};
    let t = common::app().await;
    let mut tx = t.store.begin().await.unwrap();
    let mut ids = Vec::new();
    for (name, no) in [("甲二", "A2"), ("甲三", "A3"), ("甲四", "A4")] {
        let m = validate_member(&RawMember::new().with(Field::Name, name).with(Field::EmployeeNo, no)).unwrap();
        ids.push(jiaogong_store::members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap());
    }
    jiaogong_store::commit(tx).await.unwrap();
    let r =
        t.send(form(&t, "/s/a/congress", "chair", "term=5&number=1&title=%E4%B8%80%E6%AC%A1&held_on=2026-12-20")).await;
    let session_url = r.headers()["location"].to_str().unwrap().to_string();
    t.send(form(&t, &format!("{session_url}/delegates"), "chair", "employee_nos=A1+A2+A3+A4")).await;
    // A3 retires and A4 transfers out, as the member page records it.
    let mut tx = t.store.begin().await.unwrap();
    for (id, kind, status, reason) in [
        (&ids[1], MemberEventKind::Retire, MemberStatus::Retired, ""),
        (&ids[2], MemberEventKind::TransferOut, MemberStatus::TransferredOut, "调往实验中学"),
    ] {
        jiaogong_store::members::record_event(
            &mut tx,
            &t.school_a,
            id,
            kind,
            status,
            None,
            "2026-11-30",
            reason,
            "",
            "u-chair",
        )
        .await
        .unwrap();
    }
    // A delegate whose member left before this rule (no history line yet) is still counted
    // the same way by the header and the composition panel.
    sqlx::query("UPDATE members SET status = 'deceased' WHERE id = $1").bind(&ids[0]).execute(&mut *tx).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let page =
        common::body_text(t.send(t.req("GET", &session_url, Some(t.as_role("chair")), Body::empty(), None)).await)
            .await;
    assert!(page.contains("甲三") && page.contains("2026年11月30日 周一 · 退休"), "{page}");
    assert!(page.contains("2026年11月30日 周一 · 调出：调往实验中学"), "{page}");
    let number = |id: &str| {
        let start = page.find(&format!("id=\"{id}\">")).unwrap_or_else(|| panic!("{id}")) + id.len() + 6;
        page[start..].chars().take_while(char::is_ascii_digit).collect::<String>()
    };
    assert_eq!(number("n-delegates"), "2", "A1 and A2 are current delegates");
    assert_eq!(number("comp-delegates"), number("n-delegates"), "header and composition agree");
    let term = jiaogong_store::congress::sessions(&t.store, &t.school_a).await.unwrap()[0].term_id.clone();
    let current = jiaogong_store::congress::current_delegate_ids(&t.store, &term).await.unwrap();
    assert!(!current.contains(&ids[1]) && !current.contains(&ids[2]));
}
