//! The phone's 通知 tab (`/notices`): the notices for me (unread first, with the 已阅 button), my
//! inbox (every message links to its page, unread first, with the unread count) and my email
//! setting; a notice's own page with its attachments and photos; the news feed (工会动态); and the
//! home page's line of notices waiting for my acknowledgement.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Form;
use jiaogong_domain::platform::digest::Frequency;
use jiaogong_store::activities::notices::{self as repo, MyNotice, NewsItem, Notice, NoticeFile};
use jiaogong_store::platform::accounts::User;
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::inbox::{self, Message};
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

/// Who writes notices and news, reads the receipts and reminds.
pub use crate::platform::access::NOTICE_EDITORS;

pub fn routes(r: Routes) -> Routes {
    let r = r
        .add("GET", "/notices", get(page))
        .add("GET", "/notices/{id}", get(detail))
        .add("POST", "/notices/{id}/read", post(read))
        .add("GET", "/notices/{id}/files/{file}", get(download))
        .add("POST", "/notices/settings", post(settings))
        .add("POST", "/inbox/{id}/read", post(inbox_read))
        .add("POST", "/inbox/read-all", post(inbox_read_all))
        .add("GET", "/news", get(news));
    let r = super::notices_admin::routes(r);
    super::notices_api::routes(r)
}

/// The caller's school (a user of no school has no notices: 404).
pub(crate) fn school_of(ctx: &Ctx) -> AppResult<(&User, String)> {
    let user = ctx.user()?;
    let school = user.school_id.clone().ok_or(AppError::NotFound)?;
    Ok((user, school))
}

pub(crate) fn is_editor(user: &User) -> bool {
    NOTICE_EDITORS.contains(&user.role())
}

/// A notice of the caller's school that the caller may open: one they received, any news post of
/// their school, or anything for the committee. Others are 404, like a foreign id.
pub(crate) async fn visible(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(Notice, Option<Option<i64>>)> {
    let (user, school) = school_of(ctx)?;
    let n = repo::get(&st.store, &school, id).await?;
    let receipt = match &user.member_id {
        Some(m) => repo::receipt(&st.store, &n.id, m).await?,
        None => None,
    };
    if receipt.is_none() && !n.is_news() && !is_editor(user) {
        return Err(AppError::NotFound);
    }
    Ok((n, receipt))
}

#[derive(Template)]
#[template(path = "activities/notices.html")]
struct Page {
    c: Chrome,
    notices: Vec<MyNotice>,
    messages: Vec<Message>,
    unread: i64,
    to_ack: i64,
    editor: bool,
    school_code: String,
    is_member: bool,
    frequency: String,
    email: String,
    frequencies: Vec<(&'static str, String)>,
    error: String,
}

impl Page {
    /// A message's kind in words (an unknown kind shows the generic word).
    fn kind(&self, code: &str) -> String {
        let key = format!("inbox-kind-{}", code.replace(['.', '_'], "-"));
        let t = self.c.tr.t(&key);
        if t == key {
            self.c.tr.t("inbox-kind-other")
        } else {
            t
        }
    }
    fn preview(&self, html: &str) -> String {
        jiaogong_domain::activities::notices::preview(html, 80)
    }
}

async fn page_with(st: &AppState, ctx: &Ctx, error: String) -> AppResult<Response> {
    let user = ctx.user()?;
    let (mut notices, mut messages, mut unread, mut to_ack) = (Vec::new(), Vec::new(), 0, 0);
    let (mut frequency, mut email) = (Frequency::default().code().to_string(), String::new());
    if let (Some(school), Some(member)) = (&user.school_id, &user.member_id) {
        notices = repo::for_member(&st.store, school, member, 100).await?;
        messages = inbox::messages(&st.store, school, member, 100).await?;
        unread = inbox::unread_count(&st.store, school, member).await?;
        to_ack = notices.iter().filter(|n| n.awaits_ack()).count() as i64;
        (frequency, email) = inbox::prefs(&st.store, member).await?;
    }
    let frequencies = Frequency::ALL.iter().map(|f| (f.code(), ctx.tr.t(f.key()))).collect();
    let mut r = render(&Page {
        c: Chrome::new(ctx, "notices", ctx.tr.t("notices-title")),
        notices,
        messages,
        unread,
        to_ack,
        editor: is_editor(user),
        school_code: user.school_code.clone().unwrap_or_default(),
        is_member: user.member_id.is_some(),
        frequency,
        email,
        frequencies,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    page_with(&st, &ctx, String::new()).await
}

#[derive(Template)]
#[template(path = "activities/notice.html")]
struct Detail {
    c: Chrome,
    n: Notice,
    files: Vec<NoticeFile>,
    /// The caller received it: Some(read at).
    receipt: Option<Option<i64>>,
    editor: bool,
    school_code: String,
}

impl Detail {
    fn awaits_ack(&self) -> bool {
        self.n.needs_ack() && matches!(self.receipt, Some(None))
    }
    fn has_attachments(&self) -> bool {
        self.files.iter().any(|f| f.photo == 0)
    }
    fn read_at(&self) -> Option<i64> {
        self.receipt.flatten()
    }
}

async fn detail(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (n, receipt) = visible(&st, &ctx, &id).await?;
    let user = ctx.user()?;
    // Opening a notice that asks nothing of the reader reads it (and its inbox message).
    let mut receipt = receipt;
    if let (Some(None), false, Some(member)) = (receipt, n.needs_ack(), &user.member_id) {
        let mut tx = st.store.begin().await?;
        let school = user.school_id.clone().unwrap_or_default();
        repo::acknowledge(&mut tx, &st.store.crypto, &school, &n.id, member, &ctx.actor()).await?;
        jiaogong_store::commit(tx).await?;
        receipt = Some(Some(jiaogong_store::now_ms()));
    }
    let files = repo::files(&st.store, &n.id).await?;
    render(&Detail {
        c: Chrome::new(&ctx, "notices", n.title.clone()),
        files,
        receipt,
        editor: is_editor(user),
        school_code: user.school_code.clone().unwrap_or_default(),
        n,
    })
}

/// 已阅: the member acknowledges the notice.
async fn read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (user, school) = school_of(&ctx)?;
    let member = user.member_id.clone().ok_or(AppError::NotFound)?;
    let mut tx = st.store.begin().await?;
    repo::acknowledge(&mut tx, &st.store.crypto, &school, &id, &member, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/notices/{id}")))
}

async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> AppResult<Response> {
    let (n, _) = visible(&st, &ctx, &id).await?;
    let (f, bytes) = repo::file(&st.store, &n.id, &file).await?;
    let encoded: String = url::form_urlencoded::byte_serialize(f.file_name.as_bytes()).collect();
    // A photo is shown in the page (always re-encoded JPEG); every other file is a download.
    let disposition = if f.photo == 1 {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"attachment\"; filename*=UTF-8''{}", encoded.replace('+', "%20"))
    };
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    email: String,
}

/// A plausible email address: one @, a dot in the domain, no spaces, at most 254 characters.
pub(crate) fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    s.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
}

async fn settings(State(st): State<AppState>, ctx: Ctx, Form(f): Form<SettingsForm>) -> AppResult<Response> {
    let (user, school) = school_of(&ctx)?;
    let member = user.member_id.clone().ok_or(AppError::NotFound)?;
    let Some(freq) = Frequency::from_code(f.frequency.trim()) else {
        return page_with(&st, &ctx, ctx.tr.t("notify-err-frequency")).await;
    };
    let email = f.email.trim().to_string();
    if !email.is_empty() && !email_ok(&email) {
        return page_with(&st, &ctx, ctx.tr.t("notify-err-email")).await;
    }
    let mut tx = st.store.begin().await?;
    inbox::set_prefs(&mut tx, &school, &member, freq.code(), &email).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school), &ctx.actor(), "notify.settings", &member).detail(freq.code()),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/notices#settings"))
}

