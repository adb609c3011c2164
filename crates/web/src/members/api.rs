//! The JSON API under /api/v1 (API.md): the same rules and scope as the pages, bearer tokens,
//! errors as `{"error": {"code", "message"}}`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use jiaogong_domain::members::dues::MonthKey;
use jiaogong_domain::members::{self, Field, MemberEventKind, RawMember};
use jiaogong_domain::platform::money::Fen;
use jiaogong_store::members::dues::Payment;
use jiaogong_store::members::{self as repo, Sensitive};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, School};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::members::import::{self, Mode};
use crate::members::ListQuery;
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/api/v1/openapi.json", get(crate::platform::openapi::document))
        .add("GET", "/api/v1/me", get(me))
        .add("GET", "/api/v1/schools", get(schools))
        .add("GET", "/api/v1/schools/{school}/groups", get(groups))
        .add("GET", "/api/v1/schools/{school}/members", get(list))
        .add("POST", "/api/v1/schools/{school}/members", post(create))
        .add(
            "POST",
            "/api/v1/schools/{school}/members/import",
            post(import_xlsx).layer(axum::extract::DefaultBodyLimit::max(import::IMPORT_MAX_BODY)),
        )
        .add("GET", "/api/v1/schools/{school}/members/export", get(export))
        .add("GET", "/api/v1/members/{id}", get(member))
        .add("PATCH", "/api/v1/members/{id}", axum::routing::patch(patch_member))
        .add("GET", "/api/v1/schools/{school}/dues", get(dues_month))
        .add("POST", "/api/v1/schools/{school}/dues/payments", post(payment))
}

fn parse_json<T: serde::de::DeserializeOwned>(ctx: &Ctx, body: &Bytes) -> AppResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::bad("bad_json", ctx.tr.t1("err-bad-json", "detail", &e.to_string())))
}

async fn me(ctx: Ctx) -> AppResult<Json<Value>> {
    let u = ctx.user()?;
    Ok(Json(
        json!({"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role, "school_id": u.school_id, "member_id": u.member_id, "locale": u.locale}),
    ))
}

async fn schools(State(st): State<AppState>, ctx: Ctx) -> AppResult<Json<Value>> {
    let user = ctx.user()?;
    let list = match &user.school_id {
        Some(s) => {
            let s = tenancy::school(&st.store, s).await?;
            vec![json!({"id": s.id, "code": s.code, "name": s.name})]
        }
        None => crate::district::visible_schools(&st, &ctx)
            .await?
            .1
            .into_iter()
            .map(|s| json!({"id": s.id, "code": s.code, "name": s.name, "members": s.members}))
            .collect(),
    };
    Ok(Json(json!({"schools": list})))
}

async fn groups(State(st): State<AppState>, Extension(school): Extension<School>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"groups": tenancy::groups(&st.store, &school.id).await?})))
}

/// One page of the roster. API pages are numbered from 1 (`page` absent: page 1), as `total`
/// and `per_page` make a client expect: pages 1 … `pages` together give exactly `total` rows.
/// (They were numbered from 0 while `total` counted every row, so a client reading pages 1 to
/// ⌈total / per_page⌉ skipped the first page: 68 rows of 118.) `page=0` is refused rather than
/// read as either page, so an old 0-based client learns of the change instead of getting a page
/// twice.
async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(mut q): Query<ListQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> AppResult<Json<Value>> {
    let given = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).any(|(k, _)| k == "page");
    if given && q.page < 1 {
        return Err(AppError::bad("bad_page", ctx.tr.t("api-err-page")));
    }
    if let Some(g) = crate::members::roster_group(&st, &ctx, &school).await? {
        q.group = g;
    }
    let page = if given { jiaogong_domain::platform::paging::page_number(q.page) } else { 1 };
    let per_page = crate::members::PER_PAGE;
    let role = ctx.user()?.role();
    let (rows, total) = repo::list(&st.store, &school.id, &q.filter(), page - 1, per_page).await?;
    let rows: Vec<_> = rows.into_iter().map(|r| crate::members::visible_row(role, r)).collect();
    let pages = (total + per_page - 1) / per_page;
    let next = if page < pages { json!(page + 1) } else { Value::Null };
    Ok(Json(json!({"members": rows, "total": total, "page": page, "pages": pages, "next": next, "per_page": per_page})))
}

