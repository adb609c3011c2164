//! Hardship files (chair and welfare member in full, the auditor amounts only, every view
//! audited, the export audited too), campaigns such as 春节送温暖 with their progress, and the
//! women staff's page: the derived list, health-check campaigns (attendance only) and the
//! protection checklist with its reminder dates.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use jiaogong_domain::care::hardship::Household;
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::care::campaigns::{self, CampaignLine, CheckupLine, ProtectionLine};
use jiaogong_store::care::hardship::{self, FileView};
use jiaogong_store::platform::audit::{self, Event};
use serde::Deserialize;

use super::{
    fail, has, my_school, parse_amount, parse_date, today, CARE_COMMITTEE, HARDSHIP_FULL, HARDSHIP_READERS,
    WOMEN_COMMITTEE,
};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/care/hardship", get(hardship_page))
        .add("GET", "/care/hardship.xlsx", get(hardship_xlsx))
        .add("POST", "/care/hardship", post(create_file))
        .add("POST", "/care/hardship/{id}/aid", post(add_aid))
        .add("POST", "/care/hardship/{id}/review", post(review))
        .add("GET", "/care/campaigns", get(campaigns_page))
        .add("POST", "/care/campaigns", post(create_campaign))
        .add("GET", "/care/women", get(women_page))
        .add("POST", "/care/women/checkups", post(create_checkup))
        .add("POST", "/care/women/checkups/{id}/{member}", post(attend))
        .add("POST", "/care/women/protections", post(add_protection))
}

#[derive(Template)]
#[template(path = "care/hardship.html")]
struct HardshipPage {
    c: Chrome,
    full: bool,
    files: Vec<FileView>,
    people: Vec<(String, String)>,
    today: String,
}

async fn hardship_page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !has(&ctx, HARDSHIP_READERS) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let full = has(&ctx, HARDSHIP_FULL);
    let files = hardship::files(&st.store, &school.id, &ctx.actor(), full, None, today()).await?;
    let people = if full { campaigns::members_list(&st.store, &school.id).await? } else { Vec::new() };
    render(&HardshipPage {
        c: Chrome::new(&ctx, "care", ctx.tr.t("care-hardship")),
        full,
        files,
        people,
        today: today().format("%Y-%m-%d").to_string(),
    })
}

/// The export: names and figures only for the roles that see them; every export audited.
async fn hardship_xlsx(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !has(&ctx, HARDSHIP_READERS) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let full = has(&ctx, HARDSHIP_FULL);
    let files = hardship::files(&st.store, &school.id, &ctx.actor(), full, None, today()).await?;
    let t = |k: &str| ctx.tr.t(k);
    let mut headers = vec![t("care-col-file"), t("care-col-filed"), t("care-col-review"), t("care-col-aid-total")];
    if full {
        headers.splice(0..0, [t("care-col-member"), t("care-col-level")]);
    }
    let rows = files
        .iter()
        .map(|f| {
            let mut r = vec![
                OutCell::Text(f.id.chars().take(8).collect()),
                OutCell::Text(f.filed_on.clone()),
                OutCell::Text(f.review_due.clone()),
                OutCell::Text(f.aid_total.yuan_string()),
            ];
            if full {
                let level = f.data.as_ref().map(|d| ctx.tr.t(&format!("care-level-{}", d.level))).unwrap_or_default();
                r.splice(0..0, [OutCell::Text(f.member_name.clone().unwrap_or_default()), OutCell::Text(level)]);
            }
            r
        })
        .collect();
    let bytes =
        xlsx_write::write_tables(&[Table { sheet_name: t("care-hardship"), headers, rows, col_widths: vec![] }])
            .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::record(
        &st.store,
        &Event::new(Some(&school.id), &ctx.actor(), "care.hardship.export", &school.id).detail(if full {
            "full"
        } else {
            "amounts"
        }),
    )
    .await?;
    Ok(super::xlsx_file(bytes, "hardship"))
}

#[derive(Deserialize)]
struct FileForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    causes: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    income: String,
    #[serde(default)]
    rigid: String,
    #[serde(default)]
    costs: String,
    #[serde(default)]
    accident: Option<String>,
    #[serde(default)]
    notes: String,
}

