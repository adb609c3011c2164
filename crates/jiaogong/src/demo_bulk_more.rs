//! The generated district's care records, books and closed votes (`demo --schools N --members M`):
//! rows shaped as the app writes them (care tasks due per the school's rules, vouchers numbered
//! per month without gaps with the counters to continue from), in the school's transaction.

use chrono::{Datelike, NaiveDate};
use jiaogong_domain::care::{default_rules, due_date};
use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::finance::{self as fin, AccountKind};
use jiaogong_store::district::generate::{insert, V};
use jiaogong_store::{new_id, now_ms, DbKind, Store, Tx};

use crate::demo::Lcg;

/// The must-visit types generated (the school's default rules give their deadline days).
const CARE_KINDS: &[&str] = &["hospitalised", "married", "bereaved", "childbirth", "retired"];
/// Expense accounts the monthly vouchers spend from, with a summary each.
const EXPENSES: &[(&str, &str)] = &[
    ("50101", "教职工培训费"),
    ("50102", "教职工文体活动"),
    ("50105", "会员节日活动"),
    ("50301", "教学技能竞赛奖品"),
    ("50302", "职工之家建设"),
    ("50304", "职工书屋购书"),
    ("50402", "劳动保护用品"),
    ("50501", "工会干部培训"),
    ("50502", "教代会会务"),
];

