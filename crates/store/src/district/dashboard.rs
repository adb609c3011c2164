//! The district dashboard's summaries: each school's figures of a year as key/value rows in
//! `school_figures`, computed by a fixed number of aggregate statements per school and kept
//! current by [`refresh_changed`] (the scheduler's tick): a school is recomputed when its audit
//! log moved since the last tick (every change is audited), when it has no figures yet, and at
//! least every [`STALE_MS`] (figures that depend on today, such as an overdue visit). The
//! dashboard reads the stored rows only: one statement whatever the number of members.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use jiaogong_domain::district::dashboard::{code, disclosure_deadline, SPENDING_ACCOUNTS};

use super::hierarchy::{self, SubtreeSchool};
use crate::{now_ms, Result, Store, Tx};

/// A school's figures are recomputed at least this often even when nothing was audited.
pub const STALE_MS: i64 = 6 * 3_600_000;

/// Computes a school's figures of `year` as of `today` from the records.
pub async fn compute(store: &Store, school_id: &str, year: i32, today: NaiveDate) -> Result<BTreeMap<String, i64>> {
    let mut f = BTreeMap::new();
    let (from, to) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let today_s = today.format("%Y-%m-%d").to_string();
    let (active, retired, non_member): (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT CAST(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN status = 'retired' THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN status = 'non_member' THEN 1 ELSE 0 END) AS BIGINT) FROM members WHERE school_id = $1",
    )
    .bind(school_id)
    .fetch_one(&store.read)
    .await?;
    let (active, retired, non_member) = (active.unwrap_or(0), retired.unwrap_or(0), non_member.unwrap_or(0));
    f.insert(code::MEMBERS.into(), active);
    f.insert(code::RETIRED.into(), retired);
    // 入会率: in-service members over in-service staff (members and staff who have not joined).
    f.insert(code::STAFF.into(), active.saturating_add(non_member));

    let (sessions,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM congress_sessions WHERE school_id = $1 AND held_on >= $2 AND held_on <= $3",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .fetch_one(&store.read)
    .await?;
    f.insert(code::CONGRESS_SESSIONS.into(), sessions);

    // Proposals of the year whose reply fell due by today (or that were answered), and those
    // answered on or before the due day of their first reply round.
    let (due, on_time): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM proposal_replies r WHERE r.proposal_id = p.id \
         AND r.replied_on <= r.due_on) THEN 1 ELSE 0 END) AS BIGINT) FROM proposals p WHERE p.school_id = $1 \
         AND p.submitted_on >= $2 AND p.submitted_on <= $3 AND ((p.due_on IS NOT NULL AND p.due_on <= $4) \
         OR EXISTS (SELECT 1 FROM proposal_replies r2 WHERE r2.proposal_id = p.id))",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .bind(&today_s)
    .fetch_one(&store.read)
    .await?;
    f.insert(code::PROPOSALS_DUE.into(), due);
    f.insert(code::PROPOSALS_ON_TIME.into(), on_time.unwrap_or(0));

    let (_, care) = crate::care::figures::compliance(store, school_id, year, today).await?;
    f.insert(code::CARE_DECIDED.into(), care.decided());
    f.insert(code::CARE_ON_TIME.into(), care.on_time);

    // The two half-yearly disclosures: due once their deadline has passed (or published).
    let published: Vec<(String, String, Option<i64>)> = sqlx::query_as(
        "SELECT period_from, period_to, published_at FROM fin_disclosures WHERE school_id = $1 AND state = 'published' \
         AND period_from >= $2 AND period_to <= $3",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(&store.read)
    .await?;
    let (mut d_due, mut d_on_time) = (0i64, 0i64);
    for (first, (p_from, p_to)) in [
        (true, (format!("{year:04}-01-01"), format!("{year:04}-06-30"))),
        (false, (format!("{year:04}-07-01"), to.clone())),
    ] {
        let Some(deadline) = disclosure_deadline(year, first) else { continue };
        let done = published.iter().find(|(a, b, _)| a.get(..7) == p_from.get(..7) && b.get(..7) == p_to.get(..7));
        if done.is_some() || deadline < today {
            d_due += 1;
        }
        let deadline_ms = deadline.succ_opt().map(crate::cn_day_start_ms).unwrap_or(i64::MAX);
        if done.is_some_and(|(_, _, at)| at.is_some_and(|at| at < deadline_ms)) {
            d_on_time += 1;
        }
    }
    f.insert(code::DISCLOSURES_DUE.into(), d_due);
    f.insert(code::DISCLOSURES_ON_TIME.into(), d_on_time);

    let spent: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT SUBSTR(l.account_code, 1, 3), CAST(SUM(l.debit_fen) AS BIGINT), CAST(SUM(l.credit_fen) AS BIGINT) \
         FROM fin_lines l JOIN fin_vouchers v ON v.id = l.voucher_id WHERE v.school_id = $1 AND l.school_id = $1 \
         AND v.state = 'approved' AND v.closing = 0 AND v.voucher_date >= $2 AND v.voucher_date <= $3 \
         AND l.account_code LIKE '5%' GROUP BY SUBSTR(l.account_code, 1, 3)",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(&store.read)
    .await?;
    let mut total = 0i64;
    for acc in SPENDING_ACCOUNTS {
        f.insert(format!("{}{acc}", code::SPENT_PREFIX), 0);
    }
    for (acc, d, c) in spent {
        let net = d.unwrap_or(0).saturating_sub(c.unwrap_or(0));
        total = total.saturating_add(net);
        f.insert(format!("{}{acc}", code::SPENT_PREFIX), net);
    }
    f.insert(code::SPENT.into(), total);

    let items: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT end_day, decision_day FROM transparency_items WHERE school_id = $1 AND start_day >= $2 AND start_day <= $3",
    )
    .bind(school_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(&store.read)
    .await?;
    let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let on_time = items
        .iter()
        .filter(|(end, decision)| {
            parse(end).is_some_and(|e| jiaogong_domain::transparency::on_time(e, decision.as_deref().and_then(parse)))
        })
        .count();
    f.insert(code::TP_ITEMS.into(), items.len() as i64);
    f.insert(code::TP_ON_TIME.into(), on_time as i64);
    Ok(f)
}

