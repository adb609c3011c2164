//! The resource library through the router: who may read and who may change it, CSRF on every
//! form, files checked by content (an executable renamed .pdf, a .docx zip bomb and a file over
//! the limit are refused with a message that says why), versions, and search that finds a
//! two-character word in a .docx (made here by docx-rs, and by LibreOffice when installed).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{body_text, TestApp};
use serde_json::Value;

const BOUNDARY: &str = "XyZlibraryBoundary";

/// A multipart form: text fields, then the file.
fn multipart(csrf: Option<&str>, fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    let mut field = |name: &str, value: &str| {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    if let Some(t) = csrf {
        field("_csrf", t);
    }
    for (k, v) in fields {
        field(k, v);
    }
    b.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(bytes);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// A form post from a browser session: cookie and the token in the form body only.
fn form_post(uri: &str, who: &(String, String), body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", format!("jg_session={}", who.0))
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(Body::from(body))
        .unwrap()
}

/// Uploads a file as `role` into folder `folder`; returns the response.
async fn upload(
    t: &TestApp,
    role: &str,
    folder: &str,
    title: &str,
    name: &str,
    bytes: &[u8],
) -> axum::http::Response<Body> {
    let who = t.as_role(role).clone();
    let body = multipart(Some(&who.1), &[("folder", folder), ("title", title)], name, bytes);
    t.send(form_post("/s/a/library", &who, body)).await
}

/// Uploads and returns the new document's id (from the redirect).
async fn upload_ok(t: &TestApp, folder: &str, title: &str, name: &str, bytes: &[u8]) -> String {
    let r = upload(t, "chair", folder, title, name, bytes).await;
    let status = r.status();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", body_text(r).await);
    location.unwrap().rsplit('/').next().unwrap().to_string()
}

fn docx(text: &str) -> Vec<u8> {
    jiaogong_office::docx::write_docx(
        "中华人民共和国工会法（节选）",
        &[jiaogong_office::docx::Block::Paragraph(text.to_string())],
    )
    .unwrap()
}

async fn get(t: &TestApp, role: &str, uri: &str) -> axum::http::Response<Body> {
    t.send(t.req("GET", uri, Some(t.as_role(role)), Body::empty(), None)).await
}

async fn search_api(t: &TestApp, role: &str, q: &str) -> Value {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let r = get(t, role, &format!("/api/v1/schools/a/library/search?q={q}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_str(&body_text(r).await).unwrap()
}

fn titles(v: &Value) -> Vec<String> {
    v["results"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_two_character_word_is_found_in_a_docx_made_by_docx_rs() {
    let t = common::app().await;
    let id = upload_ok(
        &t,
        "laws",
        "中华人民共和国工会法",
        "gonghuifa.docx",
        &docx("第三条 在中国境内的企业、事业单位、机关中以工资收入为主要生活来源的劳动者，都有依法参加和组织工会的权利。职工福利由工会监督。"),
    )
    .await;
    upload_ok(&t, "rules", "作息时间", "time.txt", "上午八点上班".as_bytes()).await;
    // A member finds it by the two-character words of its text, on the page and in the API.
    for word in ["工会", "福利"] {
        let v = search_api(&t, "member", word).await;
        assert_eq!(titles(&v), vec!["中华人民共和国工会法"], "{word}");
        assert_eq!(v["results"][0]["id"], id.as_str());
    }
    let q: String = url::form_urlencoded::byte_serialize("工会".as_bytes()).collect();
    let page = body_text(get(&t, "member", &format!("/s/a/library?q={q}")).await).await;
    assert!(page.contains("中华人民共和国工会法") && !page.contains("作息时间"), "{page}");
    // A word of one character is refused with a message saying why.
    let q: String = url::form_urlencoded::byte_serialize("会".as_bytes()).collect();
    let r = get(&t, "member", &format!("/api/v1/schools/a/library/search?q={q}")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("至少要两个字"));
    // School B's people do not see school A's library.
    let r = t.send(t.req("GET", "/api/v1/schools/a/library/search?q=abc", Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn members_read_and_download_but_only_the_committee_changes() {
    let t = common::app().await;
    let id = upload_ok(&t, "forms", "困难补助申请表", "form.txt", "申请人 姓名 工会小组".as_bytes()).await;
    let r = get(&t, "member", "/s/a/library").await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = body_text(r).await;
    assert!(page.contains("困难补助申请表") && !page.contains("library-upload"), "a member sees no upload form");
    let r = get(&t, "member", &format!("/s/a/library/{id}/versions/1")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(body_text(r).await, "申请人 姓名 工会小组");

    // A member cannot upload, move or delete.
    let r = upload(&t, "member", "forms", "x", "x.txt", b"hello").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for action in ["move", "delete"] {
        let who = t.as_role("member");
        let r = t
            .send(t.req(
                "POST",
                &format!("/s/a/library/{id}/{action}"),
                Some(who),
                Body::from("folder=laws"),
                Some("application/x-www-form-urlencoded"),
            ))
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{action}");
    }
    // Another school's chair reaches neither the pages nor the file.
    let r = t.send(t.req("GET", &format!("/s/a/library/{id}/versions/1"), Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = t.send(t.req("GET", &format!("/s/b/library/{id}"), Some(&t.chair_b), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Not logged in: to the login page.
    let r = t.send(Request::builder().uri("/s/a/library").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
}

#[tokio::test]
async fn an_upload_without_the_csrf_token_is_refused_and_writes_nothing() {
    let t = common::app().await;
    let who = t.as_role("chair").clone();
    let body = multipart(None, &[("folder", "laws"), ("title", "教师法")], "t.txt", "教师法".as_bytes());
    let r = t.send(form_post("/s/a/library", &who, body)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body = multipart(Some("wrong"), &[("folder", "laws")], "t.txt", "教师法".as_bytes());
    let r = t.send(form_post("/s/a/library", &who, body)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(jiaogong_store::activities::library::list(&t.store, &t.school_a, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_type_is_checked_by_content_an_exe_renamed_pdf_is_refused() {
    let t = common::app().await;
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.resize(4096, 0);
    let r = upload(&t, "chair", "laws", "工会法", "工会法.pdf", &exe).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(r).await;
    assert!(text.contains("文件类型不支持") && text.contains("改扩展名无效"), "{text}");
    // A PNG named .docx is refused too.
    let r = upload(&t, "chair", "laws", "图", "a.docx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A zip named .docx without a Word document inside is not Word.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("readme.txt", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut w, b"hello").unwrap();
    let not_word = w.finish().unwrap().into_inner();
    let r = upload(&t, "chair", "laws", "假文档", "fake.docx", &not_word).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(jiaogong_store::activities::library::list(&t.store, &t.school_a, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_docx_zip_bomb_is_refused_before_its_xml_is_read() {
    let t = common::app().await;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    w.start_file("[Content_Types].xml", opts).unwrap();
    std::io::Write::write_all(&mut w, b"<Types/>").unwrap();
    w.start_file("word/document.xml", opts).unwrap();
    let block = vec![b' '; 1024 * 1024];
    for _ in 0..80 {
        std::io::Write::write_all(&mut w, &block).unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 1024 * 1024);
    let r = upload(&t, "chair", "training", "炸弹", "bomb.docx", &bomb).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body_text(r).await.contains("解压后过大"));
    assert!(jiaogong_store::activities::library::list(&t.store, &t.school_a, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_with_the_limit_in_the_message() {
    let t = common::app().await;
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(21 * 1024 * 1024, b'0');
    let r = upload(&t, "chair", "training", "大文件", "big.pdf", &big).await;
    assert!(r.status() == StatusCode::UNPROCESSABLE_ENTITY || r.status() == StatusCode::PAYLOAD_TOO_LARGE);
    let text = body_text(r).await;
    assert!(text.contains("20 MB"), "{text}");
}

#[tokio::test]
async fn a_new_version_replaces_the_searched_text_and_old_versions_stay_downloadable() {
    let t = common::app().await;
    let id = upload_ok(&t, "rules", "教职工福利制度", "fl.docx", &docx("节日慰问标准：每人二百元。")).await;
    let who = t.as_role("chair").clone();
    let body = multipart(Some(&who.1), &[("version", "1")], "fl-2026.docx", &docx("生日蛋糕券，每人一张。"));
    let r = t.send(form_post(&format!("/s/a/library/{id}/versions"), &who, body)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The same form again (made against version 1) is a conflict.
    let body = multipart(Some(&who.1), &[("version", "1")], "fl-2026.docx", &docx("重复"));
    let r = t.send(form_post(&format!("/s/a/library/{id}/versions"), &who, body)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    assert_eq!(titles(&search_api(&t, "member", "蛋糕").await), vec!["教职工福利制度"]);
    assert!(titles(&search_api(&t, "member", "慰问").await).is_empty());
    // The title is always searched.
    assert_eq!(titles(&search_api(&t, "member", "福利").await), vec!["教职工福利制度"]);
    let page = body_text(get(&t, "member", &format!("/s/a/library/{id}")).await).await;
    assert!(page.contains("fl-2026.docx") && page.contains("fl.docx") && page.contains("v-1"), "{page}");
    let r = get(&t, "member", &format!("/s/a/library/{id}/versions/1")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let old = axum::body::to_bytes(r.into_body(), 1 << 24).await.unwrap();
    assert_eq!(old.as_ref(), docx("节日慰问标准：每人二百元。").as_slice());

    // Move, then delete; each is audited.
    let r = t
        .send(t.req(
            "POST",
            &format!("/s/a/library/{id}/move"),
            Some(&who),
            Body::from("folder=forms"),
            Some("application/x-www-form-urlencoded"),
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let doc = jiaogong_store::activities::library::get(&t.store, &t.school_a, &id).await.unwrap();
    assert_eq!(doc.folder, "forms");
    let r = t.send(t.req("POST", &format!("/s/a/library/{id}/delete"), Some(&who), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(titles(&search_api(&t, "member", "蛋糕").await).is_empty());
    let mut actions: Vec<String> = jiaogong_store::platform::audit::recent(&t.store, &t.school_a, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("library."))
        .collect();
    actions.sort();
    assert_eq!(actions, vec!["library.delete", "library.move", "library.upload", "library.version"]);
}

/// LibreOffice orders a .docx's parts differently from docx-rs; its files must be read too.
#[tokio::test]
async fn a_two_character_word_is_found_in_a_docx_made_by_libreoffice() {
    let Some(office) = ["libreoffice", "soffice"]
        .into_iter()
        .find(|c| std::process::Command::new(c).arg("--version").output().map(|o| o.status.success()).unwrap_or(false))
    else {
        eprintln!("SKIPPED: libreoffice is not installed (apt-get install libreoffice-writer-nogui)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("jg-lo-{}", jiaogong_store::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let txt = dir.join("law.txt");
    std::fs::write(&txt, "中华人民共和国教师法\n第八条 教师应当履行下列义务，工会维护教师的合法权益。\n").unwrap();
    let out = std::process::Command::new(office)
        .args(["--headless", "--convert-to", "docx", "--outdir"])
        .arg(&dir)
        .arg(&txt)
        .env("HOME", &dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(dir.join("law.docx")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let t = common::app().await;
    upload_ok(&t, "laws", "教师法", "law.docx", &bytes).await;
    assert_eq!(titles(&search_api(&t, "member", "工会").await), vec!["教师法"]);
    assert_eq!(titles(&search_api(&t, "member", "义务").await), vec!["教师法"]);
}
