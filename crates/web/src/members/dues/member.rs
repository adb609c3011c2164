//! One member's dues over the school year: the chair's page of that member, and the figures the
//! member's own page shows.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use jiaogong_domain::members::dues::{self, DuesLine, MonthKey};
use jiaogong_domain::platform::money::Fen;
use jiaogong_store::members::dues::{self as repo};
use jiaogong_store::members::MemberDetail;
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::Store;

use super::{current_month, owed};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::AppState;

/// One member's dues over the school year.
pub struct YearLine {
    pub month: String,
    pub due: Fen,
    pub paid: Fen,
    pub arrears: Fen,
}

pub async fn member_year(store: &Store, school: &School, m: &MemberDetail) -> AppResult<(Vec<YearLine>, Fen)> {
    let months: Vec<String> = dues::school_year_months(current_month()).iter().map(|m| m.to_string()).collect();
    let facts = repo::member_facts(store, &school.id, &m.id, &months).await?;
    let mut out = Vec::new();
    let mut all = Vec::new();
    for (month, base, paid) in facts {
        let mk = MonthKey::parse(&month).map_err(|_| AppError::Internal("month".into()))?;
        // The same rule as the month sheet: a month that asks nothing is not listed.
        let Some(due) = dues::listed_due(owed(school, m.status, m.joined_union.as_deref(), base, mk), Fen(paid)) else {
            continue;
        };
        let line = DuesLine { month: mk, due, paid: Fen(paid) };
        all.push(line);
        out.push(YearLine { month: mk.format_zh(), due, paid: Fen(paid), arrears: dues::arrears(&[line])? });
    }
    Ok((out, dues::arrears(&all)?))
}

#[derive(Template)]
#[template(path = "members/dues/member.html")]
struct MemberDuesPage {
    c: Chrome,
    school: School,
    name: String,
    member_id: String,
    lines: Vec<YearLine>,
    total_arrears: Fen,
    payments: Vec<repo::PaymentRow>,
}

pub(super) async fn member_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let m = jiaogong_store::members::get(&st.store, &school.id, &id).await?;
    let (lines, total_arrears) = member_year(&st.store, &school, &m).await?;
    let payments = repo::payments_of(&st.store, &school.id, &id).await?;
    let title = format!("{} · {}", m.name, ctx.tr.t("nav-dues"));
    render(&MemberDuesPage {
        c: Chrome::new(&ctx, "dues", title),
        school,
        name: m.name,
        member_id: id,
        lines,
        total_arrears,
        payments,
    })
}
