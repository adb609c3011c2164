//! An item's attachments (附件): the publisher uploads a document (PDF, Word, Excel or text, at
//! most 20 MB, its type decided by its content as in the library); the school's people download
//! it from the item's page, and anyone holding the item's public link from the public page.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Extension;
use jiaogong_domain::activities::library::{file_kind, LibraryError, MAX_FILE_BYTES};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::transparency::items;

use super::{has, PUBLISHERS};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::see_other;
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add(
        "POST",
        "/s/{school}/transparency/{id}/files",
        post(upload).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
    )
    .add("GET", "/s/{school}/transparency/{id}/files/{file}", get(download))
    .add("GET", "/p/transparency/{token}/files/{file}", get(public_download))
}

fn refused(ctx: &Ctx, e: LibraryError) -> AppError {
    AppError::bad(e.code(), ctx.tr.t(e.key()))
}

async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    if !has(&ctx, PUBLISHERS) {
        return Err(AppError::Forbidden);
    }
    // The item must be this school's before anything is read or written.
    let item = items::get(&st.store, &school.id, &id).await?;
    let fail = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            refused(&ctx, LibraryError::TooLarge)
        } else {
            refused(&ctx, LibraryError::Empty)
        }
    };
    let (mut name, mut bytes) = (String::new(), Vec::new());
    while let Some(field) = mp.next_field().await.map_err(fail)? {
        if field.name() == Some("file") {
            name = field.file_name().unwrap_or_default().trim().chars().take(120).collect();
            bytes = field.bytes().await.map_err(fail)?.to_vec();
        }
    }
    let kind = file_kind(&name, &bytes).map_err(|e| refused(&ctx, e))?;
    if name.is_empty() {
        name = "附件".into();
    }
    let mut tx = st.store.begin().await?;
    items::attach(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &item.id, &name, kind.content_type(), &bytes)
        .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/transparency/{}", school.code, item.id)))
}

/// The file as a download: its stored type, never rendered in the site's origin.
fn file_response(meta: items::FileMeta, bytes: Vec<u8>) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(meta.name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"file\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
    (
        [
            (header::CONTENT_TYPE, meta.mime),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn download(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Path((_, id, file)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let (meta, bytes) = items::file(&st.store, &school.id, &id, &file).await?;
    Ok(file_response(meta, bytes))
}

/// A file of the item behind a public link (only while the link is not withdrawn).
async fn public_download(
    State(st): State<AppState>,
    Path((token, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let item = items::by_token(&st.store, &token).await?;
    let (meta, bytes) = items::file(&st.store, &item.school_id, &item.id, &file).await?;
    Ok(file_response(meta, bytes))
}
