//! The resource library (工会资源库): every person of the school reads the folders, searches
//! titles and the text of .txt/.docx/.pdf files (a two-character word such as 工会 is found) and
//! downloads any version; the committee uploads (at most 20 MB, type checked by content), adds
//! versions, moves and deletes, each audited in the transaction that makes the change. Text is
//! extracted on a blocking thread under a timeout, a few at a time, so a file that makes its
//! parser loop or panic costs a refusal, never the server.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query as QueryParams, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json};
use jiaogong_domain::activities::library::{self as rules, FileKind, Folder, LibraryError, Query, MAX_FILE_BYTES};
use jiaogong_office::extract::{self, ExtractError, TextSource};
use jiaogong_store::activities::library::{self as repo, Doc, NewFile, Version};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::StoreError;
use serde::Deserialize;
use serde_json::json;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

/// How long the text of one file may take to read.
pub const EXTRACT_TIMEOUT: Duration = Duration::from_secs(15);
/// Files read at once on this server; a file whose parser never returns keeps its slot, so at
/// most this many threads can ever be lost to such files.
const EXTRACT_SLOTS: usize = 2;
/// Search results shown.
const RESULTS: i64 = 50;

pub fn routes(r: Routes) -> Routes {
    let limit = || DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024);
    r.add("GET", "/s/{school}/library", get(index))
        .add("POST", "/s/{school}/library", post(upload).layer(limit()))
        .add("GET", "/s/{school}/library/{id}", get(document))
        .add("POST", "/s/{school}/library/{id}/versions", post(new_version).layer(limit()))
        .add("GET", "/s/{school}/library/{id}/versions/{version}", get(download))
        .add("POST", "/s/{school}/library/{id}/move", post(move_doc))
        .add("POST", "/s/{school}/library/{id}/delete", post(delete_doc))
        .add("GET", "/api/v1/schools/{school}/library/search", get(api_search))
}

fn edits(ctx: &Ctx) -> bool {
    ctx.user.as_ref().is_some_and(|u| crate::platform::access::LIBRARY_EDITORS.contains(&u.role()))
}

fn refused(ctx: &Ctx, e: LibraryError) -> AppError {
    let message = match e {
        LibraryError::TooLarge => ctx.tr.t1("library-err-size", "max", &(MAX_FILE_BYTES / (1024 * 1024)).to_string()),
        other => ctx.tr.t(other.key()),
    };
    AppError::bad(e.code(), message)
}

/// Why no text could be read from a file, as the uploader reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    Extract(ExtractError),
    /// It took longer than [`EXTRACT_TIMEOUT`] (or every slot was busy that long).
    Timeout,
}

fn unreadable(ctx: &Ctx, e: Unreadable) -> AppError {
    match e {
        Unreadable::Extract(ExtractError::ZipBomb) => AppError::bad("zip_bomb", ctx.tr.t("library-err-bomb")),
        Unreadable::Extract(ExtractError::NotDocx) => refused(ctx, LibraryError::Type),
        Unreadable::Extract(ExtractError::Damaged) => AppError::bad("file_damaged", ctx.tr.t("library-err-damaged")),
        Unreadable::Timeout => AppError::bad(
            "extract_timeout",
            ctx.tr.t1("library-err-timeout", "seconds", &EXTRACT_TIMEOUT.as_secs().to_string()),
        ),
    }
}

fn slots() -> Arc<tokio::sync::Semaphore> {
    static SLOTS: OnceLock<Arc<tokio::sync::Semaphore>> = OnceLock::new();
    SLOTS.get_or_init(|| Arc::new(tokio::sync::Semaphore::new(EXTRACT_SLOTS))).clone()
}

/// Runs `read` on a blocking thread holding one of the server's slots, for at most `timeout`
/// (waiting for a slot included). The slot is released when `read` returns, not when the
/// caller gives up, so a parser stuck in a loop cannot make the server start more of them.
pub async fn bounded<F>(read: F, timeout: Duration) -> Result<String, Unreadable>
where
    F: FnOnce() -> Result<String, ExtractError> + Send + 'static,
{
    let work = async move {
        let permit = slots().acquire_owned().await.map_err(|_| Unreadable::Timeout)?;
        let task = tokio::task::spawn_blocking(move || {
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
            drop(permit);
            out
        });
        match task.await {
            Ok(Ok(r)) => r.map_err(Unreadable::Extract),
            _ => Err(Unreadable::Extract(ExtractError::Damaged)),
        }
    };
    tokio::time::timeout(timeout, work).await.unwrap_or(Err(Unreadable::Timeout))
}

/// The text searched for a file of `kind` (none for a spreadsheet).
async fn text_of(kind: FileKind, bytes: &Arc<Vec<u8>>) -> Result<String, Unreadable> {
    let source = match kind {
        FileKind::Pdf => TextSource::Pdf,
        FileKind::Docx => TextSource::Docx,
        FileKind::Text => TextSource::Plain,
        FileKind::Xlsx => return Ok(String::new()),
    };
    let bytes = bytes.clone();
    bounded(move || extract::extract_text(source, &bytes), EXTRACT_TIMEOUT).await
}