async fn inbox_read(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let (user, school) = school_of(&ctx)?;
    let member = user.member_id.clone().ok_or(AppError::NotFound)?;
    let mut tx = st.store.begin().await?;
    let link = inbox::mark_read(&mut tx, &school, &member, &id).await?;
    jiaogong_store::commit(tx).await?;
    // Links are written by the server and always relative; anything else goes back to the inbox.
    let to = if link.starts_with('/') && !link.starts_with("//") { link } else { "/notices".to_string() };
    Ok(see_other(&to))
}

async fn inbox_read_all(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (user, school) = school_of(&ctx)?;
    let member = user.member_id.clone().ok_or(AppError::NotFound)?;
    let mut tx = st.store.begin().await?;
    inbox::mark_all_read(&mut tx, &school, &member).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/notices#inbox"))
}

#[derive(Template)]
#[template(path = "activities/news.html")]
struct News {
    c: Chrome,
    items: Vec<NewsItem>,
    editor: bool,
    school_code: String,
}

impl News {
    fn preview(&self, html: &str) -> String {
        jiaogong_domain::activities::notices::preview(html, 120)
    }
}

async fn news(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (user, school) = school_of(&ctx)?;
    let items = repo::news(&st.store, &school, 50).await?;
    render(&News {
        c: Chrome::new(&ctx, "news", ctx.tr.t("news-title")),
        items,
        editor: is_editor(user),
        school_code: user.school_code.clone().unwrap_or_default(),
    })
}

/// The member home's line: notices waiting for my 已阅 (one tap to the list that counts them).
pub(crate) async fn home_todo(
    st: &AppState,
    ctx: &Ctx,
    school_id: &str,
    member_id: &str,
    todos: &mut Vec<crate::platform::auth_pages::Todo>,
) -> AppResult<()> {
    let n = repo::to_acknowledge(&st.store, school_id, member_id).await?;
    if n > 0 {
        todos.push(crate::platform::auth_pages::Todo {
            text: ctx.tr.t("todo-notices-ack"),
            href: "/notices#to-read".into(),
            count: n,
        });
    }
    Ok(())
}
