//! What a person meets in every page: the favicon, static files linked by fingerprinted URLs and
//! cached for a year, the skip link and lang attributes (finding 26), our own error page with the
//! navigation (finding 19).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::StatusCode;

fn header(r: &axum::http::Response<Body>, name: &str) -> String {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// Every `href="/static/…"` and `src="/static/…"` of a page.
fn static_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let end = rest.find('"').unwrap_or(0);
            let link = &rest[..end];
            if link.starts_with("/static/") {
                out.push(link.to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn static_assets_are_fingerprinted_and_cached_for_a_year() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let r = t.send(t.req("GET", "/", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = common::body_text(r).await;
    let links = static_links(&html);
    for name in ["app", "print", "htmx.min", "favicon"] {
        assert!(links.iter().any(|l| l.contains(name)), "the page links {name}: {links:?}");
    }
    for link in &links {
        let file = link.rsplit('/').next().unwrap();
        let parts: Vec<&str> = file.split('.').collect();
        let hash = parts[parts.len() - 2];
        assert!(hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{link} carries a content hash");
        let r = t.send(t.req("GET", link, None, Body::empty(), None)).await;
        assert_eq!(r.status(), StatusCode::OK, "{link}");
        assert_eq!(header(&r, "cache-control"), "public, max-age=31536000, immutable", "{link}");
    }
    // The plain URL still answers, with a short cache only.
    let r = t.send(t.req("GET", "/static/app.css", None, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let cc = header(&r, "cache-control");
    assert!(cc.contains("max-age=") && !cc.contains("immutable") && !cc.contains("31536000"), "{cc}");
    // A wrong fingerprint is never cached for a year.
    let r = t.send(t.req("GET", "/static/app.0000000000000000.css", None, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!header(&r, "cache-control").contains("immutable"));
}

#[tokio::test]
async fn the_favicon_exists_and_is_linked() {
    let t = common::app().await;
    let r = t.send(t.req("GET", "/login", None, Body::empty(), None)).await;
    let html = common::body_text(r).await;
    let link = html
        .split("<link rel=\"icon\" type=\"image/svg+xml\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page links an SVG icon")
        .to_string();
    let r = t.send(t.req("GET", &link, None, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "content-type"), "image/svg+xml");
    assert!(common::body_text(r).await.starts_with("<svg"));
    let r = t.send(t.req("GET", "/favicon.ico", None, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::OK, "what browsers ask for on their own");
    assert_eq!(header(&r, "content-type"), "image/svg+xml");
}

#[tokio::test]
async fn every_page_starts_with_a_skip_link_and_names_icons_by_words_only() {
    let t = common::app().await;
    let member = t.as_role("member").clone();
    let r = t.send(t.req("GET", "/", Some(&member), Body::empty(), None)).await;
    let html = common::body_text(r).await;
    let body = html.split("<body").nth(1).unwrap();
    let first_link = body.find("<a ").unwrap();
    assert!(body[first_link..].starts_with("<a class=\"skip-link\" href=\"#main\">跳到正文</a>"), "{}", &body[..300]);
    assert!(html.contains("<main id=\"main\""));
    assert!(!html.contains("<span class=\"ico\">"), "icon glyphs are hidden from screen readers");
    assert!(html.contains("<span class=\"ico\" aria-hidden=\"true\">"));
}

#[tokio::test]
async fn language_buttons_carry_their_lang_and_roster_count_is_a_status() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let html = common::body_text(t.send(t.req("GET", "/profile", Some(&chair), Body::empty(), None)).await).await;
    for code in ["zh-CN", "zh-TW", "en"] {
        assert!(html.contains(&format!("data-locale=\"{code}\" lang=\"{code}\"")), "{code}");
    }
    let uri = "/s/a/members";
    let html = common::body_text(t.send(t.req("GET", uri, Some(&chair), Body::empty(), None)).await).await;
    assert!(html.contains("id=\"total\" role=\"status\""), "the live count is announced");
}

#[tokio::test]
async fn input_borders_contrast_at_least_three_to_one() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/app.css")).unwrap();
    let rule = css.lines().find(|l| l.starts_with("input, select, textarea {")).expect("the input rule");
    let color = rule.split("border:1px solid #").nth(1).expect("a border colour").get(..6).unwrap();
    let lum = |hex: &str| {
        let c: Vec<f64> = (0..3)
            .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap() as f64 / 255.0)
            .map(|x| if x <= 0.03928 { x / 12.92 } else { ((x + 0.055) / 1.055).powf(2.4) })
            .collect();
        0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    };
    for bg in ["ffffff", "f6f7f9"] {
        let (a, b) = (lum(color), lum(bg));
        let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
        assert!(ratio >= 3.0, "#{color} on #{bg}: {ratio:.2}:1");
    }
    assert!(css.contains(":focus-visible { outline:3px solid"), "a visible focus ring");
    assert!(css.contains("scroll-padding-bottom"), "the bottom bar does not hide the focused control");
}

#[tokio::test]
async fn unknown_pages_get_our_error_page_with_the_navigation() {
    let t = common::app().await;
    let chair = t.as_role("chair").clone();
    let r = t.send(t.req("GET", "/no/such/page", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = common::body_text(r).await;
    assert!(html.contains("找不到这个页面"), "{html}");
    assert!(html.contains("class=\"sidebar\"") && html.contains("class=\"bottombar\""), "navigation stays");
    assert!(html.contains("回到首页"));
    // A refused page too.
    let member = t.as_role("member").clone();
    let r = t.send(t.req("GET", "/s/a/members", Some(&member), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = common::body_text(r).await;
    assert!(html.contains("class=\"bottombar\"") && html.contains("出错了"), "{html}");
    // Anonymous: the page offers the login.
    let r = t.send(t.req("GET", "/nothing", None, Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(common::body_text(r).await.contains("href=\"/login\""));
    // The API keeps its JSON.
    let r = t.send(t.req("GET", "/api/v1/nothing", Some(&chair), Body::empty(), None)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(header(&r, "content-type").starts_with("application/json"));
}
