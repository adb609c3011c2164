//! An award selection end to end through the router: eligibility checked with a Chinese message,
//! group and self nominations, a weighted round voted on the ordinary election page, the
//! principal's review (chair only, reason required), publicity in working days with an objection
//! that blocks the final list until resolved, the honour roll and certificates, and another
//! school kept out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{congress::selections, members};

type Who = (String, String);

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn form(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> axum::http::Request<Body> {
    t.req("POST", uri, Some(who), Body::from(body.to_string()), Some("application/x-www-form-urlencoded"))
}

async fn get(t: &common::TestApp, uri: &str, who: &Who) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn post(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> (StatusCode, String) {
    let r = t.send(form(t, uri, who, body)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

/// A teacher of school A who joined the school on `joined`, with a member account.
async fn teacher(t: &common::TestApp, name: &str, no: &str, joined: &str) -> (String, Who) {
    let input = validate_member(
        &RawMember::new()
            .with(Field::Name, name)
            .with(Field::EmployeeNo, no)
            .with(Field::Post, "教师")
            .with(Field::JoinedSchool, joined),
    )
    .unwrap();
    let mut tx = t.store.begin().await.unwrap();
    let id = members::insert(&mut tx, &t.store.crypto, &t.school_a, &input, None, None).await.unwrap();
    let user = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&t.school_a),
            district_id: None,
            username: no,
            display_name: name,
            password_hash: "unused",
            role: Role::Member,
            member_id: Some(&id),
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    (id, accounts::create_session(&t.store, &user).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selection_from_nomination_to_honour_roll() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let org = t.as_role("org_committee").clone();
    let mut staff = Vec::new();
    for (name, no, joined) in [
        ("张仁爱", "R1", "2010-09-01"),
        ("李敬业", "R2", "2012-09-01"),
        ("王奉献", "R3", "2015-09-01"),
        ("赵新人", "R4", "2025-09-01"),
        ("陈自荐", "R5", "2008-09-01"),
    ] {
        staff.push(teacher(&t, name, no, joined).await);
    }

    // Bad input: nothing created, a Chinese message.
    let (status, page) =
        post(&t, "/s/a/selections", &chair, &format!("title={}&award={}&quota=abc", enc("评选"), enc("仁爱教师")))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("名额应为1到200"));
    assert!(selections::list(&t.store, &t.school_a).await.unwrap().is_empty());
    let r = t
        .send(form(
            &t,
            "/s/a/selections",
            &chair,
            &format!(
                "title={}&award={}&quota=2&min_years=3&publicity_days=5",
                enc("2026年度“仁爱教师”评选"),
                enc("仁爱教师")
            ),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let url = r.headers()["location"].to_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap().to_string();

    // Nominations: by group, eligibility checked, self-nomination by a member.
    for no in ["R1", "R2", "R3"] {
        let (status, _) =
            post(&t, &format!("{url}/nominees"), &chair, &format!("employee_no={no}&source=group&reason=x")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (status, page) = post(&t, &format!("{url}/nominees"), &chair, "employee_no=R4&source=department").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("赵新人：不符合条件：需在本校工作满 3 年"), "eligibility in Chinese");
    let (_, page) = post(&t, &format!("{url}/nominees"), &chair, "employee_no=R1&source=group").await;
    assert!(page.contains("已经是候选人了"));
    let (status, page) = post(&t, &format!("/selections/{id}/nominate"), &staff[4].1, "reason=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请填写自荐理由"));
    let (status, _) =
        post(&t, &format!("/selections/{id}/nominate"), &staff[4].1, &format!("reason={}", enc("三十年坚守讲台")))
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(selections::nominees(&t.store, &id).await.unwrap().len(), 4);
    // Another school cannot see it.
    assert_eq!(get(&t, &format!("/selections/{id}"), &t.chair_b).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&t, &format!("/s/b/selections/{id}"), &t.chair_b).await.0, StatusCode::NOT_FOUND);

    // Voting: one round, two weighted electorates, top 2.
    let (status, page) = post(&t, &format!("{url}/stage"), &chair, "to=review").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("当前环节不能进行这个操作"));
    assert_eq!(post(&t, &format!("{url}/stage"), &chair, "to=voting").await.0, StatusCode::SEE_OTHER);
    let (_, page) = post(&t, &format!("/selections/{id}/nominate"), &staff[3].1, "reason=abcdef").await;
    assert!(page.contains("推荐阶段已经结束"), "nominations closed once voting starts");
    let round = format!(
        "top_n=2&kind=all&label={}&weight=1&kind=teachers&label={}&weight=3&kind=all&label=&weight=1",
        enc("全体教职工"),
        enc("教师")
    );
    assert_eq!(post(&t, &format!("{url}/rounds"), &chair, &round).await.0, StatusCode::SEE_OTHER);
    let polls = selections::round_polls(&t.store, &id).await.unwrap();
    assert_eq!(polls.len(), 2);
    // Teachers vote on the ordinary election page: 张仁爱 and 陈自荐 lead.
    for (i, (_, who)) in staff.iter().enumerate() {
        let second = if i < 4 { "陈自荐" } else { "李敬业" };
        for p in &polls {
            let (status, page) = post(
                &t,
                &format!("/polls/{}/vote", p.poll_id),
                who,
                &format!("yes={}&yes={}", enc("张仁爱"), enc(second)),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{page}");
        }
    }
    let rounds = selections::rounds(&t.store, &id).await.unwrap();
    assert_eq!(post(&t, &format!("{url}/rounds/{}/close", rounds[0].id), &chair, "").await.0, StatusCode::SEE_OTHER);
    let nominees = selections::nominees(&t.store, &id).await.unwrap();
    let running: Vec<&str> = nominees.iter().filter(|n| n.status == "running").map(|n| n.label.as_str()).collect();
    assert_eq!(running.len(), 2);
    assert!(running.contains(&"张仁爱") && running.contains(&"陈自荐"));
    let (_, page) = get(&t, &url, &chair).await;
    assert!(page.contains("加权得票率") && page.contains("100.00%"));
    // How to recount the round from its bulletins: one file per electorate, weights in the listed order.
    assert!(page.contains("jiaogong tally 1.json 2.json --weights 3,1 --top 2"), "{page}");

    // The principal's review: the chair enters it, the org committee cannot; a removal needs a reason.
    assert_eq!(post(&t, &format!("{url}/stage"), &chair, "to=review").await.0, StatusCode::SEE_OTHER);
    let n1 = nominees.iter().find(|n| n.label == "张仁爱").unwrap().id.clone();
    let n2 = nominees.iter().find(|n| n.label == "陈自荐").unwrap().id.clone();
    assert_eq!(
        post(&t, &format!("{url}/nominees/{n1}/review"), &org, "decision=approved").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, page) = post(&t, &format!("{url}/nominees/{n2}/review"), &chair, "decision=removed&reason=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请填写理由"));
    let (_, page) = post(&t, &format!("{url}/publicity"), &chair, "start=").await;
    assert!(page.contains("尚未审核"), "publicity waits for the review");
    for n in [&n1, &n2] {
        assert_eq!(
            post(&t, &format!("{url}/nominees/{n}/review"), &chair, "decision=approved").await.0,
            StatusCode::SEE_OTHER
        );
    }

    // Publicity of 5 working days from Monday 5 January 2026 ends Friday 9 January.
    assert_eq!(post(&t, &format!("{url}/publicity"), &chair, "start=2026-01-05").await.0, StatusCode::SEE_OTHER);
    let s = selections::get(&t.store, &t.school_a, &id).await.unwrap();
    assert_eq!(s.publicity_end.as_deref(), Some("2026-01-09"));
    let (_, page) = get(&t, &format!("/selections/{id}"), &staff[1].1).await;
    assert!(page.contains("现予公示") && page.contains("2026年1月9日"));
    let (status, _) =
        post(&t, &format!("/selections/{id}/objections"), &staff[1].1, &format!("nominee={n2}&body=x")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = post(
        &t,
        &format!("/selections/{id}/objections"),
        &staff[1].1,
        &format!("nominee={n2}&body={}", enc("该同志本学期有迟到早退情况")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = post(&t, &format!("{url}/stage"), &chair, "to=final").await;
    assert!(page.contains("还有 1 条异议没有处理"));
    let objection = selections::objections(&t.store, &id).await.unwrap()[0].id.clone();
    let (status, _) = post(&t, &format!("{url}/objections/{objection}"), &chair, "decision=dismissed&reason=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = post(
        &t,
        &format!("{url}/objections/{objection}"),
        &chair,
        &format!("decision=dismissed&reason={}", enc("经核实系请假，异议不成立")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(post(&t, &format!("{url}/stage"), &chair, "to=final").await.0, StatusCode::SEE_OTHER);

    // The honour roll for every member, and the certificates list.
    let (_, roll) = get(&t, "/selections", t.as_role("member")).await;
    assert!(roll.contains("张仁爱") && roll.contains("陈自荐") && roll.contains("仁爱教师"));
    assert!(!roll.contains("李敬业"));
    let (status, certs) = get(&t, &format!("{url}/certificates"), &chair).await;
    assert_eq!(status, StatusCode::OK);
    assert!(certs.contains("张仁爱 同志") && certs.contains("证书名单"));
    let actions: Vec<String> = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in [
        "selection.create",
        "selection.nominate",
        "selection.round.close",
        "selection.review",
        "selection.objection.resolve",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tie_at_the_cut_needs_a_runoff_among_the_tied_before_the_review() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let mut staff = Vec::new();
    for (name, no) in [("张一", "T1"), ("李二", "T2"), ("王三", "T3"), ("赵四", "T4")] {
        staff.push(teacher(&t, name, no, "2010-09-01").await);
    }
    let body = format!("title={}&award={}&quota=2", enc("师德标兵评选"), enc("师德标兵"));
    let r = t.send(form(&t, "/s/a/selections", &chair, &body)).await;
    let url = r.headers()["location"].to_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap().to_string();
    for no in ["T1", "T2", "T3", "T4"] {
        post(&t, &format!("{url}/nominees"), &chair, &format!("employee_no={no}&source=group")).await;
    }
    assert_eq!(post(&t, &format!("{url}/stage"), &chair, "to=voting").await.0, StatusCode::SEE_OTHER);
    let round = format!("top_n=2&kind=all&label={}&weight=1", enc("全体教职工"));
    assert_eq!(post(&t, &format!("{url}/rounds"), &chair, &round).await.0, StatusCode::SEE_OTHER);
    let vote = |poll: String, names: &'static [&'static str]| {
        let body: Vec<String> = names.iter().map(|n| format!("yes={}", enc(n))).collect();
        (format!("/polls/{poll}/vote"), body.join("&"))
    };
    // 张一 3, 李二 1, 王三 1, 赵四 0: 李二 and 王三 tie for the second place (listed by name).
    let poll = selections::round_polls(&t.store, &id).await.unwrap()[0].poll_id.clone();
    let ballots: [&'static [&'static str]; 3] = [&["张一", "李二"], &["张一", "王三"], &["张一"]];
    for (who, names) in staff.iter().zip(ballots) {
        let (uri, body) = vote(poll.clone(), names);
        assert_eq!(post(&t, &uri, &who.1, &body).await.0, StatusCode::OK);
    }
    let r1 = selections::rounds(&t.store, &id).await.unwrap()[0].id.clone();
    assert_eq!(post(&t, &format!("{url}/rounds/{r1}/close"), &chair, "").await.0, StatusCode::SEE_OTHER);
    let status_of =
        |nominees: &[selections::Nominee], name: &str| nominees.iter().find(|n| n.label == name).unwrap().status;
    let nominees = selections::nominees(&t.store, &id).await.unwrap();
    assert_eq!(status_of(&nominees, "赵四"), "eliminated");
    assert_eq!(nominees.iter().filter(|n| n.status == "running").count(), 3, "the tied wait for their runoff");
    // The page says so and offers the runoff, not the review.
    let (_, page) = get(&t, &url, &chair).await;
    assert!(page.contains("李二、王三 得分相同，争剩余的 1 个名额"), "{page}");
    assert!(
        page.contains("id=\"open-runoff\"") && !page.contains("id=\"to-review\"") && !page.contains("id=\"new-round\"")
    );
    let (status, page) = post(&t, &format!("{url}/stage"), &chair, "to=review").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("李二、王三 在名次线上并列，争 1 个名额"), "{page}");

    // The runoff: only the tied, one place, the same electorate; top_n from the form is not used.
    assert_eq!(post(&t, &format!("{url}/rounds"), &chair, "top_n=3").await.0, StatusCode::SEE_OTHER);
    let polls = selections::round_polls(&t.store, &id).await.unwrap();
    let runoff = polls.iter().find(|p| p.poll_id != poll).unwrap().poll_id.clone();
    let def: serde_json::Value = serde_json::from_str(
        &jiaogong_store::congress::polls::get(&t.store, &t.school_a, &runoff).await.unwrap().definition,
    )
    .unwrap();
    assert_eq!((def["seats"].as_u64(), def["candidates"].clone()), (Some(1), serde_json::json!(["李二", "王三"])));
    assert_eq!(def["electorate"], jiaogong_store::congress::polls::turnout(&t.store, &poll).await.unwrap().0);
    let ballots: [&'static [&'static str]; 3] = [&["李二"], &["李二"], &["王三"]];
    for (who, names) in staff.iter().zip(ballots) {
        let (uri, body) = vote(runoff.clone(), names);
        assert_eq!(post(&t, &uri, &who.1, &body).await.0, StatusCode::OK);
    }
    let r2 = selections::rounds(&t.store, &id).await.unwrap()[1].id.clone();
    assert_eq!(post(&t, &format!("{url}/rounds/{r2}/close"), &chair, "").await.0, StatusCode::SEE_OTHER);
    let nominees = selections::nominees(&t.store, &id).await.unwrap();
    // 张一, who was not in the runoff, is untouched; the list holds the quota.
    assert_eq!(["张一", "李二", "王三"].map(|n| status_of(&nominees, n)), ["running", "running", "eliminated"]);
    let (_, page) = get(&t, &url, &chair).await;
    assert!(page.contains("并列加赛") && page.contains("id=\"to-review\""));
    assert_eq!(post(&t, &format!("{url}/stage"), &chair, "to=review").await.0, StatusCode::SEE_OTHER);
    let closes: Vec<String> = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 500)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "selection.round.close")
        .map(|e| e.detail)
        .collect();
    assert!(closes.contains(&"advancing 张一; tied 李二、王三 for 1".to_string()), "{closes:?}");
    assert!(closes.contains(&"advancing 李二".to_string()), "{closes:?}");
}
