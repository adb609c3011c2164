//! 建家 staff-home assessment pages: the chair's score sheet (evidence linked or uploaded,
//! self-scores, totals per group, the gaps list), its print view and the 台账 .zip streamed to
//! the response; the district's standard editor (items, points, copy to a year) and its
//! schools' scores, with a school's sheet read-only.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::activities::library::{self as files, FileKind, MAX_FILE_BYTES};
use jiaogong_domain::district::assessment::{self as rules, AssessError, Method, GROUPS};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::district::assessment::{self as repo, Sheet};
use jiaogong_store::platform::tenancy::{self, School};
use jiaogong_store::StoreError;
use serde::Deserialize;

use crate::plans::{year_of, YearQuery};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, today, Chrome};
use crate::{AppState, Routes};

/// Who keeps a school's self-assessment: the chair and the committee.
pub const ASSESSORS: &[Role] = &[Role::Admin, Role::Chair, Role::OrgCommittee];
/// District users (the district union's accounts; a school's admin is not one).
pub const DISTRICT_USERS: &[Role] = &[Role::District];

pub fn routes(r: Routes) -> Routes {
    let limit = || DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024);
    r.add("GET", "/s/{school}/assessment", get(school_page))
        .add("POST", "/s/{school}/assessment", post(school_action))
        .add("POST", "/s/{school}/assessment/upload", post(upload).layer(limit()))
        .add("GET", "/s/{school}/assessment/print", get(print_page))
        .add("GET", "/s/{school}/assessment/files/{id}", get(download))
        .add("GET", "/s/{school}/assessment.zip", get(super::ledger::ledger_zip))
        .add("GET", "/district/assessment", get(standard_page))
        .add("POST", "/district/assessment", post(standard_action))
        .add("GET", "/district/assessment/{id}", get(district_school_page))
}

/// The schools of a district. The one place the district's schools are listed, so the district
/// hierarchy can replace it with the subtree.
pub(crate) async fn district_schools(
    st: &AppState,
    district_id: &str,
) -> AppResult<Vec<jiaogong_store::district::hierarchy::SubtreeSchool>> {
    Ok(jiaogong_store::district::hierarchy::subtree_schools(&st.store, Some(district_id)).await?)
}

/// The district of a district user; anyone else is refused.
pub(crate) fn district_of(ctx: &Ctx) -> AppResult<String> {
    let user = ctx.user()?;
    match (&user.district_id, user.role()) {
        (Some(d), Role::District) => Ok(d.clone()),
        _ => Err(AppError::Forbidden),
    }
}

/// A school of the caller's district, by code or id; a school outside it is not found.
pub(crate) async fn school_in_district(st: &AppState, district_id: &str, code: &str) -> AppResult<School> {
    let school = match tenancy::school(&st.store, code).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let listed = district_schools(st, district_id).await?;
    if listed.iter().any(|s| s.id == school.id) {
        Ok(school)
    } else {
        Err(AppError::NotFound)
    }
}

fn refused(ctx: &Ctx, e: AssessError) -> AppError {
    AppError::bad(e.code(), ctx.tr.t(e.key()))
}

fn scope(school: &School) -> &str {
    repo::scope_of(school.district_id.as_deref())
}

pub(crate) async fn sheet_of(st: &AppState, school: &School, year: i32) -> AppResult<Sheet> {
    Ok(repo::sheet(&st.store, &school.id, scope(school), year, today()).await?)
}

struct EvidenceView {
    id: String,
    kind: String,
    label: String,
    file: bool,
}

struct LineView {
    id: String,
    title: String,
    criteria: String,
    points: i64,
    method: String,
    computed: String,
    self_score: String,
    score: i64,
    gap: bool,
    evidence: Vec<EvidenceView>,
}

struct GroupView {
    name: String,
    score: i64,
    points: i64,
    lines: Vec<LineView>,
}

pub(super) fn kind_label(ctx: &Ctx, kind: &str) -> String {
    ctx.tr.t(&format!("assess-kind-{}", kind.replace('_', "-")))
}

/// What a computed item's rule found, in words ("达标（2）").
pub(super) fn computed_text(ctx: &Ctx, c: Option<rules::Computed>) -> String {
    match c {
        None => String::new(),
        Some(c) if c.met => ctx.tr.t1("assess-computed-met", "value", &c.value.to_string()),
        Some(c) => ctx.tr.t1("assess-computed-not-met", "value", &c.value.to_string()),
    }
}