/// Writes a school's figures of `year` (all of its rows replaced at once).
pub async fn store_figures(
    tx: &mut Tx,
    school_id: &str,
    year: i32,
    figures: &BTreeMap<String, i64>,
    at: i64,
) -> Result<()> {
    // Figures other areas write themselves (the self-score) are kept.
    sqlx::query("DELETE FROM school_figures WHERE school_id = $1 AND year = $2 AND code NOT LIKE 'assessment.%'")
        .bind(school_id)
        .bind(i64::from(year))
        .execute(&mut **tx)
        .await?;
    let rows: Vec<(&String, &i64)> = figures.iter().collect();
    for chunk in rows.chunks(100) {
        let mut sql = String::from("INSERT INTO school_figures (school_id, year, code, value) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("($1, $2, ${}, ${})", 3 + 2 * i, 4 + 2 * i));
        }
        sql.push_str(" ON CONFLICT (school_id, year, code) DO UPDATE SET value = excluded.value");
        let mut q = sqlx::query(&sql).bind(school_id).bind(i64::from(year));
        for (k, v) in chunk {
            q = q.bind((*k).clone()).bind(**v);
        }
        q.execute(&mut **tx).await?;
    }
    sqlx::query(
        "INSERT INTO school_figures_state (school_id, year, refreshed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (school_id) DO UPDATE SET year = excluded.year, refreshed_at = excluded.refreshed_at",
    )
    .bind(school_id)
    .bind(i64::from(year))
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes one figure another area owns (the assessment's self-score), kept across refreshes.
pub async fn set_figure(tx: &mut Tx, school_id: &str, year: i32, code: &str, value: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO school_figures (school_id, year, code, value) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (school_id, year, code) DO UPDATE SET value = excluded.value",
    )
    .bind(school_id)
    .bind(i64::from(year))
    .bind(code)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recomputes one school's figures of `today`'s year now.
pub async fn refresh_school(store: &Store, school_id: &str, today: NaiveDate) -> Result<()> {
    let year = today.year();
    let figures = compute(store, school_id, year, today).await?;
    let mut tx = store.begin().await?;
    store_figures(&mut tx, school_id, year, &figures, now_ms()).await?;
    tx.commit().await?;
    Ok(())
}

/// What one refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// Schools whose audit log moved since the last tick.
    pub changed: usize,
    /// Schools without figures, or whose figures were older than [`STALE_MS`] or of last year.
    pub stale: usize,
}

/// The scheduler's tick: recomputes the schools that changed since the last tick (read from the
/// audit log past the stored mark, by its primary key), those never computed, and up to
/// `stale_limit` of those not recomputed for [`STALE_MS`]; then moves the mark.
pub async fn refresh_changed(store: &Store, today: NaiveDate, stale_limit: i64) -> Result<Refreshed> {
    let year = today.year();
    let now = now_ms();
    let mark: Option<(i64,)> =
        sqlx::query_as("SELECT seq FROM school_figures_mark WHERE id = 1").fetch_optional(&store.write).await?;
    let mark = mark.map(|m| m.0).unwrap_or(0);
    let (head,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM audit_log").fetch_one(&store.write).await?;
    let head = head.unwrap_or(0);
    let changed: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT a.school_id FROM audit_log a JOIN schools s ON s.id = a.school_id \
         WHERE a.seq > $1 AND a.seq <= $2",
    )
    .bind(mark)
    .bind(head)
    .fetch_all(&store.write)
    .await?;
    let stale: Vec<(String,)> = sqlx::query_as(
        "SELECT s.id FROM schools s LEFT JOIN school_figures_state f ON f.school_id = s.id \
         WHERE f.school_id IS NULL OR f.year <> $1 OR f.refreshed_at < $2 ORDER BY COALESCE(f.refreshed_at, 0) LIMIT $3",
    )
    .bind(i64::from(year))
    .bind(now - STALE_MS)
    .bind(stale_limit)
    .fetch_all(&store.write)
    .await?;
    let mut done = std::collections::BTreeSet::new();
    let mut out = Refreshed::default();
    for (id,) in &changed {
        if done.insert(id.clone()) {
            refresh_school(store, id, today).await?;
            out.changed += 1;
        }
    }
    for (id,) in &stale {
        if done.insert(id.clone()) {
            refresh_school(store, id, today).await?;
            out.stale += 1;
        }
    }
    sqlx::query(
        "INSERT INTO school_figures_mark (id, seq, at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, at = excluded.at",
    )
    .bind(head)
    .bind(now)
    .execute(&store.write)
    .await?;
    Ok(out)
}

/// A school of the dashboard with its stored figures.
#[derive(Debug, Clone)]
pub struct SchoolFigures {
    pub school: SubtreeSchool,
    pub figures: BTreeMap<String, i64>,
    /// When the figures were computed (ms); `None` before the first refresh.
    pub refreshed_at: Option<i64>,
}

/// The stored figures of every school of a district's subtree (`None`: every school), two
/// statements whatever the number of records.
pub async fn subtree_figures(store: &Store, district: Option<&str>, year: i32) -> Result<Vec<SchoolFigures>> {
    let schools = hierarchy::subtree_schools(store, district).await?;
    type Stored = (Vec<(String, String, i64)>, Vec<(String, i64)>);
    let (figs, states): Stored = match district {
        Some(d) => {
            let cte = "WITH RECURSIVE sub(id) AS (SELECT id FROM districts WHERE id = $1 \
                UNION SELECT dd.id FROM districts dd JOIN sub ON dd.parent_id = sub.id)";
            let f = sqlx::query_as(&format!(
                "{cte} SELECT f.school_id, f.code, f.value FROM school_figures f JOIN schools s ON s.id = f.school_id \
                 JOIN sub ON sub.id = s.district_id WHERE f.year = $2"
            ))
            .bind(d)
            .bind(i64::from(year))
            .fetch_all(&store.read)
            .await?;
            let st = sqlx::query_as(&format!(
                "{cte} SELECT f.school_id, f.refreshed_at FROM school_figures_state f JOIN schools s ON s.id = f.school_id \
                 JOIN sub ON sub.id = s.district_id WHERE f.year = $2"
            ))
            .bind(d)
            .bind(i64::from(year))
            .fetch_all(&store.read)
            .await?;
            (f, st)
        }
        None => {
            let f = sqlx::query_as("SELECT school_id, code, value FROM school_figures WHERE year = $1")
                .bind(i64::from(year))
                .fetch_all(&store.read)
                .await?;
            let st = sqlx::query_as("SELECT school_id, refreshed_at FROM school_figures_state WHERE year = $1")
                .bind(i64::from(year))
                .fetch_all(&store.read)
                .await?;
            (f, st)
        }
    };
    let mut by_school: std::collections::HashMap<String, BTreeMap<String, i64>> = std::collections::HashMap::new();
    for (s, c, v) in figs {
        by_school.entry(s).or_default().insert(c, v);
    }
    let states: std::collections::HashMap<String, i64> = states.into_iter().collect();
    Ok(schools
        .into_iter()
        .map(|school| SchoolFigures {
            figures: by_school.remove(&school.id).unwrap_or_default(),
            refreshed_at: states.get(&school.id).copied(),
            school,
        })
        .collect())
}

/// One school's stored figures of a year and when they were computed.
pub async fn school_figures(store: &Store, school_id: &str, year: i32) -> Result<(BTreeMap<String, i64>, Option<i64>)> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT code, value FROM school_figures WHERE school_id = $1 AND year = $2")
            .bind(school_id)
            .bind(i64::from(year))
            .fetch_all(&store.read)
            .await?;
    let at: Option<(i64,)> =
        sqlx::query_as("SELECT refreshed_at FROM school_figures_state WHERE school_id = $1 AND year = $2")
            .bind(school_id)
            .bind(i64::from(year))
            .fetch_optional(&store.read)
            .await?;
    Ok((rows.into_iter().collect(), at.map(|a| a.0)))
}
