//! What the committee enters by hand: the school's dues rates and maximum payment, and one
//! payment (once per form, however often it is sent).

use axum::extract::State;
use axum::response::Response;
use axum::{Extension, Form};
use jiaogong_domain::members::dues::{self, MonthKey};
use jiaogong_domain::platform::money::{Fen, Rate};
use jiaogong_store::members::dues::{self as repo, Payment};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, School};
use serde::Deserialize;

use super::{current_month, month_page_with};
use crate::platform::ctx::Ctx;
use crate::platform::error::AppResult;
use crate::platform::pages::see_other;
use crate::AppState;

#[derive(Deserialize)]
pub(super) struct RateForm {
    rate: String,
    retired_rate: String,
    #[serde(default)]
    max_payment: String,
}

pub(super) async fn set_rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<RateForm>,
) -> AppResult<Response> {
    let parse = |s: &str| Rate::parse(s).map_err(|e| ctx.tr.validation(&e));
    let max = if f.max_payment.trim().is_empty() {
        Ok(Fen(school.max_payment_fen))
    } else {
        Fen::parse_yuan_non_negative(&f.max_payment)
            .and_then(
                |m| if m.0 > 0 { Ok(m) } else { Err(jiaogong_domain::platform::error::ValidationError::Required) },
            )
            .map_err(|e| ctx.tr.validation(&e))
    };
    let (rate, retired, max) = match (parse(&f.rate), parse(&f.retired_rate), max) {
        (Ok(a), Ok(b), Ok(m)) => (a, b, m),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return month_page_with(&st, &ctx, school, current_month(), false, String::new(), e).await
        }
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    tenancy::set_dues_rates(&mut tx, &school.id, rate.per_million, retired.per_million, max.0).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "dues.rate", &school.id).detail(format!(
            "{} {} {}",
            rate.display(),
            retired.display(),
            max.yuan_string()
        )),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    tenancy::forget_schools(&st.store);
    Ok(see_other(&format!("/s/{}/dues", school.code)))
}

#[derive(Deserialize)]
pub(super) struct PaymentForm {
    employee_no: String,
    month: String,
    amount: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    back_payment: Option<String>,
    #[serde(default)]
    request_key: String,
}

pub(super) async fn add_payment(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<PaymentForm>,
) -> AppResult<Response> {
    let month = match MonthKey::parse(&f.month) {
        Ok(m) => m,
        Err(e) => {
            return month_page_with(&st, &ctx, school, current_month(), false, String::new(), ctx.tr.validation(&e))
                .await
        }
    };
    let amount = match dues::payment_amount(&f.amount, Fen(school.max_payment_fen)) {
        Ok(a) => a,
        Err(e) => return month_page_with(&st, &ctx, school, month, false, String::new(), ctx.tr.validation(&e)).await,
    };
    let paid_on = if f.paid_on.trim().is_empty() {
        chrono::Local::now().date_naive()
    } else {
        match jiaogong_domain::platform::dates::parse_date(&f.paid_on) {
            Ok(d) => d,
            Err(e) => {
                return month_page_with(&st, &ctx, school, month, false, String::new(), ctx.tr.validation(&e)).await
            }
        }
    };
    let numbers = repo::employee_numbers(&st.store, &school.id).await?;
    let no = jiaogong_domain::platform::text::normalize(&f.employee_no);
    let Some(member_id) = numbers.get(&no) else {
        return month_page_with(
            &st,
            &ctx,
            school,
            month,
            false,
            String::new(),
            ctx.tr.t1("err-unknown-employee-no", "employee_no", &no),
        )
        .await;
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let paid_on_s = paid_on.format("%Y-%m-%d").to_string();
    let month_s = month.to_string();
    let key = format!("form:{}", f.request_key.trim());
    let recorded = repo::record_payment(
        &mut tx,
        &school.id,
        &Payment {
            member_id,
            month: &month_s,
            amount_fen: amount.0,
            paid_on: &paid_on_s,
            is_back_payment: f.back_payment.is_some(),
            recorded_by: &actor,
            request_key: (!f.request_key.trim().is_empty()).then_some(key.as_str()),
        },
    )
    .await?;
    // After saving, the sheet shows the line just paid (the list is paged).
    let shown: String = url::form_urlencoded::byte_serialize(no.as_bytes()).collect();
    let back = format!("/s/{}/dues?month={month}&q={shown}&saved=1#by-member", school.code);
    // The same form sent again (a double tap, a resent request) was booked once already.
    let repo::Recorded::New(id) = recorded else {
        return Ok(see_other(&back));
    };
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(Some(&school.id), &actor, "dues.payment", &id)
            .detail(format!("{no} {month_s} {}", amount.yuan_string())),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    // Post/redirect/get: reloading the page must not record the payment twice.
    Ok(see_other(&back))
}