/// What an upload form sent.
#[derive(Default)]
struct Upload {
    folder: String,
    title: String,
    file_name: String,
    bytes: Vec<u8>,
    version: String,
}

async fn read_form(ctx: &Ctx, mut mp: Multipart) -> AppResult<Upload> {
    let fail = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            refused(ctx, LibraryError::TooLarge)
        } else {
            refused(ctx, LibraryError::Empty)
        }
    };
    let mut u = Upload::default();
    while let Some(field) = mp.next_field().await.map_err(fail)? {
        match field.name().unwrap_or_default() {
            "file" => {
                u.file_name = field.file_name().unwrap_or_default().to_string();
                u.bytes = field.bytes().await.map_err(fail)?.to_vec();
            }
            "folder" => u.folder = field.text().await.map_err(fail)?,
            "title" => u.title = field.text().await.map_err(fail)?,
            "version" => u.version = field.text().await.map_err(fail)?,
            _ => {}
        }
    }
    Ok(u)
}

/// A checked file with its text and tokens, ready for the store.
struct Checked {
    kind: FileKind,
    file_name: String,
    bytes: Arc<Vec<u8>>,
    text: String,
}

async fn check(ctx: &Ctx, u: Upload) -> AppResult<Checked> {
    let kind = rules::file_kind(&u.file_name, &u.bytes).map_err(|e| refused(ctx, e))?;
    let bytes = Arc::new(u.bytes);
    let text = text_of(kind, &bytes).await.map_err(|e| unreadable(ctx, e))?;
    let file_name = jiaogong_domain::congress::ballots::attachment_name(&u.file_name);
    Ok(Checked { kind, file_name, bytes, text })
}

async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    mp: Multipart,
) -> AppResult<Response> {
    let u = read_form(&ctx, mp).await?;
    let folder = Folder::parse(&u.folder).ok_or_else(|| AppError::bad("folder", ctx.tr.t("library-err-folder")))?;
    let raw_title = if u.title.trim().is_empty() { rules::title_from_file_name(&u.file_name) } else { u.title.clone() };
    let title = rules::title(&raw_title).map_err(|e| refused(&ctx, e))?;
    let f = check(&ctx, u).await?;
    let search = rules::document_text(&title, &f.text);
    let tokens = rules::index_tokens(&search);
    let file = NewFile {
        file_name: &f.file_name,
        content_type: f.kind.content_type(),
        bytes: &f.bytes,
        search_text: &search,
        tokens: &tokens,
    };
    let mut tx = st.store.begin().await?;
    let id = repo::create(&mut tx, &school.id, folder, &title, &file, &ctx.actor()).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "library.upload", &id).detail(format!(
            "{} {}",
            folder.code(),
            title
        )),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/library/{id}", school.code)))
}

