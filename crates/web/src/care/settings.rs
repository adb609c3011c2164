//! The care settings: the school's province in the standards table and its 低保 line, and the
//! rule of each event type (must-visit, deadline in calendar days, standard, annual cap, who is
//! told), with the province's published ceiling shown beside each standard.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use jiaogong_domain::care::{standards, Rule};
use serde::Deserialize;

use super::pages::type_name;
use super::{fail, my_school, parse_amount, today};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/care/settings", get(page)).add("POST", "/care/settings", post(save_settings)).add(
        "POST",
        "/care/settings/rules",
        post(save_rule),
    )
}

struct RuleRow {
    r: Rule,
    name: String,
    /// The province's ceiling today, with its source, if the table has one.
    ceiling: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "care/settings.html")]
struct SettingsPage {
    c: Chrome,
    region: String,
    dibao: String,
    regions: Vec<(String, String)>,
    rules: Vec<RuleRow>,
}

async fn page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let s = jiaogong_store::care::settings(&st.store, &school.id).await?;
    let all = jiaogong_store::care::rules(&st.store, &school.id).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-settings"));
    let rules = all
        .iter()
        .map(|r| RuleRow {
            name: type_name(&c, &r.code, &all),
            ceiling: standards::ceiling(&s.region, &r.code, today())
                .map(|x| (x.max.yuan_string(), x.source.to_string())),
            r: r.clone(),
        })
        .collect();
    render(&SettingsPage {
        region: s.region,
        dibao: s.dibao.yuan_string(),
        regions: standards::REGIONS.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        rules,
        c,
    })
}

#[derive(Deserialize)]
struct SettingsForm {
    region: String,
    dibao: String,
}

async fn save_settings(State(st): State<AppState>, ctx: Ctx, Form(f): Form<SettingsForm>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let s = jiaogong_store::care::Settings { region: f.region, dibao: parse_amount(&f.dibao)? };
    let mut tx = st.store.begin().await?;
    jiaogong_store::care::set_settings(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &s).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/settings"))
}

#[derive(Deserialize)]
struct RuleForm {
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    must_visit: Option<String>,
    days: String,
    standard: String,
    cap: String,
    #[serde(default)]
    notify_leader: Option<String>,
    #[serde(default)]
    notify_welfare: Option<String>,
}

async fn save_rule(State(st): State<AppState>, ctx: Ctx, Form(f): Form<RuleForm>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let days: i64 = f.days.trim().parse().map_err(|_| AppError::bad("invalid_days", "期限应为天数（整数），如 7"))?;
    let r = Rule {
        code: f.code.trim().to_string(),
        name: f.name,
        must_visit: f.must_visit.is_some(),
        deadline_days: days,
        standard: parse_amount(&f.standard)?,
        annual_cap: parse_amount(&f.cap)?,
        notify_leader: f.notify_leader.is_some(),
        notify_welfare: f.notify_welfare.is_some(),
    };
    let mut tx = st.store.begin().await?;
    jiaogong_store::care::set_rule(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &r).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/care/settings"))
}
