//! The committee's side of notices and news: the list with each notice's 已阅 count, the form
//! (a small editor, attachments and photos), a notice's readers with who has not read, the
//! export of that list to .xlsx, the one-click reminder through the inbox, and the school's
//! group robot.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::activities::notices::{self as rules, NoticeError, PostKind, ReadCount};
use jiaogong_domain::congress::ballots::{self, AttachmentKind, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES};
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::activities::notices::{self as repo, Notice, ReaderRow, Summary};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::robots;
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::notice_html::sanitize;
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub(super) fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/notices", get(list))
        .add("POST", "/s/{school}/notices", post(create).layer(DefaultBodyLimit::max(crate::platform::ctx::MAX_BODY)))
        .add("GET", "/s/{school}/notices/{id}", get(readers_page))
        .add("POST", "/s/{school}/notices/{id}/remind", post(remind))
        .add("POST", "/s/{school}/notices/{id}/export", post(export))
        .add("POST", "/s/{school}/notices/robot", post(robot))
}

/// What the form sent, kept to show again with its errors.
#[derive(Debug, Clone, Default)]
struct Draft {
    kind: String,
    title: String,
    body: String,
    audience: String,
    group: String,
    pinned: bool,
    needs_ack: bool,
}

#[derive(Template)]
#[template(path = "activities/notices_admin.html")]
struct ListPage {
    c: Chrome,
    school: School,
    notices: Vec<Summary>,
    groups: Vec<(String, String)>,
    d: Draft,
    errors: Vec<(&'static str, String)>,
    robot_provider: String,
    robot_set: bool,
    manages_robot: bool,
}

impl ListPage {
    fn error(&self, field: &str) -> String {
        self.errors.iter().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str()).collect::<Vec<_>>().join("；")
    }
    fn count(&self, s: &Summary) -> ReadCount {
        s.count()
    }
    fn audience_key(&self, code: &str) -> &'static str {
        rules::NoticeAudience::parse(code).map(|a| a.key()).unwrap_or("notice-aud-all")
    }
}

