//! 上报 pages and API: the district opens a submission and sees who has and has not submitted
//! (late ones flagged) and reminds the rest in one click; a school's chair sees the district's
//! requests and submits the generated year-end summary, the self-assessment or an uploaded file
//! with a note. A submission after the deadline is accepted and flagged late (ADR 033).

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json};
use jiaogong_domain::activities::library::{self as files, MAX_FILE_BYTES};
use jiaogong_domain::district::submissions::{self as rules, Kind, SubmitError};
use jiaogong_store::district::submissions::{self as repo, Submission, SubmittedFile};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::StoreError;
use serde::Deserialize;
use serde_json::{json, Value};

use super::assessment::{district_of, district_schools, file_refused, file_response, sheet_of};
use super::ledger::sheet_docx;
use crate::plans::{year_of, YearQuery};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, today, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    let limit = || DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024);
    r.add("GET", "/district/submissions", get(list_page))
        .add("POST", "/district/submissions", post(open_form))
        .add("GET", "/district/submissions/{id}", get(status_page))
        .add("POST", "/district/submissions/{id}/remind", post(remind))
        .add("GET", "/district/submissions/{id}/files/{item}", get(download))
        .add("GET", "/s/{school}/submissions", get(school_page))
        .add("POST", "/s/{school}/submissions/{id}", post(submit).layer(limit()))
        .add("POST", "/api/v1/district/submissions", post(api_open))
        .add("GET", "/api/v1/district/submissions/{id}", get(api_status))
}

fn refused(ctx: &Ctx, e: SubmitError) -> AppError {
    AppError::bad(e.code(), ctx.tr.t(e.key()))
}

async fn open_raw(
    st: &AppState,
    ctx: &Ctx,
    district: &str,
    kind: &str,
    title: &str,
    instructions: &str,
    deadline: &str,
) -> AppResult<String> {
    let s = rules::validate(kind, title, instructions, deadline, today()).map_err(|e| refused(ctx, e))?;
    let mut tx = st.store.begin().await?;
    let id = repo::open(&mut tx, &st.store.crypto, district, &s, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(id)
}

struct Line {
    id: String,
    title: String,
    kind: String,
    deadline: String,
    submitted: usize,
    schools: usize,
}

#[derive(Template)]
#[template(path = "district/submissions.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    kinds: Vec<(String, String)>,
    today: String,
}

async fn list_page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let schools = district_schools(&st, &district).await?;
    let mut lines = Vec::new();
    for s in repo::list(&st.store, &district).await? {
        let entries = repo::entries(&st.store, &s.id).await?;
        let submitted = schools.iter().filter(|sc| entries.iter().any(|e| e.school_id == sc.id)).count();
        lines.push(Line {
            kind: ctx.tr.t(&s.kind.key()),
            id: s.id,
            title: s.title,
            deadline: s.deadline,
            submitted,
            schools: schools.len(),
        });
    }
    render(&ListPage {
        c: Chrome::new(&ctx, "district", ctx.tr.t("submit-title")),
        lines,
        kinds: Kind::ALL.iter().map(|k| (k.code().to_string(), ctx.tr.t(&k.key()))).collect(),
        today: today().format("%Y-%m-%d").to_string(),
    })
}

#[derive(Deserialize)]
struct OpenForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    deadline: String,
}

async fn open_form(State(st): State<AppState>, ctx: Ctx, Form(f): Form<OpenForm>) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let id = open_raw(&st, &ctx, &district, &f.kind, &f.title, &f.instructions, &f.deadline).await?;
    Ok(see_other(&format!("/district/submissions/{id}")))
}

/// One school's state for a request.
struct SchoolState {
    id: String,
    code: String,
    name: String,
    submitted: bool,
    late: bool,
    submitted_on: String,
    note: String,
    file: bool,
}

