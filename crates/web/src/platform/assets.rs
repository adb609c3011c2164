//! Static files embedded in the binary (no CDN at run time) and the health check.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Routes;

#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
struct Static;

async fn file(Path(path): Path<String>) -> Response {
    match Static::get(&path) {
        Some(f) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            (
                [
                    (header::CONTENT_TYPE, mime.as_ref().to_string()),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
                ],
                f.data.into_owned(),
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn healthz() -> &'static str {
    "ok"
}

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/healthz", get(healthz)).add("GET", "/static/{*path}", get(file))
}