async fn list_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    d: Draft,
    errors: Vec<(&'static str, String)>,
) -> AppResult<Response> {
    let notices = repo::for_school(&st.store, &school.id, 200).await?;
    let groups = jiaogong_store::platform::tenancy::groups(&st.store, &school.id)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let robot = robots::robot(&st.store, &school.id).await?;
    let manages_robot =
        ctx.user.as_ref().is_some_and(|u| crate::platform::access::ACCOUNT_MANAGERS.contains(&u.role()));
    let bad = !errors.is_empty();
    let mut r = render(&ListPage {
        c: Chrome::new(ctx, "notices-admin", ctx.tr.t("notices-admin-title")),
        school,
        notices,
        groups,
        d: Draft { kind: if d.kind.is_empty() { "notice".into() } else { d.kind }, ..d },
        errors,
        robot_provider: robot.as_ref().map(|r| r.provider.clone()).unwrap_or_default(),
        robot_set: robot.is_some(),
        manages_robot,
    })?;
    if bad {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn list(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    list_with(&st, &ctx, school, Draft::default(), Vec::new()).await
}

/// A file of the form: (name, bytes).
type Upload = (String, Vec<u8>);

async fn read_form(ctx: &Ctx, mut mp: Multipart) -> AppResult<(Draft, Vec<Upload>)> {
    let refused = |_| AppError::bad("notice_form", ctx.tr.t("notice-err-form"));
    let mut d = Draft::default();
    let mut files = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(refused)?;
            if !bytes.is_empty() {
                files.push((file_name, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.map_err(refused)?;
        match name.as_str() {
            "kind" => d.kind = text,
            "title" => d.title = text,
            "body" => d.body = text,
            "audience" => d.audience = text,
            "group" => d.group = text,
            "pinned" => d.pinned = !text.is_empty(),
            "needs_ack" => d.needs_ack = !text.is_empty(),
            _ => {}
        }
    }
    Ok((d, files))
}

/// A checked file: (stored name, content type, photo, bytes).
type Checked = (String, &'static str, bool, Vec<u8>);

fn check_files(ctx: &Ctx, files: Vec<Upload>) -> Result<Vec<Checked>, String> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(ctx.tr.t1("notice-err-file-count", "max", &MAX_ATTACHMENTS.to_string()));
    }
    let mut out = Vec::new();
    for (name, bytes) in files {
        let shown = ballots::attachment_name(&name);
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(ctx.tr.t1("notice-err-file-size", "name", &shown));
        }
        match ballots::attachment_kind(&name, &bytes) {
            Ok(AttachmentKind::Png | AttachmentKind::Jpeg) => {
                let photo =
                    super::notice_photos::prepare(&bytes).map_err(|_| ctx.tr.t1("notice-err-photo", "name", &shown))?;
                let stem = shown.rsplit_once('.').map(|(s, _)| s.to_string()).unwrap_or(shown);
                out.push((format!("{stem}.jpg"), "image/jpeg", true, photo));
            }
            Ok(kind) => out.push((shown, kind.content_type(), false, bytes)),
            Err(_) => return Err(ctx.tr.t1("notice-err-file-type", "name", &shown)),
        }
    }
    Ok(out)
}

fn audience_code(d: &Draft) -> String {
    if d.audience == "group" {
        format!("group:{}", d.group.trim())
    } else {
        d.audience.clone()
    }
}

/// Checks a draft: the sanitised notice, or every error with its field.
pub(crate) fn check(
    ctx: &Ctx,
    kind: &str,
    title: &str,
    body: &str,
    audience: &str,
    pinned: bool,
    needs_ack: bool,
) -> Result<rules::NewNotice, Vec<(&'static str, String)>> {
    let clean = sanitize(body);
    rules::validate(kind, title, &clean, audience, pinned, needs_ack).map_err(|errs| {
        errs.into_iter()
            .map(|e| {
                let msg = match e {
                    NoticeError::Title => ctx.tr.t1("notice-err-title", "max", &rules::TITLE_MAX.to_string()),
                    NoticeError::Nesting => ctx.tr.t1("notice-err-nesting", "max", &rules::NESTING_MAX.to_string()),
                    e => ctx.tr.t(e.key()),
                };
                (e.field(), msg)
            })
            .collect()
    })
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    mp: Multipart,
) -> AppResult<Response> {
    let (d, files) = read_form(&ctx, mp).await?;
    let checked = check(&ctx, &d.kind, &d.title, &d.body, &audience_code(&d), d.pinned, d.needs_ack);
    let files = check_files(&ctx, files);
    let (notice, files) = match (checked, files) {
        (Ok(n), Ok(f)) => (n, f),
        (n, f) => {
            let mut errors = n.err().unwrap_or_default();
            if let Err(m) = f {
                errors.push(("file", m));
            }
            return list_with(&st, &ctx, school, d, errors).await;
        }
    };
    let mut tx = st.store.begin().await?;
    let id = match repo::publish(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &notice).await {
        Ok((id, _)) => id,
        Err(jiaogong_store::StoreError::Invalid(_)) => {
            drop(tx);
            let errors = vec![("audience", ctx.tr.t("notice-err-audience"))];
            return list_with(&st, &ctx, school, d, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    for (name, ct, photo, bytes) in &files {
        repo::add_file(&mut tx, &id, name, ct, *photo, bytes).await?;
    }
    jiaogong_store::commit(tx).await?;
    let _ = PostKind::Notice;
    Ok(see_other(&format!("/s/{}/notices/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "activities/notice_readers.html")]
struct ReadersPage {
    c: Chrome,
    school: School,
    n: Notice,
    count: ReadCount,
    readers: Vec<ReaderRow>,
    reminded: String,
}

impl ReadersPage {
    fn unread(&self) -> Vec<&ReaderRow> {
        self.readers.iter().filter(|r| r.read_at.is_none()).collect()
    }
    fn audience_key(&self) -> &'static str {
        rules::NoticeAudience::parse(&self.n.audience).map(|a| a.key()).unwrap_or("notice-aud-all")
    }
    fn done(&self) -> Vec<&ReaderRow> {
        self.readers.iter().filter(|r| r.read_at.is_some()).collect()
    }
}

#[derive(Deserialize, Default)]
struct ReadersQuery {
    #[serde(default)]
    reminded: String,
}

async fn readers_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<ReadersQuery>,
) -> AppResult<Response> {
    let n = repo::get(&st.store, &school.id, &id).await?;
    let count = repo::count(&st.store, &n.id).await?;
    let readers = repo::readers(&st.store, &school.id, &n.id).await?;
    let reminded = if q.reminded.chars().all(|c| c.is_ascii_digit()) && !q.reminded.is_empty() {
        ctx.tr.t1("notice-reminded", "count", &q.reminded)
    } else {
        String::new()
    };
    render(&ReadersPage { c: Chrome::new(&ctx, "notices-admin", n.title.clone()), school, n, count, readers, reminded })
}

async fn remind(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let n = repo::get(&st.store, &school.id, &id).await?;
    let mut tx = st.store.begin().await?;
    let sent = repo::remind(&mut tx, &st.store.crypto, &school.id, &n, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/notices/{}?reminded={sent}", school.code, n.id)))
}

/// Who has not read (and who has) as .xlsx: a form post, as it names people.
async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let tr = ctx.tr;
    let n = repo::get(&st.store, &school.id, &id).await?;
    let readers = repo::readers(&st.store, &school.id, &n.id).await?;
    let headers = ["notice-col-name", "notice-col-group", "notice-col-state", "notice-col-read-at"]
        .iter()
        .map(|k| tr.t(k))
        .collect();
    let rows = readers
        .iter()
        .map(|r| {
            vec![
                OutCell::Text(r.name.clone()),
                OutCell::Text(r.group_name.clone()),
                OutCell::Text(tr.t(if r.read_at.is_some() { "notice-state-read" } else { "notice-state-unread" })),
                OutCell::Text(r.read_at.map(|t| tr.when(t)).unwrap_or_default()),
            ]
        })
        .collect();
    let bytes = xlsx_write::write_tables(&[Table {
        sheet_name: tr.t("notice-readers"),
        headers,
        rows,
        col_widths: vec![14.0, 16.0, 10.0, 26.0],
    }])
    .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::record(&st.store, &Event::new(Some(&school.id), &ctx.actor(), "notice.export", &n.id)).await?;
    Ok(crate::members::export::xlsx_response(&format!("{}-{}.xlsx", tr.t("notice-readers"), school.code), bytes))
}

#[derive(Deserialize)]
struct RobotForm {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    secret: String,
}

/// Sets the school's group robot (an empty address removes it): the chair or the school's admin.
async fn robot(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<RobotForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    if !crate::platform::access::ACCOUNT_MANAGERS.contains(&user.role()) {
        return Err(AppError::Forbidden);
    }
    let url = f.url.trim();
    let provider = f.provider.trim();
    if !url.is_empty() {
        let ok_provider = crate::platform::robots::Provider::from_code(provider).is_some();
        if !ok_provider {
            return list_with(&st, &ctx, school, Draft::default(), vec![("robot", ctx.tr.t("robot-err-provider"))])
                .await;
        }
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 500 {
            return list_with(&st, &ctx, school, Draft::default(), vec![("robot", ctx.tr.t("robot-err-url"))]).await;
        }
    }
    let mut tx = st.store.begin().await?;
    robots::set_robot(&mut tx, &st.store, &school.id, provider, url, f.secret.trim()).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &ctx.actor(), "notice.robot", &school.id).detail(if url.is_empty() {
            "-".to_string()
        } else {
            provider.to_string()
        }),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/notices#robot", school.code)))
}
