//! Bad input at the router: forged CSRF, bad files, wrong content types, bad JSON — each gets a
//! clear message or a 4xx, never a 500, and nothing is half-written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use rust_xlsxwriter::Workbook;

fn roster(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn member_count(t: &common::TestApp) -> i64 {
    jiaogong_store::members::list(&t.store, &t.school_a, &Default::default(), 0, 1).await.unwrap().1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_csrf_is_refused_and_writes_nothing() {
    let t = common::app().await;
    let (token, _) = t.as_role("chair").clone();
    let forged = t.app.clone();
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/s/a/groups")
        .header("cookie", format!("jg_session={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("_csrf=not-the-token&name=伪造组"))
        .unwrap();
    let r = tower::ServiceExt::oneshot(forged, req).await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let text = common::body_text(r).await;
    assert!(text.contains("页面已过期"), "{text}");
    let groups = jiaogong_store::platform::tenancy::groups(&t.store, &t.school_a).await.unwrap();
    assert!(groups.iter().all(|g| g.name != "伪造组"));
    // The right token in the form body works.
    let (token, csrf) = t.as_role("chair").clone();
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/s/a/groups")
        .header("cookie", format!("jg_session={token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("_csrf={csrf}&name=%E6%96%B0%E7%BB%84")))
        .unwrap();
    let r = tower::ServiceExt::oneshot(t.app.clone(), req).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(jiaogong_store::platform::tenancy::groups(&t.store, &t.school_a)
        .await
        .unwrap()
        .iter()
        .any(|g| g.name == "新组"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_import_reports_rows_in_chinese_and_dry_run_writes_nothing() {
    let t = common::app().await;
    let before = member_count(&t).await;
    let file = roster(&[
        &["姓名", "工号", "身份证号", "手机号", "工会小组", "民族"],
        &["张一", "N1", "110105198001010016", "13800138001", "语文组", "汉"],
        &["张二", "N2", "110105194912310021", "", "新建组", ""],
        &["张三", "N1", "", "", "", ""],
        &["", "", "", "", "", ""],
        &["张四", "N4", "", "１３８００１３８００４", "", ""],
    ]);
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members/import?dry_run=true",
            Some(t.as_role("chair")),
            Body::from(file.clone()),
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["created"], 2, "{v}");
    let rejected = v["rejected"].as_array().unwrap();
    assert!(
        rejected
            .iter()
            .any(|x| x["row"] == 3 && x["column"] == "身份证号" && x["reason"].as_str().unwrap().contains("校验位")),
        "{v}"
    );
    assert!(rejected.iter().any(|x| x["row"] == 4 && x["reason"].as_str().unwrap().contains("第 2 行")), "{v}");
    assert_eq!(v["unknown_headers"][0], "民族");
    assert_eq!(member_count(&t).await, before, "a dry run writes nothing");
    // Commit: valid rows written, rejected skipped; then the same file again changes nothing.
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members/import?dry_run=false",
            Some(t.as_role("chair")),
            Body::from(file.clone()),
            None,
        ))
        .await;
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!((v["created"].as_i64(), v["committed"].as_bool()), (Some(2), Some(true)), "{v}");
    assert_eq!(member_count(&t).await, before + 2);
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members/import?dry_run=false",
            Some(t.as_role("chair")),
            Body::from(file),
            None,
        ))
        .await;
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!((v["created"].as_i64(), v["unchanged"].as_i64()), (Some(0), Some(2)), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_or_nothing_writes_nothing_when_a_row_is_bad() {
    let t = common::app().await;
    let before = member_count(&t).await;
    let file = roster(&[&["姓名", "工号", "身份证号"], &["李一", "L1", ""], &["李二", "L2", "123"]]);
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members/import?dry_run=false&all_or_nothing=true",
            Some(t.as_role("chair")),
            Body::from(file),
            None,
        ))
        .await;
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["committed"], false);
    assert_eq!(member_count(&t).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_get_a_chinese_message_not_a_500() {
    let t = common::app().await;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"name,employee_no\nx,y\n".to_vec(), "xlsx"),
        (b"PK\x03\x04garbage".to_vec(), "损坏"),
        (Vec::new(), "xlsx"),
        (roster(&[&["a", "b"], &["1", "2"]]), "表头"),
        (roster(&[&["姓名", "性别"], &["张", "男"]]), "工号"),
    ];
    for (bytes, needle) in cases {
        let r = t
            .send(t.req("POST", "/api/v1/schools/a/members/import", Some(t.as_role("chair")), Body::from(bytes), None))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{msg}");
    }
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members/import",
            Some(t.as_role("chair")),
            Body::from("x"),
            Some("text/csv"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let big = vec![0u8; 33 * 1024 * 1024];
    let r = t
        .send(t.req("POST", "/api/v1/schools/a/members/import", Some(t.as_role("chair")), Body::from(big), None))
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_member_create_validates_like_the_form() {
    let t = common::app().await;
    let chair = t.as_role("chair");
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members",
            Some(chair),
            Body::from(r#"{"name": "王一", "employee_no": "W1", "id_number": "110105194912310021"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(common::body_text(r).await.contains("校验位"));
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members",
            Some(chair),
            Body::from("{not json"),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members",
            Some(chair),
            Body::from(r#"{"name": "王一", "employee_no": "W1", "phone": "13800138000", "group": "语文组"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["phone_masked"], "138****8000");
    assert!(v.get("phone").is_none(), "no clear phone in the API");
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members",
            Some(chair),
            Body::from(r#"{"name": "王二", "employee_no": "W1"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let id = v["id"].as_str().unwrap();
    let r = t
        .send(t.req(
            "PATCH",
            &format!("/api/v1/members/{id}"),
            Some(chair),
            Body::from(r#"{"title": "高级教师"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!((v["title"].as_str(), v["phone_masked"].as_str()), (Some("高级教师"), Some("138****8000")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_token_api_and_error_shape() {
    let t = common::app().await;
    let user = jiaogong_store::platform::accounts::user_by_username(&t.store, "u-chair").await.unwrap().unwrap().0;
    let mut tx = t.store.begin().await.unwrap();
    let secret = jiaogong_store::platform::accounts::create_api_token(&mut tx, &user.id, "hr").await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let req = |uri: &str, auth: &str| {
        axum::http::Request::builder()
            .uri(uri)
            .header("authorization", format!("Bearer {auth}"))
            .body(Body::empty())
            .unwrap()
    };
    let r = t.send(req("/api/v1/schools/a/members?q=A1", &secret)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["members"][0]["id_masked"], "1101**********002X");
    let r = t.send(req("/api/v1/schools/a/members", "jg_wrong")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["error"]["code"], "unauthenticated");
    assert!(v["error"]["message"].as_str().unwrap().contains("登录"));
    let r = t.send(axum::http::Request::builder().uri("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert!(v["paths"]["/api/v1/schools/{school}/members/import"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reveal_is_audited_and_security_headers_are_set() {
    let t = common::app().await;
    let r = t
        .send(t.req(
            "POST",
            &format!("/s/a/members/{}/reveal", t.member_a),
            Some(t.as_role("chair")),
            Body::from("field=phone"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    assert!(common::body_text(r).await.contains("13800138000"));
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 20).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "member.reveal" && e.actor == "u-chair"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_in_three_languages() {
    let t = common::app().await;
    for (lang, word) in [("zh-CN", "会员"), ("zh-TW", "會員"), ("en", "Members")] {
        let req = axum::http::Request::builder()
            .uri("/s/a/members")
            .header("cookie", format!("jg_session={}", t.as_role("chair").0))
            .body(Body::empty())
            .unwrap();
        jiaogong_store::platform::accounts::set_locale(
            &t.store,
            &jiaogong_store::platform::accounts::user_by_username(&t.store, "u-chair").await.unwrap().unwrap().0.id,
            lang,
        )
        .await
        .unwrap();
        let r = t.send(req).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(common::body_text(r).await.contains(word), "{lang}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_leaves_out_sensitive_columns_unless_asked_and_audits() {
    let t = common::app().await;
    let read = |bytes: Vec<u8>| jiaogong_office::xlsx_read::read_first_sheet(&bytes, &Default::default()).unwrap();
    let r = t.send(t.req("GET", "/s/a/members/export", Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap().to_vec();
    let sheet = read(bytes);
    let header: Vec<String> = sheet.rows[0].cells.iter().map(|c| c.to_text()).collect();
    assert!(header.contains(&"姓名".to_string()) && !header.contains(&"身份证号".to_string()), "{header:?}");
    let r = t
        .send(t.req(
            "POST",
            "/s/a/members/export",
            Some(t.as_role("chair")),
            Body::from("sensitive=1"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap().to_vec();
    let sheet = read(bytes);
    let all: Vec<String> = sheet.rows.iter().flat_map(|r| r.cells.iter().map(|c| c.to_text())).collect();
    assert!(all.contains(&"11010519491231002X".to_string()));
    let entries = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 20).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "member.export_sensitive"));
    assert!(entries.iter().any(|e| e.action == "member.export"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chair_creates_an_account_that_can_log_in_but_cannot_hand_out_admin() {
    let t = common::app().await;
    let chair = t.as_role("chair");
    // A1 has the account u-member already (one account per member): the new account is for A2.
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members",
            Some(chair),
            Body::from(r#"{"name": "甲二", "employee_no": "A2"}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a2 = serde_json::from_str::<serde_json::Value>(&common::body_text(r).await).unwrap()["id"].clone();
    let form = |body: &str| Body::from(body.to_string());
    let r = t
        .send(t.req(
            "POST",
            "/s/a/accounts",
            Some(chair),
            form("username=teacher1&employee_no=A2&role=member"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = common::body_text(r).await;
    let start = page.find("初始密码：").expect("password shown once") + "初始密码：".len();
    let password: String = page[start..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
    assert_eq!(password.len(), 12);
    let (user, hash) =
        jiaogong_store::platform::accounts::user_by_username(&t.store, "teacher1").await.unwrap().unwrap();
    assert!(jiaogong_store::platform::accounts::verify_password(&password, &hash));
    assert_eq!((user.role.as_str(), user.member_id.as_deref()), ("member", a2.as_str()));
    let r = t
        .send(t.req(
            "POST",
            "/s/a/accounts",
            Some(chair),
            form("username=boss&role=admin"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(jiaogong_store::platform::accounts::user_by_username(&t.store, "boss").await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payroll_import_sets_salaries_and_payments_and_arrears_follow() {
    let t = common::app().await;
    let file = roster(&[&["工号", "基本工资", "实缴金额"], &["A1", "6000", "20"]]);
    let boundary = "XyZ";
    let (token, csrf) = t.as_role("chair").clone();
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"month\"\r\n\r\n2026-10\r\n").as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/s/a/dues/import")
        .header("cookie", format!("jg_session={token}"))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let r = t.send(req).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(common::body_text(r).await.contains("已导入 1 行"));
    // 6000 yuan × 0.5% = 30.00 due, 20.00 paid: 10.00 owed.
    let r = t
        .send(t.req("GET", "/api/v1/schools/a/dues?month=2026-10", Some(t.as_role("chair")), Body::empty(), None))
        .await;
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    let line = v["members"].as_array().unwrap().iter().find(|m| m["employee_no"] == "A1").unwrap().clone();
    assert_eq!(
        (line["due_fen"].as_i64(), line["paid_fen"].as_i64(), line["arrears_fen"].as_i64()),
        (Some(3000), Some(2000), Some(1000))
    );
    // A back-payment through the API clears it.
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/dues/payments",
            Some(t.as_role("chair")),
            Body::from(r#"{"employee_no": "A1", "month": "2026-10", "amount": "10", "back_payment": true}"#),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = t
        .send(t.req("GET", "/api/v1/schools/a/dues?month=2026-10", Some(t.as_role("auditor")), Body::empty(), None))
        .await;
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    let line = v["members"].as_array().unwrap().iter().find(|m| m["employee_no"] == "A1").unwrap().clone();
    assert_eq!(line["arrears_fen"].as_i64(), Some(0));
    // The auditor reads but cannot record.
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/dues/payments",
            Some(t.as_role("auditor")),
            Body::from("{}"),
            Some("application/json"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn import_json(t: &common::TestApp, file: Vec<u8>, dry_run: bool) -> serde_json::Value {
    let uri = format!("/api/v1/schools/a/members/import?dry_run={dry_run}");
    let r = t.send(t.req("POST", &uri, Some(t.as_role("chair")), Body::from(file), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_str(&common::body_text(r).await).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reimporting_the_roster_export_changes_nothing_and_absent_columns_keep_their_fields() {
    let t = common::app().await;
    let file = roster(&[
        &["姓名", "工号", "身份证号", "手机号", "岗位", "部门", "工会小组"],
        &["赵一", "E1", "110105198001010016", "13800138001", "临时聘用", "总务处", "语文组"],
        &["赵二", "E2", "110105194912310011", "13800138002", "教师", "教务处", "语文组"],
    ]);
    let v = import_json(&t, file, false).await;
    assert_eq!(v["created"], 2, "{v}");
    let total = member_count(&t).await;
    // The default export (no ID or phone column) imported unchanged.
    let r = t.send(t.req("GET", "/s/a/members/export", Some(t.as_role("chair")), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let exported = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec();
    let v = import_json(&t, exported.clone(), true).await;
    assert_eq!((v["updated"].as_i64(), v["created"].as_i64()), (Some(0), Some(0)), "{v}");
    assert_eq!(v["unchanged"].as_i64(), Some(total), "{v}");
    assert!(v["rejected"].as_array().unwrap().is_empty(), "{v}");
    // Committed, it keeps every ID number, phone and temporary-hire flag.
    import_json(&t, exported, false).await;
    let rows = jiaogong_store::members::list_all(&t.store, &t.school_a, &Default::default()).await.unwrap();
    let e1 = rows.iter().find(|m| m.employee_no == "E1").unwrap();
    assert_eq!(e1.is_temporary, 1);
    let clear = jiaogong_store::members::reveal_all(&t.store, &t.school_a).await.unwrap();
    assert_eq!(clear[&e1.id], (Some("110105198001010016".into()), Some("13800138001".into())));
    // A present, empty cell clears the field, and the dry run says so on that row.
    let file = roster(&[&["姓名", "工号", "手机号"], &["赵二", "E2", ""]]);
    let v = import_json(&t, file, true).await;
    assert_eq!(v["updated"], 1, "{v}");
    assert_eq!(v["cleared"][0]["row"], 2, "{v}");
    assert_eq!(v["cleared"][0]["columns"][0], "手机号", "{v}");
}

/// A 5 MiB upload that is not a workbook: under the import's 32 MiB limit, so it is read and
/// called damaged, not refused as too large.
fn five_mib() -> Vec<u8> {
    let mut b = b"PK\x03\x04".to_vec();
    b.resize(5 * 1024 * 1024, 0);
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_accepts_uploads_up_to_its_limit_and_names_the_limit_beyond() {
    let t = common::app().await;
    // API: a large file reaches the reader; past the limit, 413 in the JSON error shape.
    let r = t
        .send(t.req("POST", "/api/v1/schools/a/members/import", Some(t.as_role("chair")), Body::from(five_mib()), None))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .send(t.req(
            "POST",
            "/api/v1/schools/a/members/import",
            Some(t.as_role("chair")),
            Body::from(vec![0u8; 33 * 1024 * 1024]),
            None,
        ))
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: serde_json::Value = serde_json::from_str(&common::body_text(r).await).unwrap();
    assert_eq!(v["error"]["code"], "too_large", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("32 MB"), "{v}");
    // Page: the same file as a form upload is read too, not mistaken for a missing file.
    let boundary = "XBOUNDARYX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"名册.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&five_mib());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let r = t.send(t.req("POST", "/s/a/members/import", Some(t.as_role("chair")), Body::from(body), Some(&ct))).await;
    let status = r.status();
    let text = common::body_text(r).await;
    assert!(!text.contains("请选择"), "{status}: the page says no file was chosen");
    assert!(text.contains("损坏"), "{status}: the page reads the file: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_templates_example_row_passes_our_own_validation() {
    let t = common::app().await;
    let template = jiaogong_web::members::export::template_bytes().unwrap();
    let v = import_json(&t, template, true).await;
    assert!(v["rejected"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(v["created"], 1, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_number_stored_as_a_number_is_rejected_with_the_text_format_advice() {
    let t = common::app().await;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["姓名", "工号", "身份证号"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "钱一").unwrap();
    ws.write_string(1, 1, "Q1").unwrap();
    // What Excel keeps of an 18-digit number typed into a general cell.
    ws.write_number(1, 2, 110105198503120012_f64).unwrap();
    let v = import_json(&t, wb.save_to_buffer().unwrap(), true).await;
    assert_eq!(v["created"], 0, "{v}");
    let r = &v["rejected"][0];
    assert_eq!((r["row"].as_i64(), r["column"].as_str()), (Some(2), Some("身份证号")), "{v}");
    assert!(r["reason"].as_str().unwrap().contains("文本"), "{v}");
}