async fn states(st: &AppState, district: &str, s: &Submission) -> AppResult<Vec<SchoolState>> {
    let entries = repo::entries(&st.store, &s.id).await?;
    Ok(district_schools(st, district)
        .await?
        .into_iter()
        .map(|sc| {
            let e = entries.iter().find(|e| e.school_id == sc.id);
            SchoolState {
                submitted: e.is_some(),
                late: e.is_some_and(|e| e.late != 0),
                submitted_on: e.map(|e| e.submitted_on.clone()).unwrap_or_default(),
                note: e.map(|e| e.note.clone()).unwrap_or_default(),
                file: e.is_some_and(|e| e.file_name.is_some()),
                id: sc.id,
                code: sc.code,
                name: sc.name,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "district/submission.html")]
struct StatusPage {
    c: Chrome,
    s: Submission,
    kind: String,
    schools: Vec<SchoolState>,
    missing: usize,
    overdue: bool,
}

async fn status_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let s = repo::get(&st.store, &district, &id).await?;
    let schools = states(&st, &district, &s).await?;
    let missing = schools.iter().filter(|x| !x.submitted).count();
    let overdue = today().format("%Y-%m-%d").to_string() > s.deadline;
    render(&StatusPage {
        c: Chrome::new(&ctx, "district", s.title.clone()),
        kind: ctx.tr.t(&s.kind.key()),
        s,
        schools,
        missing,
        overdue,
    })
}

async fn remind(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let s = repo::get(&st.store, &district, &id).await?;
    let missing: Vec<String> =
        states(&st, &district, &s).await?.into_iter().filter(|x| !x.submitted).map(|x| x.id).collect();
    let mut tx = st.store.begin().await?;
    repo::remind(&mut tx, &st.store.crypto, &s, &missing, &ctx.actor()).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/district/submissions/{id}")))
}

async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, school_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let s = repo::get(&st.store, &district, &id).await?;
    if !district_schools(&st, &district).await?.iter().any(|sc| sc.id == school_id) {
        return Err(AppError::NotFound);
    }
    let (name, ct, bytes) = repo::file(&st.store, &s.id, &school_id).await?;
    Ok(file_response(&name, &ct, bytes))
}

struct SchoolLine {
    id: String,
    title: String,
    kind: String,
    instructions: String,
    deadline: String,
    submitted_on: String,
    late: bool,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "district/school_submissions.html")]
struct SchoolPage {
    c: Chrome,
    school: School,
    lines: Vec<SchoolLine>,
    year: i32,
    max_mb: usize,
}

async fn school_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    let rows = match &school.district_id {
        Some(d) => repo::for_school(&st.store, d, &school.id).await?,
        None => Vec::new(),
    };
    let day = today().format("%Y-%m-%d").to_string();
    let lines = rows
        .into_iter()
        .map(|(s, e)| SchoolLine {
            kind: ctx.tr.t(&s.kind.key()),
            overdue: e.is_none() && day > s.deadline,
            submitted_on: e.as_ref().map(|e| e.submitted_on.clone()).unwrap_or_default(),
            late: e.is_some_and(|e| e.late != 0),
            id: s.id,
            title: s.title,
            instructions: s.instructions,
            deadline: s.deadline,
        })
        .collect();
    render(&SchoolPage {
        c: Chrome::new(&ctx, "submissions", ctx.tr.t("submit-title")),
        school,
        lines,
        year: year_of(&YearQuery { year: None }),
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
    })
}

