//! A leader evaluation end to end through the router: setup with bad input refused, leaders from
//! the roster, a leader's own report, open, raters grading on the phone page with the group the
//! server assigned (a spoofed group is ignored), results hidden until close, the summary sheet with
//! a suppressed small group, and another school kept out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{congress::evaluations, congress::polls, members};

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

/// A member of school A with a post, and a logged-in member account for them.
async fn staff(t: &common::TestApp, name: &str, no: &str, post: &str) -> (String, Who) {
    let input =
        validate_member(&RawMember::new().with(Field::Name, name).with(Field::EmployeeNo, no).with(Field::Post, post))
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

const SETUP: &str = "electorate=all_staff&min_group_size=5&items=&group_name=%E6%A0%A1%E9%A2%86%E5%AF%BC&group_who=school_leader&group_weight=2&group_name=%E4%B8%AD%E5%B1%82&group_who=middle_manager&group_weight=3&group_name=%E6%95%99%E8%81%8C%E5%B7%A5&group_who=everyone&group_weight=5";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evaluation_from_setup_to_summary_sheet() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let (principal, principal_s) = staff(&t, "王校长", "L01", "校领导").await;
    let (dean, _) = staff(&t, "李主任", "L02", "中层").await;
    let (_, mm2) = staff(&t, "赵主任", "L03", "中层").await;
    let mut teachers = Vec::new();
    for i in 0..6 {
        teachers.push(staff(&t, &format!("教师{i}"), &format!("T{i:02}"), "教师").await.1);
    }

    // Bad input: two grades only. Nothing is written and the form keeps what was typed.
    let grades = enc("优秀=100\n不称职=0");
    let r = t
        .send(form(&t, "/s/a/evaluations", &chair, &format!("title={}&grades={grades}&{SETUP}", enc("年度测评"))))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = common::body_text(r).await;
    assert!(page.contains("等次设置不正确") && page.contains("年度测评"), "Chinese message, form kept");
    assert!(evaluations::list(&t.store, &t.school_a).await.unwrap().is_empty(), "nothing half-written");
    let r = t
        .send(form(
            &t,
            "/s/a/evaluations",
            &chair,
            &format!("title=&grades={}&{SETUP}", enc("优秀=100\n称职=80\n不称职=0")),
        ))
        .await;
    assert!(common::body_text(r).await.contains("请填写名称"));

    let grades = enc("优秀=100\n称职=80\n基本称职=60\n不称职=0");
    let r = t
        .send(form(
            &t,
            "/s/a/evaluations",
            &chair,
            &format!("title={}&grades={grades}&{SETUP}", enc("2026年度干部民主测评")),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let url = r.headers()["location"].to_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap().to_string();

    // Leaders from the roster: the page offers the school leaders and middle managers.
    let (_, page) = get(&t, &url, &chair).await;
    assert!(page.contains("王校长") && page.contains("李主任"), "roster candidates offered");
    let r = t.send(form(&t, &format!("{url}/leaders"), &chair, "employee_nos=NOPE")).await;
    assert!(common::body_text(r).await.contains("NOPE"));
    let r = t.send(form(&t, &format!("{url}/leaders"), &chair, &format!("member={principal}&member={dean}"))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(evaluations::leaders(&t.store, &id).await.unwrap().len(), 2);

    // The principal finds the 述职报告 on the home to-do list and writes it; a teacher is not a
    // leader of this evaluation.
    let (_, home) = get(&t, "/", &principal_s).await;
    assert!(home.contains(&format!("/evaluations/{id}/report")) && home.contains("写述职报告"));
    let (status, _) = get(&t, &format!("/evaluations/{id}/report"), &principal_s).await;
    assert_eq!(status, StatusCode::OK);
    let r = t
        .send(form(
            &t,
            &format!("/evaluations/{id}/report"),
            &principal_s,
            &format!("report={}", enc("一年来，我坚持……")),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&t, &format!("/evaluations/{id}/report"), &teachers[0]).await.0, StatusCode::NOT_FOUND);

    // Before it opens: raters cannot rate, results are hidden.
    let (_, page) = get(&t, &format!("/evaluations/{id}"), &teachers[0]).await;
    assert!(page.contains("id=\"not-open\""));
    let r = t.send(form(&t, &format!("{url}/open"), &chair, "")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ev = evaluations::get(&t.store, &t.school_a, &id).await.unwrap();
    let poll_id = ev.poll_id.clone().unwrap();
    assert_eq!(ev.status, "open");
    let r = t.send(t.req("GET", &format!("{url}/sheet"), Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "results hidden until close");
    let r = t.send(form(&t, &format!("{url}/leaders"), &chair, &format!("member={}", t.member_a))).await;
    assert!(common::body_text(r).await.contains("评议已经开始"), "leaders fixed once open");

    // The rater's phone page: the group comes from the post, one radio per grade and leader.
    let (_, page) = get(&t, &format!("/evaluations/{id}"), &teachers[0]).await;
    assert!(page.contains("您的评议组：教职工"), "group shown");
    assert_eq!(page.matches("type=\"radio\"").count(), 8);
    assert!(page.contains("一年来，我坚持"), "the report can be read while rating");
    // Missing a leader: a clear message, the chosen grade kept, nothing cast.
    let r = t.send(form(&t, &format!("/evaluations/{id}/rate"), &teachers[0], &format!("g0={}", enc("优秀")))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = common::body_text(r).await;
    assert!(page.contains("还没有评：李主任") && page.contains("checked"));
    assert_eq!(polls::turnout(&t.store, &poll_id).await.unwrap().1, 0);

    // Six teachers rate; the first tries to claim the 校领导 group. The principal and one
    // middle manager rate too (their groups are small).
    for (i, who) in teachers.iter().enumerate() {
        let dean_grade = if i < 3 { "不称职" } else { "称职" };
        let body = format!("group={}&g0={}&g1={}", enc("校领导"), enc("优秀"), enc(dean_grade));
        let r = t.send(form(&t, &format!("/evaluations/{id}/rate"), who, &body)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(common::body_text(r).await.contains("id=\"tracker\""), "receipt shown");
    }
    let r = t
        .send(form(
            &t,
            &format!("/evaluations/{id}/rate"),
            &teachers[0],
            &format!("g0={}&g1={}", enc("优秀"), enc("优秀")),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains(&ftl("poll-already-voted")), "a second rating is refused");
    assert_eq!(polls::turnout(&t.store, &poll_id).await.unwrap().1, 6, "a second rating is refused");
    for who in [&principal_s, &mm2] {
        let r = t
            .send(form(&t, &format!("/evaluations/{id}/rate"), who, &format!("g0={}&g1={}", enc("称职"), enc("称职"))))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    // Through the JSON API the group is stamped by the server as well.
    let (_, m_a) = (t.member_a.clone(), t.as_role("member").clone());
    let r = t
        .send(t.req(
            "POST",
            &format!("/api/v1/polls/{poll_id}/ballots"),
            Some(&m_a),
            Body::from(r#"{"group":"中层","grades":{"王校长":"优秀","李主任":"称职"}}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Another school never sees it; a plain member cannot manage it.
    assert_eq!(get(&t, &format!("/evaluations/{id}"), &t.chair_b).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&t, &format!("/s/b/evaluations/{id}"), &chair).await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(&t, &format!("/s/b/evaluations/{id}/sheet"), &t.chair_b).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&t, &url, &m_a).await.0, StatusCode::FORBIDDEN);

    let r = t.send(form(&t, &format!("{url}/close"), &chair, "")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let bulletin = polls::ballots(&t.store, &poll_id).await.unwrap();
    let groups: Vec<String> = bulletin
        .iter()
        .map(|(_, c, _)| serde_json::from_str::<serde_json::Value>(c).unwrap()["group"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(groups.iter().filter(|g| *g == "教职工").count(), 7, "teachers and the post-less member: 教职工");
    assert_eq!(groups.iter().filter(|g| *g == "校领导").count(), 1);
    assert_eq!(groups.iter().filter(|g| *g == "中层").count(), 1);

    let (status, sheet) = get(&t, &format!("{url}/sheet"), &chair).await;
    assert_eq!(status, StatusCode::OK);
    assert!(sheet.contains("测评结果汇总表"));
    assert!(sheet.contains("id=\"suppressed-note\""), "small groups suppressed and said so");
    assert!(sheet.contains("不足 5 人，不单独显示"));
    assert!(!sheet.contains("class=\"group-row\""), "no per-group breakdown shown");
    // 王校长: 7 优秀 + 2 称职 → 100 %. 李主任: 3 不称职 of 9 is not above one third.
    assert!(sheet.contains("100.00%"));
    assert!(!sheet.contains("不称职超过三分之一</b>"));
    let r = t.send(t.req("GET", &format!("{url}/sheet.xlsx"), Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(common::body_text(r).await.starts_with("PK"));

    // Closed: rating is over; the audit log has the evaluation's story.
    let (_, page) = get(&t, &format!("/evaluations/{id}"), &teachers[5]).await;
    assert!(page.contains("id=\"already-voted\"") || page.contains("id=\"closed\""));
    let actions: Vec<String> = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["evaluation.create", "evaluation.leader.add", "evaluation.report", "evaluation.open", "poll.closed"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
}

/// The receipt code between `id="tracker">` and the next tag.
fn tracker_of(page: &str) -> String {
    let at = page.find("id=\"tracker\">").unwrap() + "id=\"tracker\">".len();
    page[at..].split('<').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rater_checks_their_receipt_against_the_closed_bulletin_without_getting_it() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let (principal, _) = staff(&t, "王校长", "L01", "校领导").await;
    let (dean, _) = staff(&t, "李主任", "L02", "中层").await;
    let (_, rater) = staff(&t, "教师甲", "T01", "教师").await;
    let (_, other) = staff(&t, "教师乙", "T02", "教师").await;
    let grades = enc("优秀=100\n称职=80\n基本称职=60\n不称职=0");
    let r = t
        .send(form(&t, "/s/a/evaluations", &chair, &format!("title={}&grades={grades}&{SETUP}", enc("年度测评"))))
        .await;
    let url = r.headers()["location"].to_str().unwrap().to_string();
    let id = url.rsplit('/').next().unwrap().to_string();
    let r = t.send(form(&t, &format!("{url}/leaders"), &chair, &format!("member={principal}&member={dean}"))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.send(form(&t, &format!("{url}/open"), &chair, "")).await.status(), StatusCode::SEE_OTHER);
    let poll_id = evaluations::get(&t.store, &t.school_a, &id).await.unwrap().poll_id.unwrap();

    // The receipt says how to check it later; the check waits for the close.
    let body = format!("g0={}&g1={}", enc("优秀"), enc("基本称职"));
    let r = t.send(form(&t, &format!("/evaluations/{id}/rate"), &rater, &body)).await;
    let page = common::body_text(r).await;
    assert!(page.contains("核对我的选票"), "the receipt points to the check");
    let tracker = tracker_of(&page);
    assert_eq!(tracker.len(), 32);
    let r = t
        .send(form(&t, &format!("/evaluations/{id}/rate"), &other, &format!("g0={}&g1={}", enc("称职"), enc("称职"))))
        .await;
    let other_tracker = tracker_of(&common::body_text(r).await);
    let check = format!("/evaluations/{id}/check");
    let r = t.send(form(&t, &check, &rater, &format!("tracker={tracker}"))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains(&ftl("eval-check-not-closed")));
    assert_eq!(t.send(form(&t, &format!("{url}/close"), &chair, "")).await.status(), StatusCode::SEE_OTHER);

    // The bulletin itself stays with the committee and the auditors.
    let (status, _) = get(&t, &format!("/api/v1/polls/{poll_id}/bulletin"), &rater).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = get(&t, &format!("/evaluations/{id}"), &rater).await;
    assert!(page.contains(&format!("href=\"{check}\"")), "the closed evaluation links to the check");
    let (status, page) = get(&t, &check, &rater).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"check-form\"") && !page.contains("id=\"check-found\""));

    // The rater's own code (typed with spaces and in capitals): counted, and what it says.
    let before = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 1000).await.unwrap().len();
    let typed = format!("{} {}", tracker[..16].to_uppercase(), &tracker[16..]);
    let r = t.send(form(&t, &check, &rater, &format!("tracker={}", enc(&typed)))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = common::body_text(r).await;
    assert!(page.contains(&ftl("eval-check-found")) && page.contains("id=\"my-ballot\""));
    assert!(page.contains("<th scope=\"row\">王校长</th><td>优秀</td>"), "{page}");
    assert!(page.contains("<th scope=\"row\">李主任</th><td>基本称职</td>"));
    assert!(page.contains("您的评议组：教职工"));
    // The other rater's ballot is not on this page; it shows only with its own code.
    let r = t.send(form(&t, &check, &other, &format!("tracker={other_tracker}"))).await;
    let page = common::body_text(r).await;
    assert!(page.contains("<td>称职</td>") && !page.contains("基本称职</td>"));
    // A code that is not in the bulletin, an empty one, and another school.
    let r = t.send(form(&t, &check, &rater, &format!("tracker={}", "0".repeat(32)))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = common::body_text(r).await;
    assert!(page.contains("id=\"check-missing\"") && !page.contains("id=\"my-ballot\""));
    let r = t.send(form(&t, &check, &rater, "tracker=+")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains(&ftl("eval-check-err-tracker")));
    let r = t.send(form(&t, &check, &t.chair_b, &format!("tracker={tracker}"))).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Checking stores nothing: no audit entry, and no entry anywhere names a tracker.
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 1000).await.unwrap();
    assert_eq!(entries.len(), before);
    assert!(entries.iter().all(|e| !e.detail.contains(&tracker) && !e.target.contains(&tracker)));
}

#[test]
fn every_domain_message_of_evaluations_and_selections_is_translated() {
    use jiaogong_domain::congress::evaluation::{EvaluationError, RaterKind};
    use jiaogong_domain::congress::selection::{SelectionError, Stage};
    use jiaogong_web::platform::i18n::Lang;
    let mut keys: Vec<&str> = EvaluationError::SAMPLES.iter().map(|e| e.key()).collect();
    keys.extend(RaterKind::ALL.iter().map(|k| k.key()));
    keys.extend(SelectionError::samples().iter().map(|e| e.key()));
    keys.extend(Stage::ALL.iter().map(|s| s.key()));
    for lang in Lang::ALL {
        for k in &keys {
            assert!(ftl_in(lang.code(), k).is_some(), "{}: {k} missing", lang.code());
        }
    }
}

/// A message of one locale, read from its .ftl files.
fn ftl_in(lang: &str, key: &str) -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n").join(lang);
    std::fs::read_dir(dir).unwrap().find_map(|e| {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        text.lines().find_map(|l| l.split_once(" = ").filter(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
    })
}

fn ftl(key: &str) -> String {
    ftl_in("zh-CN", key).unwrap()
}
