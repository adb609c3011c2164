//! Interim session requests through the router: a delegate starts one on the phone, others sign
//! with one tap and may withdraw; with 30 delegates 9 signatures are not enough and 10 are; the
//! chair convenes the 临时会议 from the request. Refusals (not a delegate, signed twice, not
//! signed, closed, not reached, another school) answer with a message and write nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::{congress, congress::interim, members};

type Who = (String, String);

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn post(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> (StatusCode, String, String) {
    let r = t
        .send(t.req("POST", uri, Some(who), Body::from(body.to_string()), Some("application/x-www-form-urlencoded")))
        .await;
    let status = r.status();
    let loc = r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, loc, common::body_text(r).await)
}

async fn get(t: &common::TestApp, uri: &str, who: &Who) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

/// (signatures, number of audit entries) now: a refusal must change neither.
async fn state(t: &common::TestApp, term: &str) -> (Vec<i64>, i64) {
    let sigs =
        interim::requests(&t.store, &t.school_a, term, None).await.unwrap().iter().map(|r| r.signatures).collect();
    let n = congress_actions(t).await.len() as i64;
    (sigs, n)
}

/// The school's audited congress actions, newest first.
async fn congress_actions(t: &common::TestApp) -> Vec<String> {
    jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("congress."))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_delegates_need_ten_signatures_and_the_chair_convenes_the_interim_session() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let outsider = t.as_role("member").clone(); // a member of school A who is not a delegate
    let (status, _, _) = post(
        &t,
        "/s/a/congress",
        &chair,
        &format!("term=5&number=1&title={}&held_on=2026-09-20", enc("第五届教职工代表大会第一次会议")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // Before anyone asks: the page says one third of 30 is 10.
    let term = interim::current_term(&t.store, &t.school_a).await.unwrap().unwrap();
    let mut tx = t.store.begin().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..30 {
        let m = validate_member(
            &RawMember::new().with(Field::Name, format!("代表{i:02}")).with(Field::EmployeeNo, format!("D{i:02}")),
        )
        .unwrap();
        let id = members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap();
        congress::add_delegate(&mut tx, &t.school_a, &term.id, &id, "2026-09-01").await.unwrap();
        ids.push(id);
    }
    jiaogong_store::commit(tx).await.unwrap();
    let mut d: Vec<Who> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        d.push(common::user(&t.store, Some(&t.school_a), None, &format!("d{i}"), Role::Member, Some(id)).await);
    }
    let (status, page) = get(&t, "/s/a/sessions", &d[0]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/s/a/interim\""), "linked from the members' session list");
    let (_, page) = get(&t, "/s/a/interim", &d[0]).await;
    assert!(page.contains("表决人数 30 人，达到三分之一需 10 人联名"), "{page}");
    assert!(page.contains("id=\"interim-start\""));
    let (_, page) = get(&t, "/s/a/interim", &outsider).await;
    assert!(!page.contains("id=\"interim-start\""), "no form for someone outside the body");

    // Not a delegate, an empty reason: refused, nothing written.
    let before = state(&t, &term.id).await;
    let (status, _, body) = post(&t, "/s/a/interim", &outsider, &format!("reason={}", enc("讨论食堂"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("只有本届教代会代表可以提议或联名召开临时会议"));
    let (status, _, body) = post(&t, "/s/a/interim", &d[0], "reason=+").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("请填写提议理由"));
    assert_eq!(state(&t, &term.id).await, before);

    // Delegate 0 asks (and signs); delegates 1..8 sign with one tap each: 9 of 30.
    let reason = "审议学校绩效工资分配方案修订稿";
    let (status, loc, _) = post(&t, "/s/a/interim", &d[0], &format!("reason={}", enc(reason))).await;
    assert_eq!((status, loc.as_str()), (StatusCode::SEE_OTHER, "/s/a/interim"));
    let req = interim::requests(&t.store, &t.school_a, &term.id, None).await.unwrap()[0].id.clone();
    for who in &d[1..9] {
        let (status, loc, _) = post(&t, &format!("/s/a/interim/{req}/sign"), who, "").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(loc.ends_with(&format!("#r-{req}")));
    }
    let (_, page) = get(&t, "/s/a/interim", &d[20]).await;
    assert!(page.contains(reason) && page.contains("已联名 9 人 / 需 10 人"));
    assert!(page.contains(&format!("/s/a/interim/{req}/sign")), "an unsigned delegate sees the sign button");
    let (_, page) = get(&t, "/s/a/interim", &chair).await;
    assert!(!page.contains("已达三分之一") && !page.contains("/convene"), "9 of 30 is not a third");

    let before = state(&t, &term.id).await;
    assert_eq!(before.0, vec![9]);
    // Signed twice, withdrawn without signing, the chair (no member) signing, a member outside
    // the body signing, convening at 9: each refused with its message.
    let refusals = [
        (&d[3], "sign", "您已经联名过这项提议"),
        (&d[20], "withdraw", "您没有联名这项提议"),
        (&chair, "sign", "只有本届教代会代表"),
        (&outsider, "sign", "只有本届教代会代表"),
        (&chair, "convene", "联名人数 9 人，未达到三分之一（需 10 人）"),
    ];
    for (who, step, message) in refusals {
        let (status, _, body) = post(&t, &format!("/s/a/interim/{req}/{step}"), who, "held_on=2026-11-20").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{step}");
        assert!(body.contains(message), "{step}: {message}");
    }
    // Only the committee convenes; another school's chair and an unknown id get nothing.
    let (status, _, _) = post(&t, &format!("/s/a/interim/{req}/convene"), &d[0], "held_on=2026-11-20").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(&t, &format!("/s/a/interim/{req}/sign"), &t.chair_b, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post(&t, &format!("/s/b/interim/{req}/convene"), &t.chair_b, "held_on=2026-11-20").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "school B cannot reach school A's request");
    let (status, _, _) = post(&t, "/s/a/interim/nope/sign", &d[20], "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(state(&t, &term.id).await, before, "refusals write nothing");

    // The tenth signature reaches a third; a withdrawal goes back below, signing again reaches it.
    assert_eq!(post(&t, &format!("/s/a/interim/{req}/sign"), &d[9], "").await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, "/s/a/interim", &chair).await;
    assert!(page.contains("已联名 10 人 / 需 10 人") && page.contains("已达三分之一"));
    assert!(page.contains(&format!("/s/a/interim/{req}/convene")) && page.contains("代表09"));
    assert_eq!(post(&t, &format!("/s/a/interim/{req}/withdraw"), &d[9], "").await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, "/s/a/interim", &d[9]).await;
    assert!(page.contains("已联名 9 人 / 需 10 人") && !page.contains("已达三分之一"));
    assert_eq!(post(&t, &format!("/s/a/interim/{req}/sign"), &d[9], "").await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, "/s/a/interim", &d[9]).await;
    assert!(page.contains("撤回联名"), "a signer can withdraw while the request is open");

    // A bad date is refused with a message; then the chair convenes the interim session.
    let (status, _, _) = post(&t, &format!("/s/a/interim/{req}/convene"), &chair, "held_on=tomorrow").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(congress::sessions(&t.store, &t.school_a).await.unwrap().len(), 1);
    let (status, loc, _) = post(&t, &format!("/s/a/interim/{req}/convene"), &chair, "held_on=2026-11-20").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let sid = loc.rsplit('/').next().unwrap().to_string();
    assert_eq!(loc, format!("/s/a/congress/{sid}"));
    let s = congress::session(&t.store, &t.school_a, &sid).await.unwrap();
    assert_eq!((s.term_number, s.number, s.held_on.as_str()), (5, 2, "2026-11-20"));
    assert!(s.title.contains("临时会议"), "{}", s.title);
    let (status, page) = get(&t, &loc, &chair).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("临时会议"));
    let (_, page) = get(&t, "/s/a/interim", &d[0]).await;
    assert!(page.contains("已召开") && page.contains(&format!("/s/a/sessions/{sid}")));

    // Closed: no more signatures, withdrawals or second sessions.
    let before = state(&t, &term.id).await;
    for (who, step) in [(&d[20], "sign"), (&d[0], "withdraw"), (&chair, "convene")] {
        let (status, _, body) = post(&t, &format!("/s/a/interim/{req}/{step}"), who, "held_on=2026-11-21").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{step}");
        assert!(body.contains("这项提议已经结束"), "{step}");
    }
    assert_eq!(state(&t, &term.id).await, before);
    assert_eq!(congress::sessions(&t.store, &t.school_a).await.unwrap().len(), 2);

    // Every step is in the audit log, which still verifies.
    let actions = congress_actions(&t).await;
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (count("congress.interim.request"), count("congress.interim.sign"), count("congress.interim.withdraw")),
        (1, 11, 1)
    );
    assert_eq!((count("congress.interim.reached"), count("congress.interim.convene")), (1, 1));
    assert!(matches!(
        jiaogong_store::platform::audit::verify(&t.store).await.unwrap(),
        jiaogong_store::platform::audit::Verdict::Intact { .. }
    ));
}
