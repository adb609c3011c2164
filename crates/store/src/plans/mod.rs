//! The annual work plan on both databases: one plan per school and year with its prose
//! sections, goals and month-by-month schedule entries; the records linked to an entry (of the
//! same school only) give its computed progress; next year's plan starts from this year's; the
//! committee adopts it. The year-end summary's figures are in [`summary`].

pub mod summary;

use chrono::NaiveDate;
use jiaogong_domain::plans::{self as rules, Comparison, Goal, LinkKind, Linked, Outcome, Progress};

use crate::platform::audit::{self, Event};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Plan {
    pub id: String,
    pub year: i64,
    pub state: String,
    pub adopted_on: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct GoalView {
    pub id: String,
    pub text: String,
    pub figure: Option<String>,
    pub cmp: Option<Comparison>,
    pub target: Option<i64>,
    pub value: Option<i64>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkView {
    pub kind: String,
    pub id: String,
    pub label: String,
    pub finished: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct EntryView {
    pub id: String,
    pub month: i64,
    pub item: String,
    pub responsible: String,
    pub kind: LinkKind,
    pub done_by_hand: bool,
    pub links: Vec<LinkView>,
    pub progress: Progress,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PlanView {
    pub plan: Plan,
    pub sections: Vec<Section>,
    pub goals: Vec<GoalView>,
    pub entries: Vec<EntryView>,
}

/// A goal as copied into next year's plan: position, text, figure, comparison, target.
type GoalCopy = (i64, String, Option<String>, Option<String>, Option<i64>);
/// A stored goal: id, text, figure, comparison, target, judged.
type GoalRow = (String, String, Option<String>, Option<String>, Option<i64>, Option<i64>);

/// Creates the plan of `year` (conflict when it exists).
pub async fn create(tx: &mut Tx, crypto: &Crypto, school_id: &str, actor: &str, year: i32) -> Result<String> {
    let id = new_id();
    sqlx::query("INSERT INTO plans (id, school_id, year, state, created_at) VALUES ($1, $2, $3, 'draft', $4)")
        .bind(&id)
        .bind(school_id)
        .bind(i64::from(year))
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("plan of this year exists"))?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "plan.create", &id).detail(year.to_string())).await?;
    Ok(id)
}

/// The plan of a year, if any.
pub async fn find(store: &Store, school_id: &str, year: i32) -> Result<Option<Plan>> {
    Ok(sqlx::query_as("SELECT id, year, state, adopted_on FROM plans WHERE school_id = $1 AND year = $2")
        .bind(school_id)
        .bind(i64::from(year))
        .fetch_optional(&store.read)
        .await?)
}

async fn plan_in(tx: &mut Tx, school_id: &str, plan_id: &str) -> Result<()> {
    let ok: Option<(String,)> = sqlx::query_as("SELECT id FROM plans WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(plan_id)
        .fetch_optional(&mut **tx)
        .await?;
    ok.map(|_| ()).ok_or(StoreError::NotFound)
}

async fn next_position(tx: &mut Tx, table: &str, plan_id: &str) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as(&format!("SELECT COALESCE(MAX(position), 0) + 1 FROM {table} WHERE plan_id = $1"))
            .bind(plan_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(n)
}

pub async fn add_section(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    plan_id: &str,
    title: &str,
    body: &str,
) -> Result<String> {
    plan_in(tx, school_id, plan_id).await?;
    let id = new_id();
    let pos = next_position(tx, "plan_sections", plan_id).await?;
    sqlx::query(
        "INSERT INTO plan_sections (id, plan_id, school_id, position, title, body) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(plan_id)
    .bind(school_id)
    .bind(pos)
    .bind(title)
    .bind(body)
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "plan.section", plan_id).detail(title.to_string()))
        .await?;
    Ok(id)
}

/// Adds a goal: bound to a figure of the summary registry, or judged by hand.
pub async fn add_goal(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    plan_id: &str,
    text: &str,
    goal: &Goal,
) -> Result<String> {
    plan_in(tx, school_id, plan_id).await?;
    let (figure, cmp, target, judged) = match goal {
        Goal::Figure { figure, cmp, target } => {
            if !summary::specs().iter().any(|(_, s)| s.code == figure) {
                return Err(StoreError::Invalid("figure".into()));
            }
            (Some(figure.clone()), Some(cmp.code()), Some(*target), None)
        }
        Goal::ByHand { judged } => (None, None, None, judged.map(i64::from)),
    };
    let id = new_id();
    let pos = next_position(tx, "plan_goals", plan_id).await?;
    sqlx::query(
        "INSERT INTO plan_goals (id, plan_id, school_id, position, text, figure, cmp, target, judged) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(plan_id)
    .bind(school_id)
    .bind(pos)
    .bind(text)
    .bind(figure)
    .bind(cmp)
    .bind(target)
    .bind(judged)
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "plan.goal", plan_id).detail(text.to_string()))
        .await?;
    Ok(id)
}