fn groups_view(ctx: &Ctx, sheet: &Sheet) -> Vec<GroupView> {
    let mut out: Vec<GroupView> = Vec::new();
    for (code, score, points) in sheet.groups() {
        let lines = sheet
            .lines
            .iter()
            .filter(|l| l.item.group_code == code)
            .map(|l| LineView {
                id: l.item.id.clone(),
                title: l.item.title.clone(),
                criteria: l.item.criteria.clone(),
                points: l.item.points,
                method: ctx.tr.t(&l.item.method.key()),
                computed: computed_text(ctx, l.scored.computed),
                self_score: l.scored.self_score.map(|s| s.to_string()).unwrap_or_default(),
                score: l.scored.score(),
                gap: l.scored.is_gap(),
                evidence: l
                    .evidence
                    .iter()
                    .map(|e| EvidenceView {
                        id: e.id.clone(),
                        kind: kind_label(ctx, &e.kind),
                        label: e.label.clone(),
                        file: e.kind == "file",
                    })
                    .collect(),
            })
            .collect();
        out.push(GroupView { name: ctx.tr.t(&rules::group_key(&code)), score, points, lines });
    }
    out
}

#[derive(Template)]
#[template(path = "district/assessment.html")]
struct SheetPage {
    c: Chrome,
    school: School,
    year: i32,
    groups: Vec<GroupView>,
    total: i64,
    points: i64,
    gaps: Vec<String>,
    editor: bool,
    print: bool,
    /// Set on the district's read-only view.
    district: bool,
    candidates: Vec<(String, String)>,
    items: Vec<(String, String)>,
    max_mb: usize,
}

async fn show_sheet(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    year: i32,
    print: bool,
    district: bool,
) -> AppResult<Response> {
    let sheet = sheet_of(st, &school, year).await?;
    let editor = !print && !district;
    let candidates = if editor {
        repo::candidates(&st.store, &school.id)
            .await?
            .into_iter()
            .map(|(kind, id, label)| (format!("{kind}:{id}"), format!("{}：{label}", kind_label(ctx, &kind))))
            .collect()
    } else {
        Vec::new()
    };
    let items = sheet.lines.iter().map(|l| (l.item.id.clone(), l.item.title.clone())).collect();
    let gaps = sheet.gaps().iter().map(|l| l.item.title.clone()).collect();
    let title = ctx.tr.ta("assess-title-school", &[("school", school.name.clone()), ("year", year.to_string())]);
    render(&SheetPage {
        c: Chrome::new(ctx, if district { "district" } else { "assessment" }, title),
        groups: groups_view(ctx, &sheet),
        total: sheet.total(),
        points: sheet.points(),
        gaps,
        school,
        year,
        editor,
        print,
        district,
        candidates,
        items,
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
    })
}

async fn school_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    show_sheet(&st, &ctx, school, year_of(&q), false, false).await
}

async fn print_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    show_sheet(&st, &ctx, school, year_of(&q), true, false).await
}

async fn district_school_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let school = school_in_district(&st, &district, &id).await?;
    show_sheet(&st, &ctx, school, year_of(&q), false, true).await
}

#[derive(Deserialize)]
struct SheetForm {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    evidence: String,
}

/// The item of the school's standard of `year` (404 for another standard's).
async fn item_of(st: &AppState, school: &School, year: i32, id: &str) -> AppResult<repo::Item> {
    let standard = repo::standard(&st.store, scope(school), year).await?;
    Ok(repo::item(&st.store, &standard.id, id).await?)
}

