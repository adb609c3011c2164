//! The organiser's side: creating an activity (the committee any, a group leader for their own
//! group), the sign-ups in arrival order with ticks for who came, the rotating QR code, the
//! attendance list as .xlsx, and competition entries with results and awards.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::activities::{self as rules, CheckinToken, Kind, RawActivity};
use jiaogong_domain::platform::money::Fen;
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::activities::{self as repo, Activity, Entry, Organiser, SignupLine};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use super::{audience_label, capacity_label, is_committee, led_group, managed, span_label};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{money, render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/activities/new", get(new_form))
        .add("POST", "/s/{school}/activities", post(create))
        .add("GET", "/s/{school}/activities/{id}", get(manage_page))
        .add("GET", "/s/{school}/activities/{id}/qr", get(qr_fragment))
        .add("POST", "/s/{school}/activities/{id}/attendance/{member}", post(tick))
        .add("GET", "/s/{school}/activities/{id}/attendance.xlsx", get(attendance_xlsx))
        .add("POST", "/s/{school}/activities/{id}/entries", post(add_entry))
        .add("POST", "/s/{school}/activities/{id}/entries/{entry}", post(set_result))
}

/// The form's fields as typed (kept on error).
#[derive(Deserialize, Default, Clone)]
pub(crate) struct ActivityForm {
    #[serde(default)]
    pub title: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub organiser: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub signup_deadline: String,
    #[serde(default)]
    pub cost: String,
    #[serde(default)]
    pub hold_hours: String,
}

#[derive(Template)]
#[template(path = "activities/new.html")]
struct NewPage {
    c: Chrome,
    school: School,
    f: ActivityForm,
    kinds: Vec<(&'static str, String)>,
    groups: Vec<(String, String)>,
    /// A group leader: organiser and audience are their group.
    leader_group: Option<(String, String)>,
    no_group: bool,
    errors: Vec<(&'static str, String)>,
    /// The activity being changed (its id), or empty for a new one.
    editing: String,
}

impl NewPage {
    fn err(&self, field: &str) -> String {
        self.errors.iter().filter(|(f, _)| *f == field).map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" ")
    }
}

async fn new_page(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    f: ActivityForm,
    errors: Vec<(&'static str, String)>,
) -> AppResult<Response> {
    form_page(st, ctx, school, f, errors, String::new()).await
}

/// The activity form: a new activity, or `editing` an existing one.
pub(crate) async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    f: ActivityForm,
    errors: Vec<(&'static str, String)>,
    editing: String,
) -> AppResult<Response> {
    let groups: Vec<(String, String)> =
        repo::organiser_choices(&st.store, &school.id).await?.into_iter().map(|(id, name, _)| (id, name)).collect();
    let leader_group = match led_group(st, ctx, &school).await? {
        Some(g) => groups.iter().find(|(id, _)| *id == g).cloned(),
        None => None,
    };
    // A group leader who leads no group yet is told so instead of being shown a form.
    let no_group = !is_committee(ctx) && leader_group.is_none();
    let failed = !errors.is_empty();
    let mut r = render(&NewPage {
        c: Chrome::new(ctx, "activities", ctx.tr.t(if editing.is_empty() { "act-new" } else { "act-edit" })),
        school,
        f,
        editing,
        kinds: Kind::ALL.iter().map(|k| (k.code(), ctx.tr.t(k.key()))).collect(),
        groups,
        leader_group,
        no_group,
        errors,
    })?;
    if failed {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

async fn new_form(State(st): State<AppState>, ctx: Ctx, Extension(school): Extension<School>) -> AppResult<Response> {
    let f = ActivityForm { kind: "culture".into(), audience: "all".into(), ..ActivityForm::default() };
    new_page(&st, &ctx, school, f, Vec::new()).await
}

/// Parses the form into the domain's activity; errors name their field.
pub(crate) fn parse_form(ctx: &Ctx, f: &ActivityForm) -> Result<rules::NewActivity, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let capacity = match f.capacity.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(("capacity", ctx.tr.t("act-err-capacity")));
                None
            }
        },
    };
    let cost_fen = match f.cost.trim() {
        "" => 0,
        s => match Fen::parse_yuan(s) {
            Ok(v) => v.0,
            Err(_) => {
                errors.push(("cost", ctx.tr.t("act-err-cost")));
                0
            }
        },
    };
    let hold_hours = match f.hold_hours.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(("hold_hours", ctx.tr.t("act-err-hold")));
                None
            }
        },
    };
    let raw = RawActivity {
        title: &f.title,
        kind: &f.kind,
        place: &f.place,
        description: &f.description,
        start: &f.start,
        end: &f.end,
        signup_deadline: &f.signup_deadline,
        capacity,
        audience: &f.audience,
        cost_fen,
        hold_hours,
    };
    match rules::validate(&raw) {
        Ok(a) if errors.is_empty() => Ok(a),
        Ok(_) => Err(errors),
        Err(es) => {
            for e in es {
                if !errors.iter().any(|(f, _)| *f == e.field()) {
                    errors.push((e.field(), ctx.tr.t(e.key())));
                }
            }
            Err(errors)
        }
    }
}

