//! Proposals through the router: a delegate drafts, two delegates co-sign, the committee accepts,
//! assigns and records replies, the proposer's 不满意 sends it back, and the report counts what
//! happened. Also: who may do what, another school's ids, bad input that writes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::{congress, members};

type Who = (String, String);

struct Congress {
    session: String,
    delegates: Vec<Who>,
    members: Vec<String>,
}

/// A coming session of school A with three delegates who have accounts.
async fn congress(t: &common::TestApp) -> Congress {
    let mut tx = t.store.begin().await.unwrap();
    let term = congress::term(&mut tx, &t.school_a, 5, "2024-09-01").await.unwrap();
    let held = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().format("%Y-%m-%d").to_string();
    let session = congress::create_session(&mut tx, &t.school_a, &term, 2, "第五届二次", &held).await.unwrap();
    let mut ids = Vec::new();
    for (name, no) in [("代表甲", "D1"), ("代表乙", "D2"), ("代表丙", "D3")] {
        let m = validate_member(&RawMember::new().with(Field::Name, name).with(Field::EmployeeNo, no)).unwrap();
        let id = members::insert(&mut tx, &t.store.crypto, &t.school_a, &m, None, None).await.unwrap();
        congress::add_delegate(&mut tx, &t.school_a, &term, &id, "2024-09-01").await.unwrap();
        ids.push(id);
    }
    jiaogong_store::commit(tx).await.unwrap();
    let mut delegates = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        delegates.push(common::user(&t.store, Some(&t.school_a), None, &format!("d{i}"), Role::Member, Some(id)).await);
    }
    Congress { session, delegates, members: ids }
}

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

fn draft(session: &str, title: &str) -> String {
    format!(
        "session={session}&title={}&category=logistics&reason={}&measures={}",
        enc(title),
        enc("中午食堂排队超过二十分钟"),
        enc("增设两个打饭窗口，错峰就餐")
    )
}

/// Proposals written by delegate 0 and by the member who is not a delegate.
async fn count_proposals(t: &common::TestApp, c: &Congress) -> usize {
    let mut n = 0;
    for m in [&c.members[0], &t.member_a] {
        n += jiaogong_store::congress::proposals::of_proposer(&t.store, &t.school_a, m).await.unwrap().len();
    }
    n
}

