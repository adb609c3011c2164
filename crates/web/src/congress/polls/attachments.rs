//! Files attached to a poll: the committee uploads them on the poll page (type checked by
//! content, at most 5 MiB, at most 10 per poll, audited); everyone who may see the poll
//! downloads them from the vote page.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Extension;
use jiaogong_domain::congress::ballots::{self, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES};
use jiaogong_store::congress::polls as repo;
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;

use super::scoped;
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::see_other;
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add(
        "POST",
        "/s/{school}/polls/{id}/attachments",
        post(upload).layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES + 64 * 1024)),
    )
    .add("GET", "/polls/{id}/attachments/{file}", get(download))
}

/// The uploaded file of the form: (name, bytes).
async fn file_of(ctx: &Ctx, mut mp: Multipart) -> AppResult<(String, Vec<u8>)> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::bad("attachment_size", ctx.tr.t(ballots::AttachmentError::TooLarge.key()))
        } else {
            AppError::bad("attachment_empty", ctx.tr.t(ballots::AttachmentError::Empty.key()))
        }
    };
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(refused)?;
            return Ok((name, bytes.to_vec()));
        }
    }
    Err(AppError::bad("attachment_empty", ctx.tr.t(ballots::AttachmentError::Empty.key())))
}

async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    mp: Multipart,
) -> AppResult<Response> {
    let poll = repo::get(&st.store, &school.id, &id).await?;
    let (name, bytes) = file_of(&ctx, mp).await?;
    let kind =
        ballots::attachment_kind(&name, &bytes).map_err(|e| AppError::bad("attachment_refused", ctx.tr.t(e.key())))?;
    if repo::attachments(&st.store, &poll.id).await?.len() >= MAX_ATTACHMENTS {
        return Err(AppError::bad(
            "attachment_count",
            ctx.tr.t1("poll-attachment-err-count", "max", &MAX_ATTACHMENTS.to_string()),
        ));
    }
    let name = ballots::attachment_name(&name);
    let mut tx = st.store.begin().await?;
    let file = repo::add_attachment(&mut tx, &poll.id, &name, kind.content_type(), &bytes, &ctx.actor()).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "poll.attachment", &poll.id).detail(format!("{file} {name}")),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/polls/{}", school.code, poll.id)))
}

async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (_, poll) = scoped(&st, &ctx, &id).await?;
    let (a, bytes) = repo::attachment(&st.store, &poll.id, &file).await?;
    // Served as stored (checked on upload), always as a download, never rendered in the page's origin.
    let kind = ballots::AttachmentKind::from_content_type(&a.content_type).ok_or(AppError::NotFound)?;
    let encoded: String = url::form_urlencoded::byte_serialize(a.file_name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"attachment\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
    Ok((
        [
            (header::CONTENT_TYPE, kind.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}
