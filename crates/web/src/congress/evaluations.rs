//! Democratic evaluation of leaders (民主评议): the committee sets an evaluation up (leaders from
//! the roster, grades, items, rater groups with weights, electorate, minimum group size), leaders
//! post their 述职报告, raters grade every leader on the phone (one tap per grade, cast through
//! the ballot box with the group the server assigned), and the closed evaluation prints as the
//! 测评结果汇总表. Results stay hidden until the poll closes.

mod rater;
mod report;
mod setup;
mod sheet;

use axum::routing::{get, post};
use jiaogong_domain::congress::evaluation::{EvaluationError, EvaluationSettings};
use jiaogong_domain::members::Post;
use jiaogong_store::congress::evaluations::{self as repo, Evaluation, Leader};
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::{AppState, Routes};
use rater::{check, check_page, rate, rate_page};
use report::{report_page, save_report};
use setup::{add_leaders, close, committee_report, create, list, manage, open, remove_leader};
use sheet::{sheet, sheet_xlsx};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/s/{school}/evaluations", get(list))
        .add("POST", "/s/{school}/evaluations", post(create))
        .add("GET", "/s/{school}/evaluations/{id}", get(manage))
        .add("POST", "/s/{school}/evaluations/{id}/leaders", post(add_leaders))
        .add("POST", "/s/{school}/evaluations/{id}/leaders/{member}/remove", post(remove_leader))
        .add("POST", "/s/{school}/evaluations/{id}/leaders/{member}/report", post(committee_report))
        .add("POST", "/s/{school}/evaluations/{id}/open", post(open))
        .add("POST", "/s/{school}/evaluations/{id}/close", post(close))
        .add("GET", "/s/{school}/evaluations/{id}/sheet", get(sheet))
        .add("GET", "/s/{school}/evaluations/{id}/sheet.xlsx", get(sheet_xlsx))
        .add("GET", "/evaluations/{id}", get(rate_page))
        .add("POST", "/evaluations/{id}/rate", post(rate))
        .add("GET", "/evaluations/{id}/check", get(check_page))
        .add("POST", "/evaluations/{id}/check", post(check))
        .add("GET", "/evaluations/{id}/report", get(report_page))
        .add("POST", "/evaluations/{id}/report", post(save_report))
}

fn eval_error(ctx: &Ctx, e: &EvaluationError) -> String {
    ctx.tr.ta(e.key(), &e.args())
}

fn settings_of(ev: &Evaluation) -> AppResult<EvaluationSettings> {
    serde_json::from_str(&ev.settings).map_err(|e| AppError::Internal(e.to_string()))
}

/// The subject name of each leader on the ballot: the name, or `name（工号）` when two share it.
fn subject_names(leaders: &[Leader]) -> Vec<String> {
    leaders
        .iter()
        .map(|l| {
            if leaders.iter().filter(|o| o.name == l.name).count() > 1 {
                format!("{}（{}）", l.name, l.employee_no)
            } else {
                l.name.clone()
            }
        })
        .collect()
}

fn field(form: &[(String, String)], k: &str) -> String {
    form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default()
}

fn fields(form: &[(String, String)], k: &str) -> Vec<String> {
    form.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect()
}

/// A leader as the pages show them.
struct LeaderView {
    l: Leader,
    subject: String,
    post: String,
}

fn leader_views(ctx: &Ctx, leaders: Vec<Leader>) -> Vec<LeaderView> {
    let names = subject_names(&leaders);
    leaders
        .into_iter()
        .zip(names)
        .map(|(l, subject)| {
            let post = l.post.as_deref().and_then(Post::from_code).map(|p| ctx.tr.t(p.key())).unwrap_or_default();
            LeaderView { l, subject, post }
        })
        .collect()
}

#[derive(Deserialize)]
struct ReportForm {
    report: String,
}

/// A report: trimmed, at most 20,000 characters.
fn clean_report(ctx: &Ctx, text: &str) -> Result<String, String> {
    let t = text.trim().replace("\r\n", "\n");
    if t.chars().count() > 20_000 {
        return Err(ctx.tr.t("eval-err-report-long"));
    }
    Ok(t)
}

/// The evaluation of the caller's school with this id (404 for anyone else).
async fn own_evaluation(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Evaluation> {
    let school = ctx.user()?.school_id.clone().ok_or(AppError::NotFound)?;
    Ok(repo::get(&st.store, &school, id).await?)
}