async fn new_version(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    mp: Multipart,
) -> AppResult<Response> {
    let doc = repo::get(&st.store, &school.id, &id).await?;
    let u = read_form(&ctx, mp).await?;
    // The version the uploader saw; a form without it stacks on the current one.
    let expected = u.version.trim().parse::<i64>().unwrap_or(doc.version);
    let f = check(&ctx, u).await?;
    let search = rules::document_text(&doc.title, &f.text);
    let tokens = rules::index_tokens(&search);
    let file = NewFile {
        file_name: &f.file_name,
        content_type: f.kind.content_type(),
        bytes: &f.bytes,
        search_text: &search,
        tokens: &tokens,
    };
    let mut tx = st.store.begin().await?;
    let version = match repo::add_version(&mut tx, &school.id, &doc.id, expected, &file, &ctx.actor()).await {
        Ok(v) => v,
        Err(StoreError::Conflict(_)) => {
            return Err(AppError::Conflict { code: "version_conflict", message: ctx.tr.t("library-err-version") })
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "library.version", &doc.id)
            .detail(format!("v{version} {}", f.file_name)),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/library/{}", school.code, doc.id)))
}

#[derive(Deserialize)]
struct MoveForm {
    folder: String,
}

async fn move_doc(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let folder = Folder::parse(&form.folder).ok_or_else(|| AppError::bad("folder", ctx.tr.t("library-err-folder")))?;
    let mut tx = st.store.begin().await?;
    repo::move_to(&mut tx, &school.id, &id, folder).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "library.move", &id).detail(folder.code()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/library/{id}", school.code)))
}

async fn delete_doc(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let doc = repo::get(&st.store, &school.id, &id).await?;
    let mut tx = st.store.begin().await?;
    repo::delete(&mut tx, &school.id, &doc.id).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "library.delete", &doc.id).detail(doc.title.clone()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/library", school.code)))
}

async fn download(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Path((_, id, version)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let version: i64 = version.parse().map_err(|_| AppError::NotFound)?;
    let (v, bytes) = repo::version_file(&st.store, &school.id, &id, version).await?;
    // Served as checked on upload, always as a download, never rendered in the page's origin.
    let kind = FileKind::from_content_type(&v.content_type).ok_or(AppError::NotFound)?;
    let encoded: String = url::form_urlencoded::byte_serialize(v.file_name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"document\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
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

#[derive(Deserialize, Default)]
struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    folder: String,
}

/// A folder with its documents, as the page lists it.
struct Shelf {
    folder: Folder,
    docs: Vec<Doc>,
}

#[derive(Template)]
#[template(path = "activities/library.html")]
struct IndexPage {
    c: Chrome,
    school: School,
    edits: bool,
    folders: Vec<Folder>,
    q: String,
    folder: String,
    /// Search results when a query was given.
    results: Option<Vec<Doc>>,
    shelves: Vec<Shelf>,
    error: String,
    max_mb: usize,
}

impl IndexPage {
    fn kind(&self, d: &Doc) -> &'static str {
        FileKind::from_content_type(&d.content_type).map(FileKind::label).unwrap_or("")
    }
    fn folder_name(&self, d: &Doc) -> String {
        d.folder_kind().map(|f| self.c.tr.t(f.key())).unwrap_or_default()
    }
}

async fn index(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    QueryParams(p): QueryParams<SearchParams>,
) -> AppResult<Response> {
    let folder = Folder::parse(&p.folder);
    let mut error = String::new();
    let results = if p.q.trim().is_empty() {
        None
    } else {
        match Query::parse(&p.q) {
            Ok(q) => Some(repo::search(&st.store, &school.id, &q, folder, RESULTS).await?),
            Err(e) => {
                error = ctx.tr.t(e.key());
                Some(Vec::new())
            }
        }
    };
    let shelves = if results.is_some() {
        Vec::new()
    } else {
        let all = repo::list(&st.store, &school.id, folder).await?;
        Folder::ALL
            .into_iter()
            .filter(|f| folder.is_none_or(|x| x == *f))
            .map(|f| Shelf { folder: f, docs: all.iter().filter(|d| d.folder_kind() == Some(f)).cloned().collect() })
            .collect()
    };
    let title = ctx.tr.t("library-title");
    let mut r = render(&IndexPage {
        c: Chrome::new(&ctx, "library", title),
        school,
        edits: edits(&ctx),
        folders: Folder::ALL.to_vec(),
        q: p.q,
        folder: folder.map(|f| f.code().to_string()).unwrap_or_default(),
        results,
        shelves,
        error: error.clone(),
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
    })?;
    if !error.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "activities/library_doc.html")]
struct DocPage {
    c: Chrome,
    school: School,
    edits: bool,
    doc: Doc,
    folder_name: String,
    kind: &'static str,
    versions: Vec<Version>,
    folders: Vec<Folder>,
    max_mb: usize,
}

async fn document(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let doc = repo::get(&st.store, &school.id, &id).await?;
    let versions = repo::versions(&st.store, &school.id, &doc.id).await?;
    let folder_name = doc.folder_kind().map(|f| ctx.tr.t(f.key())).unwrap_or_default();
    let kind = FileKind::from_content_type(&doc.content_type).map(FileKind::label).unwrap_or("");
    render(&DocPage {
        c: Chrome::new(&ctx, "library", doc.title.clone()),
        school,
        edits: edits(&ctx),
        doc,
        folder_name,
        kind,
        versions,
        folders: Folder::ALL.to_vec(),
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
    })
}

async fn api_search(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    QueryParams(p): QueryParams<SearchParams>,
) -> AppResult<Json<serde_json::Value>> {
    let q = Query::parse(&p.q).map_err(|e| refused(&ctx, e))?;
    let folder = if p.folder.trim().is_empty() {
        None
    } else {
        Some(Folder::parse(&p.folder).ok_or_else(|| AppError::bad("folder", ctx.tr.t("library-err-folder")))?)
    };
    let docs = repo::search(&st.store, &school.id, &q, folder, RESULTS).await?;
    let results: Vec<_> = docs
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "title": d.title,
                "folder": d.folder,
                "version": d.version,
                "file_name": d.file_name,
                "content_type": d.content_type,
                "size": d.size,
                "updated_at": d.updated_at,
                "url": format!("/s/{}/library/{}", school.code, d.id),
                "download": format!("/s/{}/library/{}/versions/{}", school.code, d.id, d.version),
            })
        })
        .collect();
    Ok(Json(json!({"query": p.q, "results": results})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reader_that_does_not_return_in_time_is_refused_and_a_panic_is_a_damaged_file() {
        let stuck = || {
            std::thread::sleep(Duration::from_millis(500));
            Ok("never used".to_string())
        };
        assert_eq!(bounded(stuck, Duration::from_millis(20)).await, Err(Unreadable::Timeout));
        let panics = || -> Result<String, ExtractError> { panic!("parser bug") };
        assert_eq!(bounded(panics, EXTRACT_TIMEOUT).await, Err(Unreadable::Extract(ExtractError::Damaged)));
        assert_eq!(bounded(|| Ok("工会".to_string()), EXTRACT_TIMEOUT).await, Ok("工会".to_string()));
    }
}
