//! Roster .xlsx out: the import template and the (filtered) roster export.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::members::visibility::{self, Guarded};
use jiaogong_domain::members::{self, Field};
use jiaogong_office::xlsx_write::{self, OutCell, Table};
use jiaogong_store::members as repo;
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::School;
use jiaogong_store::Store;
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::i18n::Tr;
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/members/template", get(template))
        .add("GET", "/s/{school}/members/export", get(export))
        .add("POST", "/s/{school}/members/export", post(export_sensitive))
}

pub(crate) fn xlsx_response(file_name: &str, bytes: Vec<u8>) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"roster.xlsx\"; filename*=UTF-8''{encoded}")),
        ],
        bytes,
    )
        .into_response()
}

/// The template: the Chinese headers and one example row.
pub fn template_bytes() -> AppResult<Vec<u8>> {
    let headers: Vec<String> = Field::ALL.iter().map(|f| f.header_zh().to_string()).collect();
    let example = vec![
        OutCell::Text("张三".into()),
        OutCell::Text("T0001".into()),
        OutCell::Text("男".into()),
        OutCell::Text("1985-03-12".into()),
        OutCell::Text("110105198503120012".into()),
        OutCell::Text("13800138000".into()),
        OutCell::Text("教务处".into()),
        OutCell::Text("教师".into()),
        OutCell::Text("中学一级教师".into()),
        OutCell::Text("2008-09-01".into()),
        OutCell::Text("2008-10-15".into()),
        OutCell::Text("语文组".into()),
        OutCell::Text("在职会员".into()),
        OutCell::Text("".into()),
    ];
    xlsx_write::write_tables(&[Table {
        sheet_name: "会员名册".into(),
        headers,
        rows: vec![example],
        col_widths: vec![],
    }])
    .map_err(|e| AppError::Internal(e.to_string()))
}

async fn template(ctx: Ctx) -> AppResult<Response> {
    let _ = ctx;
    Ok(xlsx_response("会员名册模板.xlsx", template_bytes()?))
}

/// The roster as .xlsx, filtered like the list.
/// Without `sensitive`, the ID and phone columns are left out (a list is not a reason to hand out
/// personal data); with it they are in clear, and the caller audits the export as a reveal.
pub async fn export_bytes(
    store: &Store,
    tr: &Tr,
    school: &School,
    filter: &repo::Filter,
    sensitive: bool,
) -> AppResult<Vec<u8>> {
    let rows = repo::list_all(store, &school.id, filter).await?;
    let headers =
        Field::ALL.iter().filter(|f| sensitive || !f.is_sensitive()).map(|f| f.header_zh().to_string()).collect();
    let text = |s: &Option<String>| s.clone().map(OutCell::Text).unwrap_or(OutCell::Empty);
    let date = |s: &Option<String>| {
        s.as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(OutCell::Date)
            .unwrap_or(OutCell::Empty)
    };
    let mut out = Vec::with_capacity(rows.len());
    let clear = if sensitive { repo::reveal_all(store, &school.id).await? } else { Default::default() };
    for m in &rows {
        let (id_number, phone) = clear.get(&m.id).cloned().unwrap_or_default();
        let mut line = vec![
            OutCell::Text(m.name.clone()),
            OutCell::Text(m.employee_no.clone()),
            text(&m.gender.as_deref().and_then(members::Gender::from_code).map(|g| g.label_zh().to_string())),
            date(&m.birth_date),
            text(&id_number),
            text(&phone),
            text(&m.department),
            // 岗位 carries the temporary-hire flag, as the import reads it.
            if m.is_temporary != 0 {
                OutCell::Text(members::TEMPORARY_POST_ZH.to_string())
            } else {
                text(&m.post.as_deref().and_then(members::Post::from_code).map(|p| p.label_zh().to_string()))
            },
            text(&m.title),
            date(&m.joined_school),
            date(&m.joined_union),
            text(&m.group_name),
            OutCell::Text(m.status.label_zh().to_string()),
            text(&m.notes),
        ];
        if !sensitive {
            line.drain(4..6);
        }
        out.push(line);
    }
    let _ = tr;
    xlsx_write::write_tables(&[Table { sheet_name: "会员名册".into(), headers, rows: out, col_widths: vec![] }])
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The list's filters plus the choice of sensitive columns.
#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub sensitive: Option<String>,
}

impl ExportQuery {
    pub fn filter(&self) -> repo::Filter {
        repo::Filter {
            q: self.q.clone(),
            group_id: self.group.clone(),
            status: self.status.clone(),
            post: self.post.clone(),
        }
    }

    /// Whether clear sensitive columns were asked for and may be given to this caller (the
    /// field visibility rule: ID number and phone in full only for those who may reveal them).
    /// A browser asks with a form post (CSRF-checked), never with a link: a GET carrying a
    /// session cookie is refused; an API call with a bearer token carries no ambient credential.
    pub fn sensitive(&self, ctx: &Ctx, method_is_get: bool) -> AppResult<bool> {
        let asked = matches!(self.sensitive.as_deref(), Some("1") | Some("true") | Some("on"));
        if !asked {
            return Ok(false);
        }
        let role = ctx.user()?.role();
        if !(visibility::may_reveal(role, Guarded::IdNumber) && visibility::may_reveal(role, Guarded::Phone)) {
            return Err(AppError::Forbidden);
        }
        if method_is_get && !ctx.bearer {
            return Err(AppError::bad("sensitive_export_post", ctx.tr.t("err-sensitive-export-post")));
        }
        Ok(true)
    }
}

async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    export_with(st, ctx, school, q, true).await
}

/// The export with the sensitive columns: a form post, so it carries the CSRF token.
async fn export_sensitive(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(q): Form<ExportQuery>,
) -> AppResult<Response> {
    export_with(st, ctx, school, q, false).await
}

async fn export_with(st: AppState, ctx: Ctx, school: School, q: ExportQuery, get: bool) -> AppResult<Response> {
    let sensitive = q.sensitive(&ctx, get)?;
    let bytes = export_bytes(&st.store, &ctx.tr, &school, &q.filter(), sensitive).await?;
    let action = if sensitive { "member.export_sensitive" } else { "member.export" };
    audit::record(&st.store, &Event::new(Some(&school.id), &ctx.actor(), action, &school.id)).await?;
    Ok(xlsx_response("会员名册.xlsx", bytes))
}