fn figures_of(f: &FileForm) -> Result<hardship::Figures, AppError> {
    let size: i64 = f.size.trim().parse().map_err(|_| AppError::bad("invalid_size", "家庭人口应为整数，如 3"))?;
    Ok(hardship::Figures {
        causes: f.causes.split(['，', ',', '、']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        household: Household {
            size,
            income_year: parse_amount(&f.income)?,
            rigid_year: parse_amount(&f.rigid)?,
            hardship_costs_year: parse_amount(&f.costs)?,
            accident: f.accident.is_some(),
        },
        notes: f.notes.clone(),
    })
}

async fn create_file(State(st): State<AppState>, ctx: Ctx, Form(f): Form<FileForm>) -> AppResult<Response> {
    if !has(&ctx, HARDSHIP_FULL) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let date = parse_date(&f.date, "建档日期")?;
    let figures = figures_of(&f)?;
    let mut tx = st.store.begin().await?;
    hardship::create(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &f.member, date, &figures)
        .await
        .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/hardship"))
}

async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<FileForm>,
) -> AppResult<Response> {
    if !has(&ctx, HARDSHIP_FULL) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let date = parse_date(&f.date, "复核日期")?;
    let figures = figures_of(&f)?;
    let mut tx = st.store.begin().await?;
    hardship::review(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, date, &figures).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/hardship"))
}

#[derive(Deserialize)]
struct AidForm {
    date: String,
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    detail: String,
}

async fn add_aid(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AidForm>,
) -> AppResult<Response> {
    if !has(&ctx, HARDSHIP_FULL) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let date = parse_date(&f.date, "帮扶日期")?;
    let amount = parse_amount(&f.amount)?;
    let mut tx = st.store.begin().await?;
    hardship::add_aid(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, date, &f.kind, amount, &f.detail)
        .await
        .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/hardship"))
}

#[derive(Template)]
#[template(path = "care/campaigns.html")]
struct CampaignsPage {
    c: Chrome,
    campaigns: Vec<CampaignLine>,
    /// (source, [(id, name)]).
    sources: Vec<(String, Vec<(String, String)>)>,
    people: Vec<(String, String)>,
    today: String,
}

async fn campaigns_page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !has(&ctx, CARE_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let mut sources = Vec::new();
    for s in campaigns::SOURCES {
        sources.push((s.to_string(), campaigns::suggest(&st.store, &school.id, s, today()).await?));
    }
    render(&CampaignsPage {
        c: Chrome::new(&ctx, "care", ctx.tr.t("care-campaigns")),
        campaigns: campaigns::campaigns(&st.store, &school.id).await?,
        sources,
        people: campaigns::members_list(&st.store, &school.id).await?,
        today: today().format("%Y-%m-%d").to_string(),
    })
}

/// `title`, `date`, `due`, `visitor` (one for all) and repeated `recipient` fields.
async fn create_campaign(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> AppResult<Response> {
    if !has(&ctx, CARE_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let (mut title, mut date, mut due, mut visitor, mut recipients) =
        (String::new(), String::new(), String::new(), String::new(), Vec::new());
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "title" => title = v.into_owned(),
            "date" => date = v.into_owned(),
            "due" => due = v.into_owned(),
            "visitor" => visitor = v.into_owned(),
            "recipient" if !v.is_empty() => recipients.push(v.into_owned()),
            _ => {}
        }
    }
    recipients.sort();
    recipients.dedup();
    let on = parse_date(&date, "开始日期")?;
    let due = parse_date(&due, "完成期限")?;
    let visitor = (!visitor.is_empty()).then_some(visitor);
    let list: Vec<(String, Option<String>)> = recipients.into_iter().map(|r| (r, visitor.clone())).collect();
    let mut tx = st.store.begin().await?;
    campaigns::create(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &title, on, due, &list)
        .await
        .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/campaigns"))
}

/// A figure for reports: (label, count shown with "<3").
type Stat = (String, String);

/// (member id, name, scheduled on, attended).
type Attendee = (String, String, String, bool);