/// Who organises, from the form: a group (`group:<id>`) or the union's committee.
pub(crate) async fn organiser_of(
    st: &AppState,
    ctx: &Ctx,
    school: &School,
    organiser: &str,
    a: &mut rules::NewActivity,
) -> AppResult<Organiser> {
    if let Some(g) = led_group(st, ctx, school).await?.filter(|_| !is_committee(ctx)) {
        // A group leader organises for their own group only.
        a.audience = rules::Audience::Group(g.clone());
        return Ok(Organiser { member_id: super::member_of(ctx), group_id: Some(g) });
    }
    if !is_committee(ctx) {
        return Err(AppError::bad("no_group", ctx.tr.t("act-err-no-group")));
    }
    let groups = repo::organiser_choices(&st.store, &school.id).await?;
    if let rules::Audience::Group(g) = &a.audience {
        if !groups.iter().any(|(id, _, _)| id == g) {
            return Err(AppError::bad("bad_audience", ctx.tr.t("act-err-audience")));
        }
    }
    let group_id =
        organiser.strip_prefix("group:").filter(|g| groups.iter().any(|(id, _, _)| id == g)).map(String::from);
    Ok(Organiser { member_id: if group_id.is_some() { None } else { super::member_of(ctx) }, group_id })
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<ActivityForm>,
) -> AppResult<Response> {
    let mut a = match parse_form(&ctx, &f) {
        Ok(a) => a,
        Err(errors) => return new_page(&st, &ctx, school, f, errors).await,
    };
    let organiser = match organiser_of(&st, &ctx, &school, &f.organiser, &mut a).await {
        Ok(o) => o,
        Err(AppError::BadInput { message, .. }) => {
            return new_page(&st, &ctx, school, f, vec![("audience", message)]).await
        }
        Err(e) => return Err(e),
    };
    let mut tx = st.store.begin().await?;
    let id = repo::create(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a, &organiser).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/activities/{id}", school.code)))
}

#[derive(Template)]
#[template(path = "activities/manage.html")]
struct ManagePage {
    c: Chrome,
    school: School,
    a: Activity,
    span: String,
    audience: String,
    capacity: String,
    cost: String,
    signups: Vec<SignupLine>,
    entries: Vec<Entry>,
    competition: bool,
    in_window: bool,
    /// It has begun: photos of the day may be added.
    started: bool,
}

async fn manage_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let now = jiaogong_store::now_ms();
    let signups = repo::signups(&st.store, &school.id, &a.id).await?;
    let competition = a.kind == Kind::Competition;
    let entries = if competition { repo::entries(&st.store, &school.id, &a.id).await? } else { Vec::new() };
    render(&ManagePage {
        c: Chrome::new(&ctx, "activities", a.title.clone()),
        span: span_label(&ctx.tr, &a),
        audience: audience_label(&ctx.tr, &a),
        capacity: capacity_label(&ctx.tr, &a),
        cost: money(&a.cost_fen),
        in_window: now >= a.starts_at - rules::EARLY_MS && now <= a.ends_at,
        started: now >= a.starts_at,
        school,
        signups,
        entries,
        competition,
        a,
    })
}

