//! The audit page as the chair and the auditor read it (finding 20): people by their names,
//! events in words, failed logins of the school's accounts, filters, paging and an export;
//! histories by names; one date style.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_web::platform::i18n::{Lang, Tr};

/// A chair of school A called 何丽 who logs in as `heli`; returns (session, csrf).
async fn heli(t: &common::TestApp) -> (String, String) {
    let mut tx = t.store.begin().await.unwrap();
    let id = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&t.school_a),
            district_id: None,
            username: "heli",
            display_name: "何丽",
            password_hash: &accounts::hash_password("right-password-1").unwrap(),
            role: Role::Chair,
            member_id: None,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    accounts::create_session(&t.store, &id).await.unwrap()
}

async fn get(t: &common::TestApp, uri: &str, who: &(String, String)) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

/// The visible text of the audit table's rows.
fn rows(html: &str) -> Vec<String> {
    let body = html.split("<tbody>").nth(1).unwrap_or("").split("</tbody>").next().unwrap_or("");
    body.split("<tr ").skip(1).map(|tr| strip_tags(tr.split_once('>').map(|(_, rest)| rest).unwrap_or(tr))).collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn audit_page_names_people_and_events_in_words() {
    let t = common::app().await;
    let he = heli(&t).await;
    audit::record(&t.store, &Event::new(Some(&t.school_a), "heli", "member.update", &t.member_a)).await.unwrap();
    // A failed login of an account of the school appears in its log.
    let body = "username=heli&password=wrong&_csrf=pre".to_string();
    let r = t
        .send(
            axum::http::Request::builder()
                .method("POST")
                .uri("/login")
                .header("cookie", "jg_pre=pre")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, html) = get(&t, "/s/a/audit", &he).await;
    assert_eq!(status, StatusCode::OK);
    let rows = rows(&html);
    let update = rows.iter().find(|r| r.contains("修改会员信息")).expect("member.update in words");
    assert!(update.contains("何丽（heli）") && update.contains("甲一"), "names, not login names or ids: {update}");
    assert!(!update.contains(&t.member_a), "the member by name: {update}");
    let failed = rows.iter().find(|r| r.contains("登录失败")).expect("the failed login appears");
    assert!(failed.contains("何丽"), "{failed}");
    assert!(rows.iter().all(|r| !r.contains("member.update") && !r.contains("login.failed")), "no codes: {rows:?}");
    // The one date style: 2026年12月20日 周日 15:30.
    let when = update.split("修改会员信息").next().unwrap();
    assert!(when.contains('年') && when.contains('月') && when.contains("日 周"), "{when}");
}

#[tokio::test]
async fn audit_page_filters_pages_and_exports() {
    let t = common::app().await;
    let he = heli(&t).await;
    for i in 0..120 {
        let action = if i % 2 == 0 { "dues.payment" } else { "member.update" };
        audit::record(&t.store, &Event::new(Some(&t.school_a), "heli", action, &t.member_a)).await.unwrap();
    }
    audit::record(&t.store, &Event::new(Some(&t.school_a), "u-chair", "group.create", "g1")).await.unwrap();
    // Other schools' entries never show.
    audit::record(&t.store, &Event::new(Some(&t.school_b), "chair-b", "group.create", "g2")).await.unwrap();

    let (_, html) = get(&t, "/s/a/audit", &he).await;
    assert_eq!(rows(&html).len(), 50, "a page holds 50 entries");
    assert!(html.contains("共 121 条记录") && html.contains("第 1 页，共 3 页"), "{}", strip_tags(&html));
    assert!(html.contains("id=\"next-page\""));
    let (_, last) = get(&t, "/s/a/audit?page=2", &he).await;
    assert_eq!(rows(&last).len(), 21);
    let (status, far) = get(&t, "/s/a/audit?page=9223372036854775807", &he).await;
    assert_eq!(status, StatusCode::OK, "any page number is answered");
    assert!(rows(&far).is_empty());

    let (_, who) = get(&t, "/s/a/audit?who=u-chair", &he).await;
    assert_eq!(rows(&who).len(), 1);
    let (_, what) = get(&t, "/s/a/audit?what=dues.payment", &he).await;
    assert!(what.contains("共 60 条记录"), "{}", strip_tags(&what));
    assert!(rows(&what).iter().all(|r| r.contains("登记缴费")));
    let (_, family) = get(&t, "/s/a/audit?what=member", &he).await;
    assert!(family.contains("共 60 条记录"), "a family of events");
    let (_, wildcard) = get(&t, "/s/a/audit?what=%25", &he).await;
    assert!(wildcard.contains("共 0 条记录"), "% is not a wildcard");

    let today = jiaogong_web::platform::pages::today();
    let tomorrow = today.succ_opt().unwrap().format("%Y-%m-%d");
    let (_, future) = get(&t, &format!("/s/a/audit?from={tomorrow}"), &he).await;
    assert!(future.contains("共 0 条记录"));
    let (_, todays) = get(&t, &format!("/s/a/audit?from={today}&to={today}"), &he).await;
    assert!(todays.contains("共 121 条记录"), "“to” includes the whole day");
    let (status, bad) = get(&t, "/s/a/audit?from=yesterday", &he).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bad.contains("“从”的日期看不懂"), "the field and how to write it");
    let (_, reversed) = get(&t, &format!("/s/a/audit?from={tomorrow}&to={today}"), &he).await;
    assert!(reversed.contains("开始日期晚于结束日期"));

    // Export: a form post with the filters; the file is an .xlsx and the export is audited.
    let r = t
        .send(t.req(
            "POST",
            "/s/a/audit/export",
            Some(&he),
            Body::from("what=dues.payment"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = common::body_text(r).await;
    assert!(bytes.starts_with("PK"));
    let entries = audit::recent(&t.store, &t.school_a, 1).await.unwrap();
    assert_eq!(entries[0].action, "audit.export");
    // A member may neither read nor export it.
    let member = t.as_role("member").clone();
    let (status, _) = get(&t, "/s/a/audit", &member).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = t.send(t.req("POST", "/s/a/audit/export", Some(&member), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_audit_action_recorded_by_the_code_has_words() {
    // Every action string in the sources (literal, or a known dynamic family) has its key.
    let tr = Tr::new(Lang::ZhCn);
    let mut missing = Vec::new();
    for dir in ["../web/src", "../store/src"] {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                for line in text.lines().filter(|l| l.contains("Event::new(") || l.contains("audit_")) {
                    for lit in line.split('"').skip(1).step_by(2) {
                        let is_code = lit.contains('.')
                            && lit
                                .split('.')
                                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
                        if is_code && jiaogong_web::platform::audit_page::action_name(&tr, lit).starts_with("其他操作")
                        {
                            missing.push(lit.to_string());
                        }
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "actions without words: {missing:?}");
    assert_eq!(jiaogong_web::platform::audit_page::action_name(&tr, "made.up"), "其他操作（made.up）", "a fallback");
}

#[tokio::test]
async fn one_date_style_in_every_language() {
    let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
    assert_eq!(Tr::new(Lang::ZhCn).date(d), "2026年12月20日 周日");
    assert_eq!(Tr::new(Lang::ZhTw).date(d), "2026年12月20日 週日");
    assert_eq!(Tr::new(Lang::En).date(d), "Sun 20 Dec 2026");
    assert_eq!(Tr::new(Lang::ZhCn).date_iso("2026-09-01"), "2026年9月1日 周二");
    assert_eq!(Tr::new(Lang::ZhCn).date_iso("not a date"), "not a date");
    // 2026-12-20 07:30 UTC is 15:30 in China.
    let ms = d.and_hms_opt(7, 30, 0).unwrap().and_utc().timestamp_millis();
    assert_eq!(Tr::new(Lang::ZhCn).when(ms), "2026年12月20日 周日 15:30");
    // No template formats dates on its own.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for banned in
                ["crate::platform::pages::date_zh", "crate::platform::pages::instant", "%Y-%m-%d", "format_zh"]
            {
                assert!(!text.contains(banned), "{} formats dates itself ({banned})", p.display());
            }
        }
    }
}

#[tokio::test]
async fn histories_name_people_not_login_names() {
    let t = common::app().await;
    let he = heli(&t).await;
    let r = t
        .send(t.req(
            "POST",
            &format!("/s/a/members/{}/event", t.member_a),
            Some(&he),
            Body::from("kind=retire&date=2026-07-01&reason=%E5%88%B0%E9%BE%84"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert!(r.status().is_redirection() || r.status().is_success(), "{}", r.status());
    let (_, html) = get(&t, &format!("/s/a/members/{}", t.member_a), &he).await;
    let history = html.split("id=\"history\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(history.contains("何丽") && !history.contains("heli"), "{history}");
    assert!(history.contains("2026年7月1日 周三"), "{history}");
}