/// A JSON object keyed by field code ("name", "employee_no", …) into the shared raw form.
fn raw_from_json(v: &HashMap<String, Value>) -> RawMember {
    let mut raw = RawMember::new();
    for f in Field::ALL {
        if let Some(val) = v.get(f.code()) {
            let s = match val {
                Value::String(s) => s.clone(),
                Value::Null => continue,
                other => other.to_string(),
            };
            raw = raw.with(f, s);
        }
    }
    raw
}

fn validation_response(ctx: &Ctx, errs: &[(Field, jiaogong_domain::ValidationError)]) -> Response {
    let fields: Vec<Value> = errs
        .iter()
        .map(|(f, e)| json!({"field": f.code(), "column": f.header_zh(), "reason": ctx.tr.validation(e)}))
        .collect();
    let message =
        errs.iter().map(|(f, e)| format!("{}：{}", f.header_zh(), ctx.tr.validation(e))).collect::<Vec<_>>().join("；");
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"error": {"code": "invalid_member", "message": message, "fields": fields}})),
    )
        .into_response()
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    body: Bytes,
) -> AppResult<Response> {
    let v: HashMap<String, Value> = parse_json(&ctx, &body)?;
    let input = match members::validate_member(&raw_from_json(&v)) {
        Ok(m) => m,
        Err(errs) => return Ok(validation_response(&ctx, &errs)),
    };
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let (group, dept) = crate::members::resolve_refs(&mut tx, &school.id, &input)
        .await?
        .ok_or_else(|| AppError::bad("unknown_group", ctx.tr.t("err-unknown-group")))?;
    let id = match repo::insert(&mut tx, &st.store.crypto, &school.id, &input, group.as_deref(), dept.as_deref()).await
    {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            return Err(AppError::Conflict {
                code: "duplicate_employee_no",
                message: ctx.tr.t("err-duplicate-employee-no"),
            })
        }
        Err(e) => return Err(e.into()),
    };
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    repo::record_event(
        &mut tx,
        &school.id,
        &id,
        MemberEventKind::Update,
        input.status,
        None,
        &today,
        "",
        "created",
        &actor,
    )
    .await?;
    audit::append(&mut tx, &st.store.crypto, &Event::new(Some(&school.id), &actor, "member.create", &id).detail("api"))
        .await?;
    jiaogong_store::commit(tx).await?;
    let m = crate::members::visible_detail(ctx.user()?.role(), repo::get(&st.store, &school.id, &id).await?);
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