/// The committee's judgement of a goal judged by hand.
pub async fn judge_goal(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    goal_id: &str,
    achieved: Option<bool>,
) -> Result<()> {
    let r = sqlx::query("UPDATE plan_goals SET judged = $1 WHERE school_id = $2 AND id = $3 AND figure IS NULL")
        .bind(achieved.map(i64::from))
        .bind(school_id)
        .bind(goal_id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "plan.judge", goal_id)).await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn add_entry(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    plan_id: &str,
    month: u32,
    item: &str,
    responsible: &str,
    kind: LinkKind,
) -> Result<String> {
    plan_in(tx, school_id, plan_id).await?;
    let id = new_id();
    let pos = next_position(tx, "plan_entries", plan_id).await?;
    sqlx::query(
        "INSERT INTO plan_entries (id, plan_id, school_id, month, item, responsible, kind, position) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(plan_id)
    .bind(school_id)
    .bind(i64::from(month))
    .bind(item)
    .bind(responsible)
    .bind(kind.code())
    .bind(pos)
    .execute(&mut **tx)
    .await?;
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "plan.entry", plan_id).detail(item.to_string()))
        .await?;
    Ok(id)
}

/// The table and date column behind a linkable record kind.
fn record_table(kind: LinkKind) -> Option<&'static str> {
    match kind {
        LinkKind::Activity => Some("activities"),
        LinkKind::CongressSession => Some("congress_sessions"),
        LinkKind::Transparency => Some("transparency_items"),
        LinkKind::Campaign | LinkKind::Disclosure | LinkKind::Other => None,
    }
}

/// Links a record to an entry. The record must be of the entry's school; a kind without
/// records here (campaign, disclosure before finance lands, other) is refused.
pub async fn link(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    entry_id: &str,
    kind: LinkKind,
    record_id: &str,
) -> Result<()> {
    let Some(table) = record_table(kind) else { return Err(StoreError::Invalid("kind".into())) };
    let entry: Option<(String,)> = sqlx::query_as("SELECT id FROM plan_entries WHERE school_id = $1 AND id = $2")
        .bind(school_id)
        .bind(entry_id)
        .fetch_optional(&mut **tx)
        .await?;
    entry.ok_or(StoreError::NotFound)?;
    let rec: Option<(String,)> = sqlx::query_as(&format!("SELECT id FROM {table} WHERE school_id = $1 AND id = $2"))
        .bind(school_id)
        .bind(record_id)
        .fetch_optional(&mut **tx)
        .await?;
    if rec.is_none() {
        return Err(StoreError::Invalid("record of another school or unknown".into()));
    }
    sqlx::query(
        "INSERT INTO plan_links (entry_id, school_id, record_kind, record_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (entry_id, record_kind, record_id) DO NOTHING",
    )
    .bind(entry_id)
    .bind(school_id)
    .bind(kind.code())
    .bind(record_id)
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "plan.link", entry_id).detail(format!("{}:{record_id}", kind.code())),
    )
    .await?;
    Ok(())
}

/// Ticks (or unticks) an entry as done by hand.
pub async fn set_done(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    entry_id: &str,
    done: bool,
) -> Result<()> {
    let r = sqlx::query("UPDATE plan_entries SET done_by_hand = $1 WHERE school_id = $2 AND id = $3")
        .bind(i64::from(done))
        .bind(school_id)
        .bind(entry_id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "plan.done", entry_id)).await?;
    Ok(())
}