/// Drafted by delegate 0, co-signed by 1 and 2, submitted; returns the proposal's URL.
async fn submitted(t: &common::TestApp, c: &Congress, title: &str) -> String {
    let (s, url, _) = post(t, "/s/a/proposals", &c.delegates[0], &draft(&c.session, title)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    for d in &c.delegates[1..] {
        assert_eq!(post(t, &format!("{url}/cosign"), d, "from=detail").await.0, StatusCode::SEE_OTHER);
    }
    assert_eq!(post(t, &format!("{url}/submit"), &c.delegates[0], "").await.0, StatusCode::SEE_OTHER);
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_full_lifecycle_from_draft_to_satisfied() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = t.as_role("chair").clone();
    let proposer = &c.delegates[0];

    // Bad input: a clear message, what was typed is kept, nothing written.
    let body = format!("session={}&title=&category=logistics&reason={}&measures=x", c.session, enc("排队太久"));
    let (s, _, page) = post(&t, "/s/a/proposals", proposer, &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请填写案题") && page.contains("排队太久"), "message and the typed reason");
    let body = format!("session={}&title=t&category=nope&reason=r&measures=m", c.session);
    assert!(post(&t, "/s/a/proposals", proposer, &body).await.2.contains("请选择提案类别"));
    assert_eq!(count_proposals(&t, &c).await, 0);

    // The draft, then a submission with too few co-signers.
    let (s, url, _) = post(&t, "/s/a/proposals", proposer, &draft(&c.session, "关于缩短食堂排队时间的提案")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(url.starts_with("/s/a/proposals/"));
    let (s, _, page) = post(&t, &format!("{url}/submit"), proposer, "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("还需要附议人：已有 0 人，至少 2 人"), "{page}");

    // Co-signers find it in their list and sign with one tap.
    let (_, mine) = get(&t, "/s/a/proposals/mine", &c.delegates[1]).await;
    assert!(mine.contains("关于缩短食堂排队时间的提案") && mine.contains("/cosign"));
    assert_eq!(post(&t, &format!("{url}/cosign"), &c.delegates[1], "").await.1, "/s/a/proposals/mine");
    let (_, mine) = get(&t, "/s/a/proposals/mine", &c.delegates[1]).await;
    assert!(mine.contains("<span aria-hidden=\"true\">✓</span> 已附议"));
    let (s, _, page) = post(&t, &format!("{url}/cosign"), &c.delegates[1], "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("您已经附议过了"));
    assert_eq!(post(&t, &format!("{url}/cosign"), &c.delegates[2], "from=detail").await.1, url);
    // Only the proposer submits.
    let (s, _, page) = post(&t, &format!("{url}/submit"), &c.delegates[1], "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("只有提案人本人"));
    assert_eq!(post(&t, &format!("{url}/submit"), proposer, "").await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &url, proposer).await;
    assert!(page.contains("第 1 号") && page.contains("待审查") && page.contains("代表乙、代表丙"));

    // The committee reviews: a suggestion needs a reason; then 立案.
    let (s, _, page) = post(&t, &format!("{url}/review"), &chair, "decision=suggestion&reason=").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("请填写原因"));
    assert!(post(&t, &format!("{url}/review"), &chair, "decision=").await.2.contains("请选择审查结果"));
    assert_eq!(post(&t, &format!("{url}/review"), &chair, "decision=accept").await.0, StatusCode::SEE_OTHER);
    // Assignment: a bad date keeps the department typed.
    let (s, _, page) =
        post(&t, &format!("{url}/assign"), &chair, &format!("department={}&due=2026-13-40", enc("总务处"))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("答复期限") && page.contains("value=\"总务处\""));
    let due = (chrono::Utc::now() + chrono::Duration::days(40)).date_naive().format("%Y-%m-%d").to_string();
    let body = format!("department={}&due={due}", enc("总务处"));
    assert_eq!(post(&t, &format!("{url}/assign"), &chair, &body).await.0, StatusCode::SEE_OTHER);

    // Every member reads the public list; a member who is not a delegate cannot review.
    let member = t.as_role("member").clone();
    let (s, list) = get(&t, "/s/a/proposals", &member).await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("关于缩短食堂排队时间的提案") && list.contains("办理中") && list.contains("总务处"));
    assert_eq!(get(&t, "/s/a/proposals/review", &member).await.0, StatusCode::FORBIDDEN);
    // Nobody was named to answer for the department: a member's reply is refused and writes nothing.
    let (s, _, page) = post(&t, &format!("{url}/reply"), &member, "status=solved&measures=x").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("只有提案工作委员会或被指定的部门答复人可以录入答复"), "{page}");

    // The reply (recorded by the committee for the department), 不满意, a second round, 满意.
    let (s, _, page) = post(&t, &format!("{url}/reply"), &chair, "status=not_possible&measures=x&reason=").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not possible needs a reason");
    assert!(page.contains("请填写原因"));
    let body = format!("status=in_progress&measures={}", enc("已增设一个窗口"));
    assert_eq!(post(&t, &format!("{url}/reply"), &chair, &body).await.0, StatusCode::SEE_OTHER);
    let (s, _, page) = post(&t, &format!("{url}/feedback"), &c.delegates[1], "rating=satisfied").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("只有提案人本人"), "a co-signer does not rate");
    let body = format!("rating=unsatisfied&comment={}", enc("仍然排队"));
    assert_eq!(post(&t, &format!("{url}/feedback"), proposer, &body).await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &url, proposer).await;
    assert!(page.contains("办理中") && page.contains("仍然排队"), "back to handling, the rating kept");
    let body = format!("status=solved&measures={}", enc("错峰就餐，增设两个窗口"));
    assert_eq!(post(&t, &format!("{url}/reply"), &chair, &body).await.0, StatusCode::SEE_OTHER);
    assert_eq!(post(&t, &format!("{url}/feedback"), proposer, "rating=satisfied").await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &url, &member).await;
    assert!(page.contains("已办结") && page.contains("第 1 轮") && page.contains("第 2 轮"), "both rounds kept");
    for step in ["起草", "附议", "提交", "立案", "交办", "答复", "提案人评价"] {
        assert!(page.contains(step), "history shows {step}");
    }

    // Every step audited, and every step the rules refused.
    let audit = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 200).await.unwrap();
    let n = audit.iter().filter(|e| e.action.starts_with("proposal.") && e.action != "proposal.refused").count();
    assert_eq!(n, 10, "create, 2 co-signs, submit, accept, assign, 2 replies, 2 ratings");
    let mut refused: Vec<&str> =
        audit.iter().filter(|e| e.action == "proposal.refused").map(|e| e.detail.as_str()).collect();
    refused.sort_unstable();
    assert_eq!(
        refused,
        [
            "cosign already-cosigned",
            "rate not-proposer",
            "reply not-responder",
            "reply reason",
            "submit cosigners",
            "submit not-proposer",
            "suggestion reason"
        ],
        "form input errors (no decision, a bad date) are not steps"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_steps_are_audited_and_change_nothing() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let (_, url, _) = post(&t, "/s/a/proposals", &c.delegates[0], &draft(&c.session, "关于图书馆开放时间的提案")).await;
    let id = url.rsplit('/').next().unwrap().to_string();
    let before = jiaogong_store::congress::proposals::get(&t.store, &t.school_a, &id).await.unwrap();
    // Wrong state: a draft cannot be accepted.
    let (s, _, page) = post(&t, &format!("{url}/review"), &chair, "decision=accept").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    // Not allowed: a co-signer does not submit; a member who is not a delegate does not see a draft.
    post(&t, &format!("{url}/cosign"), &c.delegates[1], "").await;
    assert_eq!(post(&t, &format!("{url}/submit"), &c.delegates[1], "").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(post(&t, &format!("{url}/cosign"), &member, "").await.0, StatusCode::NOT_FOUND);
    assert_eq!(post(&t, &format!("{url}/submit"), &member, "").await.0, StatusCode::NOT_FOUND);

    let after = jiaogong_store::congress::proposals::get(&t.store, &t.school_a, &id).await.unwrap();
    assert_eq!((before.state.code(), after.state.code()), ("draft", "draft"), "nothing changed");
    let audit = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 200).await.unwrap();
    let refused: Vec<(&str, &str, &str)> = audit
        .iter()
        .filter(|e| e.action == "proposal.refused")
        .map(|e| (e.actor.as_str(), e.target.as_str(), e.detail.as_str()))
        .collect();
    for expected in [
        ("u-chair", id.as_str(), "accept wrong-state"),
        ("d1", id.as_str(), "submit not-proposer"),
        ("u-member", id.as_str(), "cosign not-visible"),
        ("u-member", id.as_str(), "submit not-visible"),
    ] {
        assert!(refused.contains(&expected), "{expected:?} audited: {refused:?}");
    }
    assert_eq!(refused.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_do_what_and_other_schools() {
    let t = common::app().await;
    let c = congress(&t).await;
    let member = t.as_role("member").clone();
    // A member who is not a delegate sees why, and cannot draft even by posting directly.
    let (s, page) = get(&t, "/s/a/proposals/new", &member).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("只有本届教代会代表") && !page.contains("proposal-form"));
    assert_eq!(post(&t, "/s/a/proposals", &member, &draft(&c.session, "x")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(count_proposals(&t, &c).await, 0, "nothing written");
    let (_, page) = get(&t, "/s/a/proposals/new", &c.delegates[0]).await;
    assert!(page.contains("id=\"proposal-form\"") && page.contains("第五届二次"));

    let (_, url, _) = post(&t, "/s/a/proposals", &c.delegates[0], &draft(&c.session, "关于教师体检的提案")).await;
    // A draft is seen by delegates (to co-sign), not by other members; not on the public list.
    assert_eq!(get(&t, &url, &member).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&t, &url, &c.delegates[1]).await.0, StatusCode::OK);
    assert_eq!(post(&t, &format!("{url}/cosign"), &member, "").await.0, StatusCode::NOT_FOUND);
    assert!(!get(&t, "/s/a/proposals", &member).await.1.contains("关于教师体检的提案"));
    // Only the proposer edits.
    assert_eq!(get(&t, &format!("{url}/edit"), &c.delegates[1]).await.0, StatusCode::FORBIDDEN);
    let (_, _, page) = post(&t, &format!("{url}/edit"), &c.delegates[1], &draft(&c.session, "改")).await;
    assert!(page.contains("只有提案人本人"));

    // Another school's chair: refused on school A's paths, not found on their own.
    let id = url.rsplit('/').next().unwrap();
    assert_eq!(get(&t, &url, &t.chair_b).await.0, StatusCode::FORBIDDEN);
    assert_eq!(get(&t, &format!("/s/b/proposals/{id}"), &t.chair_b).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        post(&t, &format!("/s/b/proposals/{id}/review"), &t.chair_b, "decision=accept").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&t, &format!("/s/b/proposals/review?session={}", c.session), &t.chair_b).await.0,
        StatusCode::NOT_FOUND
    );
    // A school A delegate cannot draft into school B's path.
    assert_eq!(post(&t, "/s/b/proposals", &c.delegates[0], &draft(&c.session, "x")).await.0, StatusCode::FORBIDDEN);

    // Settings and window: bad input says so and writes nothing.
    let chair = t.as_role("chair").clone();
    let (s, _, page) = post(&t, "/s/a/proposals/settings", &chair, "min_cosigners=abc&max_rounds=3").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("附议人数应为"));
    let body = format!("session={}&opens=2026-10-01&closes=2026-09-01", c.session);
    assert!(post(&t, "/s/a/proposals/window", &chair, &body).await.2.contains("开始日期不能晚于"));
    assert_eq!(jiaogong_store::congress::proposals::window(&t.store, &t.school_a, &c.session).await.unwrap(), None);
    assert_eq!(
        post(&t, "/s/a/proposals/settings", &chair, "min_cosigners=1&max_rounds=2").await.0,
        StatusCode::SEE_OTHER
    );
    // A window that closed yesterday refuses the submission.
    let y = (chrono::Utc::now() - chrono::Duration::days(2)).date_naive().format("%Y-%m-%d").to_string();
    let body = format!("session={}&opens=2026-01-01&closes={y}", c.session);
    assert_eq!(post(&t, "/s/a/proposals/window", &chair, &body).await.0, StatusCode::SEE_OTHER);
    post(&t, &format!("{url}/cosign"), &c.delegates[1], "").await;
    let (s, _, page) = post(&t, &format!("{url}/submit"), &c.delegates[0], "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("不在提案征集期内"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_counts_what_happened() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = t.as_role("chair").clone();
    let a = submitted(&t, &c, "关于改善教师办公条件的提案").await;
    let b = submitted(&t, &c, "关于更换办公电脑的提案").await;
    let s = submitted(&t, &c, "关于调整作息时间的提案").await;
    let r = submitted(&t, &c, "关于多个问题的提案").await;
    submitted(&t, &c, "关于增加体检项目的提案").await;
    let (_, _, _) = post(&t, "/s/a/proposals", &c.delegates[0], &draft(&c.session, "还在起草的提案")).await;
    post(&t, &format!("{a}/review"), &chair, "decision=accept").await;
    let a_id = a.rsplit('/').next().unwrap();
    assert_eq!(
        post(&t, &format!("{b}/review"), &chair, &format!("decision=merge&into={a_id}")).await.0,
        StatusCode::SEE_OTHER
    );
    post(&t, &format!("{s}/review"), &chair, &format!("decision=suggestion&reason={}", enc("属学校日常管理"))).await;
    post(&t, &format!("{r}/review"), &chair, &format!("decision=return&reason={}", enc("一事一案，请拆分"))).await;
    let due = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive().format("%Y-%m-%d").to_string();
    post(&t, &format!("{a}/assign"), &chair, &format!("department={}&due={due}", enc("总务处"))).await;
    post(&t, &format!("{a}/reply"), &chair, &format!("status=planned&measures={}", enc("列入暑期维修计划"))).await;
    post(&t, &format!("{a}/feedback"), &c.delegates[0], "rating=mostly_satisfied").await;
    // The merged proposal's proposer stays with the proposal it was merged into.
    let (_, page) = get(&t, &a, &chair).await;
    assert!(page.contains("关于更换办公电脑的提案"), "merged-from listed");

    let uri = format!("/s/a/proposals/report?session={}", c.session);
    let (status, page) = get(&t, &uri, &chair).await;
    assert_eq!(status, StatusCode::OK);
    let figure = |id: &str| {
        let start = page.find(&format!("id=\"{id}\">")).unwrap_or_else(|| panic!("{id} missing")) + id.len() + 6;
        page[start..].split('<').next().unwrap().to_string()
    };
    assert_eq!(
        [figure("n-received"), figure("n-accepted"), figure("n-suggestions"), figure("n-merged"), figure("n-returned")],
        ["5", "1", "1", "1", "1"].map(String::from),
        "the draft is not counted"
    );
    assert_eq!(figure("n-satisfaction"), "100%");
    assert!(page.contains("本次会议共收到提案 5 件") && page.contains("待审查 1 件"));
    assert!(page.contains("已答复 1 件，其中按期答复 1 件（按期率 100%）"));
    assert!(page.contains("基本满意 1 件"));
    // Print view and .docx.
    let (status, print) = get(&t, &format!("/s/a/proposals/report/print?session={}", c.session), &chair).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        print.contains("/static/print.")
            && print.contains("本次会议共收到提案 5 件")
            && !print.contains("class=\"sidebar\"")
    );
    let r = t
        .send(t.req(
            "GET",
            &format!("/s/a/proposals/report/docx?session={}", c.session),
            Some(&chair),
            Body::empty(),
            None,
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("wordprocessingml"));
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a .docx is a zip");
    // The report is the committee's.
    assert_eq!(get(&t, &uri, &c.delegates[0]).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_member_named_for_the_department_records_the_reply() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let url = submitted(&t, &c, "关于增设饮水机的提案").await;
    assert_eq!(post(&t, &format!("{url}/review"), &chair, "decision=accept").await.0, StatusCode::SEE_OTHER);
    // The assignment form offers the school's members who have an account.
    let (_, page) = get(&t, &url, &chair).await;
    assert!(
        page.contains("id=\"a-responder\"") && page.contains(&format!("<option value=\"{}\">甲一", t.member_a)),
        "{page}"
    );
    assert!(!page.contains(&t.member_b), "not another school's members");
    // Another school's member cannot be named; what was typed is kept and nothing is written.
    let due = (chrono::Utc::now() + chrono::Duration::days(20)).date_naive().format("%Y-%m-%d").to_string();
    let body = |r: &str| format!("department={}&due={due}&responder={r}", enc("总务处"));
    let (s, _, page) = post(&t, &format!("{url}/assign"), &chair, &body(&t.member_b)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("所选的部门答复人不是本校在册且有账号的教职工") && page.contains("value=\"总务处\""),
        "{page}"
    );
    assert!(!get(&t, &url, &chair).await.1.contains("id=\"responder\""), "nobody named after the refusal");
    assert_eq!(post(&t, &format!("{url}/assign"), &chair, &body(&t.member_a)).await.0, StatusCode::SEE_OTHER);

    // The named member finds it in their list and on the page, with the reply form.
    let (_, mine) = get(&t, "/s/a/proposals/mine", &member).await;
    assert!(mine.contains("待我答复") && mine.contains("关于增设饮水机的提案"), "{mine}");
    let (_, page) = get(&t, &url, &member).await;
    assert!(page.contains("id=\"reply-form\"") && page.contains("您被指定代表承办部门答复此提案"));
    assert!(page.contains("id=\"responder\">甲一"));
    // Others see who answers, but no reply form; their reply is refused.
    let (_, page) = get(&t, &url, &c.delegates[1]).await;
    assert!(page.contains("id=\"responder\">甲一") && !page.contains("id=\"reply-form\""));
    let (s, _, _) = post(&t, &format!("{url}/reply"), &c.delegates[1], "status=solved&measures=x").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The named member answers; the proposer sees the reply and may rate it.
    let reply = format!("status=planned&measures={}", enc("下月在二楼增设两台饮水机"));
    assert_eq!(post(&t, &format!("{url}/reply"), &member, &reply).await.0, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &url, &c.delegates[0]).await;
    assert!(page.contains("下月在二楼增设两台饮水机") && page.contains("id=\"feedback-form\""), "{page}");
    assert!(!get(&t, "/s/a/proposals/mine", &member).await.1.contains("待我答复"), "answered: no longer waiting");
    // The reply is recorded as the member's own.
    let id = url.rsplit('/').next().unwrap();
    let replies = jiaogong_store::congress::proposals::replies(&t.store, &t.school_a, id).await.unwrap();
    assert_eq!(replies.iter().map(|r| r.recorded_by.as_str()).collect::<Vec<_>>(), vec!["u-member"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overdue_to_do_opens_the_overdue_proposals_of_every_session() {
    let t = common::app().await;
    let c = congress(&t).await;
    let chair = t.as_role("chair").clone();
    // A second session of the same term.
    let mut tx = t.store.begin().await.unwrap();
    let term = congress::sessions(&t.store, &t.school_a).await.unwrap()[0].term_id.clone();
    let held = (chrono::Utc::now() + chrono::Duration::days(60)).date_naive().format("%Y-%m-%d").to_string();
    let later = congress::create_session(&mut tx, &t.school_a, &term, 3, "第五届三次", &held).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let due = (chrono::Utc::now() + chrono::Duration::days(10)).date_naive().format("%Y-%m-%d").to_string();
    let mut urls = Vec::new();
    for (session, title) in
        [(&c.session, "关于食堂的提案"), (&later, "关于操场的提案"), (&c.session, "关于图书馆的提案")]
    {
        let (s, url, _) = post(&t, "/s/a/proposals", &c.delegates[0], &draft(session, title)).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        for d in &c.delegates[1..] {
            post(&t, &format!("{url}/cosign"), d, "from=detail").await;
        }
        post(&t, &format!("{url}/submit"), &c.delegates[0], "").await;
        post(&t, &format!("{url}/review"), &chair, "decision=accept").await;
        let body = format!("department={}&due={due}", enc("总务处"));
        assert_eq!(post(&t, &format!("{url}/assign"), &chair, &body).await.0, StatusCode::SEE_OTHER);
        urls.push(url);
    }
    // Time passes for the first two: their due date is behind us.
    let mut tx = t.store.begin().await.unwrap();
    for url in &urls[..2] {
        let id = url.rsplit('/').next().unwrap();
        sqlx::query("UPDATE proposals SET due_on = '2020-01-01' WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let (_, home) = get(&t, "/", &chair).await;
    assert!(
        home.contains("href=\"/s/a/proposals/overdue\"><span>提案逾期未答复</span><span class=\"badge\">2</span>"),
        "{home}"
    );
    let (s, page) = get(&t, "/s/a/proposals/overdue", &chair).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("关于食堂的提案") && page.contains("关于操场的提案"), "both sessions: {page}");
    assert!(page.contains("第五届三次"), "the session is named");
    assert!(!page.contains("关于图书馆的提案"), "not yet due");
    // Members do not see the committee's list.
    let (s, _) = get(&t, "/s/a/proposals/overdue", &c.delegates[0]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corrections_to_do_opens_the_open_requests_it_counts() {
    let t = common::app().await;
    let mut tx = t.store.begin().await.unwrap();
    let open =
        jiaogong_store::members::request_correction(&mut tx, &t.school_a, &t.member_a, "phone", "13800000001", "")
            .await
            .unwrap();
    let done =
        jiaogong_store::members::request_correction(&mut tx, &t.school_a, &t.member_a, "post", "已处理的申请", "")
            .await
            .unwrap();
    jiaogong_store::members::resolve_correction(&mut tx, &t.school_a, &done, "applied").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let chair = t.as_role("chair").clone();
    let (_, home) = get(&t, "/", &chair).await;
    assert!(home.contains("href=\"/s/a/corrections?open=1\""), "{home}");
    let (_, page) = get(&t, "/s/a/corrections?open=1", &chair).await;
    assert!(page.contains("13800000001") && !page.contains("已处理的申请"), "{page}");
    let (_, all) = get(&t, "/s/a/corrections", &chair).await;
    assert!(all.contains("已处理的申请"), "without the filter every request is listed");
    assert!(!open.is_empty());
}
