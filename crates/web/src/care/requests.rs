//! Members' requests: the member's page (submit, anonymously if they choose, and receive the
//! private follow-up code; their named requests; follow one by code and confirm or reopen it),
//! the committee's list (overdue ones, monthly figures), a request's page with the lifecycle's
//! steps, and a delegate's promotion into a congress proposal draft.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use chrono::Datelike;
use jiaogong_domain::care::requests::{Step, CATEGORIES};
use jiaogong_store::care::requests::{self as reqs, By, Month, ReqFilter, RequestView};
use serde::Deserialize;

use super::{fail, has, member_of, my_school, today, REQUEST_COMMITTEE};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/requests", get(mine))
        .add("POST", "/requests", post(submit))
        .add("GET", "/requests/follow", get(follow))
        .add("POST", "/requests/{id}/respond", post(respond))
        .add("GET", "/care/requests", get(admin_list))
        .add("GET", "/care/requests/{id}", get(detail))
        .add("POST", "/care/requests/{id}/step", post(committee_step))
        .add("POST", "/care/requests/{id}/promote", post(promote))
}

fn categories(c: &Chrome) -> Vec<(String, String)> {
    CATEGORIES
        .iter()
        .map(|(code, _)| (code.to_string(), c.t(jiaogong_domain::care::requests::category_key(code)).into_owned()))
        .collect()
}

#[derive(Template)]
#[template(path = "care/requests_mine.html")]
struct MinePage {
    c: Chrome,
    categories: Vec<(String, String)>,
    mine: Vec<RequestView>,
    /// The code just handed out (shown once).
    code: String,
    member: bool,
}

#[derive(Deserialize, Default)]
struct CodeQuery {
    #[serde(default)]
    code: String,
}

async fn mine(State(st): State<AppState>, ctx: Ctx, Query(q): Query<CodeQuery>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-requests"));
    let me = member_of(&ctx);
    let mine = match &me {
        Some(m) => reqs::list(&st.store, &school.id, ReqFilter::Mine(m), today()).await?,
        None => Vec::new(),
    };
    render(&MinePage { categories: categories(&c), mine, code: q.code, member: me.is_some(), c })
}

#[derive(Deserialize)]
struct SubmitForm {
    category: String,
    text: String,
    #[serde(default)]
    anonymous: Option<String>,
}

async fn submit(State(st): State<AppState>, ctx: Ctx, Form(f): Form<SubmitForm>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let anonymous = f.anonymous.is_some();
    let me = member_of(&ctx);
    if me.is_none() && !anonymous {
        return Err(AppError::bad("not_a_member", "你的账号没有关联会员，只能匿名提交"));
    }
    let mut tx = st.store.begin().await?;
    let s = reqs::submit(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &ctx.actor(),
        me.as_deref(),
        &f.category,
        &f.text,
        anonymous,
        today(),
    )
    .await
    .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    let code: String = url::form_urlencoded::byte_serialize(s.code.as_bytes()).collect();
    Ok(see_other(&format!("/requests?code={code}")))
}

#[derive(Template)]
#[template(path = "care/request.html")]
struct RequestPage {
    c: Chrome,
    r: RequestView,
    history: Vec<(String, String, bool, String)>,
    category: String,
    state: String,
    committee: bool,
    /// The requester may confirm or reopen (by login or by code).
    requester: bool,
    code: String,
    /// Sessions the caller may draft a proposal in: (id, title).
    sessions: Vec<(String, String)>,
}

async fn page(
    st: &AppState,
    ctx: &Ctx,
    r: RequestView,
    committee: bool,
    requester: bool,
    code: String,
) -> AppResult<Response> {
    let school = my_school(st, ctx).await?;
    let c = Chrome::new(ctx, "care", ctx.tr.t("care-request"));
    let history = reqs::history(&st.store, &school.id, &r.id).await?;
    let category = c.t(jiaogong_domain::care::requests::category_key(&r.category)).into_owned();
    let state = jiaogong_domain::care::requests::State::from_code(&r.state)
        .map(|s| c.t(s.key()).into_owned())
        .unwrap_or_default();
    let sessions = match member_of(ctx) {
        Some(m) => {
            let from = today().checked_sub_months(chrono::Months::new(12)).unwrap_or(today());
            jiaogong_store::congress::proposals::sessions_for_delegate(&st.store, &school.id, &m, from)
                .await?
                .into_iter()
                .map(|s| (s.id, s.title))
                .collect()
        }
        None => Vec::new(),
    };
    render(&RequestPage { c, r, history, category, state, committee, requester, code, sessions })
}

async fn follow(State(st): State<AppState>, ctx: Ctx, Query(q): Query<CodeQuery>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let r = reqs::by_code(&st.store, &school.id, &q.code, today()).await.map_err(|_| {
        AppError::bad("unknown_code", "查询码不正确：请核对交给你的16位查询码（字母不分大小写，可省略短横线）")
    })?;
    page(&st, &ctx, r, false, true, q.code).await
}