#[derive(Template)]
#[template(path = "care/women.html")]
struct WomenPage {
    c: Chrome,
    women: Vec<(String, String, String, Option<String>)>,
    stats: Vec<Stat>,
    checkups: Vec<(CheckupLine, Vec<Attendee>)>,
    protections: Vec<ProtectionLine>,
    today: String,
    year: i32,
}

async fn women_page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if !has(&ctx, WOMEN_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    use chrono::Datelike;
    let school = my_school(&st, &ctx).await?;
    let women = campaigns::women_staff(&st.store, &school.id).await?;
    let active = women.iter().filter(|w| w.2 == "active").count() as i64;
    let retired = women.iter().filter(|w| w.2 == "retired").count() as i64;
    let protections = campaigns::protections(&st.store, &school.id).await?;
    let mut checkups = Vec::new();
    for c in campaigns::checkups(&st.store, &school.id).await? {
        let people = campaigns::checkup_people(&st.store, &school.id, &c.id).await?;
        checkups.push((c, people));
    }
    let pc = jiaogong_domain::care::published_count;
    let stats = vec![
        (ctx.tr.t("care-women-active"), pc(active)),
        (ctx.tr.t("care-women-retired"), pc(retired)),
        (ctx.tr.t("care-women-protected"), pc(protections.len() as i64)),
    ];
    render(&WomenPage {
        c: Chrome::new(&ctx, "care", ctx.tr.t("care-women")),
        women,
        stats,
        checkups,
        protections,
        today: today().format("%Y-%m-%d").to_string(),
        year: today().year(),
    })
}

/// `year`, `title`, `date` (the day scheduled for all) and repeated `member` fields; with no
/// member ticked, every woman member in office.
async fn create_checkup(State(st): State<AppState>, ctx: Ctx, body: axum::body::Bytes) -> AppResult<Response> {
    if !has(&ctx, WOMEN_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let (mut year, mut title, mut date, mut people) = (String::new(), String::new(), String::new(), Vec::new());
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "year" => year = v.into_owned(),
            "title" => title = v.into_owned(),
            "date" => date = v.into_owned(),
            "member" if !v.is_empty() => people.push(v.into_owned()),
            _ => {}
        }
    }
    let year: i64 = year.trim().parse().map_err(|_| AppError::bad("invalid_year", "年度应为四位数字，如 2026"))?;
    let on = parse_date(&date, "体检日期")?;
    if people.is_empty() {
        people = campaigns::women_staff(&st.store, &school.id)
            .await?
            .into_iter()
            .filter(|w| w.2 == "active")
            .map(|w| w.0)
            .collect();
    }
    people.sort();
    people.dedup();
    let list: Vec<(String, chrono::NaiveDate)> = people.into_iter().map(|m| (m, on)).collect();
    let mut tx = st.store.begin().await?;
    campaigns::create_checkup(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), year, &title, &list)
        .await
        .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/women"))
}

#[derive(Deserialize)]
struct AttendForm {
    #[serde(default)]
    attended: String,
}

async fn attend(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, member)): Path<(String, String)>,
    Form(f): Form<AttendForm>,
) -> AppResult<Response> {
    if !has(&ctx, WOMEN_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let mut tx = st.store.begin().await?;
    campaigns::mark_attended(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &id, &member, f.attended == "1")
        .await
        .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/women"))
}

#[derive(Deserialize)]
struct ProtectionForm {
    member: String,
    expected: String,
    #[serde(default)]
    born: String,
    #[serde(default)]
    difficult: Option<String>,
    #[serde(default)]
    babies: String,
}

async fn add_protection(State(st): State<AppState>, ctx: Ctx, Form(f): Form<ProtectionForm>) -> AppResult<Response> {
    if !has(&ctx, WOMEN_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let expected = parse_date(&f.expected, "预产期")?;
    let born = if f.born.trim().is_empty() { None } else { Some(parse_date(&f.born, "生育日期")?) };
    let babies: u32 = if f.babies.trim().is_empty() {
        1
    } else {
        f.babies.trim().parse().map_err(|_| AppError::bad("invalid_babies", "胎数应为1到5的整数"))?
    };
    let mut tx = st.store.begin().await?;
    campaigns::add_protection(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &ctx.actor(),
        &f.member,
        expected,
        born,
        f.difficult.is_some(),
        babies,
    )
    .await
    .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/women"))
}