async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    if !super::assessment::ASSESSORS.contains(&ctx.user()?.role()) {
        return Err(AppError::Forbidden);
    }
    let district = school.district_id.clone().ok_or(AppError::NotFound)?;
    let fail = |e: axum::extract::multipart::MultipartError| {
        let err = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            files::LibraryError::TooLarge
        } else {
            files::LibraryError::Empty
        };
        file_refused(&ctx, err)
    };
    let (mut attach, mut note, mut year, mut name, mut bytes) =
        (String::new(), String::new(), None, String::new(), Vec::new());
    while let Some(field) = mp.next_field().await.map_err(fail)? {
        match field.name().unwrap_or_default() {
            "file" => {
                name = field.file_name().unwrap_or_default().to_string();
                bytes = field.bytes().await.map_err(fail)?.to_vec();
            }
            "attach" => attach = field.text().await.map_err(fail)?,
            "note" => note = field.text().await.map_err(fail)?,
            "year" => year = field.text().await.map_err(fail)?.trim().parse::<i32>().ok(),
            _ => {}
        }
    }
    let note = rules::note(&note).map_err(|e| refused(&ctx, e))?;
    let year = year_of(&YearQuery { year });
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let (name, ct, bytes): (String, String, Vec<u8>) = match attach.as_str() {
        "summary" => (
            format!("{}-{year}.docx", ctx.tr.t("sum-nav")),
            docx.into(),
            crate::plans::summary::summary_docx(&st, &ctx, &school, year).await?,
        ),
        "assessment" => {
            let sheet = sheet_of(&st, &school, year).await?;
            (
                format!("{}-{year}.docx", ctx.tr.t("assess-score-sheet")),
                docx.into(),
                sheet_docx(&ctx, &school, year, &sheet)?,
            )
        }
        "file" => {
            let kind = files::file_kind(&name, &bytes).map_err(|e| file_refused(&ctx, e))?;
            (jiaogong_domain::congress::ballots::attachment_name(&name), kind.content_type().into(), bytes)
        }
        _ if note.is_empty() => return Err(refused(&ctx, SubmitError::Empty)),
        _ => (String::new(), String::new(), Vec::new()),
    };
    let file = (!name.is_empty()).then_some(SubmittedFile { name: &name, content_type: &ct, bytes: &bytes });
    let mut tx = st.store.begin().await?;
    match repo::submit(&mut tx, &st.store.crypto, &school.id, &district, &id, &note, file, today(), &ctx.actor()).await
    {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/submissions", school.code)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenBody {
    kind: String,
    title: String,
    #[serde(default)]
    instructions: String,
    deadline: String,
}

/// `POST /api/v1/district/submissions`: opens a submission for the caller's district.
async fn api_open(State(st): State<AppState>, ctx: Ctx, Json(b): Json<OpenBody>) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let id = open_raw(&st, &ctx, &district, &b.kind, &b.title, &b.instructions, &b.deadline).await?;
    let s = repo::get(&st.store, &district, &id).await?;
    Ok((StatusCode::CREATED, Json(submission_json(&s))).into_response())
}

fn submission_json(s: &Submission) -> Value {
    json!({"id": s.id, "kind": s.kind.code(), "title": s.title, "instructions": s.instructions, "deadline": s.deadline})
}

/// `GET /api/v1/district/submissions/{id}`: who has and has not submitted.
async fn api_status(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let s = repo::get(&st.store, &district, &id).await?;
    let schools = states(&st, &district, &s).await?;
    let one = |x: &SchoolState| {
        json!({"school": x.code, "name": x.name, "submitted_on": (!x.submitted_on.is_empty()).then(|| x.submitted_on.clone()),
               "late": x.late, "note": x.note, "file": x.file})
    };
    let mut body = submission_json(&s);
    body["submitted"] = Value::Array(schools.iter().filter(|x| x.submitted).map(one).collect());
    body["not_submitted"] = Value::Array(
        schools.iter().filter(|x| !x.submitted).map(|x| json!({"school": x.code, "name": x.name})).collect(),
    );
    Ok(Json(body).into_response())
}

/// The chair's to-do: the district's requests the school has not submitted yet.
pub(crate) async fn home_todo(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    todos: &mut Vec<crate::platform::auth_pages::Todo>,
) -> AppResult<()> {
    let (Some(user), Some(district)) = (&ctx.user, &school.district_id) else { return Ok(()) };
    if !super::assessment::ASSESSORS.contains(&user.role()) {
        return Ok(());
    }
    let open =
        repo::for_school(&st.store, district, &school.id).await?.into_iter().filter(|(_, e)| e.is_none()).count();
    if open > 0 {
        todos.push(crate::platform::auth_pages::Todo {
            text: ctx.tr.t("submit-todo"),
            href: format!("/s/{}/submissions", school.code),
            count: i64::try_from(open).unwrap_or(i64::MAX),
        });
    }
    Ok(())
}
