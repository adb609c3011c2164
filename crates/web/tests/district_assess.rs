//! The staff-home assessment and submissions upward through the router: school users refused on
//! the district's pages, a district user refused another district's school and submission, a
//! self-score above the item's points and a link to another school's record refused in words,
//! an upload, the 台账 archive streamed and opened (index, generated documents, the uploaded
//! file), and a submission opened through the API, submitted by the school and listed as such.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Read;

use axum::body::Body;
use axum::http::StatusCode;
use chrono::NaiveDate;
use jiaogong_domain::platform::roles::Role;
use serde_json::{json, Value};

type Who = (String, String);

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn get(t: &common::TestApp, uri: &str, who: &Who) -> (StatusCode, String) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn get_bytes(t: &common::TestApp, uri: &str, who: &Who) -> (StatusCode, Vec<u8>) {
    let r = t.send(t.req("GET", uri, Some(who), Body::empty(), None)).await;
    let status = r.status();
    (status, axum::body::to_bytes(r.into_body(), 64 * 1024 * 1024).await.unwrap().to_vec())
}

async fn post_form(t: &common::TestApp, uri: &str, who: &Who, body: &str) -> (StatusCode, String) {
    let body = format!("_csrf={}&{body}", enc(&who.1));
    let r = t.send(t.req("POST", uri, Some(who), Body::from(body), Some("application/x-www-form-urlencoded"))).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn post_multipart(
    t: &common::TestApp,
    uri: &str,
    who: &Who,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (StatusCode, String) {
    let boundary = "XjgBoundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    if let Some((name, bytes)) = file {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let r = t.send(t.req("POST", uri, Some(who), Body::from(body), Some(&ct))).await;
    let status = r.status();
    (status, common::body_text(r).await)
}

async fn api(t: &common::TestApp, method: &str, uri: &str, who: &Who, body: Option<Value>) -> (StatusCode, Value) {
    let b = body.map(|v| Body::from(v.to_string())).unwrap_or_else(Body::empty);
    let r = t.send(t.req(method, uri, Some(who), b, Some("application/json"))).await;
    let status = r.status();
    let text = common::body_text(r).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A user of a second district.
async fn other_district_user(t: &common::TestApp) -> Who {
    let mut tx = t.store.begin().await.unwrap();
    let d2 = jiaogong_store::platform::tenancy::create_district(&mut tx, "二区", "d2").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    common::user(&t.store, None, Some(&d2), "district-2", Role::District, None).await
}

async fn tp_item(t: &common::TestApp, school: &str, title: &str) -> String {
    jiaogong_store::platform::calendar::preload(&t.store).await.unwrap();
    let item = jiaogong_domain::transparency::validate_item("funds", title, "<p>明细</p>", "staff").unwrap();
    let mut tx = t.store.begin().await.unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
    let (id, _) =
        jiaogong_store::transparency::items::publish(&mut tx, &t.store.crypto, school, "chair", &item, start, 5, None)
            .await
            .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn district_pages_refuse_school_users_and_other_districts() {
    let t = common::app().await;
    let district = t.as_role("district").clone();
    for role in ["chair", "admin", "member"] {
        let who = t.as_role(role).clone();
        assert_eq!(get(&t, "/district/assessment", &who).await.0, StatusCode::FORBIDDEN, "{role}");
        assert_eq!(get(&t, "/district/submissions", &who).await.0, StatusCode::FORBIDDEN, "{role}");
        let (s, _) = api(
            &t,
            "POST",
            "/api/v1/district/submissions",
            &who,
            Some(json!({"kind": "summary", "title": "t", "deadline": "2099-01-01"})),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    // The district reads its own school, not a school outside the district.
    let (s, body) = get(&t, "/district/assessment", &district).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("甲校") && !body.contains("乙校"), "{body}");
    assert_eq!(get(&t, "/district/assessment/a", &district).await.0, StatusCode::OK);
    assert_eq!(get(&t, "/district/assessment/b", &district).await.0, StatusCode::NOT_FOUND);
    let other = other_district_user(&t).await;
    assert_eq!(get(&t, "/district/assessment/a", &other).await.0, StatusCode::NOT_FOUND);
    // A submission of district 1 is not found by district 2.
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/district/submissions",
        &district,
        Some(json!({"kind": "summary", "title": "2026年度工作总结", "deadline": "2099-01-01"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(
        api(&t, "GET", &format!("/api/v1/district/submissions/{id}"), &other, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&t, &format!("/district/submissions/{id}"), &other).await.0, StatusCode::NOT_FOUND);
    // The district user is not one of school A's people.
    assert_eq!(get(&t, "/s/a/assessment", &district).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chair_scores_links_uploads_and_exports_the_ledger_archive() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let (_, plan_page) = get(&t, "/s/a/plans?year=2026", &chair).await;
    assert!(plan_page.contains("/s/a/assessment?year=2026"), "the plan page links the assessment");
    let (s, page) = get(&t, "/s/a/assessment?year=2026", &chair).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("组织建设") && page.contains("待补项目"), "{page}");
    let school = jiaogong_store::platform::tenancy::school(&t.store, "a").await.unwrap();
    let scope = jiaogong_store::district::assessment::scope_of(school.district_id.as_deref()).to_string();
    let s26 = jiaogong_store::district::assessment::standard(&t.store, &scope, 2026).await.unwrap();
    let items = jiaogong_store::district::assessment::items(&t.store, &s26.id).await.unwrap();
    let plan = items.iter().find(|i| i.title == "年度工作计划").unwrap();
    // A self-score above the item's points: refused, saying the maximum.
    let (s, body) =
        post_form(&t, "/s/a/assessment", &chair, &format!("year=2026&action=score&item={}&score=9", plan.id)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("不能超过") && body.contains("满分 4 分"), "{body}");
    // The district's overview shows no total before the school scores itself, then its sheet's
    // total and gaps, read from the school's summaries.
    let district = t.as_role("district").clone();
    let row = |page: &str| {
        let cells = page.split("id=\"assess-schools\"").nth(1).unwrap().split("</tr>").nth(1).unwrap().to_string();
        cells
    };
    let (_, overview) = get(&t, "/district/assessment?year=2026", &district).await;
    assert!(row(&overview).contains("—"), "{overview}");
    assert_eq!(
        post_form(&t, "/s/a/assessment", &chair, &format!("year=2026&action=score&item={}&score=3", plan.id)).await.0,
        StatusCode::SEE_OTHER
    );
    let sheet =
        jiaogong_store::district::assessment::sheet(&t.store, &school.id, &scope, 2026, jiaogong_store::today_cn())
            .await
            .unwrap();
    let (_, overview) = get(&t, "/district/assessment?year=2026", &district).await;
    let line = row(&overview);
    assert!(
        line.contains(&format!(">{}<", sheet.total())) && line.contains(&format!(">{}<", sheet.gaps().len())),
        "{line}"
    );
    // A year whose standard does not exist yet: created on first use (outside the write
    // transaction, which SQLite's single writer would otherwise wait on), the 2026 item not in it.
    let body = format!("year=2031&action=score&item={}&score=3", plan.id);
    let first_use = post_form(&t, "/s/a/assessment", &chair, &body);
    let (s, _) = tokio::time::timeout(std::time::Duration::from_secs(10), first_use).await.expect("no deadlock");
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A link to another school's record: refused in words; the school's own: kept.
    let other = tp_item(&t, &t.school_b, "乙校公开事项").await;
    let (s, body) = post_form(
        &t,
        "/s/a/assessment",
        &chair,
        &format!("year=2026&action=link&item={}&record=transparency_item:{other}", plan.id),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("只能关联本校"), "{body}");
    let own = tp_item(&t, &t.school_a, "甲校经费公开").await;
    let (s, _) = post_form(
        &t,
        "/s/a/assessment",
        &chair,
        &format!("year=2026&action=link&item={}&record=transparency_item:{own}", plan.id),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // An upload: an executable refused, a text file kept.
    let item_field = plan.id.clone();
    let (s, _) = post_multipart(
        &t,
        "/s/a/assessment/upload",
        &chair,
        &[("year", "2026"), ("item", &item_field)],
        Some(("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let evidence = "2026年工会委员会会议记录\n".repeat(2000);
    let (s, body) = post_multipart(
        &t,
        "/s/a/assessment/upload",
        &chair,
        &[("year", "2026"), ("item", &item_field)],
        Some(("会议记录.txt", evidence.as_bytes())),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let (_, page) = get(&t, "/s/a/assessment?year=2026", &chair).await;
    assert!(page.contains("甲校经费公开") && page.contains("会议记录.txt"), "{page}");
    // The print view and the district's read-only view show the same sheet.
    assert!(get(&t, "/s/a/assessment/print?year=2026", &chair).await.1.contains("会议记录.txt"));
    let (s, page) = get(&t, "/district/assessment/a?year=2026", t.as_role("district")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("甲校经费公开"), "{page}");
    assert!(
        !page.contains("value=\"score\"") && !page.contains("/assessment/files/"),
        "the district's view is read-only: {page}"
    );

    // The ledger: one archive with the index, the generated documents and the uploaded file.
    let (s, bytes) = get_bytes(&t, "/s/a/assessment.zip?year=2026", &chair).await;
    assert_eq!(s, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    assert!(names.iter().any(|n| n.ends_with("台账索引.xlsx")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("建家自评表.docx")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("工作总结.docx")), "{names:?}");
    let file = names.iter().find(|n| n.ends_with("会议记录.txt")).unwrap().clone();
    let mut content = Vec::new();
    zip.by_name(&file).unwrap().read_to_end(&mut content).unwrap();
    assert_eq!(content, evidence.as_bytes());
    // The index opens as a workbook and lists the linked record and the file.
    let index = names.iter().find(|n| n.ends_with("台账索引.xlsx")).unwrap().clone();
    let mut xlsx = Vec::new();
    zip.by_name(&index).unwrap().read_to_end(&mut xlsx).unwrap();
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let text: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|c| c.contains("甲校经费公开")), "{text:?}");
    assert!(text.iter().any(|c| c.ends_with("会议记录.txt")), "{text:?}");
    // Another school's chair cannot download school A's file or archive.
    assert_eq!(get(&t, "/s/a/assessment.zip", &t.chair_b).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_submits_upward_and_the_district_sees_who_has_not() {
    let t = common::app().await;
    let district = t.as_role("district").clone();
    let chair = t.as_role("chair").clone();
    // Bad input is refused in words.
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/district/submissions",
        &district,
        Some(json!({"kind": "poem", "title": "t", "deadline": "2099-01-01"})),
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_kind")));
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/district/submissions",
        &district,
        Some(json!({"kind": "summary", "title": "t", "deadline": "2001-01-01"})),
    )
    .await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_deadline")));
    assert!(v["error"]["message"].as_str().unwrap().contains("截止日期"), "{v}");
    let (s, v) = api(
        &t,
        "POST",
        "/api/v1/district/submissions",
        &district,
        Some(
            json!({"kind": "summary", "title": "2026年度工作总结", "instructions": "请上传", "deadline": "2099-12-31"}),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["kind"].as_str(), v["deadline"].as_str()), (Some("summary"), Some("2099-12-31")));
    let id = v["id"].as_str().unwrap().to_string();
    let (s, v) = api(&t, "GET", &format!("/api/v1/district/submissions/{id}"), &district, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["submitted"].as_array().unwrap().len(), 0);
    assert_eq!(v["not_submitted"][0]["school"], "a");
    // The chair's home lists the request to submit, and the page shows it.
    let (_, home) = get(&t, "/", &chair).await;
    assert!(home.contains("/s/a/submissions") && home.contains("尚未提交"), "{home}");
    let (s, page) = get(&t, "/s/a/submissions", &chair).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("2026年度工作总结"), "{page}");
    let (s, body) = post_multipart(
        &t,
        &format!("/s/a/submissions/{id}"),
        &chair,
        &[("attach", "summary"), ("note", "请审阅"), ("year", "2026")],
        None,
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{body}");
    let (_, v) = api(&t, "GET", &format!("/api/v1/district/submissions/{id}"), &district, None).await;
    assert_eq!(v["submitted"][0]["school"], "a");
    assert_eq!((v["submitted"][0]["late"].as_bool(), v["submitted"][0]["file"].as_bool()), (Some(false), Some(true)));
    assert!(v["not_submitted"].as_array().unwrap().is_empty());
    let (s, page) = get(&t, &format!("/district/submissions/{id}"), &district).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("尚有 0 所学校未上报"), "{page}");
    let (_, home) = get(&t, "/", &chair).await;
    assert!(!home.contains("/s/a/submissions"), "submitted: no longer a to-do");
    let school = jiaogong_store::platform::tenancy::school(&t.store, "a").await.unwrap();
    let (s, docx) = get_bytes(&t, &format!("/district/submissions/{id}/files/{}", school.id), &district).await;
    assert_eq!(s, StatusCode::OK);
    assert!(docx.starts_with(b"PK"));
    // A member may not submit; the reminder goes through (nobody left to remind).
    assert_eq!(
        post_multipart(
            &t,
            &format!("/s/a/submissions/{id}"),
            t.as_role("member"),
            &[("attach", "none"), ("note", "x")],
            None
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_form(&t, &format!("/district/submissions/{id}/remind"), &district, "").await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_archive_is_streamed_in_bounded_chunks() {
    use futures_util::StreamExt;
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let school = jiaogong_store::platform::tenancy::school(&t.store, "a").await.unwrap();
    let scope = jiaogong_store::district::assessment::scope_of(school.district_id.as_deref()).to_string();
    let s26 = jiaogong_store::district::assessment::standard(&t.store, &scope, 2026).await.unwrap();
    let item = jiaogong_store::district::assessment::items(&t.store, &s26.id).await.unwrap()[0].id.clone();
    // Three files of about 1.5 MB each.
    let big = "台账材料内容，逐页记录。\n".repeat(40_000);
    for n in 0..3 {
        let name = format!("材料{n}.txt");
        let (s, _) = post_multipart(
            &t,
            "/s/a/assessment/upload",
            &chair,
            &[("year", "2026"), ("item", &item)],
            Some((&name, big.as_bytes())),
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
    }
    let r = t.send(t.req("GET", "/s/a/assessment.zip?year=2026", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert!(r.headers().get("content-length").is_none(), "the archive is streamed, not built in memory first");
    let mut stream = r.into_body().into_data_stream();
    let (mut frames, mut largest, mut total) = (0usize, 0usize, Vec::new());
    while let Some(frame) = stream.next().await {
        let frame = frame.unwrap();
        frames += 1;
        largest = largest.max(frame.len());
        total.extend_from_slice(&frame);
    }
    assert!(largest <= 64 * 1024, "a chunk of {largest} bytes");
    assert!(total.len() > 3 * big.len() && frames > 60, "{frames} frames, {} bytes", total.len());
    let zip = zip::ZipArchive::new(std::io::Cursor::new(total)).unwrap();
    assert_eq!(zip.file_names().filter(|n| n.contains("材料")).count(), 3);
}

/// Converts `input` with LibreOffice to `to` (`pdf`); None when it is not installed.
fn libreoffice(input: &std::path::Path, to: &str) -> Option<Vec<u8>> {
    let bin = ["soffice", "libreoffice"]
        .into_iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().map(|o| o.status.success()).unwrap_or(false));
    let Some(bin) = bin else {
        assert!(std::env::var("JIAOGONG_REQUIRE_OFFICE").as_deref() != Ok("1"), "LibreOffice is required");
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return None;
    };
    let dir = input.parent().unwrap();
    let out = std::process::Command::new(bin)
        .arg(format!("-env:UserInstallation=file://{}/profile", dir.display()))
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(dir.join("out"))
        .arg(input)
        .output()
        .unwrap();
    let stem = input.file_stem().unwrap().to_string_lossy().to_string();
    Some(
        std::fs::read(dir.join("out").join(format!("{stem}.{to}")))
            .unwrap_or_else(|_| panic!("not converted: {out:?}")),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_index_and_score_sheet_open_in_libreoffice() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let school = jiaogong_store::platform::tenancy::school(&t.store, "a").await.unwrap();
    let scope = jiaogong_store::district::assessment::scope_of(school.district_id.as_deref()).to_string();
    let s26 = jiaogong_store::district::assessment::standard(&t.store, &scope, 2026).await.unwrap();
    let item = jiaogong_store::district::assessment::items(&t.store, &s26.id).await.unwrap()[0].id.clone();
    let own = tp_item(&t, &t.school_a, "甲校经费公开").await;
    let body = format!("year=2026&action=link&item={item}&record=transparency_item:{own}");
    assert_eq!(post_form(&t, "/s/a/assessment", &chair, &body).await.0, StatusCode::SEE_OTHER);
    let (_, bytes) = get_bytes(&t, "/s/a/assessment.zip?year=2026", &chair).await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let dir = std::env::temp_dir().join(format!("jg-ledger-{}", jiaogong_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (suffix, file) in [("台账索引.xlsx", "index.xlsx"), ("建家自评表.docx", "sheet.docx")] {
        let name = zip.file_names().find(|n| n.ends_with(suffix)).unwrap().to_string();
        let mut data = Vec::new();
        zip.by_name(&name).unwrap().read_to_end(&mut data).unwrap();
        std::fs::write(dir.join(file), data).unwrap();
    }
    let Some(pdf) = libreoffice(&dir.join("index.xlsx"), "pdf") else { return };
    let text = jiaogong_office::extract::extract_text(jiaogong_office::extract::TextSource::Pdf, &pdf).unwrap();
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(compact.contains("甲校经费公开") && compact.contains("组织建设"), "{text}");
    let pdf = libreoffice(&dir.join("sheet.docx"), "pdf").unwrap();
    let text = jiaogong_office::extract::extract_text(jiaogong_office::extract::TextSource::Pdf, &pdf).unwrap();
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(compact.contains("组织建设") && compact.contains("自评总分"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
