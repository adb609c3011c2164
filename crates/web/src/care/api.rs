//! The care API of issue 15: report an event, list tasks, record a visit, the compliance of a
//! year, submit a request, read one, answer one. Another school's ids are 404.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use jiaogong_domain::care::requests::Step;
use jiaogong_store::care::events::{self, NewEvent, TaskFilter};
use jiaogong_store::care::figures;
use jiaogong_store::care::requests::{self as reqs, By};
use jiaogong_store::care::visits::{self, NewVisit};
use jiaogong_store::platform::tenancy::School;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    fail, has, led_group, may_report, member_of, my_school, parse_amount, parse_date, today, CARE_COMMITTEE,
    REQUEST_COMMITTEE,
};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("POST", "/api/v1/schools/{school}/care/events", post(create_event))
        .add("GET", "/api/v1/schools/{school}/care/tasks", get(list_tasks))
        .add("POST", "/api/v1/care/tasks/{id}/visits", post(record_visit))
        .add("GET", "/api/v1/schools/{school}/care/compliance", get(compliance))
        .add("POST", "/api/v1/schools/{school}/requests", post(submit_request))
        .add("GET", "/api/v1/requests/{id}", get(one_request))
        .add("POST", "/api/v1/requests/{id}/answer", post(answer_request))
}

#[derive(Deserialize)]
struct EventBody {
    member: String,
    #[serde(rename = "type")]
    kind: String,
    date: String,
    #[serde(default)]
    note: String,
}

async fn create_event(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Json(b): Json<EventBody>,
) -> AppResult<Response> {
    let date = parse_date(&b.date, "事件日期")?;
    if !may_report(&st, &ctx, &school, &b.member).await? {
        // A member of another school, or of another group for a group leader: not found.
        return Err(AppError::NotFound);
    }
    let mut tx = st.store.begin().await?;
    let ev = NewEvent { member_id: &b.member, kind: &b.kind, date, note: &b.note, source: "report" };
    let r =
        events::report(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &ev, today(), false).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    let task = r.task.as_ref().map(|(id, due)| json!({"id": id, "due": due.format("%Y-%m-%d").to_string()}));
    let status = if r.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({"id": r.id, "task": task}))).into_response())
}

#[derive(Deserialize, Default)]
struct TaskQuery {
    #[serde(default)]
    state: String,
}

fn task_json(t: &events::TaskLine) -> Value {
    json!({
        "id": t.id, "event": t.event_id, "member": t.member_id, "member_name": t.member_name,
        "type": t.kind, "date": t.event_date, "due": t.due, "visited_on": t.visited_on, "overdue": t.overdue,
        "campaign": t.campaign_id,
    })
}

async fn list_tasks(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<TaskQuery>,
) -> AppResult<Json<Value>> {
    let filter = TaskFilter::parse(&q.state)
        .ok_or_else(|| AppError::bad("invalid_state", "state 应为 open、overdue 或 done"))?;
    let group =
        if has(&ctx, CARE_COMMITTEE) { None } else { Some(led_group(&st, &ctx, &school).await?.unwrap_or_default()) };
    let list = events::tasks(&st.store, &school.id, filter, group.as_deref(), today()).await?;
    Ok(Json(json!({"tasks": list.iter().map(task_json).collect::<Vec<_>>()})))
}

#[derive(Deserialize)]
struct VisitBody {
    date: String,
    #[serde(default)]
    visitors: Vec<String>,
    /// `money`, `goods`, `both` or `none`.
    #[serde(default)]
    gift: Option<String>,
    #[serde(default)]
    goods: String,
    /// Yuan as text ("500", "500.50") or fen as an integer in `amount_fen`.
    #[serde(default)]
    amount: Option<Value>,
    #[serde(default)]
    amount_fen: Option<i64>,
    #[serde(default)]
    notes: String,
    /// The client's key for this visit: a retry with it returns the first visit.
    #[serde(default)]
    key: Option<String>,
}

