//! Finance through the router: the API's contract (201, 422 unbalanced, 409 period_closed,
//! 403 own_voucher, 404 and an audit entry for another school's voucher, 403 for a member), the
//! statements' figures, the entry form's Chinese messages with nothing written, receipts typed
//! by content and served only to those who may read the books, and a member asking on a
//! published disclosure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use chrono::NaiveDate;
use jiaogong_store::finance as fin;
use serde_json::{json, Value};

type Who = (String, String);

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn api(t: &common::TestApp, method: &str, uri: &str, who: &Who, body: Option<Value>) -> (StatusCode, Value) {
    let b = body.map(|v| Body::from(v.to_string())).unwrap_or_else(Body::empty);
    let r = t.send(t.req(method, uri, Some(who), b, Some("application/json"))).await;
    let status = r.status();
    let text = common::body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn post_form(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> (StatusCode, String, String) {
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

fn voucher(date: &str, amount: i64) -> Value {
    json!({"date": date, "summary": "购买羽毛球赛奖品", "lines": [
        {"account": "50102", "debit": amount, "credit": 0},
        {"account": "102", "debit": 0, "credit": amount}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_keeps_its_contract() {
    let t = common::app().await;
    let (fin_u, chair, admin, member) = (
        t.as_role("finance").clone(),
        t.as_role("chair").clone(),
        t.as_role("admin").clone(),
        t.as_role("member").clone(),
    );

    let (s, accounts) = api(&t, "GET", "/api/v1/schools/a/accounts", &fin_u, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(accounts
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["code"] == "50405" && a["name"] == "送温暖" && a["kind"] == "expense"));
    assert!(accounts.as_array().unwrap().iter().any(|a| a["code"] == "322" && a["kind"] == "net_assets"));

    let mut bad = voucher("2026-03-05", 10_000);
    bad["lines"][1]["credit"] = json!(9_999);
    let (s, e) = api(&t, "POST", "/api/v1/schools/a/vouchers", &fin_u, Some(bad)).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unbalanced")));
    assert!(e["error"]["message"].as_str().unwrap().contains("不相等"));

    let (s, v) = api(&t, "POST", "/api/v1/schools/a/vouchers", &fin_u, Some(voucher("2026-03-05", 10_000))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["number"].as_i64(), v["state"].as_str(), v["lines"][0]["name"].as_str()),
        (Some(1), Some("draft"), Some("文体活动"))
    );
    let id = v["id"].as_str().unwrap().to_string();

    let (s, e) = api(&t, "POST", &format!("/api/v1/vouchers/{id}/review"), &fin_u, None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("own_voucher")));
    let (s, _) = api(&t, "POST", &format!("/api/v1/vouchers/{id}/review"), &chair, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = api(&t, "POST", &format!("/api/v1/vouchers/{id}/approve"), &chair, None).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("own_voucher")));
    // A member may not approve; another school's chair finds nothing and is audited.
    let (s, _) = api(&t, "POST", &format!("/api/v1/vouchers/{id}/approve"), &member, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (denied,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'")
        .fetch_one(&mut *t.store.begin().await.unwrap())
        .await
        .unwrap();
    assert!(denied >= 1, "a role without approval is refused and audited");
    let (s, _) = api(&t, "POST", &format!("/api/v1/vouchers/{id}/approve"), &t.chair_b, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'finance.approval_refused'")
        .fetch_one(&mut *t.store.begin().await.unwrap())
        .await
        .unwrap();
    assert!(n >= 2, "refusals are audited");
    let (s, v) = api(&t, "POST", &format!("/api/v1/vouchers/{id}/approve"), &admin, None).await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("approved")));

    let (s, ie) = api(
        &t,
        "GET",
        "/api/v1/schools/a/reports/income-expenditure?from=2026-01-01&to=2026-12-31",
        &t.as_role("auditor").clone(),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((ie["total_income"].as_i64(), ie["total_expense"].as_i64()), (Some(0), Some(10_000)));
    assert_eq!(ie["expense"][0]["code"], "50102");
    let (s, bs) = api(&t, "GET", "/api/v1/schools/a/reports/balance-sheet?date=2026-12-31", &fin_u, None).await;
    assert_eq!((s, bs["balanced"].as_bool(), bs["total_assets"].as_i64()), (StatusCode::OK, Some(true), Some(-10_000)));
    let (s, f) = api(
        &t,
        "GET",
        "/api/v1/schools/a/audit-findings?from=2026-01-01&to=2026-12-31",
        &t.as_role("auditor").clone(),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(f.as_array().unwrap().iter().any(|f| f["kind"] == "no_attachment" && f["vouchers"][0] == id.as_str()));
    let (s, _) = api(&t, "GET", "/api/v1/schools/a/audit-findings", &member, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The home page shows the bookkeeper the disclosure that is due, and the navigation the books.
    let (_, home) = get(&t, "/", &fin_u).await;
    assert!(home.contains("半年度收支情况待公开") && home.contains("/s/a/finance/disclosures"), "{home}");
    assert!(home.contains("id=\"nav-finance\""));
    // A payment from the care area arrives as a draft: the bookkeeper's home page says which
    // month cannot be closed yet and opens that month's vouchers.
    let mut tx = t.store.begin().await.unwrap();
    let before = fin::drafts::pending(&mut tx, &t.school_a).await.unwrap();
    fin::drafts::create_draft(
        &mut tx,
        &fin::drafts::DraftRequest {
            school_id: &t.school_a,
            date: NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            summary: "慰问住院教职工",
            debit_account: "50405",
            credit_account: "102",
            amount: jiaogong_domain::platform::money::Fen(50_000),
            source_kind: "care_visit",
            source_id: "visit-1",
            link: "/care",
            needs_clearance: false,
        },
    )
    .await
    .unwrap();
    let after = fin::drafts::pending(&mut tx, &t.school_a).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    assert_eq!((after.count, after.from_other_areas), (before.count + 1, before.from_other_areas + 1));
    let month = after.earliest_period.unwrap();
    assert!(month.as_str() <= "2026-11");
    let (_, home) = get(&t, "/", &fin_u).await;
    assert!(
        home.contains(&format!("{month} 起的月份尚不能结账")) && home.contains(&format!("/s/a/finance?month={month}")),
        "{home}"
    );
    // A closed month: 409 period_closed.
    let mut tx = t.store.begin().await.unwrap();
    fin::close_month(&mut tx, &t.store.crypto, &t.school_a, "u-finance", "2026-03").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (s, e) = api(&t, "POST", "/api/v1/schools/a/vouchers", &fin_u, Some(voucher("2026-03-20", 100))).await;
    assert_eq!((s, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("period_closed")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_entry_form_explains_and_receipts_are_checked() {
    let t = common::app().await;
    let fin_u = t.as_role("finance").clone();
    let form = |debit: &str| {
        format!(
            "_csrf={}&date=2026-04-02&summary={}&payee=&account=50102&debit={}&credit=&account=102&debit=&credit=12.34",
            enc(&fin_u.1),
            enc("购买奖品"),
            enc(debit)
        )
    };
    let (s, _, page) = post_form(&t, "/s/a/finance/vouchers", &fin_u, &form("12.345")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("第1行") && page.contains("两位小数"), "{page}");
    let (s, _, page) = post_form(&t, "/s/a/finance/vouchers", &fin_u, &form("十二元")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("汉字"));
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM fin_vouchers")
        .fetch_one(&mut *t.store.begin().await.unwrap())
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing written");
    let (s, loc, _) = post_form(&t, "/s/a/finance/vouchers", &fin_u, &form("12.34")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let id = loc.rsplit('/').next().unwrap().to_string();

    // An unapproved voucher can be corrected on the same form; a wrong amount is explained.
    let (s, page) = get(&t, &format!("/s/a/finance/vouchers/{id}/edit"), &fin_u).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("12.34"));
    let edit = |debit: &str, credit: &str| {
        format!(
            "_csrf={}&date=2026-04-02&summary={}&payee=&account=50102&debit={}&credit=&account=102&debit=&credit={}",
            enc(&fin_u.1),
            enc("购买奖品（更正）"),
            enc(debit),
            enc(credit)
        )
    };
    let (s, _, page) =
        post_form(&t, &format!("/s/a/finance/vouchers/{id}/edit"), &fin_u, &edit("20.00", "19.00")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("不相等"));
    let (s, _, _) = post_form(&t, &format!("/s/a/finance/vouchers/{id}/edit"), &fin_u, &edit("20.00", "20.00")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &format!("/s/a/finance/vouchers/{id}"), &fin_u).await;
    assert!(page.contains("购买奖品（更正）") && page.contains("20.00"));

    // A receipt: a real PNG is kept, a text file named .png is refused.
    let png = {
        let img = image::RgbImage::from_pixel(4, 4, image::Rgb([10, 200, 10]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let multipart = |name: &str, bytes: &[u8]| {
        let mut b = Vec::new();
        b.extend_from_slice(
            format!("--XYZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n", fin_u.1).as_bytes(),
        );
        b.extend_from_slice(format!("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n--XYZ--\r\n");
        b
    };
    let up = |body: Vec<u8>| {
        t.req(
            "POST",
            &format!("/s/a/finance/vouchers/{id}/attachments"),
            Some(&fin_u),
            Body::from(body),
            Some("multipart/form-data; boundary=XYZ"),
        )
    };
    let r = t.send(up(multipart("fake.png", b"hello, not a picture"))).await;
    let loc = r.headers().get("location").unwrap().to_str().unwrap().to_string();
    assert!(loc.contains("msg="), "refused with a message: {loc}");
    let r = t.send(up(multipart("发票.png", &png))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &format!("/s/a/finance/vouchers/{id}"), &t.as_role("auditor").clone()).await;
    assert!(page.contains("发票.png"));
    let (att,): (String,) =
        sqlx::query_as("SELECT id FROM fin_attachments").fetch_one(&mut *t.store.begin().await.unwrap()).await.unwrap();
    let (s, _) = get(&t, &format!("/s/a/finance/attachments/{att}"), &t.as_role("auditor").clone()).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = get(&t, &format!("/s/a/finance/attachments/{att}"), &t.as_role("member").clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The auditor reads but does not approve.
    let (s, _, _) = post_form(
        &t,
        &format!("/s/a/finance/vouchers/{id}/act"),
        &t.as_role("auditor").clone(),
        &format!("_csrf={}&action=approve", enc(&t.as_role("auditor").1)),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for page in [
        "/s/a/finance",
        "/s/a/finance/reports",
        "/s/a/finance/budget",
        "/s/a/finance/audit",
        "/s/a/finance/disclosures",
        "/s/a/finance/ledger/102",
    ] {
        let (s, body) = get(&t, page, &t.as_role("auditor").clone()).await;
        assert_eq!(s, StatusCode::OK, "{page}: {body}");
    }
    let r = t.send(t.req("GET", "/s/a/finance/reports.xlsx", Some(&fin_u), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    // The ledger and the budget execution: a print view without the forms, and a workbook each.
    let money = jiaogong_domain::platform::money::Fen;
    let prize = [
        jiaogong_domain::finance::Line { account: "50102".into(), debit: money(10_000), credit: money(0) },
        jiaogong_domain::finance::Line { account: "101".into(), debit: money(0), credit: money(10_000) },
    ];
    let day = NaiveDate::from_ymd_opt(2026, 5, 6).unwrap();
    let mut tx = t.store.begin().await.unwrap();
    let v = fin::prepare(&mut tx, &t.store.crypto, &t.school_a, "u-finance", day, "购买羽毛球赛奖品", "", &prize)
        .await
        .unwrap();
    fin::review(&mut tx, &t.store.crypto, &t.school_a, "u-auditor", &v).await.unwrap();
    fin::approve(&mut tx, &t.store.crypto, &t.school_a, "u-chair", &v).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let (s, print) = get(&t, "/s/a/finance/ledger/50102?from=2026-01-01&to=2026-12-31&print=1", &fin_u).await;
    assert_eq!(s, StatusCode::OK);
    assert!(print.contains("paper-form") && !print.contains("id=\"fin-xlsx\""), "{print}");
    let sheet = |bytes: &[u8]| {
        use calamine::Reader;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        range.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>()).collect::<Vec<_>>()
    };
    let r = t
        .send(t.req(
            "GET",
            "/s/a/finance/ledger/50102?from=2026-01-01&to=2026-12-31&xlsx=1",
            Some(&fin_u),
            Body::empty(),
            None,
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let rows = sheet(&axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap());
    assert_eq!(rows[0][2], "摘要", "{rows:?}");
    assert!(rows.iter().any(|r| r[2] == "购买羽毛球赛奖品" && r[3] == "100.00"), "{rows:?}");
    let r = t
        .send(t.req(
            "GET",
            "/s/a/finance/budget?year=2026&xlsx=1",
            Some(&t.as_role("auditor").clone()),
            Body::empty(),
            None,
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let rows = sheet(&axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap());
    assert_eq!(rows[0].len(), 16, "category, budget, 12 months, actual, rate: {rows:?}");
    assert_eq!(rows[0][2], "1月");
    let r = t
        .send(t.req(
            "GET",
            "/s/a/finance/budget?year=2026&xlsx=1",
            Some(&t.as_role("member").clone()),
            Body::empty(),
            None,
        ))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_asks_on_the_published_disclosure_and_sees_the_answer() {
    let t = common::app().await;
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let mut tx = t.store.begin().await.unwrap();
    let lines = [
        jiaogong_domain::finance::Line {
            account: "102".into(),
            debit: jiaogong_domain::platform::money::Fen(50_000),
            credit: jiaogong_domain::platform::money::Fen(0),
        },
        jiaogong_domain::finance::Line {
            account: "401".into(),
            debit: jiaogong_domain::platform::money::Fen(0),
            credit: jiaogong_domain::platform::money::Fen(50_000),
        },
    ];
    let v = fin::prepare(&mut tx, &t.store.crypto, &t.school_a, "u-finance", d("2026-02-01"), "会费收入", "", &lines)
        .await
        .unwrap();
    fin::review(&mut tx, &t.store.crypto, &t.school_a, "u-chair", &v).await.unwrap();
    fin::approve(&mut tx, &t.store.crypto, &t.school_a, "u-admin", &v).await.unwrap();
    for m in 1..=6 {
        fin::close_month(&mut tx, &t.store.crypto, &t.school_a, "u-finance", &format!("2026-0{m}")).await.unwrap();
    }
    jiaogong_store::commit(tx).await.unwrap();
    let fin_u = t.as_role("finance").clone();
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let (s, loc, _) =
        post_form(&t, "/s/a/finance/disclosures", &fin_u, &format!("_csrf={}&from=2026-01&to=2026-06", enc(&fin_u.1)))
            .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let id = loc.rsplit('/').next().unwrap().to_string();
    // A draft is not for members.
    let (s, _) = get(&t, &loc, &member).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) =
        post_form(&t, &format!("/s/a/finance/disclosures/{id}/publish"), &chair, &format!("_csrf={}", enc(&chair.1)))
            .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, page) = get(&t, &loc, &member).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("500.00") && page.contains("会费收入"));
    let (s, _, _) = post_form(
        &t,
        &format!("/finance/disclosures/{id}/questions"),
        &member,
        &format!("_csrf={}&text={}", enc(&member.1), enc("会费收入是怎么计算的？")),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (qid,): (String,) =
        sqlx::query_as("SELECT id FROM fin_questions").fetch_one(&mut *t.store.begin().await.unwrap()).await.unwrap();
    let (s, _, _) = post_form(
        &t,
        &format!("/s/a/finance/questions/{qid}/answer"),
        &chair,
        &format!("_csrf={}&disclosure={id}&text={}", enc(&chair.1), enc("按工资的0.5%计算。")),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &loc, &member).await;
    assert!(page.contains("会费收入是怎么计算的？") && page.contains("按工资的0.5%计算。"));
    // Another school's chair finds nothing.
    let (s, _) = get(&t, &loc, &t.chair_b).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_books_are_set_up_with_sub_accounts_settings_opening_balances_and_drafts() {
    let t = common::app().await;
    let fin_u = t.as_role("finance").clone();
    let chair = t.as_role("chair").clone();
    let (s, page) = get(&t, "/s/a/finance/setup", &fin_u).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("送温暖"));
    let (s, loc, _) = post_form(
        &t,
        "/s/a/finance/setup/account",
        &fin_u,
        &format!("_csrf={}&parent=50102&code=5010201&name={}", enc(&fin_u.1), enc("球类比赛")),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(!loc.contains(&enc("子科目编码")));
    let (_, loc, _) = post_form(
        &t,
        "/s/a/finance/setup/account",
        &fin_u,
        &format!("_csrf={}&parent=50102&code=50201&name=x", enc(&fin_u.1)),
    )
    .await;
    assert!(loc.contains("msg="), "a wrong code is explained: {loc}");
    let (s, accounts) = api(&t, "GET", "/api/v1/schools/a/accounts", &fin_u, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(accounts.as_array().unwrap().iter().any(|a| a["code"] == "5010201" && a["kind"] == "expense"));
    // Settings belong to the chair.
    let (s, _, _) = post_form(
        &t,
        "/s/a/finance/setup/settings",
        &fin_u,
        &format!("_csrf={}&threshold=3000&share=60&months=6", enc(&fin_u.1)),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = post_form(
        &t,
        "/s/a/finance/setup/settings",
        &chair,
        &format!("_csrf={}&threshold=3000&share=60&months=6", enc(&chair.1)),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let mut tx = t.store.begin().await.unwrap();
    assert_eq!(
        fin::settings(&mut tx, &t.school_a).await.unwrap().threshold,
        jiaogong_domain::platform::money::Fen(300_000)
    );
    drop(tx);
    // Opening balances from the template: a dry run writes nothing, then the import.
    let r = t.send(t.req("GET", "/s/a/finance/setup/opening-template.xlsx", Some(&fin_u), Body::empty(), None)).await;
    let template = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap().to_vec();
    let upload = |dry: bool| {
        let mut b = Vec::new();
        b.extend_from_slice(
            format!("--XYZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n", fin_u.1).as_bytes(),
        );
        if dry {
            b.extend_from_slice(b"--XYZ\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n");
        }
        b.extend_from_slice(b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"o.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        b.extend_from_slice(&template);
        b.extend_from_slice(b"\r\n--XYZ--\r\n");
        t.req(
            "POST",
            "/s/a/finance/setup/opening",
            Some(&fin_u),
            Body::from(b),
            Some("multipart/form-data; boundary=XYZ"),
        )
    };
    let r = t.send(upload(true)).await;
    let loc = r.headers().get("location").unwrap().to_str().unwrap().to_string();
    assert!(loc.contains(&enc("检查通过")), "{loc}");
    let mut tx = t.store.begin().await.unwrap();
    assert_eq!(fin::balance_statement(&mut tx, &t.school_a, "2026-12-31").await.unwrap().total_assets, 0);
    drop(tx);
    let r = t.send(upload(false)).await;
    let loc = r.headers().get("location").unwrap().to_str().unwrap().to_string();
    assert!(loc.contains(&enc("已导入")), "{loc}");
    let mut tx = t.store.begin().await.unwrap();
    let bs = fin::balance_statement(&mut tx, &t.school_a, "2026-12-31").await.unwrap();
    assert_eq!((bs.total_assets, bs.balanced), (8_650_000, true));
    drop(tx);
    // The allocation's draft from the month's payroll: 800,000 元 × 2 % × 60 %.
    let (s, loc, _) = post_form(
        &t,
        "/s/a/finance/setup/drafts",
        &fin_u,
        &format!("_csrf={}&kind=allocation&month=2026-09&payroll=800000", enc(&fin_u.1)),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = get(&t, &loc, &fin_u).await;
    assert!(page.contains("9600.00") || page.contains("9,600.00"), "{page}");
    let (_, loc, _) =
        post_form(&t, "/s/a/finance/setup/drafts", &fin_u, &format!("_csrf={}&kind=dues&month=2026-09", enc(&fin_u.1)))
            .await;
    assert!(loc.contains(&enc("没有会费")), "{loc}");
}