async fn detail(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let r = reqs::get(&st.store, &school.id, &id, today()).await?;
    let committee = has(&ctx, REQUEST_COMMITTEE);
    let own = r.member_id.is_some() && r.member_id == member_of(&ctx);
    let delegate = member_of(&ctx).is_some();
    if !(committee || own || delegate) {
        return Err(AppError::NotFound);
    }
    if !(committee || own) {
        // A delegate who is not on the committee sees the request without its requester.
        let mut r = r;
        r.member_id = None;
        r.member_name = None;
        return page(&st, &ctx, r, false, false, String::new()).await;
    }
    page(&st, &ctx, r, committee, own, String::new()).await
}

#[derive(Deserialize)]
struct RespondForm {
    step: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    code: String,
}

/// The requester confirms (solved or partly) or reopens: by login for a named request, by the
/// follow-up code for any.
async fn respond(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RespondForm>,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let r = reqs::get(&st.store, &school.id, &id, today()).await?;
    let own = r.member_id.is_some() && r.member_id == member_of(&ctx);
    let by_code = !f.code.is_empty() && reqs::code_matches(&st.store, &school.id, &id, &f.code).await?;
    if !(own || by_code) {
        return Err(AppError::NotFound);
    }
    let step = Step::from_code(&f.step)
        .filter(|s| s.by_requester())
        .ok_or_else(|| AppError::bad("invalid_step", "请选择已解决、部分解决或重新打开"))?;
    let actor = ctx.actor();
    // An anonymous request's requester stays anonymous in the audit log.
    let by = if r.member_id.is_some() && own { By::Requester(Some(&actor)) } else { By::Requester(None) };
    let mut tx = st.store.begin().await?;
    reqs::step(&mut tx, &st.store.crypto, &school.id, &id, by, step, &f.text, today()).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    if by_code {
        let code: String = url::form_urlencoded::byte_serialize(f.code.as_bytes()).collect();
        return Ok(see_other(&format!("/requests/follow?code={code}")));
    }
    Ok(see_other(&format!("/care/requests/{id}")))
}

#[derive(Template)]
#[template(path = "care/requests_admin.html")]
struct AdminPage {
    c: Chrome,
    overdue_only: bool,
    list: Vec<(RequestView, String, String)>,
    months: Vec<Month>,
    year: i32,
}

#[derive(Deserialize, Default)]
struct AdminQuery {
    #[serde(default)]
    overdue: String,
}

async fn admin_list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<AdminQuery>) -> AppResult<Response> {
    if !has(&ctx, REQUEST_COMMITTEE) {
        return Err(AppError::Forbidden);
    }
    let school = my_school(&st, &ctx).await?;
    let c = Chrome::new(&ctx, "care", ctx.tr.t("care-requests-admin"));
    let overdue_only = q.overdue == "1";
    let filter = if overdue_only { ReqFilter::Overdue } else { ReqFilter::All };
    let list = reqs::list(&st.store, &school.id, filter, today())
        .await?
        .into_iter()
        .map(|r| {
            let cat = c.t(jiaogong_domain::care::requests::category_key(&r.category)).into_owned();
            let state = jiaogong_domain::care::requests::State::from_code(&r.state)
                .map(|s| c.t(s.key()).into_owned())
                .unwrap_or_default();
            (r, cat, state)
        })
        .collect();
    let year = today().year();
    let months = reqs::monthly(&st.store, &school.id, year).await?;
    render(&AdminPage { c, overdue_only, list, months, year })
}

#[derive(Deserialize)]
struct StepForm {
    step: String,
    #[serde(default)]
    text: String,
}

async fn committee_step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let step = Step::from_code(&f.step)
        .filter(|s| !s.by_requester())
        .ok_or_else(|| AppError::bad("invalid_step", "请选择受理、合并、不予受理、交办或答复"))?;
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    reqs::step(&mut tx, &st.store.crypto, &school.id, &id, By::Committee(&actor), step, &f.text, today())
        .await
        .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/care/requests/{id}")))
}

#[derive(Deserialize)]
struct PromoteForm {
    session: String,
}

async fn promote(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PromoteForm>,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let me = member_of(&ctx).ok_or_else(|| AppError::bad("not_a_delegate", "只有本届代表可以把诉求转为提案"))?;
    let actor = ctx.actor();
    let who = jiaogong_store::congress::proposals::Who { actor: &actor, member: Some(&me), committee: false };
    let mut tx = st.store.begin().await?;
    let pid =
        reqs::promote(&mut tx, &st.store.crypto, &school.id, &id, &f.session, who, today()).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other(&format!("/s/{}/proposals/{pid}", school.code)))
}
