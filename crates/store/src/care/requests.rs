//! Members' requests (职工诉求 / 意见建议). An anonymous request is stored without its member:
//! `member_id` is NULL, the audit entry's actor is `anonymous`, the history's steps carry no
//! account, no message is sent to the requester; the requester follows it with a private code
//! whose keyed hash (`code_index`) is all the database keeps of it.

use chrono::NaiveDate;
use jiaogong_domain::care::requests::{self as rules, State, Step};
use rand::Rng;

use super::{date, iso, CareFail};
use crate::platform::audit::{self, Event};
use crate::platform::notify::{self, NewNotification};
use crate::{new_id, Crypto, Store, StoreError, Tx};

/// The actor written to the audit log for an anonymous requester.
pub const ANONYMOUS: &str = "anonymous";

/// What the requester gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub id: String,
    /// The follow-up code as shown (`ABCD-EFGH-…`): given once, never stored in the clear.
    pub code: String,
}

fn new_code() -> String {
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| {
            let i = rng.gen_range(0..rules::CODE_ALPHABET.len());
            char::from(rules::CODE_ALPHABET.get(i).copied().unwrap_or(b'A'))
        })
        .collect()
}

/// Submits a request. `member_id` is the requester's member record; with `anonymous` it is not
/// written anywhere.
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    member_id: Option<&str>,
    category: &str,
    text: &str,
    anonymous: bool,
    today: NaiveDate,
) -> Result<Submitted, CareFail> {
    let text = text.trim();
    if text.is_empty() {
        return Err(CareFail::Invalid("请填写诉求或建议的内容".into()));
    }
    if text.chars().count() > rules::MAX_TEXT {
        return Err(CareFail::Invalid(format!("内容最多{}字，请精简后再提交", rules::MAX_TEXT)));
    }
    let due = rules::answer_due(today, category)
        .ok_or_else(|| CareFail::Invalid("类别不存在：请选择福利待遇、工作条件、后勤设施、意见建议或其他".into()))?;
    let id = new_id();
    let code = new_code();
    let owner = if anonymous { None } else { member_id };
    sqlx::query(
        "INSERT INTO care_requests (id, school_id, member_id, category, body, state, code_index, submitted_on, due) \
         VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(owner)
    .bind(category)
    .bind(text)
    .bind(crypto.blind_index(school_id, &code))
    .bind(iso(today))
    .bind(iso(due))
    .execute(&mut **tx)
    .await?;
    step_row(tx, school_id, &id, "submit", "", false, today).await?;
    let who = if anonymous { ANONYMOUS } else { actor };
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), who, "care.request.submit", &id).detail(category.to_string()),
    )
    .await?;
    Ok(Submitted { id, code: rules::display_code(&code) })
}

async fn step_row(
    tx: &mut Tx,
    school_id: &str,
    id: &str,
    step: &str,
    note: &str,
    committee: bool,
    on: NaiveDate,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO care_request_steps (id, request_id, school_id, step, note, by_committee, on_day) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(id)
    .bind(school_id)
    .bind(step)
    .bind(note)
    .bind(i64::from(committee))
    .bind(iso(on))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Who takes a step: the committee (by account), or the requester (proved by login or code).
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Committee(&'a str),
    /// The requester; `Some(account)` when the request is theirs by name, `None` when anonymous.
    Requester(Option<&'a str>),
}

/// Applies a step of the lifecycle; returns the new state.
#[allow(clippy::too_many_arguments)]
pub async fn step(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    id: &str,
    by: By<'_>,
    step: Step,
    text: &str,
    today: NaiveDate,
) -> Result<State, CareFail> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "UPDATE care_requests SET state = state WHERE school_id = $1 AND id = $2 RETURNING state, member_id",
    )
    .bind(school_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((state, member)) = row else { return Err(StoreError::NotFound.into()) };
    let from = State::from_code(&state).ok_or_else(|| CareFail::Invalid("诉求状态有误".into()))?;
    let committee = matches!(by, By::Committee(_));
    if step.by_requester() == committee {
        return Err(CareFail::Invalid(if committee {
            "确认解决或重新打开由提出人操作".into()
        } else {
            "受理、交办和答复由工会委员会操作".into()
        }));
    }
    let to = rules::next(from, step).map_err(CareFail::Step)?;
    let text = text.trim();
    if step.needs_text() && text.is_empty() {
        return Err(CareFail::Invalid(match step {
            Step::Decline => "请填写不予受理的理由".into(),
            Step::Merge => "请填写合并到的诉求编号".into(),
            Step::Assign => "请填写承办的委员或部门".into(),
            Step::Answer => "请填写答复内容".into(),
            _ => "请填写重新打开的原因".into(),
        }));
    }
    if text.chars().count() > rules::MAX_TEXT {
        return Err(CareFail::Invalid(format!("内容最多{}字", rules::MAX_TEXT)));
    }
    let day = iso(today);
    let set = match step {
        Step::Accept => "first_response_on = COALESCE(first_response_on, $3)",
        Step::Decline => "reason = $4, closed_on = $3, first_response_on = COALESCE(first_response_on, $3)",
        Step::Merge => "merged_into = $4, closed_on = $3, first_response_on = COALESCE(first_response_on, $3)",
        Step::Assign => "assignee = $4",
        Step::Answer => "answer = $4, answered_on = $3",
        Step::Confirm => "closed_on = $3",
        Step::ConfirmPartly | Step::Reopen => "reason = $4, closed_on = NULL",
    };
    if step == Step::Merge {
        let target: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM care_requests WHERE school_id = $1 AND id = $2 AND id <> $3")
                .bind(school_id)
                .bind(text)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
        if target.is_none() {
            return Err(CareFail::Invalid("合并到的诉求不存在，请填写本校另一条诉求的编号".into()));
        }
    }
    sqlx::query(&format!("UPDATE care_requests SET state = $1, {set} WHERE id = $2 AND ($3 = $3) AND ($4 = $4)"))
        .bind(to.code())
        .bind(id)
        .bind(&day)
        .bind(text)
        .execute(&mut **tx)
        .await?;
    // The requester's own words (reopen reason) stay in the request; the history names no account.
    step_row(tx, school_id, id, step.code(), if committee { text } else { "" }, committee, today).await?;
    let actor = match by {
        By::Committee(a) => a,
        By::Requester(Some(a)) => a,
        By::Requester(None) => ANONYMOUS,
    };
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, &format!("care.request.{}", step.code()), id))
        .await?;
    if committee && matches!(step, Step::Answer | Step::Decline | Step::Merge) {
        if let Some(m) = &member {
            let link = format!("/care/requests/{id}");
            notify::send(
                tx,
                &NewNotification {
                    school_id,
                    member_id: m,
                    kind: "care.request",
                    link: &link,
                    title: "你的诉求有了答复",
                    body: "",
                    urgent: false,
                },
            )
            .await?;
        }
    }
    Ok(to)
}