/// The member's school, checked against the caller's scope (404 for another school's id, so
/// ids cannot be probed).
async fn member_school(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<School> {
    let school_id = repo::school_of(&st.store, id).await?;
    let school = tenancy::school(&st.store, &school_id).await?;
    if !crate::platform::access::in_scope(&st.store, ctx.user()?, &school).await? {
        let _ =
            audit::record(&st.store, &Event::new(None, &ctx.actor(), "access.denied", id).detail("api member")).await;
        return Err(AppError::NotFound);
    }
    Ok(school)
}

async fn member(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Value>> {
    let school = member_school(&st, &ctx, &id).await?;
    let m = repo::get(&st.store, &school.id, &id).await?;
    let scope = crate::members::roster_group(&st, &ctx, &school).await?;
    crate::members::check_roster_scope(&scope, m.group_id.as_deref())?;
    Ok(Json(json!(crate::members::visible_detail(ctx.user()?.role(), m))))
}

async fn patch_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> AppResult<Response> {
    let school = member_school(&st, &ctx, &id).await?;
    let patch: HashMap<String, Value> = parse_json(&ctx, &body)?;
    if let Some(bad) = patch.keys().find(|k| Field::from_code(k).is_none() || k.as_str() == "status") {
        return Err(AppError::bad("unknown_field", ctx.tr.t1("err-unknown-field", "field", bad)));
    }
    let cur = repo::get(&st.store, &school.id, &id).await?;
    // Start from the stored record, apply the patch, validate the whole as the form does.
    let mut v: HashMap<String, Value> = HashMap::new();
    let o = |s: &Option<String>| s.clone().map(Value::String).unwrap_or(Value::Null);
    v.insert("name".into(), json!(cur.name));
    v.insert("employee_no".into(), json!(cur.employee_no));
    v.insert(
        "gender".into(),
        o(&cur.gender.as_deref().and_then(members::Gender::from_code).map(|g| g.label_zh().to_string())),
    );
    v.insert("birth_date".into(), o(&cur.birth_date));
    v.insert("department".into(), o(&cur.department));
    v.insert(
        "post".into(),
        o(&cur.post.as_deref().and_then(members::Post::from_code).map(|p| p.label_zh().to_string())),
    );
    v.insert("title".into(), o(&cur.title));
    v.insert("joined_school".into(), o(&cur.joined_school));
    v.insert("joined_union".into(), o(&cur.joined_union));
    v.insert("group".into(), o(&cur.group_name));
    v.insert("notes".into(), o(&cur.notes));
    v.insert("id_number".into(), o(&repo::reveal(&st.store, &school.id, &id, Sensitive::IdNumber).await?));
    v.insert("phone".into(), o(&repo::reveal(&st.store, &school.id, &id, Sensitive::Phone).await?));
    v.insert("status".into(), json!(cur.status.label_zh()));
    for (k, val) in patch {
        v.insert(k, val);
    }
    let mut input = match members::validate_member(&raw_from_json(&v)) {
        Ok(m) => m,
        Err(errs) => return Ok(validation_response(&ctx, &errs)),
    };
    input.is_temporary = cur.is_temporary == 1;
    let actor = ctx.actor();
    let mut tx = st.store.begin().await?;
    let (group, dept) = crate::members::resolve_refs(&mut tx, &school.id, &input)
        .await?
        .ok_or_else(|| AppError::bad("unknown_group", ctx.tr.t("err-unknown-group")))?;
    match repo::update(&mut tx, &st.store.crypto, &school.id, &id, &input, group.as_deref(), dept.as_deref()).await {
        Ok(()) => {}
        Err(e) if e.is_unique_violation() => {
            return Err(AppError::Conflict {
                code: "duplicate_employee_no",
                message: ctx.tr.t("err-duplicate-employee-no"),
            })
        }
        Err(e) => return Err(e.into()),
    }
    let status = cur.status;
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    repo::record_event(&mut tx, &school.id, &id, MemberEventKind::Update, status, None, &today, "", "updated", &actor)
        .await?;
    audit::append(&mut tx, &st.store.crypto, &Event::new(Some(&school.id), &actor, "member.update", &id).detail("api"))
        .await?;
    jiaogong_store::commit(tx).await?;
    let m = repo::get(&st.store, &school.id, &id).await?;
    Ok(Json(json!(crate::members::visible_detail(ctx.user()?.role(), m))).into_response())
}

#[derive(Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: Option<String>,
    #[serde(default)]
    all_or_nothing: Option<String>,
}

async fn import_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> AppResult<Json<Value>> {
    // Past the route's limit: 413 in the API's error shape, with the limit in the message.
    let body = body.map_err(|_| AppError::TooLarge)?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let ok_type = ct.is_empty()
        || ct.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        || ct.starts_with("application/octet-stream");
    if !ok_type {
        return Err(AppError::bad("unsupported_media_type", ctx.tr.t("err-content-type-xlsx")));
    }
    let dry = matches!(q.dry_run.as_deref(), None | Some("true") | Some("1"));
    let mode = if dry {
        Mode::DryRun
    } else if matches!(q.all_or_nothing.as_deref(), Some("true") | Some("1")) {
        Mode::AllOrNothing
    } else {
        Mode::SkipRejected
    };
    let report = import::run_import(&st.store, &ctx.tr, &school, &body, mode, &ctx.actor()).await?;
    Ok(Json(json!({
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "rejected": report.rejected, "cleared": report.cleared, "unknown_headers": report.unknown_headers,
        "new_groups": report.new_groups, "new_departments": report.new_departments, "committed": report.committed,
    })))
}

async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<crate::members::export::ExportQuery>,
) -> AppResult<Response> {
    let sensitive = q.sensitive(&ctx, true)?;
    let bytes = crate::members::export::export_bytes(&st.store, &ctx.tr, &school, &q.filter(), sensitive).await?;
    let action = if sensitive { "member.export_sensitive" } else { "member.export" };
    audit::record(&st.store, &Event::new(Some(&school.id), &ctx.actor(), action, &school.id).detail("api")).await?;
    Ok(([(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")], bytes)
        .into_response())
}

#[derive(Deserialize)]
struct MonthQ {
    #[serde(default)]
    month: String,
}

async fn dues_month(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<MonthQ>,
) -> AppResult<Json<Value>> {
    let month = if q.month.is_empty() {
        crate::members::dues::current_month()
    } else {
        MonthKey::parse(&q.month).map_err(|e| AppError::bad("bad_month", ctx.tr.validation(&e)))?
    };
    let (lines, groups) = crate::members::dues::month_sheet(&st.store, &school, &month).await?;
    let members: Vec<Value> = lines
        .iter()
        .map(|l| json!({"member_id": l.f.member_id, "employee_no": l.f.employee_no, "name": l.f.name, "group": l.f.group_name, "base_fen": l.f.base_fen, "due_fen": l.due.0, "paid_fen": l.f.paid_fen, "arrears_fen": l.arrears.0}))
        .collect();
    let groups: Vec<Value> = groups.iter().map(|g| json!({"group": g.name, "members": g.members, "due_fen": g.due.0, "paid_fen": g.paid.0, "arrears_fen": g.arrears.0})).collect();
    Ok(Json(json!({"month": month.to_string(), "members": members, "groups": groups})))
}

#[derive(Deserialize)]
struct PaymentBody {
    employee_no: String,
    month: String,
    amount: Value,
    #[serde(default)]
    paid_on: Option<String>,
    #[serde(default)]
    back_payment: bool,
}

async fn payment(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let p: PaymentBody = parse_json(&ctx, &body)?;
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| k.chars().take(128).collect::<String>());
    let month = MonthKey::parse(&p.month).map_err(|e| AppError::bad("bad_month", ctx.tr.validation(&e)))?;
    let amount_text = match &p.amount {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let amount = jiaogong_domain::members::dues::payment_amount(&amount_text, Fen(school.max_payment_fen))
        .map_err(|e| AppError::bad("bad_amount", ctx.tr.validation(&e)))?;
    let paid_on = match &p.paid_on {
        Some(s) => jiaogong_domain::platform::dates::parse_date(s)
            .map_err(|e| AppError::bad("bad_date", ctx.tr.validation(&e)))?,
        None => chrono::Local::now().date_naive(),
    };
    let numbers = jiaogong_store::members::dues::employee_numbers(&st.store, &school.id).await?;
    let no = jiaogong_domain::platform::text::normalize(&p.employee_no);
    let member = numbers.get(&no).ok_or_else(|| {
        AppError::bad("unknown_employee_no", ctx.tr.t1("err-unknown-employee-no", "employee_no", &no))
    })?;
    let actor = ctx.actor();
    let month_s = month.to_string();
    let paid_s = paid_on.format("%Y-%m-%d").to_string();
    // Idempotent: the caller's Idempotency-Key, else the request's own content (the same
    // payment for the same member, month and day sent twice is booked once).
    let key = match idempotency_key {
        Some(k) => format!("api-key:{actor}:{k}"),
        None => format!("api:{actor}:{member}:{month_s}:{}:{paid_s}:{}", amount.0, p.back_payment),
    };
    let mut tx = st.store.begin().await?;
    let recorded = jiaogong_store::members::dues::record_payment(
        &mut tx,
        &school.id,
        &Payment {
            member_id: member,
            month: &month_s,
            amount_fen: amount.0,
            paid_on: &paid_s,
            is_back_payment: p.back_payment,
            recorded_by: &actor,
            request_key: Some(&key),
        },
    )
    .await?;
    let id = match recorded {
        jiaogong_store::members::dues::Recorded::New(id) => id,
        jiaogong_store::members::dues::Recorded::Duplicate(id) => {
            let body =
                json!({"id": id, "member_id": member, "month": month_s, "amount_fen": amount.0, "duplicate": true});
            return Ok((StatusCode::OK, Json(body)).into_response());
        }
    };
    audit::append(&mut tx, &st.store.crypto, &Event::new(Some(&school.id), &actor, "dues.payment", &id).detail("api"))
        .await?;
    jiaogong_store::commit(tx).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "member_id": member, "month": month_s, "amount_fen": amount.0})))
        .into_response())
}
