//! The congress settings page: every number of congress.md that is a per-school setting (quorum,
//! 差额 margin, evaluation privacy and flag rules, publicity days, proposal co-signers and feedback
//! rounds) and the 教职工大会 mode, on one page. The chair and the school's admin edit it; the
//! committee and the auditors read it. Every change is audited.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::congress::{parse_share, CongressSettings, ProposalSettings, SettingsError};
use jiaogong_store::congress::congress_settings as repo;
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/congress/settings", get(page)).add("POST", "/s/{school}/congress/settings", post(save))
}

/// The form as typed, so a refused form comes back unchanged.
#[derive(Debug, Clone, Deserialize)]
struct SettingsForm {
    quorum: String,
    margin_percent: String,
    min_group_size: String,
    flag_fail_ratio: String,
    publicity_days: String,
    min_cosigners: String,
    max_rounds: String,
    #[serde(default)]
    assembly: String,
}

impl SettingsForm {
    fn of(s: &CongressSettings, p: &ProposalSettings) -> Self {
        SettingsForm {
            quorum: s.quorum.to_string(),
            margin_percent: s.margin_percent.to_string(),
            min_group_size: s.min_group_size.to_string(),
            flag_fail_ratio: s.flag_fail_ratio.to_string(),
            publicity_days: s.publicity_days.to_string(),
            min_cosigners: p.min_cosigners.to_string(),
            max_rounds: p.max_rounds.to_string(),
            assembly: if s.assembly { "1".into() } else { String::new() },
        }
    }
}

#[derive(Template)]
#[template(path = "congress/settings.html")]
struct SettingsPage {
    c: Chrome,
    school: School,
    f: SettingsForm,
    editable: bool,
    staff: u64,
    error: String,
    saved: bool,
}

async fn page_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    typed: Option<SettingsForm>,
    error: String,
    saved: bool,
) -> AppResult<Response> {
    let f = match typed {
        Some(f) => f,
        None => {
            let s = repo::get(&st.store, &school.id).await?;
            let p = jiaogong_store::congress::proposals::settings(&st.store, &school.id).await?;
            SettingsForm::of(&s, &p)
        }
    };
    let staff = repo::active_staff(&st.store, &school.id).await?;
    let editable = crate::platform::access::CONGRESS_SETTINGS_EDITORS.contains(&ctx.user()?.role());
    let title = ctx.tr.t("csettings-title");
    let mut r = render(&SettingsPage {
        c: Chrome::new(ctx, "congress-settings", title),
        school,
        f,
        editable,
        staff,
        error: error.clone(),
        saved,
    })?;
    if !error.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

#[derive(Deserialize)]
struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<Saved>,
) -> AppResult<Response> {
    page_with(&st, &ctx, school, None, String::new(), q.saved.is_some()).await
}

fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    jiaogong_domain::platform::text::normalize(s).parse().ok()
}

/// The form into settings, or the message to show.
fn parse(ctx: &Ctx, f: &SettingsForm, staff: u64) -> Result<(CongressSettings, ProposalSettings), String> {
    let err = |e: SettingsError| ctx.tr.ta(e.key(), &e.args());
    let quorum = parse_share(&f.quorum).ok_or_else(|| err(SettingsError::Quorum))?;
    let margin_percent = number(&f.margin_percent).ok_or_else(|| err(SettingsError::Margin))?;
    let min_group_size = number(&f.min_group_size).ok_or_else(|| err(SettingsError::MinGroupSize))?;
    let flag_fail_ratio = parse_share(&f.flag_fail_ratio).ok_or_else(|| err(SettingsError::FlagRatio))?;
    let publicity_days = number(&f.publicity_days).ok_or_else(|| err(SettingsError::PublicityDays))?;
    let s = CongressSettings {
        quorum,
        margin_percent,
        min_group_size,
        flag_fail_ratio,
        publicity_days,
        assembly: !f.assembly.is_empty(),
    };
    s.validate(staff).map_err(err)?;
    let c: Option<usize> = number(&f.min_cosigners);
    let r: Option<u32> = number(&f.max_rounds);
    let p = match (c, r) {
        (Some(c), Some(r)) if c <= 10 && (1..=5).contains(&r) => ProposalSettings { min_cosigners: c, max_rounds: r },
        _ => return Err(ctx.tr.t("proposal-err-settings")),
    };
    Ok((s, p))
}

async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    let staff = repo::active_staff(&st.store, &school.id).await?;
    let (s, p) = match parse(&ctx, &f, staff) {
        Ok(v) => v,
        Err(msg) => return page_with(&st, &ctx, school, Some(f), msg, false).await,
    };
    let before = jiaogong_store::congress::proposals::settings(&st.store, &school.id).await?;
    let mut tx = st.store.begin().await?;
    repo::set(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &s).await?;
    if before != p {
        jiaogong_store::congress::proposals::set_settings(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &p)
            .await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/congress/settings?saved=1", school.code)))
}
