//! The poll API end to end: create, open, vote once, results hidden until close, and a bulletin
//! that recounts to the same result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn call(t: &common::TestApp, method: &str, uri: &str, who: &str, body: Value) -> (StatusCode, Value) {
    let r =
        t.send(t.req(method, uri, Some(t.as_role(who)), Body::from(body.to_string()), Some("application/json"))).await;
    let status = r.status();
    let text = common::body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolution_from_draft_to_bulletin() {
    let t = common::app().await;
    let poll = json!({"poll": {"title": "关于方案的表决", "kind": "resolution", "rules": {"quorum": "1/2", "threshold": "1/2", "base": "valid"}}, "voters": [t.member_a]});
    let (s, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", poll).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["electorate"], 1);
    // Not open yet.
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("poll_not_open")));
    // Members cannot open it.
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "member", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    // A ballot that does not fit the poll is refused with a clear message.
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "maybe"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) =
        call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes", "spoiled": true}))
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let tracker = v["tracker"].as_str().unwrap().to_string();
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "no"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("already_voted")));
    // The chair (no member record) is not in the electorate.
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "chair", json!({"choice": "no"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, v) = call(&t, "GET", &format!("/api/v1/polls/{id}/turnout"), "chair", json!({})).await;
    assert_eq!((v["electorate"].as_i64(), v["voted"].as_i64()), (Some(1), Some(1)));
    assert_eq!(v["not_voted"], json!([]));
    let (_, v) = call(&t, "GET", &format!("/api/v1/polls/{id}/turnout"), "member", json!({})).await;
    assert!(v.get("not_voted").is_none(), "members do not see who has not voted");
    let (s, v) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "chair", json!({})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("results_hidden")));
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, result) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "member", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (result["yes"].as_i64(), result["passed"].as_bool(), result["void_reason"].clone()),
        (Some(1), Some(true), Value::Null)
    );
    let (_, bulletin) = call(&t, "GET", &format!("/api/v1/polls/{id}/bulletin"), "member", json!({})).await;
    assert_eq!(bulletin["ballots"][0]["tracker"], tracker.as_str());
    assert!(!bulletin.to_string().contains(&t.member_a), "no voter in the bulletin");
    // Anyone recounts the bulletin to the same result.
    let recount = jiaogong_domain::congress::ballots::tally_json(&bulletin.to_string()).unwrap();
    assert_eq!(recount, result);
    // Another school's chair sees nothing.
    let r = t.send(t.req("GET", &format!("/api/v1/polls/{id}/result"), Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn election_with_write_in_through_the_vote_page() {
    let t = common::app().await;
    let poll = json!({"poll": {"title": "工会委员选举", "kind": "election", "seats": 1, "candidates": ["甲", "乙"], "allow_write_in": true}, "voters": [t.member_a]});
    let (_, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", poll).await;
    let id = v["id"].as_str().unwrap().to_string();
    call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    // Over-voting (two approvals for one seat) is refused before it is stored.
    let r = t
        .send(t.req(
            "POST",
            &format!("/polls/{id}/vote"),
            Some(t.as_role("member")),
            Body::from("yes=%E7%94%B2&yes=%E4%B9%99"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .send(t.req(
            "POST",
            &format!("/polls/{id}/vote"),
            Some(t.as_role("member")),
            Body::from("write_in=%E4%B8%99"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = common::body_text(r).await;
    assert!(page.contains("id=\"tracker\""), "the receipt is shown");
    call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
    let (_, result) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "chair", json!({})).await;
    assert_eq!(result["elected"], json!(["丙"]), "{result}");
}

fn form(t: &common::TestApp, uri: &str, who: &(String, String), body: &str) -> axum::http::Request<Body> {
    t.req("POST", uri, Some(who), Body::from(body.to_string()), Some("application/x-www-form-urlencoded"))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Five more members in school A, each signed in; with A1 the school has six active members.
async fn voters(t: &common::TestApp) -> Vec<(String, String)> {
    use jiaogong_domain::members::{validate_member, Field, RawMember};
    let mut ids = Vec::new();
    let mut tx = t.store.begin().await.unwrap();
    for i in 2..=6 {
        let m = validate_member(
            &RawMember::new().with(Field::Name, format!("代表{i}")).with(Field::EmployeeNo, format!("A{i}")),
        )
        .unwrap();
        ids.push(jiaogong_store::members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap());
    }
    jiaogong_store::commit(tx).await.unwrap();
    let mut sessions = vec![t.as_role("member").clone()];
    for (i, id) in ids.iter().enumerate() {
        let s = common::user(
            &t.store,
            Some(&t.school_a),
            None,
            &format!("voter{i}"),
            jiaogong_domain::platform::roles::Role::Member,
            Some(id),
        )
        .await;
        sessions.push(s);
    }
    sessions
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_created_on_the_form_passes_only_above_two_thirds_of_the_electorate() {
    let t = common::app().await;
    let people = voters(&t).await;
    let chair = t.as_role("chair").clone();
    // The form starts from the 教代会决议 preset: a two-thirds quorum, more than half of all.
    let r = t.send(t.req("GET", "/s/a/polls", Some(&chair), Body::empty(), None)).await;
    let page = common::body_text(r).await;
    for default in [
        "name=\"quorum\" value=\"2/3\" checked",
        "name=\"threshold\" value=\"1/2\" checked",
        "name=\"base\" value=\"electorate\" checked",
    ] {
        assert!(page.contains(default), "{default} preselected");
    }
    assert!(!page.contains("name=\"base\" value=\"valid\" checked"));

    // 修改章程: more than two thirds of all six members, two thirds present. 4 yes is exactly
    // two thirds of the electorate (not passed); 5 yes passes.
    for (yes, passed) in [(4usize, false), (5, true)] {
        let body = format!(
            "title={}&kind=resolution&purpose=congress_resolution&group=&quorum=2%2F3&threshold=2%2F3&base=electorate",
            enc("修改章程")
        );
        let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
        let stored = jiaogong_store::congress::polls::get(&t.store, &t.school_a, &id).await.unwrap();
        let def: Value = serde_json::from_str(&stored.definition).unwrap();
        assert_eq!(def["rules"], json!({"quorum": "2/3", "threshold": "2/3", "base": "electorate"}));
        assert_eq!(def["electorate"], 6);
        // The chair sees the rules in plain words.
        let r = t.send(t.req("GET", &format!("/s/a/polls/{id}"), Some(&chair), Body::empty(), None)).await;
        let page = common::body_text(r).await;
        assert!(page.contains("赞成票须多于全体应到人数的三分之二方为通过"), "{page}");
        assert!(page.contains("实到人数须不少于应到人数的三分之二"));
        call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
        for who in &people[..yes] {
            let r = t
                .send(t.req(
                    "POST",
                    &format!("/api/v1/polls/{id}/ballots"),
                    Some(who),
                    Body::from(json!({"choice": "yes"}).to_string()),
                    Some("application/json"),
                ))
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
        }
        call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
        let (_, result) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "chair", json!({})).await;
        assert_eq!(result["void_reason"], Value::Null, "quorum: {yes} of 6 present");
        assert_eq!((result["yes"].as_u64(), result["base"].as_u64()), (Some(yes as u64), Some(6)));
        assert_eq!(result["passed"].as_bool(), Some(passed), "{yes} yes of 6: {result}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poll_form_refuses_rules_it_does_not_offer_and_keeps_what_was_typed() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    for (fields, message) in [
        ("quorum=3%2F4&threshold=1%2F2&base=valid", "到会人数要求只能选"),
        ("quorum=&threshold=1%2F3&base=valid", "通过比例只能选"),
        ("quorum=&threshold=1%2F2&base=everyone", "计算基数只能选"),
    ] {
        let body = format!("title={}&kind=resolution&purpose=consultation&{fields}", enc("关于食堂的表决"));
        let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = common::body_text(r).await;
        assert!(page.contains(message), "{message}: {page}");
        assert!(page.contains("value=\"关于食堂的表决\""), "the title is kept");
    }
    assert!(jiaogong_store::congress::polls::list(&t.store, &t.school_a).await.unwrap().is_empty(), "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ballot_holds_at_most_seats_write_ins_of_reasonable_length_and_a_crafted_one_is_refused_at_once() {
    let t = common::app().await;
    let poll = json!({"poll": {"title": "工会委员选举", "kind": "election", "seats": 2, "candidates": ["甲", "乙", "丙"], "allow_write_in": true}, "voters": [t.member_a]});
    let (_, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", poll).await;
    let id = v["id"].as_str().unwrap().to_string();
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let uri = format!("/api/v1/polls/{id}/ballots");
    // The crafted ballot of finding 13: 120,000 write-ins (about 1.3 MB).
    let crafted: Vec<String> = (0..120_000).map(|i| format!("人{i}")).collect();
    // Refused by its size before it is read as a ballot (the body limit answers, not the parser).
    let (s, v) = call(&t, "POST", &uri, "member", json!({"marks": {}, "write_ins": crafted})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("ballot_too_large")), "{v}");
    // Under the body limit, more write-ins than seats are refused before the ballot is read.
    let three = json!({"marks": {}, "write_ins": ["丁", "戊", "己"]});
    let (s, v) = call(&t, "POST", &uri, "member", three).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("too_many_write_ins")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains('2'), "{v}");
    let long = json!({"marks": {}, "write_ins": ["长".repeat(31)]});
    let (s, v) = call(&t, "POST", &uri, "member", long).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_write_in")), "{v}");
    let (s, v) = call(&t, "POST", &uri, "member", json!({"marks": {"甲": "yes"}, "write_ins": ["丁"]})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_ballot_is_shown_again_as_filled_and_a_receipt_is_checked_against_the_bulletin() {
    let t = common::app().await;
    let poll = json!({"poll": {"title": "工会委员选举", "kind": "election", "seats": 1, "candidates": ["甲", "乙"], "allow_write_in": true}, "voters": [t.member_a]});
    let (_, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", poll).await;
    let id = v["id"].as_str().unwrap().to_string();
    call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    let member = t.as_role("member").clone();
    let r = t.send(form(&t, &format!("/polls/{id}/vote"), &member, "mark_0=yes&mark_1=yes&write_in=%E4%B8%99")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = common::body_text(r).await;
    assert!(page.contains("最多只能同意 1 人"), "{page}");
    for mark in ["mark_0", "mark_1"] {
        assert!(page.contains(&format!(r#"name="{mark}" value="yes" checked"#)), "{mark} kept: {page}");
    }
    assert!(page.contains(r#"value="丙""#), "the write-in is kept");
    // Before the close a receipt cannot be checked yet.
    let r = t.send(t.req("GET", &format!("/polls/{id}/receipt?code=x"), Some(&member), Body::empty(), None)).await;
    assert!(common::body_text(r).await.contains("投票结束"));
    let r = t.send(form(&t, &format!("/polls/{id}/vote"), &member, "mark_0=yes")).await;
    let page = common::body_text(r).await;
    let tracker = page.split("id=\"tracker\"").nth(1).unwrap().split('>').nth(1).unwrap().split('<').next().unwrap();
    assert_eq!(tracker.len(), 32, "{tracker}");
    call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
    let r =
        t.send(t.req("GET", &format!("/polls/{id}/receipt?code={tracker}"), Some(&member), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = common::body_text(r).await;
    assert!(page.contains("您的选票已计入") && page.contains("id=\"receipt-words\">甲<"), "{page}");
    let r = t.send(t.req("GET", &format!("/polls/{id}/receipt?code=0000"), Some(&member), Body::empty(), None)).await;
    assert!(common::body_text(r).await.contains("没有这个回执码"));
    // Another school's chair cannot reach the poll.
    let r = t
        .send(t.req("GET", &format!("/polls/{id}/receipt?code={tracker}"), Some(&t.chair_b), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn union_election_preset_elects_nobody_with_one_vote_and_the_result_sheet_states_the_rules() {
    let t = common::app().await;
    let people = voters(&t).await;
    let chair = t.as_role("chair").clone();
    // A purpose that does not fit the kind is refused, with what to change.
    let body = format!(
        "title={}&kind=resolution&purpose=union_election&quorum=2%2F3&threshold=1%2F2&base=electorate",
        enc("小组长")
    );
    let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("工会选举须选“选举”"));
    // No purpose: refused, nothing written.
    let body = format!("title={}&kind=election&seats=1&candidates={}&uncontested=1", enc("小组长"), enc("甲"));
    let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
    assert!(common::body_text(r).await.contains("请选择投票用途"));
    assert!(jiaogong_store::congress::polls::list(&t.store, &t.school_a).await.unwrap().is_empty());

    // The 工会选举 preset as the form sends it: one vote of six entitled.
    let body = format!(
        "title={}&kind=election&purpose=union_election&seats=1&candidates={}&uncontested=1&quorum=2%2F3&threshold=1%2F2&base=electorate",
        enc("工会小组长"),
        enc("甲")
    );
    let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    let r = t
        .send(t.req(
            "POST",
            &format!("/api/v1/polls/{id}/ballots"),
            Some(&people[0]),
            Body::from(json!({"marks": {"甲": "yes"}}).to_string()),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
    let (_, result) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "chair", json!({})).await;
    assert_eq!(result["void_reason"], "no_quorum", "{result}");
    assert_eq!(result["elected"], json!([]));
    // The printed result sheet states the purpose and the rules in words.
    let r = t.send(t.req("GET", &format!("/s/a/polls/{id}/sheet"), Some(&chair), Body::empty(), None)).await;
    let sheet = common::body_text(r).await;
    assert!(sheet.contains("用途：工会选举"), "{sheet}");
    assert!(sheet.contains("实到人数须不少于应到人数的三分之二"), "{sheet}");
    assert!(sheet.contains("候选人的赞成票须多于全体应到人数的二分之一方可当选"), "{sheet}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consultation_reports_the_counts_and_decides_nothing() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let body =
        format!("title={}&kind=resolution&purpose=consultation&quorum=&threshold=1%2F2&base=valid", enc("食堂意见"));
    let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes"})).await;
    call(&t, "POST", &format!("/api/v1/polls/{id}/close"), "chair", json!({})).await;
    let r = t.send(t.req("GET", &format!("/s/a/polls/{id}"), Some(&chair), Body::empty(), None)).await;
    let page = common::body_text(r).await;
    assert!(page.contains("意见征集只统计票数，不作通过或当选的决定"), "{page}");
    assert!(!page.contains("通过</dd>") && !page.contains(">通过<"), "no passed/failed verdict: {page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_poll_with_a_purpose_and_no_rules_takes_the_purposes_rules() {
    let t = common::app().await;
    let poll = json!({"title": "工会小组长", "kind": "election", "seats": 1, "candidates": ["甲"]});
    let body = json!({"poll": poll, "purpose": "union_election", "uncontested": true});
    let (s, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let stored = jiaogong_store::congress::polls::get(&t.store, &t.school_a, v["id"].as_str().unwrap()).await.unwrap();
    let def: Value = serde_json::from_str(&stored.definition).unwrap();
    assert_eq!(def["rules"], json!({"quorum": "2/3", "threshold": "1/2", "base": "electorate"}));
    let d = jiaogong_store::congress::polls::details(&t.store, &stored.id).await.unwrap();
    assert_eq!(d.purpose.as_deref(), Some("union_election"));
    for (purpose, kind) in [("union_election", "resolution"), ("congress_resolution", "election"), ("vote", "election")]
    {
        let body = json!({"poll": {"title": "x", "kind": kind, "seats": 1, "candidates": ["甲"]}, "purpose": purpose, "uncontested": true});
        let (s, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{purpose} {kind}: {v}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_with_a_closing_time_shows_it_and_closes_once_when_due() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let base = "kind=resolution&purpose=congress_resolution&quorum=2%2F3&threshold=1%2F2&base=electorate";
    // A closing time that is not a time, or already past, is refused with how to fix it.
    for (closes, message) in [("tomorrow", "截止时间格式不正确"), ("2020-01-01T08:00", "截止时间必须晚于现在")]
    {
        let body = format!("title={}&{base}&closes_at={}", enc("食堂方案"), enc(closes));
        let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(common::body_text(r).await.contains(message), "{closes}");
    }
    let body = format!(
        "title={}&{base}&closes_at={}&description={}",
        enc("食堂方案"),
        enc("2099-06-30T17:30"),
        enc("方案全文见附件。\n<script>alert(1)</script>")
    );
    let r = t.send(form(&t, "/s/a/polls", &chair, &body)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let d = jiaogong_store::congress::polls::details(&t.store, &id).await.unwrap();
    assert_eq!(d.closes_at, Some(4_086_495_000_000), "2099-06-30 17:30 Beijing time");
    let r = t.send(t.req("GET", &format!("/polls/{id}"), Some(t.as_role("member")), Body::empty(), None)).await;
    let page = common::body_text(r).await;
    assert!(page.contains("截止时间：2099年6月30日 周二 17:30（到时自动结束投票）"), "{page}");
    let shown = page.split("id=\"poll-description\">").nth(1).unwrap_or_default();
    assert!(shown.starts_with("方案全文见附件。") && !page.contains("<script>alert"), "{shown}");

    call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    let (s, _) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes"})).await;
    assert_eq!(s, StatusCode::CREATED);
    // Not due: the servers' ticks close nothing.
    let config = || std::sync::Arc::new(jiaogong_web::WebConfig::with_public_url("http://localhost"));
    let one = jiaogong_web::AppState { store: t.store.clone(), config: config() };
    let two = jiaogong_web::AppState { store: t.store.clone(), config: config() };
    assert_eq!(jiaogong_web::close_due_polls(&one).await.unwrap(), 0);
    // The time comes: two servers' ticks at once close it once, with one audit row.
    let mut tx = t.store.begin().await.unwrap();
    let past = jiaogong_store::congress::polls::PollDetails { closes_at: Some(jiaogong_store::now_ms() - 1000), ..d };
    jiaogong_store::congress::polls::set_details(&mut tx, &id, &past).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (a, b) = tokio::join!(jiaogong_web::close_due_polls(&one), jiaogong_web::close_due_polls(&two));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(jiaogong_web::close_due_polls(&one).await.unwrap(), 0);
    let audit = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 200).await.unwrap();
    let closes: Vec<_> = audit.iter().filter(|e| e.action == "poll.closed" && e.target == id).collect();
    assert_eq!(closes.len(), 1);
    assert_eq!(closes[0].actor, "system");
    let (s, result) = call(&t, "GET", &format!("/api/v1/polls/{id}/result"), "member", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{result}");
    assert_eq!(result["yes"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_past_its_closing_time_is_closed_when_its_page_is_read_before_any_tick() {
    let t = common::app().await;
    let body = json!({"poll": {"title": "食堂意见", "kind": "resolution"}, "purpose": "consultation", "closes_at": "2099-01-01T00:00"});
    let (s, v) = call(&t, "POST", "/api/v1/schools/a/polls", "chair", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    call(&t, "POST", &format!("/api/v1/polls/{id}/open"), "chair", json!({})).await;
    let mut tx = t.store.begin().await.unwrap();
    let mut d = jiaogong_store::congress::polls::details(&t.store, &id).await.unwrap();
    d.closes_at = Some(jiaogong_store::now_ms() - 1000);
    jiaogong_store::congress::polls::set_details(&mut tx, &id, &d).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    // A late ballot is refused, and reading the page closes the poll.
    let (s, v) = call(&t, "POST", &format!("/api/v1/polls/{id}/ballots"), "member", json!({"choice": "yes"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("poll_not_open")));
    let r = t.send(t.req("GET", &format!("/polls/{id}"), Some(t.as_role("member")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(jiaogong_store::congress::polls::by_id(&t.store, &id).await.unwrap().status.as_str(), "closed");
    let (s, v) = call(
        &t,
        "POST",
        "/api/v1/schools/a/polls",
        "chair",
        json!({"poll": {"title": "x", "kind": "resolution"}, "closes_at": "2001-01-01T00:00"}),
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_closes_at")));
}
