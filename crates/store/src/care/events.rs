//! Life events and their visit tasks. A must-visit event creates its task with the due date in
//! the same transaction, and the group leader and the 生活福利委员 get it in their inbox.

use chrono::NaiveDate;
use jiaogong_domain::care::{self as rules, CareError};
use sqlx::AnyConnection;

use super::{date, iso, members_with_role, rules_conn, CareFail};
use crate::platform::audit::{self, Event};
use crate::platform::notify::{self, NewNotification};
use crate::{new_id, now_ms, Crypto, Store, StoreError, Tx};

/// An event as reported.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub member_id: &'a str,
    pub kind: &'a str,
    pub date: NaiveDate,
    pub note: &'a str,
    /// `report`, `roster`, `milestone` or `campaign`.
    pub source: &'a str,
}

/// What reporting wrote (or found: a second report of the same event is the first one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    pub id: String,
    pub task: Option<(String, NaiveDate)>,
    pub created: bool,
}

/// The member's facts a report needs: (name, group id, the group's leader).
async fn member_of_school(
    conn: &mut AnyConnection,
    school_id: &str,
    member_id: &str,
) -> Result<Option<(String, Option<String>, Option<String>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT m.name, m.group_id, g.leader_member_id FROM members m LEFT JOIN union_groups g ON g.id = m.group_id \
         WHERE m.school_id = $1 AND m.id = $2",
    )
    .bind(school_id)
    .bind(member_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Reports a life event; a must-visit type (or `force_task`, a retiree's milestone) creates the
/// visit task and tells the people who act. A member of another school is "not found".
pub async fn report(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    ev: &NewEvent<'_>,
    today: NaiveDate,
    force_task: bool,
) -> Result<Reported, CareFail> {
    report_inner(tx, Some(crypto), school_id, actor, ev, today, force_task).await
}

async fn report_inner(
    tx: &mut Tx,
    crypto: Option<&Crypto>,
    school_id: &str,
    actor: &str,
    ev: &NewEvent<'_>,
    today: NaiveDate,
    force_task: bool,
) -> Result<Reported, CareFail> {
    let Some((name, _group, leader)) = member_of_school(tx, school_id, ev.member_id).await? else {
        return Err(CareFail::Store(StoreError::NotFound));
    };
    let all = rules_conn(tx, school_id).await?;
    let rule = all.iter().find(|r| r.code == ev.kind).ok_or(CareError::UnknownType)?;
    if ev.source != "roster" {
        rules::check_event_date(ev.kind, ev.date, today)?;
    }
    if ev.note.chars().count() > 500 {
        return Err(CareFail::Invalid("说明最多500字".into()));
    }
    let existing: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM care_events WHERE school_id = $1 AND member_id = $2 AND kind = $3 AND event_date = $4",
    )
    .bind(school_id)
    .bind(ev.member_id)
    .bind(ev.kind)
    .bind(iso(ev.date))
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((id,)) = existing {
        let task: Option<(String, String)> = sqlx::query_as("SELECT id, due FROM care_tasks WHERE event_id = $1")
            .bind(&id)
            .fetch_optional(&mut **tx)
            .await?;
        let task = task.and_then(|(t, d)| date(&d).map(|d| (t, d)));
        return Ok(Reported { id, task, created: false });
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO care_events (id, school_id, member_id, kind, event_date, note, source, reported_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(ev.member_id)
    .bind(ev.kind)
    .bind(iso(ev.date))
    .bind(ev.note)
    .bind(ev.source)
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("care_event"))?;
    // The roster's own entry (death, retirement) records a roster-made event.
    if let Some(crypto) = crypto {
        audit::append(
            tx,
            crypto,
            &Event::new(Some(school_id), actor, "care.event.report", &id).detail(format!(
                "{} {} {}",
                ev.member_id,
                ev.kind,
                iso(ev.date)
            )),
        )
        .await?;
    }
    let mut task = None;
    if rule.must_visit || force_task {
        let due = rules::due_date(ev.date, rule.deadline_days).ok_or(CareError::TooFarAhead)?;
        let task_id =
            insert_task(tx, school_id, &id, ev.member_id, ev.kind, ev.date, due, rule.must_visit, None, None).await?;
        let link = format!("/care/tasks/{task_id}");
        let title = format!("慰问任务：{name}（{}），请于{}前走访", kind_zh(ev.kind, &rule.name), iso(due));
        let mut to: Vec<String> = Vec::new();
        if rule.notify_leader {
            to.extend(leader);
        }
        if rule.notify_welfare {
            to.extend(members_with_role(tx, school_id, "welfare").await?);
        }
        to.sort();
        to.dedup();
        for m in to.iter().filter(|m| m.as_str() != ev.member_id) {
            notify::send(
                tx,
                &NewNotification {
                    school_id,
                    member_id: m,
                    kind: "care.task",
                    link: &link,
                    title: &title,
                    body: "",
                    urgent: false,
                },
            )
            .await?;
        }
        task = Some((task_id, due));
    }
    Ok(Reported { id, task, created: true })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_task(
    tx: &mut Tx,
    school_id: &str,
    event_id: &str,
    member_id: &str,
    kind: &str,
    event_date: NaiveDate,
    due: NaiveDate,
    must_visit: bool,
    campaign_id: Option<&str>,
    visitor: Option<&str>,
) -> Result<String, StoreError> {
    let task_id = new_id();
    sqlx::query(
        "INSERT INTO care_tasks (id, school_id, event_id, member_id, kind, event_date, due, must_visit, campaign_id, visitor_member_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&task_id)
    .bind(school_id)
    .bind(event_id)
    .bind(member_id)
    .bind(kind)
    .bind(iso(event_date))
    .bind(iso(due))
    .bind(i64::from(must_visit))
    .bind(campaign_id)
    .bind(visitor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(task_id)
}

/// The Chinese name of a type for messages (a school's own type by its name).
pub fn kind_zh<'a>(code: &str, own_name: &'a str) -> std::borrow::Cow<'a, str> {
    let s = match code {
        "hospitalised" => "住院/重病",
        "married" => "结婚",
        "bereaved" => "直系亲属去世",
        "childbirth" => "生育",
        "retired" => "退休",
        "hardship" => "重大困难",
        "deceased" => "本人去世",
        "birthday" => "生日",
        "achievement" => "重大成绩",
        "festival" => "节日慰问",
        _ => return std::borrow::Cow::Borrowed(own_name),
    };
    std::borrow::Cow::Borrowed(s)
}

/// How old a roster event may be and still create its care event.
pub const ROSTER_WINDOW_DAYS: i64 = 90;

/// The roster recorded a death or a retirement: its care event (and task) in the same
/// transaction. Other roster events have none.
pub async fn from_roster(
    tx: &mut Tx,
    school_id: &str,
    member_id: &str,
    roster_kind: &str,
    on: &str,
    actor: &str,
) -> Result<(), StoreError> {
    let kind = match roster_kind {
        "death" => "deceased",
        "retire" => "retired",
        _ => return Ok(()),
    };
    let Some(d) = date(on) else { return Ok(()) };
    // A roster catching up on old history (an import of long-retired members) makes no task.
    let today = super::today_cn();
    if today.signed_duration_since(d).num_days() > ROSTER_WINDOW_DAYS {
        return Ok(());
    }
    let ev = NewEvent { member_id, kind, date: d, note: "", source: "roster" };
    report_inner(tx, None, school_id, actor, &ev, today, false).await?;
    Ok(())
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskFilter {
    Open,
    Overdue,
    Done,
    All,
}

impl TaskFilter {
    pub fn parse(s: &str) -> Option<TaskFilter> {
        match s {
            "open" | "" => Some(TaskFilter::Open),
            "overdue" => Some(TaskFilter::Overdue),
            "done" => Some(TaskFilter::Done),
            "all" => Some(TaskFilter::All),
            _ => None,
        }
    }
}

/// One task as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskLine {
    pub id: String,
    pub event_id: String,
    pub member_id: String,
    pub member_name: String,
    pub group_id: Option<String>,
    pub group_name: Option<String>,
    pub kind: String,
    pub event_date: String,
    pub due: String,
    pub visited_on: Option<String>,
    pub campaign_id: Option<String>,
    pub overdue: bool,
}

type TaskRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

const TASK_SELECT: &str = "SELECT t.id, t.event_id, t.member_id, m.name, m.group_id, g.name, t.kind, t.event_date, t.due, t.visited_on, t.campaign_id \
     FROM care_tasks t JOIN members m ON m.id = t.member_id LEFT JOIN union_groups g ON g.id = m.group_id";

fn task_line(r: TaskRow, today: NaiveDate) -> TaskLine {
    let (id, event_id, member_id, member_name, group_id, group_name, kind, event_date, due, visited_on, campaign_id) =
        r;
    let overdue = date(&due).is_some_and(|d| rules::is_overdue(d, visited_on.as_deref().and_then(date), today));
    TaskLine {
        id,
        event_id,
        member_id,
        member_name,
        group_id,
        group_name,
        kind,
        event_date,
        due,
        visited_on,
        campaign_id,
        overdue,
    }
}

/// The school's tasks (a group leader's: `group` set to their group), by due date.
pub async fn tasks(
    store: &Store,
    school_id: &str,
    filter: TaskFilter,
    group: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<TaskLine>, StoreError> {
    let cond = match filter {
        TaskFilter::Open => " AND t.visited_on IS NULL",
        TaskFilter::Overdue => " AND t.visited_on IS NULL AND t.due < $3",
        TaskFilter::Done => " AND t.visited_on IS NOT NULL",
        TaskFilter::All => "",
    };
    let group_cond = if group.is_some() { " AND m.group_id = $2" } else { " AND ($2 = $2)" };
    let sql =
        format!("{TASK_SELECT} WHERE t.school_id = $1{group_cond}{cond} AND ($3 = $3) ORDER BY t.due, t.id LIMIT 2000");
    let rows: Vec<TaskRow> =
        sqlx::query_as(&sql).bind(school_id).bind(group.unwrap_or("")).bind(iso(today)).fetch_all(&store.read).await?;
    Ok(rows.into_iter().map(|r| task_line(r, today)).collect())
}

/// One task of the school.
pub async fn task(store: &Store, school_id: &str, id: &str, today: NaiveDate) -> Result<TaskLine, StoreError> {
    let row: Option<TaskRow> = sqlx::query_as(&format!("{TASK_SELECT} WHERE t.school_id = $1 AND t.id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?;
    row.map(|r| task_line(r, today)).ok_or(StoreError::NotFound)
}

/// The number of overdue tasks (the chair's to-do).
pub async fn overdue_count(store: &Store, school_id: &str, today: NaiveDate) -> Result<i64, StoreError> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM care_tasks WHERE school_id = $1 AND visited_on IS NULL AND due < $2")
            .bind(school_id)
            .bind(iso(today))
            .fetch_one(&store.read)
            .await?;
    Ok(n)
}

/// One event as the member's own list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventLine {
    pub id: String,
    pub member_id: String,
    pub member_name: String,
    pub kind: String,
    pub event_date: String,
    pub due: Option<String>,
    pub visited_on: Option<String>,
}

type EventRow = (String, String, String, String, String, Option<String>, Option<String>);

/// Events of the school, of one member (`member`) or one group (`group`), newest first.
pub async fn events(
    store: &Store,
    school_id: &str,
    member: Option<&str>,
    group: Option<&str>,
) -> Result<Vec<EventLine>, StoreError> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.id, e.member_id, m.name, e.kind, e.event_date, t.due, t.visited_on FROM care_events e \
         JOIN members m ON m.id = e.member_id LEFT JOIN care_tasks t ON t.event_id = e.id \
         WHERE e.school_id = $1 AND ($2 = '' OR e.member_id = $2) AND ($3 = '' OR m.group_id = $3) \
         ORDER BY e.event_date DESC, e.id LIMIT 500",
    )
    .bind(school_id)
    .bind(member.unwrap_or(""))
    .bind(group.unwrap_or(""))
    .fetch_all(&store.read)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, member_id, member_name, kind, event_date, due, visited_on)| EventLine {
            id,
            member_id,
            member_name,
            kind,
            event_date,
            due,
            visited_on,
        })
        .collect())
}

/// Retirees' milestone birthdays (70/80/90/100) of `year` as tasks; returns how many were new.
pub async fn milestone_tasks(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    year: i32,
) -> Result<usize, CareFail> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, birth_date FROM members WHERE school_id = $1 AND status = 'retired' ORDER BY id")
            .bind(school_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut n = 0;
    for (id, birth) in rows {
        let Some(birth) = birth.as_deref().and_then(date) else { continue };
        let Some((_, on)) = rules::milestone_in(birth, year) else { continue };
        let ev = NewEvent { member_id: &id, kind: "birthday", date: on, note: "", source: "milestone" };
        if report(tx, crypto, school_id, actor, &ev, on, true).await?.created {
            n += 1;
        }
    }
    Ok(n)
}