/// The committee adopts the plan.
pub async fn adopt(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    plan_id: &str,
    on: NaiveDate,
) -> Result<()> {
    let r = sqlx::query(
        "UPDATE plans SET state = 'adopted', adopted_on = $1, adopted_by = $2 WHERE school_id = $3 AND id = $4",
    )
    .bind(on.format("%Y-%m-%d").to_string())
    .bind(actor)
    .bind(school_id)
    .bind(plan_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    audit::append(tx, crypto, &Event::new(Some(school_id), actor, "plan.adopt", plan_id)).await?;
    Ok(())
}

/// Starts the plan of `to_year` from the plan of `from_year`: sections, goals (unjudged) and
/// entries (no links, not done) are copied.
pub async fn start_from(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    from_year: i32,
    to_year: i32,
) -> Result<String> {
    let from: Option<(String,)> = sqlx::query_as("SELECT id FROM plans WHERE school_id = $1 AND year = $2")
        .bind(school_id)
        .bind(i64::from(from_year))
        .fetch_optional(&mut **tx)
        .await?;
    let (from,) = from.ok_or(StoreError::NotFound)?;
    let id = create(tx, crypto, school_id, actor, to_year).await?;
    let sections: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT position, title, body FROM plan_sections WHERE plan_id = $1 ORDER BY position")
            .bind(&from)
            .fetch_all(&mut **tx)
            .await?;
    for (pos, title, body) in sections {
        sqlx::query(
            "INSERT INTO plan_sections (id, plan_id, school_id, position, title, body) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(&id)
        .bind(school_id)
        .bind(pos)
        .bind(title)
        .bind(body)
        .execute(&mut **tx)
        .await?;
    }
    let goals: Vec<GoalCopy> = sqlx::query_as(
        "SELECT position, text, figure, cmp, target FROM plan_goals WHERE plan_id = $1 ORDER BY position",
    )
    .bind(&from)
    .fetch_all(&mut **tx)
    .await?;
    for (pos, text, figure, cmp, target) in goals {
        sqlx::query(
            "INSERT INTO plan_goals (id, plan_id, school_id, position, text, figure, cmp, target) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(&id)
        .bind(school_id)
        .bind(pos)
        .bind(text)
        .bind(figure)
        .bind(cmp)
        .bind(target)
        .execute(&mut **tx)
        .await?;
    }
    let entries: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT position, month, item, responsible, kind FROM plan_entries WHERE plan_id = $1 ORDER BY position",
    )
    .bind(&from)
    .fetch_all(&mut **tx)
    .await?;
    for (pos, month, item, responsible, kind) in entries {
        sqlx::query(
            "INSERT INTO plan_entries (id, plan_id, school_id, month, item, responsible, kind, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(&id)
        .bind(school_id)
        .bind(month)
        .bind(item)
        .bind(responsible)
        .bind(kind)
        .bind(pos)
        .execute(&mut **tx)
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "plan.start_from", &id).detail(from_year.to_string()),
    )
    .await?;
    Ok(id)
}

/// The plan of `year` with every entry's progress computed on `today` and every goal evaluated.
pub async fn view(store: &Store, school_id: &str, year: i32, today: NaiveDate) -> Result<Option<PlanView>> {
    let Some(plan) = find(store, school_id, year).await? else { return Ok(None) };
    let sections: Vec<Section> =
        sqlx::query_as("SELECT id, title, body FROM plan_sections WHERE plan_id = $1 ORDER BY position")
            .bind(&plan.id)
            .fetch_all(&store.read)
            .await?;
    let goal_rows: Vec<GoalRow> = sqlx::query_as(
        "SELECT id, text, figure, cmp, target, judged FROM plan_goals WHERE plan_id = $1 ORDER BY position",
    )
    .bind(&plan.id)
    .fetch_all(&store.read)
    .await?;
    let values = if goal_rows.iter().any(|g| g.2.is_some()) {
        summary::figure_values(store, school_id, year).await?
    } else {
        Default::default()
    };
    let goals = goal_rows
        .into_iter()
        .map(|(id, text, figure, cmp, target, judged)| {
            let cmp = cmp.as_deref().and_then(Comparison::from_code);
            let goal = match (&figure, cmp, target) {
                (Some(f), Some(c), Some(t)) => Goal::Figure { figure: f.clone(), cmp: c, target: t },
                _ => Goal::ByHand { judged: judged.map(|j| j != 0) },
            };
            let value = figure.as_ref().and_then(|f| values.get(f).copied());
            GoalView { outcome: rules::evaluate(&goal, value), id, text, figure, cmp, target, value }
        })
        .collect();
    let entry_rows: Vec<(String, i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, month, item, responsible, kind, done_by_hand FROM plan_entries WHERE plan_id = $1 ORDER BY month, position",
    )
    .bind(&plan.id)
    .fetch_all(&store.read)
    .await?;
    let today_s = today.format("%Y-%m-%d").to_string();
    let now = now_ms();
    let link_rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT l.entry_id, l.record_kind, l.record_id, COALESCE(a.title, s.title, t.title, ''), \
           CASE WHEN a.id IS NOT NULL AND a.cancelled = 0 AND a.ends_at <= $2 THEN 1 \
                WHEN s.id IS NOT NULL AND s.held_on <= $3 THEN 1 \
                WHEN t.id IS NOT NULL AND t.start_day <= $3 THEN 1 ELSE 0 END \
         FROM plan_links l JOIN plan_entries e ON e.id = l.entry_id \
         LEFT JOIN activities a ON l.record_kind = 'activity' AND a.id = l.record_id AND a.school_id = l.school_id \
         LEFT JOIN congress_sessions s ON l.record_kind = 'congress_session' AND s.id = l.record_id AND s.school_id = l.school_id \
         LEFT JOIN transparency_items t ON l.record_kind = 'transparency' AND t.id = l.record_id AND t.school_id = l.school_id \
         WHERE e.plan_id = $1",
    )
    .bind(&plan.id)
    .bind(now)
    .bind(&today_s)
    .fetch_all(&store.read)
    .await?;
    let entries = entry_rows
        .into_iter()
        .map(|(id, month, item, responsible, kind, done)| {
            let links: Vec<LinkView> = link_rows
                .iter()
                .filter(|l| l.0 == id)
                .map(|l| LinkView { kind: l.1.clone(), id: l.2.clone(), label: l.3.clone(), finished: l.4 != 0 })
                .collect();
            let linked: Vec<Linked> = links.iter().map(|l| Linked { finished: l.finished }).collect();
            let m = u32::try_from(month).unwrap_or(0);
            EntryView {
                progress: rules::progress(year, m, &linked, done != 0, today),
                kind: LinkKind::from_code(&kind).unwrap_or(LinkKind::Other),
                done_by_hand: done != 0,
                id,
                month,
                item,
                responsible,
                links,
            }
        })
        .collect();
    Ok(Some(PlanView { plan, sections, goals, entries }))
}

/// Progress counts per month (1..=12), for the month chart.
pub fn month_counts(entries: &[EntryView]) -> Vec<(u32, [usize; 4])> {
    (1..=12u32)
        .map(|m| {
            let mut c = [0usize; 4];
            for e in entries.iter().filter(|e| e.month == i64::from(m)) {
                let i = match e.progress {
                    Progress::Done => 0,
                    Progress::InProgress => 1,
                    Progress::NotStarted => 2,
                    Progress::Overdue => 3,
                };
                c[i] += 1;
            }
            (m, c)
        })
        .collect()
}

/// This month's entries not done yet (the chair's to-do list).
pub async fn this_month(store: &Store, school_id: &str, today: NaiveDate) -> Result<Vec<EntryView>> {
    use chrono::Datelike;
    let Some(v) = view(store, school_id, today.year(), today).await? else { return Ok(Vec::new()) };
    Ok(v.entries.into_iter().filter(|e| e.month == i64::from(today.month()) && e.progress != Progress::Done).collect())
}

/// Records of the school a plan entry of `kind` may link to, newest first: (id, label).
pub async fn linkable(store: &Store, school_id: &str, kind: LinkKind, limit: i64) -> Result<Vec<(String, String)>> {
    let sql = match kind {
        LinkKind::Activity => {
            "SELECT id, title FROM activities WHERE school_id = $1 AND cancelled = 0 ORDER BY starts_at DESC LIMIT $2"
        }
        LinkKind::CongressSession => {
            "SELECT id, title FROM congress_sessions WHERE school_id = $1 ORDER BY held_on DESC LIMIT $2"
        }
        LinkKind::Transparency => {
            "SELECT id, title FROM transparency_items WHERE school_id = $1 ORDER BY start_day DESC LIMIT $2"
        }
        LinkKind::Campaign | LinkKind::Disclosure | LinkKind::Other => return Ok(Vec::new()),
    };
    Ok(sqlx::query_as(sql).bind(school_id).bind(limit).fetch_all(&store.read).await?)
}