/// A request as shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestView {
    pub id: String,
    /// The requester's member id; `None` for an anonymous request (and nobody can tell whose).
    pub member_id: Option<String>,
    pub member_name: Option<String>,
    pub category: String,
    pub text: String,
    pub state: String,
    pub submitted_on: String,
    pub due: String,
    pub assignee: String,
    pub answer: String,
    pub reason: String,
    pub merged_into: Option<String>,
    pub first_response_on: Option<String>,
    pub answered_on: Option<String>,
    pub closed_on: Option<String>,
    pub proposal_id: Option<String>,
    pub overdue: bool,
}

type ReqRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

const REQ_SELECT: &str = "SELECT r.id, r.member_id, m.name, r.category, r.body, r.state, r.submitted_on, r.due, r.assignee, r.answer, r.reason, \
     r.merged_into, r.first_response_on, r.answered_on, r.closed_on, r.proposal_id FROM care_requests r LEFT JOIN members m ON m.id = r.member_id";

fn view(r: ReqRow, today: NaiveDate) -> RequestView {
    let overdue = State::from_code(&r.5).zip(date(&r.7)).is_some_and(|(s, d)| rules::is_overdue(s, d, today));
    RequestView {
        id: r.0,
        member_id: r.1,
        member_name: r.2,
        category: r.3,
        text: r.4,
        state: r.5,
        submitted_on: r.6,
        due: r.7,
        assignee: r.8,
        answer: r.9,
        reason: r.10,
        merged_into: r.11,
        first_response_on: r.12,
        answered_on: r.13,
        closed_on: r.14,
        proposal_id: r.15,
        overdue,
    }
}