fn t(s: impl Into<String>) -> V {
    V::T(s.into())
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(2, 0, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or_else(now_ms)
}

/// A visit with money: it reaches the books as a 送温暖 voucher.
pub(crate) struct MoneyVisit {
    id: String,
    date: NaiveDate,
    amount: i64,
    summary: String,
}

/// The year's life events: about one in fifteen active members, each a must-visit task due per
/// the rule's deadline days; three in four visited on time, some late, the rest still open
/// (overdue once past due). Returns the visits with money.
pub(crate) async fn care(
    tx: &mut Tx,
    kind: DbKind,
    school: &str,
    active: &[&String],
    today: NaiveDate,
    rng: &mut Lcg,
) -> anyhow::Result<Vec<MoneyVisit>> {
    let Some(visitor) = active.first() else { return Ok(Vec::new()) };
    let rules = default_rules();
    let start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let span = (today - start).num_days().max(1) as u64;
    let n = (active.len() / 15).max(6).min(active.len());
    let now = now_ms();
    let (mut events, mut tasks, mut visits, mut money) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..n {
        let member = active[(k + 1) % active.len()];
        let code = CARE_KINDS[k % CARE_KINDS.len()];
        let Some(rule) = rules.iter().find(|r| r.code == code) else { continue };
        let event = start + chrono::Days::new(rng.next() % span);
        let Some(due) = due_date(event, rule.deadline_days) else { continue };
        let roll = rng.next() % 100;
        // The first event is always visited on time, the second always open.
        let visit = if k == 0 {
            Some(event)
        } else if k != 1 && roll < 75 {
            Some(event + chrono::Days::new(rng.next() % (rule.deadline_days.max(1) as u64)))
        } else if k != 1 && roll < 88 {
            Some(due + chrono::Days::new(1 + rng.next() % 10))
        } else {
            None
        };
        let visit = visit.filter(|v| *v <= today);
        let (event_id, task_id) = (new_id(), new_id());
        events.push(vec![
            t(&event_id),
            t(school),
            t(member.as_str()),
            t(code),
            t(iso(event)),
            t(""),
            t("report"),
            t("demo"),
            V::I(now),
        ]);
        tasks.push(vec![
            t(&task_id),
            t(school),
            t(&event_id),
            t(member.as_str()),
            t(code),
            t(iso(event)),
            t(iso(due)),
            V::I(1),
            V::N,
            V::N,
            visit.map(|v| t(iso(v))).unwrap_or(V::N),
            V::I(now),
        ]);
        if let Some(v) = visit {
            let id = new_id();
            let with_money = matches!(code, "hospitalised" | "bereaved" | "retired") && rule.standard.0 > 0;
            let (gift, goods, amount) =
                if with_money { ("money", "", rule.standard.0) } else { ("goods", "鲜花、慰问品", 0) };
            visits.push(vec![
                t(&id),
                t(school),
                t(&task_id),
                t(member.as_str()),
                t(code),
                t(iso(v)),
                V::I(i64::from(v.year())),
                t(visitor.as_str()),
                t(gift),
                t(goods),
                V::I(amount),
                t(""),
                t("none"),
                t(new_id()),
                t("demo"),
                V::I(now),
            ]);
            if with_money {
                money.push(MoneyVisit { id, date: v, amount, summary: format!("慰问会员（{code}）") });
            }
        }
    }
    insert(
        tx,
        kind,
        "care_events",
        &["id", "school_id", "member_id", "kind", "event_date", "note", "source", "reported_by", "created_at"],
        events,
    )
    .await?;
    insert(
        tx,
        kind,
        "care_tasks",
        &[
            "id",
            "school_id",
            "event_id",
            "member_id",
            "kind",
            "event_date",
            "due",
            "must_visit",
            "campaign_id",
            "visitor_member_id",
            "visited_on",
            "created_at",
        ],
        tasks,
    )
    .await?;
    insert(
        tx,
        kind,
        "care_visits",
        &[
            "id",
            "school_id",
            "task_id",
            "member_id",
            "kind",
            "visit_date",
            "year",
            "visitors",
            "gift",
            "goods",
            "amount_fen",
            "notes",
            "approval",
            "idem_key",
            "created_by",
            "created_at",
        ],
        visits,
    )
    .await?;
    Ok(money)
}

/// One voucher to write: date, summary, debit account, credit account, amount, its source.
struct Entry {
    date: NaiveDate,
    summary: String,
    debit: &'static str,
    credit: &'static str,
    amount: i64,
    source: Option<(&'static str, String)>,
}

/// The default chart, a year of approved vouchers up to today (the month's dues into 401, three
/// to five expenses, the care visits' money into 50405), numbered 1..n per month, and the
/// counters the app continues from.
pub(crate) async fn books(
    tx: &mut Tx,
    kind: DbKind,
    school: &str,
    active: usize,
    money: &[MoneyVisit],
    today: NaiveDate,
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    let now = now_ms();
    let mut chart = Vec::new();
    for a in fin::DEFAULT_CHART {
        let Some(k) = AccountKind::of_code(a.code) else { continue };
        chart.push(vec![
            t(school),
            t(a.code),
            t(a.name),
            t(k.code()),
            fin::parent_code(a.code).map(t).unwrap_or(V::N),
            V::I(i64::from(a.restricted)),
            V::I(1),
            V::I(now),
        ]);
    }
    insert(
        tx,
        kind,
        "fin_accounts",
        &["school_id", "code", "name", "kind", "parent_code", "restricted", "active", "created_at"],
        chart,
    )
    .await?;
    insert(
        tx,
        kind,
        "fin_settings",
        &["school_id", "threshold_fen", "keep_share_pct", "disclosure_months", "updated_at"],
        vec![vec![t(school), V::I(fin::DEFAULT_THRESHOLD.0), V::I(60), V::I(6), V::I(now)]],
    )
    .await?;
    let (mut vouchers, mut lines, mut counters) = (Vec::new(), Vec::new(), Vec::new());
    let dues = active.max(1) as i64 * 2_500;
    for month in 1..=today.month() {
        let Some(first) = NaiveDate::from_ymd_opt(today.year(), month, 1) else { continue };
        let last_day = if month == today.month() {
            today.day()
        } else {
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(today.year(), month + 1, 1)
            };
            next.and_then(|d| d.pred_opt()).map(|d| d.day()).unwrap_or(28)
        };
        let day = |d: u32| first.with_day(d.clamp(1, last_day)).unwrap_or(first);
        let mut entries = vec![Entry {
            date: day(10),
            summary: format!("{}月会费收入", month),
            debit: "102",
            credit: "401",
            amount: dues,
            source: None,
        }];
        for _ in 0..3 + rng.next() % 3 {
            let (account, summary) = EXPENSES[(rng.next() as usize) % EXPENSES.len()];
            entries.push(Entry {
                date: day(1 + (rng.next() % 28) as u32),
                summary: summary.to_string(),
                debit: account,
                credit: "102",
                amount: dues / 10 + (rng.next() % 50_000) as i64,
                source: None,
            });
        }
        for m in money.iter().filter(|m| m.date.year() == today.year() && m.date.month() == month) {
            entries.push(Entry {
                date: m.date,
                summary: m.summary.clone(),
                debit: "50405",
                credit: "102",
                amount: m.amount,
                source: Some(("care_visit", m.id.clone())),
            });
        }
        entries.sort_by_key(|e| e.date);
        let period = fin::period_of(first);
        for (n, e) in entries.iter().enumerate() {
            let id = new_id();
            let at = ms(e.date);
            let (sk, si) = match &e.source {
                Some((k, i)) => (t(*k), t(i)),
                None => (V::N, V::N),
            };
            let link = match &e.source {
                Some((_, i)) => format!("/care/visits/{i}"),
                None => String::new(),
            };
            vouchers.push(vec![
                t(&id),
                t(school),
                t(&period),
                V::I(n as i64 + 1),
                t(iso(e.date)),
                t(&e.summary),
                t("approved"),
                V::I(e.amount),
                t(""),
                t("demo"),
                t("demo"),
                V::I(at),
                t("demo"),
                V::I(at),
                sk,
                si,
                t(link),
                V::I(0),
                V::I(0),
                V::I(now),
            ]);
            lines.push(vec![t(&id), V::I(0), t(school), t(e.debit), V::I(e.amount), V::I(0)]);
            lines.push(vec![t(&id), V::I(1), t(school), t(e.credit), V::I(0), V::I(e.amount)]);
        }
        counters.push(vec![t(school), t(&period), V::I(entries.len() as i64)]);
    }
    insert(
        tx,
        kind,
        "fin_vouchers",
        &[
            "id",
            "school_id",
            "period",
            "number",
            "voucher_date",
            "summary",
            "state",
            "amount_fen",
            "payee",
            "prepared_by",
            "reviewed_by",
            "reviewed_at",
            "approved_by",
            "approved_at",
            "source_kind",
            "source_id",
            "link",
            "needs_clearance",
            "closing",
            "created_at",
        ],
        vouchers,
    )
    .await?;
    insert(
        tx,
        kind,
        "fin_lines",
        &["voucher_id", "line_no", "school_id", "account_code", "debit_fen", "credit_fen"],
        lines,
    )
    .await?;
    insert(tx, kind, "fin_counters", &["school_id", "period", "last_number"], counters).await?;
    Ok(())
}

/// A closed vote of the delegates on the year's work report, cast through the ballot box as
/// members vote (each ballot sealed on its own), then closed with its turnout.
pub(crate) async fn delegates_vote(
    store: &Store,
    school: &str,
    delegates: &[String],
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    use jiaogong_store::congress::polls;
    if delegates.is_empty() {
        return Ok(());
    }
    let title = "关于《学校工会年度工作报告》的表决";
    let def = serde_json::json!({"title": title, "kind": "resolution",
        "electorate": delegates.len(), "present": 0, "ballots_issued": 0,
        "rules": {"threshold": "1/2", "base": "valid"}});
    let mut tx = store.begin().await?;
    let id = polls::create(&mut tx, school, "resolution", title, &def.to_string(), delegates, "demo").await?;
    polls::set_status(&mut tx, school, &id, PollStatus::Draft, PollStatus::Open).await?;
    jiaogong_store::commit(tx).await?;
    let mut tasks = Vec::new();
    for d in delegates {
        let r = rng.next() % 100;
        if r >= 90 {
            continue;
        }
        let choice = if r < 75 {
            "yes"
        } else if r < 85 {
            "no"
        } else {
            "abstain"
        };
        let (store, poll, member) = (store.clone(), id.clone(), d.clone());
        let content = serde_json::json!({"choice": choice}).to_string();
        tasks.push(tokio::spawn(async move { store.ballot_box().cast(&poll, &member, content).await }));
    }
    for task in tasks {
        task.await?.map_err(|e| anyhow::anyhow!("demo ballot: {e:?}"))?;
    }
    let poll = polls::get(store, school, &id).await?;
    let (_, voted) = polls::turnout(store, &id).await?;
    let mut def: serde_json::Value = serde_json::from_str(&poll.definition)?;
    def["present"] = serde_json::json!(voted);
    def["ballots_issued"] = serde_json::json!(voted);
    let mut tx = store.begin().await?;
    polls::set_definition(&mut tx, &id, &def.to_string()).await?;
    polls::set_status(&mut tx, school, &id, PollStatus::Open, PollStatus::Closed).await?;
    jiaogong_store::commit(tx).await?;
    Ok(())
}