async fn school_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<SheetForm>,
) -> AppResult<Response> {
    let year = year_of(&YearQuery { year: f.year });
    // The item is looked up before the write transaction opens (the standard may be created on
    // first use, which takes the writer itself).
    let item = match f.action.as_str() {
        "score" | "link" => Some(item_of(&st, &school, year, &f.item).await?),
        _ => None,
    };
    let mut tx = st.store.begin().await?;
    match (f.action.as_str(), item) {
        ("score", Some(item)) => {
            let score: i64 = f.score.trim().parse().map_err(|_| {
                AppError::bad("invalid_score", ctx.tr.t1("assess-err-score", "points", &item.points.to_string()))
            })?;
            let score = rules::check_self_score(score, item.points).map_err(|e| match e {
                AssessError::ScoreAbovePoints => AppError::bad(
                    e.code(),
                    ctx.tr.ta(
                        "assess-err-score-above",
                        &[("points", item.points.to_string()), ("title", item.title.clone())],
                    ),
                ),
                other => refused(&ctx, other),
            })?;
            let note = f.note.trim().chars().take(500).collect::<String>();
            repo::set_score(&mut tx, &st.store.crypto, &school.id, &item, score, &note, &ctx.actor()).await?;
        }
        ("link", Some(item)) => {
            let (kind, id) = f.record.split_once(':').unwrap_or(("", ""));
            match repo::link_evidence(&mut tx, &st.store.crypto, &school.id, &item, kind, id, &ctx.actor()).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    return Err(AppError::bad("unknown_record", ctx.tr.t("assess-err-record")))
                }
                Err(e) => return Err(e.into()),
            }
        }
        ("remove", _) => {
            repo::remove_evidence(&mut tx, &st.store.crypto, &school.id, &f.evidence, &ctx.actor()).await?
        }
        _ => return Err(AppError::bad("invalid_action", ctx.tr.t("assess-err-action"))),
    }
    jiaogong_store::commit(tx).await?;
    record_sheet(&st, &school, year).await?;
    Ok(see_other(&format!("/s/{}/assessment?year={year}", school.code)))
}

/// Writes the sheet's total and its number of gaps to the school's summaries, which the
/// district's pages read (one statement for all its schools, whatever their number).
async fn record_sheet(st: &AppState, school: &School, year: i32) -> AppResult<()> {
    use jiaogong_domain::district::dashboard::code;
    let sheet = sheet_of(st, school, year).await?;
    let gaps = i64::try_from(sheet.gaps().len()).unwrap_or(i64::MAX);
    let mut tx = st.store.begin().await?;
    for (c, v) in [(code::SELF_SCORE, sheet.total()), (code::ASSESSMENT_GAPS, gaps)] {
        jiaogong_store::district::dashboard::set_figure(&mut tx, &school.id, year, c, v).await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(())
}

async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let fail = |e: axum::extract::multipart::MultipartError| {
        let err = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            files::LibraryError::TooLarge
        } else {
            files::LibraryError::Empty
        };
        file_refused(&ctx, err)
    };
    let (mut year, mut item_id, mut name, mut bytes) = (None, String::new(), String::new(), Vec::new());
    while let Some(field) = mp.next_field().await.map_err(fail)? {
        match field.name().unwrap_or_default() {
            "file" => {
                name = field.file_name().unwrap_or_default().to_string();
                bytes = field.bytes().await.map_err(fail)?.to_vec();
            }
            "item" => item_id = field.text().await.map_err(fail)?,
            "year" => year = field.text().await.map_err(fail)?.trim().parse::<i32>().ok(),
            _ => {}
        }
    }
    let year = year_of(&YearQuery { year });
    let item = item_of(&st, &school, year, &item_id).await?;
    let kind = files::file_kind(&name, &bytes).map_err(|e| file_refused(&ctx, e))?;
    let name = jiaogong_domain::congress::ballots::attachment_name(&name);
    let mut tx = st.store.begin().await?;
    repo::upload_evidence(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &item,
        &name,
        kind.content_type(),
        &bytes,
        &ctx.actor(),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    record_sheet(&st, &school, year).await?;
    Ok(see_other(&format!("/s/{}/assessment?year={year}", school.code)))
}

pub(crate) fn file_refused(ctx: &Ctx, e: files::LibraryError) -> AppError {
    let message = match e {
        files::LibraryError::TooLarge => {
            ctx.tr.t1("library-err-size", "max", &(MAX_FILE_BYTES / (1024 * 1024)).to_string())
        }
        other => ctx.tr.t(other.key()),
    };
    AppError::bad(e.code(), message)
}

/// A file served as a download, never rendered in the page's origin.
pub(crate) fn file_response(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"document\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn download(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (name, ct, bytes) = repo::evidence_file(&st.store, &school.id, &id).await?;
    let kind = FileKind::from_content_type(&ct).ok_or(AppError::NotFound)?;
    Ok(file_response(&name, kind.content_type(), bytes))
}

struct ItemView {
    id: String,
    group: String,
    group_name: String,
    title: String,
    criteria: String,
    points: i64,
    method: String,
    method_name: String,
    threshold: i64,
}

struct SchoolLine {
    code: String,
    name: String,
    total: String,
    gaps: String,
}