pub async fn get(store: &Store, school_id: &str, id: &str, today: NaiveDate) -> Result<RequestView, StoreError> {
    let row: Option<ReqRow> = sqlx::query_as(&format!("{REQ_SELECT} WHERE r.school_id = $1 AND r.id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?;
    row.map(|r| view(r, today)).ok_or(StoreError::NotFound)
}

/// The request a follow-up code opens (read case-insensitively, dashes optional).
pub async fn by_code(store: &Store, school_id: &str, code: &str, today: NaiveDate) -> Result<RequestView, StoreError> {
    let Some(code) = rules::normalise_code(code) else { return Err(StoreError::NotFound) };
    let row: Option<ReqRow> = sqlx::query_as(&format!("{REQ_SELECT} WHERE r.school_id = $1 AND r.code_index = $2"))
        .bind(school_id)
        .bind(store.crypto.blind_index(school_id, &code))
        .fetch_optional(&store.read)
        .await?;
    row.map(|r| view(r, today)).ok_or(StoreError::NotFound)
}

/// Whether `code` is the follow-up code of request `id`.
pub async fn code_matches(store: &Store, school_id: &str, id: &str, code: &str) -> Result<bool, StoreError> {
    let Some(code) = rules::normalise_code(code) else { return Ok(false) };
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT 1 FROM care_requests WHERE school_id = $1 AND id = $2 AND code_index = $3")
            .bind(school_id)
            .bind(id)
            .bind(store.crypto.blind_index(school_id, &code))
            .fetch_optional(&store.read)
            .await?;
    Ok(row.is_some())
}

/// Which requests a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReqFilter<'a> {
    All,
    Overdue,
    /// The member's own (named) requests.
    Mine(&'a str),
}

pub async fn list(
    store: &Store,
    school_id: &str,
    f: ReqFilter<'_>,
    today: NaiveDate,
) -> Result<Vec<RequestView>, StoreError> {
    let (cond, arg) = match f {
        ReqFilter::All => ("($2 = $2)", String::new()),
        ReqFilter::Overdue => {
            ("r.state IN ('submitted', 'accepted', 'assigned', 'reopened') AND r.due < $2", iso(today))
        }
        ReqFilter::Mine(m) => ("r.member_id = $2", m.to_string()),
    };
    let rows: Vec<ReqRow> = sqlx::query_as(&format!(
        "{REQ_SELECT} WHERE r.school_id = $1 AND {cond} ORDER BY r.submitted_on DESC, r.id LIMIT 1000"
    ))
    .bind(school_id)
    .bind(arg)
    .fetch_all(&store.read)
    .await?;
    Ok(rows.into_iter().map(|r| view(r, today)).collect())
}

/// The history of a request: (step, note, by the committee, day). No account is named.
pub async fn history(
    store: &Store,
    school_id: &str,
    id: &str,
) -> Result<Vec<(String, String, bool, String)>, StoreError> {
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT step, note, by_committee, on_day FROM care_request_steps WHERE school_id = $1 AND request_id = $2 ORDER BY on_day, id",
    )
    .bind(school_id)
    .bind(id)
    .fetch_all(&store.read)
    .await?;
    Ok(rows.into_iter().map(|(a, b, c, d)| (a, b, c != 0, d)).collect())
}

/// One month's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Month {
    pub month: u32,
    pub received: i64,
    pub first_responses: i64,
    pub answered: i64,
    pub solved: i64,
    pub partly: i64,
    pub reopened: i64,
}

/// Monthly figures of a year: received (by submission day), first responses, answers and the
/// requesters' verdicts (by the day they happened).
pub async fn monthly(store: &Store, school_id: &str, year: i32) -> Result<Vec<Month>, StoreError> {
    let mut months: Vec<Month> = (1..=12).map(|m| Month { month: m, ..Month::default() }).collect();
    let from = format!("{year:04}-01-01");
    let to = format!("{year:04}-12-31");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT step, on_day FROM care_request_steps WHERE school_id = $1 AND on_day >= $2 AND on_day <= $3",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(&store.read)
    .await?;
    for (step, day) in rows {
        let Some(m) =
            day.get(5..7).and_then(|s| s.parse::<usize>().ok()).and_then(|m| months.get_mut(m.wrapping_sub(1)))
        else {
            continue;
        };
        match step.as_str() {
            "submit" => m.received += 1,
            "accept" | "decline" | "merge" => m.first_responses += 1,
            "answer" => m.answered += 1,
            "confirm" => m.solved += 1,
            "confirm_partly" => m.partly += 1,
            "reopen" => m.reopened += 1,
            _ => {}
        }
    }
    Ok(months)
}

/// A delegate promotes a request into a congress proposal draft of a session they sit in.
pub async fn promote(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    id: &str,
    session_id: &str,
    who: crate::congress::proposals::Who<'_>,
    today: NaiveDate,
) -> Result<String, CareFail> {
    let row: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT body, category, proposal_id FROM care_requests WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((body, category, existing)) = row else { return Err(StoreError::NotFound.into()) };
    if let Some(p) = existing {
        return Ok(p);
    }
    use jiaogong_domain::congress::{Category, ProposalText};
    let cat = match category.as_str() {
        "welfare" => Category::Welfare,
        "facilities" => Category::Logistics,
        _ => Category::Other,
    };
    let title: String = body.chars().take(30).collect();
    let text =
        ProposalText::parse(&format!("关于{title}的提案"), &body, "请相关部门研究落实。", cat).map_err(|_| {
            CareFail::Invalid("诉求内容不足以生成提案（标题或理由过短或过长），请由代表在提案页面起草".into())
        })?;
    let pid = crate::congress::proposals::create(tx, crypto, school_id, session_id, who, today, &text).await.map_err(
        |e| match e {
            crate::congress::proposals::StepError::Store(s) => CareFail::Store(s),
            crate::congress::proposals::StepError::Rule(_) => {
                CareFail::Invalid("只有本届代表可以把诉求转为提案，请选择你所在届次的会议".into())
            }
        },
    )?;
    sqlx::query("UPDATE care_requests SET proposal_id = $1 WHERE id = $2")
        .bind(&pid)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), who.actor, "care.request.promote", id).detail(pid.clone()))
        .await?;
    Ok(pid)
}