#[derive(Template)]
#[template(path = "activities/qr.html")]
struct QrFragment {
    c: Chrome,
    svg: String,
    url: String,
    in_window: bool,
}

/// The check-in link for this moment's step.
pub(crate) fn checkin_url(st: &AppState, ctx: &Ctx, a: &Activity, now: i64) -> String {
    let step = rules::step_of(now);
    let code = st.store.crypto.checkin_code(&a.id, &a.checkin_secret, step);
    format!("{}/a/checkin?t={}", ctx.origin, CheckinToken::new(&a.id, step, &code).encode())
}

async fn qr_fragment(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let now = jiaogong_store::now_ms();
    let in_window = now >= a.starts_at - rules::EARLY_MS && now <= a.ends_at;
    let (svg, url) = if in_window {
        let url = checkin_url(&st, &ctx, &a, now);
        let svg = qrcode::QrCode::new(url.as_bytes())
            .map(|code| code.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build())
            .unwrap_or_default();
        (svg, url)
    } else {
        (String::new(), String::new())
    };
    render(&QrFragment { c: Chrome::new(&ctx, "activities", a.title.clone()), svg, url, in_window })
}

#[derive(Deserialize)]
struct TickForm {
    #[serde(default)]
    action: String,
}

async fn tick(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, member)): Path<(String, String, String)>,
    Form(f): Form<TickForm>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let mut tx = st.store.begin().await?;
    if f.action == "untick" {
        repo::untick(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a.id, &member).await?;
    } else {
        repo::check_in(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a.id, &member, "ticked").await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/activities/{}#m-{member}", school.code, a.id)))
}

pub(crate) fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}.xlsx\"");
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

async fn attendance_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let lines = repo::attendance(&st.store, &school.id, &a.id).await?;
    let t = |k: &str| ctx.tr.t(k);
    let headers = vec![t("act-col-name"), t("act-col-group"), t("act-col-how"), t("act-col-at")];
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                OutCell::Text(l.name),
                OutCell::Text(l.group.unwrap_or_default()),
                OutCell::Text(ctx.tr.t(if l.how == "qr" { "act-how-qr" } else { "act-how-ticked" })),
                OutCell::Text(ctx.tr.when(l.at)),
            ]
        })
        .collect();
    let bytes =
        xlsx_write::write_tables(&[Table { sheet_name: t("act-attendance"), headers, rows, col_widths: vec![] }])
            .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(xlsx_response(bytes, &format!("attendance-{}", a.id)))
}

#[derive(Deserialize)]
struct EntryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    members: String,
}

fn short(s: &str, max: usize) -> String {
    s.trim().chars().filter(|c| !c.is_control()).take(max).collect()
}

async fn add_entry(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<EntryForm>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let name = short(&f.name, 100);
    if name.is_empty() {
        return Err(AppError::bad("entry_name", ctx.tr.t("act-err-entry-name")));
    }
    let mut tx = st.store.begin().await?;
    repo::add_entry(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &a.id, &name, &short(&f.members, 500)).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/activities/{}#entries", school.code, a.id)))
}

#[derive(Deserialize)]
struct ResultForm {
    #[serde(default)]
    result: String,
    #[serde(default)]
    ranking: String,
    #[serde(default)]
    award: String,
}

async fn set_result(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id, entry)): Path<(String, String, String)>,
    Form(f): Form<ResultForm>,
) -> AppResult<Response> {
    let a = managed(&st, &ctx, &school, &id).await?;
    let ranking = match f.ranking.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) if (1..=10_000).contains(&n) => Some(n),
            _ => return Err(AppError::bad("ranking", ctx.tr.t("act-err-ranking"))),
        },
    };
    let mut tx = st.store.begin().await?;
    repo::set_result(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &ctx.actor(),
        &entry,
        &short(&f.result, 100),
        ranking,
        &short(&f.award, 100),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/activities/{}#entries", school.code, a.id)))
}
