//! 校务公开, the work plan and the year-end summary through the router: the API's contract
//! (201 with start and end, 422 for 0/400 working days and a year the calendar does not cover,
//! 409 period_over, 404 for another school's item), script refused, anonymous objections shown
//! without a name, the public link showing that item alone and withdrawn; the plan's computed
//! progress and a record of another school refused; the summary's figures with their queries,
//! prose kept across a re-draft, script prose refused; the .docx opened by LibreOffice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
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

async fn get(t: &common::TestApp, uri: &str, who: Option<&Who>) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, who, Body::empty(), None)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn post_form(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> (StatusCode, String) {
    let body = format!("_csrf={}&{body}", enc(&who.1));
    let r = t.send(t.req("POST", uri, Some(who), Body::from(body), Some("application/x-www-form-urlencoded"))).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn app() -> common::TestApp {
    let t = common::app().await;
    jiaogong_store::platform::calendar::preload(&t.store).await.unwrap();
    t
}

fn today() -> String {
    jiaogong_domain::activities::local(jiaogong_store::now_ms()).unwrap().date().format("%Y-%m-%d").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_transparency_api_keeps_its_contract_and_refuses_bad_input_clearly() {
    let t = app().await;
    let chair = t.as_role("chair").clone();
    let member = t.as_role("member").clone();
    let url = "/api/v1/schools/a/transparency";
    let body = json!({"category": "funds", "title": "上半年经费使用", "content": "<p>明细</p>", "working_days": 5, "start": "2026-03-09"});
    let (s, v) = api(&t, "POST", url, &chair, Some(body.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["start"].as_str(), v["end"].as_str()), (Some("2026-03-09"), Some("2026-03-13")));
    let past = v["id"].as_str().unwrap().to_string();
    // Across 国庆 2026 (10-01..07 off): from Wednesday 09-30, 3 working days are 09-30, 10-08, 10-09.
    let (_, v) = api(
        &t,
        "POST",
        url,
        &chair,
        Some(json!({"category": "other", "title": "国庆", "working_days": 3, "start": "2026-09-30"})),
    )
    .await;
    assert_eq!((v["start"].as_str(), v["end"].as_str()), (Some("2026-09-30"), Some("2026-10-09")));
    // A member may not publish.
    assert_eq!(api(&t, "POST", url, &member, Some(body.clone())).await.0, StatusCode::FORBIDDEN);
    for days in [0, 400] {
        let mut b = body.clone();
        b["working_days"] = json!(days);
        let (s, v) = api(&t, "POST", url, &chair, Some(b)).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_working_days")));
        assert!(v["error"]["message"].as_str().unwrap().contains("工作日"), "{v}");
    }
    let mut b = body.clone();
    b["start"] = json!("2031-03-03");
    let (s, v) = api(&t, "POST", url, &chair, Some(b)).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("calendar_not_covered")));
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(msg.contains("2031") && msg.contains("工作日历"), "names the year and what to add: {msg}");
    let mut b = body.clone();
    b["content"] = json!("<p>x</p><script>alert(1)</script>");
    let (s, v) = api(&t, "POST", url, &chair, Some(b)).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_item")));
    assert!(v["error"]["message"].as_str().unwrap().contains("脚本"));

    // Objections: after the end 409 period_over naming the day; during the period 201.
    let (s, v) =
        api(&t, "POST", &format!("/api/v1/transparency/{past}/objections"), &member, Some(json!({"body": "有疑问"})))
            .await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("period_over")));
    assert!(v["error"]["message"].as_str().unwrap().contains("3月13日"), "{v}");
    let (_, v) = api(
        &t,
        "POST",
        url,
        &chair,
        Some(json!({"category": "selection", "title": "优秀教师公示", "content": "<p>名单</p>", "audience": "public"})),
    )
    .await;
    let id = v["id"].as_str().unwrap().to_string();
    let (s, _) = api(
        &t,
        "POST",
        &format!("/api/v1/transparency/{id}/objections"),
        &member,
        Some(json!({"body": "第二名不符合条件", "anonymous": true})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) =
        api(&t, "POST", &format!("/api/v1/transparency/{id}/objections"), &member, Some(json!({"body": "名单有误"})))
            .await;
    assert_eq!(s, StatusCode::CREATED);
    // Another school's caller: the item is not found.
    let (s, _) =
        api(&t, "POST", &format!("/api/v1/transparency/{id}/objections"), &t.chair_b, Some(json!({"body": "x"}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The supervision group sees the signed name and "匿名" for the other; the chair sees no names.
    let page = format!("/s/a/transparency/{id}");
    let (_, html) = get(&t, &page, Some(t.as_role("supervisor"))).await;
    assert!(html.contains("甲一") && html.contains("匿名") && html.contains("第二名不符合条件"), "{html}");
    let (_, html) = get(&t, &page, Some(&chair)).await;
    assert!(!html.contains("甲一"));
    // The public link: that item alone, no objections; withdrawn → 404.
    let public = html.split("id=\"tp-public-url\" href=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (s, html) = get(&t, &public, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("优秀教师公示") && !html.contains("第二名不符合条件") && !html.contains("上半年经费使用"));
    // Attachments: a PDF is taken (typed by content), an executable named .pdf is refused in
    // words; the school's people and the public link download it, another school's chair not.
    let boundary = "TpFileBoundary";
    let multipart = |csrf: &str, name: &str, bytes: &[u8]| {
        let mut b =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").into_bytes();
        b.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes());
        b.extend_from_slice(bytes);
        b.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        b
    };
    let ct = format!("multipart/form-data; boundary={boundary}");
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    let upload = |who: &Who, name: &str, bytes: &[u8]| {
        t.req(
            "POST",
            &format!("/s/a/transparency/{id}/files"),
            Some(who),
            Body::from(multipart(&who.1, name, bytes)),
            Some(&ct),
        )
    };
    let r = t.send(upload(&chair, "评选办法.pdf", pdf)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = t.send(upload(&chair, "setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.send(upload(&member, "x.pdf", pdf)).await.status(), StatusCode::FORBIDDEN);
    let (_, html) = get(&t, &page, Some(&member)).await;
    let href = html
        .split("id=\"tp-files\"")
        .nth(1)
        .unwrap()
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = t.send(t.req("GET", &href, Some(&member), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(&axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap()[..], &pdf[..]);
    let other = href.replacen("/s/a/", "/s/b/", 1);
    assert_ne!(t.send(t.req("GET", &other, Some(&t.chair_b), Body::empty(), None)).await.status(), StatusCode::OK);
    let (_, public_html) = get(&t, &public, None).await;
    let public_href = public_html
        .split("id=\"tp-files\"")
        .nth(1)
        .unwrap()
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(t.send(t.req("GET", &public_href, None, Body::empty(), None)).await.status(), StatusCode::OK);
    let (s, _) = post_form(&t, &format!("/s/a/transparency/{id}/link"), &chair, "on=0").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(get(&t, &public, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.send(t.req("GET", &public_href, None, Body::empty(), None)).await.status(), StatusCode::NOT_FOUND);
    // Sign-off during the period is refused with the reason.
    let (_, html) =
        post_form(&t, &format!("/s/a/transparency/{id}/signoff"), t.as_role("supervisor"), "opinion=同意").await;
    assert!(html.contains("公示期尚未结束"), "{html}");
    // The yearly index and its workbook.
    let (s, html) = get(&t, "/s/a/transparency/index?year=2026", Some(&member)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("按时公开率") && html.contains("上半年经费使用"));
    let r = t.send(t.req("GET", "/s/a/transparency/index.xlsx?year=2026", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
    let sheet =
        jiaogong_office::xlsx_read::read_first_sheet(&bytes, &jiaogong_office::xlsx_read::Limits::default()).unwrap();
    assert!(format!("{sheet:?}").contains("上半年经费使用"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_computes_progress_and_the_summary_keeps_the_chairs_prose() {
    let t = app().await;
    let chair = t.as_role("chair").clone();
    let year: i32 = today()[..4].parse().unwrap();
    let (s, _) = post_form(&t, "/s/a/plans", &chair, &format!("year={year}&action=create")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    post_form(
        &t,
        "/s/a/plans",
        &chair,
        &format!("year={year}&action=entry&month=1&item={}&responsible=主席&kind=other", enc("工会工作计划")),
    )
    .await;
    post_form(
        &t,
        "/s/a/plans",
        &chair,
        &format!("year={year}&action=entry&month=12&item={}&responsible=主席&kind=transparency", enc("公开经费")),
    )
    .await;
    let (_, html) =
        post_form(&t, "/s/a/plans", &chair, &format!("year={year}&action=entry&month=13&item=x&kind=other")).await;
    assert!(html.contains("月份须为 1 至 12"), "{html}");
    let (_, v) = api(&t, "GET", &format!("/api/v1/schools/a/plans/{year}"), &chair, None).await;
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    // A record of another school is refused.
    let entry = entries.iter().find(|e| e["kind"] == "transparency").unwrap()["id"].as_str().unwrap().to_string();
    let (_, b) = api(
        &t,
        "POST",
        "/api/v1/schools/b/transparency",
        &t.chair_b,
        Some(json!({"category": "other", "title": "乙校公开"})),
    )
    .await;
    let foreign = b["id"].as_str().unwrap();
    let (_, html) = post_form(
        &t,
        "/s/a/plans",
        &chair,
        &format!("year={year}&action=link&entry={entry}&kind=transparency&record={foreign}"),
    )
    .await;
    assert!(html.contains("不属于本校"), "{html}");
    let (_, a) = api(
        &t,
        "POST",
        "/api/v1/schools/a/transparency",
        &chair,
        Some(json!({"category": "funds", "title": "甲校公开", "start": format!("{year}-01-05")})),
    )
    .await;
    let own = a["id"].as_str().unwrap();
    post_form(
        &t,
        "/s/a/plans",
        &chair,
        &format!("year={year}&action=link&entry={entry}&kind=transparency&record={own}"),
    )
    .await;
    let (_, v) = api(&t, "GET", &format!("/api/v1/schools/a/plans/{year}"), &chair, None).await;
    let progress: Vec<(i64, String)> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["month"].as_i64().unwrap(), e["progress"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(progress[1], (12, "done".to_string()));
    assert_eq!(
        progress[0].1,
        if year == 2026 && today().as_str() >= "2026-02-01" { "overdue" } else { progress[0].1.as_str() }
    );
    let (s, html) = get(&t, &format!("/s/a/plans?year={year}"), Some(t.as_role("member"))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<svg") && html.contains("公开经费"));

    // The summary: figures with their queries; draft, write, re-draft, the prose stays.
    let (s, v) = api(&t, "GET", &format!("/api/v1/schools/a/summary/{year}"), &chair, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let fig = v["figures"].as_array().unwrap().iter().find(|f| f["code"] == "transparency.items").unwrap().clone();
    assert_eq!(fig["value"], 1);
    let (s, recs) = api(&t, "GET", fig["query"].as_str().unwrap(), &chair, None).await;
    assert_eq!(s, StatusCode::OK, "{recs}");
    assert_eq!(recs["records"][0]["label"], "甲校公开");
    let (s, _) = post_form(&t, "/s/a/summary", &chair, &format!("year={year}&action=draft")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let prose = "一年来，工会在学校党委领导下认真履行职责。";
    post_form(&t, "/s/a/summary", &chair, &format!("year={year}&action=prose&section=opening&body={}", enc(prose)))
        .await;
    let (s, _) = post_form(
        &t,
        "/s/a/summary",
        &chair,
        &format!("year={year}&action=prose&section=opening&body={}", enc("<script>x</script>")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    api(&t, "POST", "/api/v1/schools/a/transparency", &chair, Some(json!({"category": "funds", "title": "第二项"})))
        .await;
    post_form(&t, "/s/a/summary", &chair, &format!("year={year}&action=draft")).await;
    let (_, v) = api(&t, "GET", &format!("/api/v1/schools/a/summary/{year}"), &chair, None).await;
    assert_eq!(v["prose"]["opening"], prose);
    assert_eq!(
        v["figures"].as_array().unwrap().iter().find(|f| f["code"] == "transparency.items").unwrap()["value"],
        2
    );
    let (_, html) = get(&t, &format!("/s/a/summary?year={year}"), Some(&chair)).await;
    assert!(html.contains(prose) && html.contains("<svg"));
    assert_eq!(get(&t, &format!("/s/a/summary/print?year={year}"), Some(&chair)).await.0, StatusCode::OK);

    // The .docx, opened by LibreOffice: converted to PDF whose text has the figures and prose.
    let r = t
        .send(t.req("GET", &format!("/api/v1/schools/a/summary/{year}.docx"), Some(&chair), Body::empty(), None))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    // The charts travel as pictures (every word processor shows a PNG).
    assert!(bytes.windows(b"word/media/".len()).any(|w| w == b"word/media/"), "no picture in the .docx");
    let Some(bin) = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().map(|o| o.status.success()).unwrap_or(false))
    else {
        assert!(std::env::var("JIAOGONG_REQUIRE_OFFICE").as_deref() != Ok("1"), "LibreOffice is required");
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    };
    let dir = std::env::temp_dir().join(format!("jg-sum-{}", jiaogong_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("summary.docx");
    std::fs::write(&input, &bytes).unwrap();
    let out = std::process::Command::new(bin)
        .arg(format!("-env:UserInstallation=file://{}/profile", dir.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir.join("out"))
        .arg(&input)
        .output()
        .unwrap();
    let pdf = std::fs::read(dir.join("out").join("summary.pdf")).unwrap_or_else(|_| panic!("no PDF: {out:?}"));
    let text = jiaogong_office::extract::extract_text(jiaogong_office::extract::TextSource::Pdf, &pdf).unwrap();
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(compact.contains("校务公开事项"), "{text}");
    assert!(compact.contains("一年来，工会在学校党委领导下认真履行职责。"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