async fn record_visit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(b): Json<VisitBody>,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let task = events::task(&st.store, &school.id, &id, today()).await?;
    if !has(&ctx, CARE_COMMITTEE) {
        let g = led_group(&st, &ctx, &school).await?;
        if g.is_none() || g != task.group_id {
            return Err(AppError::NotFound);
        }
    }
    let date = parse_date(&b.date, "慰问日期")?;
    let amount = match (&b.amount, b.amount_fen) {
        (Some(Value::String(s)), _) => parse_amount(s)?,
        (Some(Value::Number(n)), _) => parse_amount(&n.to_string())?,
        (Some(Value::Null) | None, Some(f)) if f >= 0 => jiaogong_domain::platform::money::Fen(f),
        (Some(Value::Null) | None, None) => jiaogong_domain::platform::money::Fen::ZERO,
        _ => return Err(AppError::bad("invalid_amount", "金额无效：请填写数字金额（元），最多两位小数")),
    };
    let gift = b.gift.unwrap_or_else(|| if amount.0 > 0 { "money".into() } else { "none".into() });
    let visitors = if b.visitors.is_empty() { member_of(&ctx).into_iter().collect() } else { b.visitors };
    let key = b.key.unwrap_or_else(jiaogong_store::new_id);
    let mut tx = st.store.begin().await?;
    let v = NewVisit {
        task_id: &id,
        date,
        visitors: &visitors,
        gift: &gift,
        goods: &b.goods,
        amount,
        notes: &b.notes,
        idem_key: &key,
        photo: None,
    };
    let r = visits::record(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &v, today()).await.map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    let status = if r.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((
        status,
        Json(json!({"id": r.id, "amount_fen": r.amount.0, "approval": r.approval.code(), "needs_approval": r.approval.needed()})),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

async fn compliance(
    State(st): State<AppState>,
    Extension(school): Extension<School>,
    Query(q): Query<YearQuery>,
) -> AppResult<Json<Value>> {
    use chrono::Datelike;
    let year = q.year.unwrap_or_else(|| today().year());
    if !(2000..=2100).contains(&year) {
        return Err(AppError::bad("invalid_year", "年度应在2000到2100之间"));
    }
    let (months, total) = figures::compliance(&st.store, &school.id, year, today()).await?;
    let month = |i: usize, c: &jiaogong_domain::care::Compliance| json!({"month": i + 1, "events": c.events, "on_time": c.on_time, "late": c.late, "missed": c.missed, "pending": c.pending, "rate_permille": c.rate_permille()});
    Ok(Json(json!({
        "year": year,
        "events": total.events, "on_time": total.on_time, "late": total.late, "missed": total.missed, "pending": total.pending,
        "rate_permille": total.rate_permille(),
        "months": months.iter().enumerate().map(|(i, c)| month(i, c)).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
struct RequestBody {
    category: String,
    text: String,
    #[serde(default)]
    anonymous: bool,
}

async fn submit_request(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Json(b): Json<RequestBody>,
) -> AppResult<Response> {
    let me = member_of(&ctx);
    if me.is_none() && !b.anonymous {
        return Err(AppError::bad("not_a_member", "你的账号没有关联会员，只能匿名提交"));
    }
    let mut tx = st.store.begin().await?;
    let s = reqs::submit(
        &mut tx,
        &st.store.crypto,
        &school.id,
        &ctx.actor(),
        me.as_deref(),
        &b.category,
        &b.text,
        b.anonymous,
        today(),
    )
    .await
    .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": s.id, "code": s.code}))).into_response())
}

#[derive(Deserialize, Default)]
struct CodeQuery {
    #[serde(default)]
    code: String,
}

fn request_json(r: &reqs::RequestView, committee: bool) -> Value {
    json!({
        "id": r.id, "category": r.category, "text": r.text, "state": r.state, "anonymous": r.member_id.is_none(),
        "member": if committee { r.member_id.clone() } else { None },
        "submitted_on": r.submitted_on, "due": r.due, "overdue": r.overdue, "assignee": r.assignee, "answer": r.answer,
        "reason": r.reason, "answered_on": r.answered_on, "closed_on": r.closed_on, "proposal": r.proposal_id,
    })
}

/// The committee reads any request of its school; a member their own named ones; anyone with
/// the follow-up code (`?code=`) the request it opens.
async fn one_request(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<CodeQuery>,
) -> AppResult<Json<Value>> {
    let school = my_school(&st, &ctx).await?;
    let r = reqs::get(&st.store, &school.id, &id, today()).await?;
    let committee = has(&ctx, REQUEST_COMMITTEE);
    let own = r.member_id.is_some() && r.member_id == member_of(&ctx);
    let by_code = !q.code.is_empty() && reqs::code_matches(&st.store, &school.id, &id, &q.code).await?;
    if !(committee || own || by_code) {
        return Err(AppError::NotFound);
    }
    Ok(Json(request_json(&r, committee)))
}

#[derive(Deserialize)]
struct AnswerBody {
    text: String,
}

async fn answer_request(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(b): Json<AnswerBody>,
) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let current = reqs::get(&st.store, &school.id, &id, today()).await?;
    // A request not yet accepted is accepted first: the answer is its first response too.
    if current.state == "submitted" {
        reqs::step(&mut tx, &st.store.crypto, &school.id, &id, By::Committee(&actor), Step::Accept, "", today())
            .await
            .map_err(fail)?;
    }
    let state =
        reqs::step(&mut tx, &st.store.crypto, &school.id, &id, By::Committee(&actor), Step::Answer, &b.text, today())
            .await
            .map_err(fail)?;
    jiaogong_store::commit(tx).await?;
    Ok(Json(json!({"id": id, "state": state.code()})).into_response())
}
