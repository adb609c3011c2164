//! Static files embedded in the binary (no CDN at run time) and the health check.
//!
//! Pages link every static file by a fingerprinted URL (`/static/app.1a2b3c4d5e6f7a8b.css`: the
//! file's SHA-256 in its name, see [`url`]), served with a one-year immutable cache; a new build
//! changes the name, so browsers never keep a stale copy. The plain URL (`/static/app.css`) still
//! works with a short cache, for anything that linked it before.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::Routes;

#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
struct Static;

/// Cache for a fingerprinted URL: the content behind it never changes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache for a plain URL, whose content changes with the next build.
pub const SHORT: &str = "public, max-age=300";
/// Hex digits of the content hash kept in a fingerprinted name.
const HASH_LEN: usize = 16;

/// path → first [`HASH_LEN`] hex digits of its SHA-256, computed once.
fn hashes() -> &'static HashMap<String, String> {
    static H: OnceLock<HashMap<String, String>> = OnceLock::new();
    H.get_or_init(|| {
        Static::iter()
            .filter_map(|p| {
                let f = Static::get(&p)?;
                let h = hex::encode(Sha256::digest(&f.data));
                Some((p.to_string(), h.get(..HASH_LEN).unwrap_or(&h).to_string()))
            })
            .collect()
    })
}

/// The fingerprinted URL of a static file (`"app.css"` → `/static/app.<hash>.css`); a file that
/// is not embedded keeps its plain URL.
pub fn url(path: &str) -> String {
    match hashes().get(path) {
        Some(h) => match path.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => format!("/static/{stem}.{h}.{ext}"),
            _ => format!("/static/{path}.{h}"),
        },
        None => format!("/static/{path}"),
    }
}

/// `app.<hash>.css` → (`app.css`, hash) when the middle part looks like a fingerprint.
fn split_fingerprint(path: &str) -> Option<(String, &str)> {
    let (rest, ext) = path.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    (hash.len() == HASH_LEN && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !stem.is_empty())
        .then(|| (format!("{stem}.{ext}"), hash))
}

fn serve(path: &str, cache: &'static str) -> Option<Response> {
    let f = Static::get(path)?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    Some(
        (
            [(header::CONTENT_TYPE, mime.as_ref().to_string()), (header::CACHE_CONTROL, cache.to_string())],
            f.data.into_owned(),
        )
            .into_response(),
    )
}

async fn file(Path(path): Path<String>) -> Response {
    if let Some(r) = serve(&path, SHORT) {
        return r;
    }
    if let Some((plain, hash)) = split_fingerprint(&path) {
        // Only the current fingerprint is immutable; an old one gets today's file, briefly cached.
        let current = hashes().get(&plain).is_some_and(|h| h.eq_ignore_ascii_case(hash));
        if let Some(r) = serve(&plain, if current { IMMUTABLE } else { SHORT }) {
            return r;
        }
    }
    StatusCode::NOT_FOUND.into_response()
}

/// Browsers ask for `/favicon.ico` on their own: the SVG icon answers it.
async fn favicon() -> Response {
    serve("favicon.svg", SHORT).unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

async fn healthz() -> &'static str {
    "ok"
}

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/healthz", get(healthz)).add("GET", "/static/{*path}", get(file)).add(
        "GET",
        "/favicon.ico",
        get(favicon),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprinted_url_names_the_file_by_its_content() {
        let u = url("app.css");
        let (plain, hash) = split_fingerprint(u.trim_start_matches("/static/")).unwrap();
        assert_eq!(plain, "app.css");
        assert_eq!(Some(hash), hashes().get("app.css").map(String::as_str));
        assert_eq!(url("vendor/htmx/htmx.min.js").matches('.').count(), 3);
        assert_eq!(url("nothing-here.css"), "/static/nothing-here.css");
    }
}