#[derive(Template)]
#[template(path = "district/assessment_standard.html")]
struct StandardPage {
    c: Chrome,
    year: i32,
    items: Vec<ItemView>,
    points: i64,
    groups: Vec<(String, String)>,
    methods: Vec<(String, String)>,
    schools: Vec<SchoolLine>,
}

async fn standard_page(State(st): State<AppState>, ctx: Ctx, Query(q): Query<YearQuery>) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let year = year_of(&q);
    let standard = repo::standard(&st.store, &district, year).await?;
    let items = repo::items(&st.store, &standard.id).await?;
    let points = rules::total_points(items.iter().map(|i| i.points));
    // From the schools' summaries: a school that has not scored itself yet shows a dash.
    let shown = |v: Option<&i64>| v.map_or_else(|| "—".to_string(), i64::to_string);
    let schools = jiaogong_store::district::dashboard::subtree_figures(&st.store, Some(&district), year)
        .await?
        .into_iter()
        .map(|f| {
            use jiaogong_domain::district::dashboard::code;
            SchoolLine {
                total: shown(f.figures.get(code::SELF_SCORE)),
                gaps: shown(f.figures.get(code::ASSESSMENT_GAPS)),
                code: f.school.code,
                name: f.school.name,
            }
        })
        .collect();
    let items = items
        .into_iter()
        .map(|i| ItemView {
            group_name: ctx.tr.t(&rules::group_key(&i.group_code)),
            method_name: ctx.tr.t(&i.method.key()),
            method: i.method.code().to_string(),
            id: i.id,
            group: i.group_code,
            title: i.title,
            criteria: i.criteria,
            points: i.points,
            threshold: i.threshold,
        })
        .collect();
    render(&StandardPage {
        c: Chrome::new(&ctx, "district", ctx.tr.t1("assess-standard-title", "year", &year.to_string())),
        year,
        items,
        points,
        groups: GROUPS.iter().map(|g| (g.to_string(), ctx.tr.t(&rules::group_key(g)))).collect(),
        methods: Method::ALL.iter().map(|m| (m.code().to_string(), ctx.tr.t(&m.key()))).collect(),
        schools,
    })
}

#[derive(Deserialize)]
struct StandardForm {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    criteria: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    to: String,
}

async fn standard_action(State(st): State<AppState>, ctx: Ctx, Form(f): Form<StandardForm>) -> AppResult<Response> {
    let district = district_of(&ctx)?;
    let year = year_of(&YearQuery { year: f.year });
    let mut tx = st.store.begin().await?;
    let mut back = year;
    match f.action.as_str() {
        "save" => {
            let points = f.points.trim().parse::<i64>().map_err(|_| refused(&ctx, AssessError::Points))?;
            let threshold = match f.threshold.trim() {
                "" => 0,
                s => s.parse::<i64>().map_err(|_| refused(&ctx, AssessError::Threshold))?,
            };
            let input = rules::validate_item(&f.group, &f.title, &f.criteria, points, &f.method, threshold)
                .map_err(|e| refused(&ctx, e))?;
            let standard = repo::standard_in(&mut tx, &district, year).await?;
            let item = Some(f.item.trim()).filter(|s| !s.is_empty());
            repo::save_item(&mut tx, &st.store.crypto, &standard, item, &input, &ctx.actor()).await?;
        }
        "remove" => {
            let standard = repo::standard_in(&mut tx, &district, year).await?;
            repo::remove_item(&mut tx, &st.store.crypto, &standard, &f.item, &ctx.actor()).await?;
        }
        "copy" => {
            let to =
                f.to.trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|y| jiaogong_domain::plans::check_year(*y).is_ok())
                    .ok_or_else(|| AppError::bad("invalid_year", ctx.tr.t("assess-err-year")))?;
            match repo::copy_year(&mut tx, &st.store.crypto, &district, year, to, &ctx.actor()).await {
                Ok(_) => back = to,
                Err(StoreError::Conflict(_)) => {
                    return Err(AppError::Conflict {
                        code: "standard_exists",
                        message: ctx.tr.t1("assess-err-year-exists", "year", &to.to_string()),
                    })
                }
                Err(e) => return Err(e.into()),
            }
        }
        _ => return Err(AppError::bad("invalid_action", ctx.tr.t("assess-err-action"))),
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/district/assessment?year={back}")))
}
