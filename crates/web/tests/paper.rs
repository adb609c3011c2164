//! Paper ballots double-entered by two counters, the printed result sheet with scrutineers and
//! counters, runoff rounds, resolution tracking, and a session's agenda and documents as every
//! member reads them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use serde_json::{json, Value};

fn form(t: &common::TestApp, uri: &str, who: &(String, String), body: &str) -> axum::http::Request<Body> {
    t.req("POST", uri, Some(who), Body::from(body.to_string()), Some("application/x-www-form-urlencoded"))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Adds members A2.. to school A; returns their ids with A1's first.
async fn staff(t: &common::TestApp, n: usize) -> Vec<String> {
    let mut tx = t.store.begin().await.unwrap();
    let mut ids = vec![t.member_a.clone()];
    for i in 2..=n {
        let m = validate_member(
            &RawMember::new().with(Field::Name, format!("教师{i}")).with(Field::EmployeeNo, format!("A{i}")),
        )
        .unwrap();
        ids.push(jiaogong_store::members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap());
    }
    jiaogong_store::commit(tx).await.unwrap();
    ids
}

async fn api(t: &common::TestApp, method: &str, uri: &str, who: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (b, ct) = match body {
        Some(v) => (Body::from(v.to_string()), Some("application/json")),
        None => (Body::empty(), None),
    };
    let r = t.send(t.req(method, uri, Some(t.as_role(who)), b, ct)).await;
    let status = r.status();
    let text = common::body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn create(t: &common::TestApp, poll: Value, voters: &[String]) -> String {
    let (s, v) =
        api(t, "POST", "/api/v1/schools/a/polls", "chair", Some(json!({"poll": poll, "voters": voters}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_str().unwrap().to_string()
}

async fn page(t: &common::TestApp, uri: &str, who: &(String, String)) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    (r.status(), common::body_text(r).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_ballots_are_double_entered_by_two_counters_and_counted_with_online_ones() {
    let t = common::app().await;
    let voters = staff(&t, 5).await;
    let id = create(&t, json!({"title": "表决方案", "kind": "resolution"}), &voters).await;
    assert_eq!(api(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", None).await.0, StatusCode::OK);
    let (s, _) =
        api(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", Some(json!({"choice": "yes"}))).await;
    assert_eq!(s, StatusCode::CREATED);

    let base = format!("/s/a/polls/{id}/paper");
    let chair = t.as_role("chair").clone();
    let org = t.as_role("org_committee").clone();
    // Unknown numbers are named and nothing is handed out.
    let r = t.send(form(&t, &format!("{base}/issue"), &chair, "employee_nos=A2+ZZ9")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("ZZ9"));
    // A1 already voted online: no paper ballot for them.
    let r = t.send(form(&t, &format!("{base}/issue"), &chair, "employee_nos=A1+A2+A3+A4")).await;
    let text = common::body_text(r).await;
    assert!(text.contains("已发放 3 张") && text.contains("A1"), "{text}");
    // Whoever holds a paper ballot cannot also vote online.
    let mut tx = t.store.begin().await.unwrap();
    let a2_account = jiaogong_store::platform::accounts::create_user(
        &mut tx,
        &jiaogong_store::platform::accounts::NewUser {
            school_id: Some(&t.school_a),
            district_id: None,
            username: "a2",
            display_name: "教师2",
            password_hash: "unused",
            role: jiaogong_domain::platform::roles::Role::Member,
            member_id: Some(&voters[1]),
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let a2 = jiaogong_store::platform::accounts::create_session(&t.store, &a2_account).await.unwrap();
    let r = t
        .send(t.req(
            "POST",
            &format!("/api/v1/polls/{id}/ballots"),
            Some(&a2),
            Body::from(r#"{"choice":"no"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // Pass 1 by the organisation committee member.
    for (sheet, marks) in [("S-0001", "choice=yes"), ("s-2", "choice=no"), ("S-0003", "spoiled=1")] {
        let r = t.send(form(&t, &format!("{base}/1"), &org, &format!("sheet={sheet}&{marks}"))).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    // The same person cannot enter the second pass, nor someone else the first.
    let r = t.send(form(&t, &format!("{base}/2"), &org, "sheet=S-0001&choice=yes")).await;
    assert!(common::body_text(r).await.contains("两遍必须由两个人分别录入"));
    let r = t.send(form(&t, &format!("{base}/1"), &chair, "sheet=S-0001&choice=yes")).await;
    assert!(common::body_text(r).await.contains("两遍必须由两个人分别录入"));
    // A bad sheet number or a bad choice is refused with a reason.
    let r = t.send(form(&t, &format!("{base}/2"), &chair, "sheet=abc&choice=yes")).await;
    assert!(common::body_text(r).await.contains("不是有效的选票编号"));
    let r = t.send(form(&t, &format!("{base}/2"), &chair, "sheet=S-0001&choice=maybe")).await;
    assert!(common::body_text(r).await.contains("无法录入"));
    // Pass 2 by the chair, with one mistake and one sheet missing.
    for (sheet, marks) in [("S-0001", "choice=yes"), ("S-0002", "choice=yes")] {
        let r = t.send(form(&t, &format!("{base}/2"), &chair, &format!("sheet={sheet}&{marks}"))).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (_, text) = page(&t, &base, &chair).await;
    assert!(text.contains("S-0002") && text.contains("两遍录入的内容不同"), "{text}");
    assert!(text.contains("S-0003") && text.contains("仅第一遍录入了这张"));
    // The chair does not see the other counter's marks: only the own pass is listed.
    assert!(!text.contains("废票</td>"));
    let (s, v) = api(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["error"]["code"], "paper_disagree");
    // Corrections make the passes agree; then the vote closes.
    for (sheet, marks) in [("S-0002", "choice=no"), ("S-0003", "spoiled=1")] {
        t.send(form(&t, &format!("{base}/2"), &chair, &format!("sheet={sheet}&{marks}"))).await;
    }
    let (_, text) = page(&t, &base, &chair).await;
    assert!(text.contains("两遍录入一致，共 3 张"), "{text}");
    assert_eq!(api(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", None).await.0, StatusCode::OK);
    let r = t.send(form(&t, &format!("{base}/1"), &org, "sheet=S-0004&choice=yes")).await;
    assert!(common::body_text(r).await.contains("不能再录入"));

    let (_, b) = api(&t, "GET", &format!("/api/v1/polls/{id}/bulletin"), "chair", None).await;
    let ballots = b["ballots"].as_array().unwrap();
    assert_eq!(ballots.len(), 4);
    let paper: Vec<&str> =
        ballots.iter().filter(|x| x["paper"] == true).map(|x| x["tracker"].as_str().unwrap()).collect();
    assert_eq!(paper.len(), 3);
    assert!(paper.contains(&"S-0001") && paper.contains(&"S-0003"));
    // Issued: one online voter and three paper sheets.
    assert_eq!(b["poll"]["ballots_issued"], 4);
    let result = jiaogong_domain::congress::ballots::tally_json(&b.to_string()).unwrap();
    assert_eq!(
        (result["yes"].as_i64(), result["no"].as_i64(), result["invalid"].as_i64()),
        (Some(2), Some(1), Some(1))
    );
    // The audit log names sheets, never marks.
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 200).await.unwrap();
    let paper: Vec<_> = entries.iter().filter(|e| e.action == "poll.paper.enter").collect();
    assert!(paper.len() >= 7);
    assert!(paper.iter().all(|e| !e.detail.contains("yes") && !e.detail.contains("no")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_result_sheet_prints_with_scrutineers_and_counters_only_after_close() {
    let t = common::app().await;
    let voters = staff(&t, 2).await;
    let id = create(
        &t,
        json!({"title": "选举工会委员", "kind": "election", "seats": 1, "candidates": ["张三", "李四"]}),
        &voters,
    )
    .await;
    let chair = t.as_role("chair").clone();
    let r = t
        .send(form(
            &t,
            &format!("/s/a/polls/{id}/officials"),
            &chair,
            &format!("scrutineers={}&counters={}", enc("王监、赵监"), enc("钱计，孙计")),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, _) = page(&t, &format!("/s/a/polls/{id}/sheet"), &chair).await;
    assert_eq!(s, StatusCode::CONFLICT);
    api(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", None).await;
    api(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", Some(json!({"marks": {"张三": "yes"}}))).await;
    api(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", None).await;
    let (s, text) = page(&t, &format!("/s/a/polls/{id}/sheet"), &chair).await;
    assert_eq!(s, StatusCode::OK);
    assert!(text.contains("计票结果报告单") && text.contains("王监、赵监") && text.contains("钱计、孙计"), "{text}");
    assert!(text.contains("张三"));
    // Another school's chair cannot see it; a member cannot name officials.
    let (s, _) = page(&t, &format!("/s/a/polls/{id}/sheet"), &t.chair_b).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r =
        t.send(form(&t, &format!("/s/a/polls/{id}/officials"), t.as_role("member"), "scrutineers=x&counters=y")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tie_at_the_last_seat_gets_a_runoff_among_the_tied_with_the_same_voters() {
    let t = common::app().await;
    let voters = staff(&t, 3).await;
    let id = create(
        &t,
        json!({"title": "选举主席", "kind": "election", "seats": 1, "candidates": ["张三", "李四", "王五"], "rules": {"threshold": "0/1", "base": "valid"}}),
        &voters,
    )
    .await;
    api(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", None).await;
    // Two paper ballots and one online: 张三 1, 李四 1, 王五 0 → tie for the one seat.
    api(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", Some(json!({"marks": {"张三": "yes"}}))).await;
    let chair = t.as_role("chair").clone();
    let org = t.as_role("org_committee").clone();
    t.send(form(&t, &format!("/s/a/polls/{id}/paper/issue"), &chair, "employee_nos=A2")).await;
    for who in [&org, &chair] {
        let pass = if std::ptr::eq(who, &org) { 1 } else { 2 };
        t.send(form(&t, &format!("/s/a/polls/{id}/paper/{pass}"), who, "sheet=1&mark_1=yes")).await;
    }
    assert_eq!(api(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", None).await.0, StatusCode::OK);
    let (_, text) = page(&t, &format!("/s/a/polls/{id}"), &chair).await;
    assert!(text.contains("create-runoff"), "the runoff is offered");
    let r = t.send(form(&t, &format!("/s/a/polls/{id}/runoff"), &chair, "")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let next = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    assert_ne!(next, id);
    let p = jiaogong_store::congress::polls::get(&t.store, &t.school_a, &next).await.unwrap();
    let def: Value = serde_json::from_str(&p.definition).unwrap();
    assert_eq!(def["candidates"], json!(["张三", "李四"]));
    assert_eq!((def["seats"].as_i64(), def["allow_write_in"].as_bool()), (Some(1), Some(false)));
    assert!(p.title.contains("第 2 轮"), "{}", p.title);
    assert_eq!(jiaogong_store::congress::polls::turnout(&t.store, &next).await.unwrap().0, 3);
    // Asking again leads to the same runoff, not a second one.
    let r = t.send(form(&t, &format!("/s/a/polls/{id}/runoff"), &chair, "")).await;
    assert!(r.headers()["location"].to_str().unwrap().ends_with(&next));
    let (_, text) = page(&t, &format!("/s/a/polls/{next}"), &chair).await;
    assert!(text.contains("previous-round"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passed_resolution_is_tracked_until_implemented_and_never_backwards() {
    let t = common::app().await;
    let voters = staff(&t, 1).await;
    let passed = create(&t, json!({"title": "通过的决议", "kind": "resolution"}), &voters).await;
    let failed = create(&t, json!({"title": "未通过的决议", "kind": "resolution"}), &voters).await;
    for (id, choice) in [(&passed, "yes"), (&failed, "no")] {
        api(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", None).await;
        api(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", Some(json!({"choice": choice}))).await;
        api(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", None).await;
    }
    let chair = t.as_role("chair").clone();
    let url = format!("/s/a/polls/{passed}/progress");
    let r = t
        .send(form(
            &t,
            &url,
            &chair,
            &format!("status=in_progress&note={}&recorded_on=2026-12-01", enc("已成立工作小组")),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = t.send(form(&t, &url, &chair, "status=not_started&note=x")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = t.send(form(&t, &url, &chair, "status=in_progress&note=")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r =
        t.send(form(&t, &url, &chair, &format!("status=done&note={}&recorded_on=2027-01-10", enc("方案已实施")))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = t.send(form(&t, &url, &chair, "status=done&note=again")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = t.send(form(&t, &format!("/s/a/polls/{failed}/progress"), &chair, "status=in_progress&note=x")).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let (_, text) = page(&t, &format!("/s/a/polls/{passed}"), &chair).await;
    assert!(text.contains("已成立工作小组") && text.contains("方案已实施") && text.contains("已落实"));
    assert!(!text.contains("save-progress"), "tracking is over once implemented");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_read_the_agenda_documents_and_the_previous_sessions_resolutions() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let mut ids = Vec::new();
    for (n, date) in [(1, "2025-11-20"), (2, "2026-12-20")] {
        let body = format!("term=5&number={n}&title={}&held_on={date}", enc(&format!("第五届第{n}次会议")));
        let r = t.send(form(&t, "/s/a/congress", &chair, &body)).await;
        ids.push(r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string());
    }
    let items = format!("/s/a/congress/{}/items", ids[0]);
    for body in [
        format!("kind=agenda&title={}", enc("审议校长工作报告")),
        format!("kind=document&title={}&body={}", enc("学校工作报告"), enc("一年来，学校……\n第二段")),
        format!("kind=attendee&title={}&body={}", enc("老周"), enc("退休教师")),
    ] {
        assert_eq!(t.send(form(&t, &items, &chair, &body)).await.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        t.send(form(&t, &items, &chair, "kind=secret&title=x")).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(t.send(form(&t, &items, &chair, "kind=agenda&title=")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        t.send(form(&t, &items, t.as_role("member"), "kind=agenda&title=x")).await.status(),
        StatusCode::FORBIDDEN
    );
    // A resolution of the first session, passed and in progress.
    let voters = vec![t.member_a.clone()];
    let poll = create(&t, json!({"title": "关于食堂改造的决议", "kind": "resolution"}), &voters).await;
    api(&t, "POST", &format!("/api/v1/polls/{poll}/open"), "chair", None).await;
    api(&t, "POST", &format!("/api/v1/polls/{poll}/ballots"), "member", Some(json!({"choice": "yes"}))).await;
    api(&t, "POST", &format!("/api/v1/polls/{poll}/close"), "chair", None).await;
    // Filed under the session afterwards (a session vote needs a quorum of delegates to open).
    let mut tx = t.store.begin().await.unwrap();
    jiaogong_store::congress::polls::set_session(&mut tx, &poll, &ids[0]).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    t.send(form(
        &t,
        &format!("/s/a/polls/{poll}/progress"),
        &chair,
        &format!("status=in_progress&note={}", enc("已完成设计")),
    ))
    .await;

    let member = t.as_role("member").clone();
    let (s, text) = page(&t, &format!("/s/a/sessions/{}", ids[0]), &member).await;
    assert_eq!(s, StatusCode::OK);
    assert!(text.contains("审议校长工作报告") && text.contains("学校工作报告") && text.contains("老周（退休教师）"));
    assert!(text.contains("关于食堂改造的决议") && text.contains("通过"));
    let (_, text) = page(&t, &format!("/s/a/sessions/{}", ids[1]), &member).await;
    assert!(
        text.contains("上次会议决议落实情况") && text.contains("关于食堂改造的决议") && text.contains("已完成设计"),
        "{text}"
    );
    let (_, text) = page(&t, "/s/a/sessions", &member).await;
    assert!(text.contains("第五届第1次会议") && text.contains("第五届第2次会议"));
    let (s, _) = page(&t, &format!("/s/a/sessions/{}", ids[0]), &t.chair_b).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = page(&t, "/s/b/sessions/nope", &t.chair_b).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_phone_an_unmarked_candidate_is_an_abstention_and_against_is_explicit() {
    let t = common::app().await;
    let voters = staff(&t, 1).await;
    let id = create(
        &t,
        json!({"title": "委员选举", "kind": "election", "seats": 1, "candidates": ["甲", "乙", "丙"]}),
        &voters,
    )
    .await;
    api(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", None).await;
    let (_, page) = page(&t, &format!("/polls/{id}"), t.as_role("member")).await;
    assert!(page.contains("name=\"mark_2\" value=\"\" checked"), "abstain is the default");
    // 甲 for, 乙 against, 丙 left alone.
    let r = t.send(form(&t, &format!("/polls/{id}/vote"), t.as_role("member"), "mark_0=yes&mark_1=no&mark_2=")).await;
    assert_eq!(r.status(), StatusCode::OK);
    api(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", None).await;
    let (_, result) = api(&t, "GET", &format!("/api/v1/polls/{id}/result"), "chair", None).await;
    let row = |name: &str| result["tally"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap().clone();
    assert_eq!(
        (row("甲")["yes"].as_i64(), row("乙")["no"].as_i64(), row("丙")["abstain"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(row("丙")["no"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evaluation_bulletin_goes_to_the_committee_and_auditors_only() {
    let t = common::app().await;
    let voters = staff(&t, 1).await;
    let poll = json!({"title": "测评", "kind": "evaluation", "subjects": ["王校长"],
        "grades": [{"name": "优秀", "points": 100}, {"name": "称职", "points": 80}]});
    let id = create(&t, poll, &voters).await;
    api(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", None).await;
    api(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", Some(json!({"grades": {"王校长": "优秀"}})))
        .await;
    assert_eq!(api(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", None).await.0, StatusCode::OK);
    let (s, v) = api(&t, "GET", &format!("/api/v1/polls/{id}/bulletin"), "member", None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("bulletin_restricted")));
    for who in ["chair", "auditor"] {
        let (s, v) = api(&t, "GET", &format!("/api/v1/polls/{id}/bulletin"), who, None).await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert_eq!(v["ballots"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_competitive_election_needs_more_candidates_than_seats_unless_uncontested() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let names = |n: usize| enc(&(1..=n).map(|i| format!("候选{i}")).collect::<Vec<_>>().join("、"));
    let body = |n: usize, extra: &str| {
        format!("title={}&kind=election&purpose=union_election&seats=7&candidates={}{extra}", enc("委员选举"), names(n))
    };
    let r = t.send(form(&t, "/s/a/polls", &chair, &body(7, ""))).await;
    let text = common::body_text(r).await;
    assert!(text.contains("至少需要 8 名候选人"), "{text}");
    assert_eq!(jiaogong_store::congress::polls::list(&t.store, &t.school_a).await.unwrap().len(), 0, "nothing written");
    assert_eq!(t.send(form(&t, "/s/a/polls", &chair, &body(8, ""))).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        t.send(form(&t, "/s/a/polls", &chair, &body(7, "&uncontested=1"))).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claiming_a_counting_pass_is_audited_and_so_is_a_refused_claim_never_the_marks() {
    let t = common::app().await;
    let voters = staff(&t, 3).await;
    let id = create(&t, json!({"title": "表决方案", "kind": "resolution"}), &voters).await;
    assert_eq!(api(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", None).await.0, StatusCode::OK);
    let base = format!("/s/a/polls/{id}/paper");
    let chair = t.as_role("chair").clone();
    let org = t.as_role("org_committee").clone();
    t.send(form(&t, &format!("{base}/issue"), &chair, "employee_nos=A2+A3")).await;
    // org takes pass 1 (audited once, however many sheets), then is refused pass 2.
    for sheet in ["S-0001", "S-0002"] {
        let r = t.send(form(&t, &format!("{base}/1"), &org, &format!("sheet={sheet}&choice=yes"))).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let r = t.send(form(&t, &format!("{base}/2"), &org, "sheet=S-0001&choice=no")).await;
    assert!(common::body_text(r).await.contains("两遍必须由两个人分别录入"));
    let r = t.send(form(&t, &format!("{base}/2"), &chair, "sheet=S-0001&choice=yes")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 200).await.unwrap();
    let of = |action: &str| -> Vec<(String, String, String)> {
        entries
            .iter()
            .filter(|e| e.action == action)
            .map(|e| (e.actor.clone(), e.target.clone(), e.detail.clone()))
            .collect()
    };
    let mut claims = of("poll.paper.pass.claim");
    claims.sort();
    assert_eq!(
        claims,
        [
            ("u-chair".to_string(), id.clone(), "2".to_string()),
            ("u-org_committee".to_string(), id.clone(), "1".to_string())
        ]
    );
    assert_eq!(of("poll.paper.pass.refused"), [("u-org_committee".to_string(), id.clone(), "2".to_string())]);
    assert!(entries
        .iter()
        .filter(|e| e.action.starts_with("poll.paper"))
        .all(|e| !e.detail.contains("yes") && !e.detail.contains("no")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrutineer_or_counter_cannot_be_a_candidate_of_the_same_poll_on_either_path() {
    let t = common::app().await;
    let voters = staff(&t, 2).await;
    let chair = t.as_role("chair").clone();
    let id = create(
        &t,
        json!({"title": "选举工会委员", "kind": "election", "seats": 1, "candidates": ["张三", "李四"]}),
        &voters,
    )
    .await;
    let officials = |body: String| {
        let t = &t;
        let chair = chair.clone();
        let id = id.clone();
        async move { t.send(form(t, &format!("/s/a/polls/{id}/officials"), &chair, &body)).await }
    };
    // Naming a candidate as scrutineer, or (with a full-width space) as counter, is refused.
    for body in [
        format!("scrutineers={}&counters={}", enc("王监、李四"), enc("钱计")),
        format!("scrutineers={}&counters={}", enc("王监"), enc("　张三")),
    ] {
        let r = officials(body).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = common::body_text(r).await;
        assert!(text.contains("监票人、计票人不能是本次投票的候选人"), "{text}");
    }
    assert!(jiaogong_store::congress::paper::officials(&t.store, &id).await.unwrap().is_empty(), "nothing written");
    assert_eq!(
        officials(format!("scrutineers={}&counters={}", enc("王监"), enc("钱计"))).await.status(),
        StatusCode::SEE_OTHER
    );

    // Adding a candidate who is named scrutineer: on the form and through the API.
    let polls_before = jiaogong_store::congress::polls::list(&t.store, &t.school_a).await.unwrap().len();
    let body = format!(
        "title={}&kind=election&purpose=union_election&seats=1&candidates={}&scrutineers={}&counters=&quorum=2%2F3&threshold=1%2F2&base=electorate",
        enc("工会主席"),
        enc("张三、王五、赵六"),
        enc("王五")
    );
    let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = common::body_text(r).await;
    assert!(text.contains("王五 是本次选举的候选人，不能同时担任监票人或计票人"), "{text}");
    assert!(text.contains("value=\"王五\""), "what was typed is kept");
    let poll = json!({"title": "工会主席", "kind": "election", "seats": 1, "candidates": ["张三", "王五"]});
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/polls",
        "chair",
        Some(json!({"poll": poll, "counters": ["王五"], "uncontested": true})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "official_is_candidate", "{v}");
    assert_eq!(
        jiaogong_store::congress::polls::list(&t.store, &t.school_a).await.unwrap().len(),
        polls_before,
        "nothing written"
    );
    // Officials who do not stand are kept with the poll.
    let poll = json!({"title": "工会主席", "kind": "election", "seats": 1, "candidates": ["张三"]});
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/schools/a/polls",
        "chair",
        Some(json!({"poll": poll, "scrutineers": ["王五"], "uncontested": true})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let named = jiaogong_store::congress::paper::officials(&t.store, v["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(named, vec![("scrutineer".to_string(), "王五".to_string())]);
}

/// A multipart upload of one file to `uri` by `who`, with the CSRF token.
async fn upload(
    t: &common::TestApp,
    uri: &str,
    who: &(String, String),
    name: &str,
    bytes: &[u8],
) -> (StatusCode, String) {
    let boundary = "JgBoundary";
    let (token, csrf) = who.clone();
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", format!("jg_session={token}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let r = t.send(req).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_attachment_is_checked_by_content_audited_and_downloaded_by_its_voters_only() {
    let t = common::app().await;
    let voters = staff(&t, 2).await;
    let id = create(&t, json!({"title": "绩效方案表决", "kind": "resolution"}), &voters).await;
    let chair = t.as_role("chair").clone();
    let uri = format!("/s/a/polls/{id}/attachments");
    // An HTML page named .pdf is refused, with what to do.
    let (s, text) = upload(&t, &uri, &chair, "方案.pdf", b"<html><script>alert(1)</script>").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("只能上传 PDF"), "{text}");
    // A member cannot attach.
    let (s, _) = upload(&t, &uri, t.as_role("member"), "a.pdf", b"%PDF-1.4 x").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = upload(&t, &uri, &chair, "绩效方案.pdf", b"%PDF-1.4 the draft").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let files = jiaogong_store::congress::polls::attachments(&t.store, &id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!((files[0].file_name.as_str(), files[0].content_type.as_str()), ("绩效方案.pdf", "application/pdf"));
    let audit = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "poll.attachment" && e.target == id && e.detail.contains("绩效方案.pdf")));
    // The vote page lists it and a member of the school downloads it.
    let (_, page) = page(&t, &format!("/polls/{id}"), t.as_role("member")).await;
    let link = format!("/polls/{id}/attachments/{}", files[0].id);
    assert!(page.contains(&link) && page.contains("绩效方案.pdf"), "{page}");
    let r = t.send(t.req("GET", &link, Some(t.as_role("member")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(common::body_text(r).await, "%PDF-1.4 the draft");
    // Another school sees nothing.
    let r = t.send(t.req("GET", &link, Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
