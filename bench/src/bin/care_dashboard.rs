//! The care dashboard at scale (issue 15): a school with 10 years of events (`--events` 20,000,
//! of which 18,000 were visited) on a fresh SQLite file. The dashboard page (`/care` for the
//! year, as the welfare committee member: counts, compliance per month, the chart, the overdue
//! list) through the whole router in process, p99 over `--runs` requests, vs the same figures
//! read by hand-written SQL (one GROUP BY for the year's compliance per month, the counts, the
//! overdue list) on the same pool, p99 over the same number of runs. And the SQL statements of
//! one page at 1× and at 10× the events, which must be equal.
//!
//! `care_dashboard --dir DIR [--events 20000] [--runs 300]`

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bench::{arg, req_arg};
use chrono::{Datelike, Duration, NaiveDate};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{platform::tenancy, Crypto, Store};
use jiaogong_web::{AppState, WebConfig};
use tower::ServiceExt;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The event types in turn; every tenth event is a birthday, which needs no visit.
const KINDS: [&str; 10] = [
    "hospitalised",
    "childbirth",
    "married",
    "bereaved",
    "retired",
    "hardship",
    "birthday",
    "festival",
    "hospitalised",
    "childbirth",
];

fn must_visit(kind: &str) -> bool {
    matches!(kind, "hospitalised" | "childbirth" | "married" | "bereaved" | "retired" | "hardship")
}

fn deadline_days(kind: &str) -> i64 {
    if matches!(kind, "hospitalised" | "bereaved") {
        7
    } else {
        30
    }
}

struct Fixture {
    app: axum::Router,
    cookie: String,
    store: Store,
    school: String,
    today: NaiveDate,
    events: usize,
    visits: usize,
}

/// `n` events spread over the ten years before `today`, 300 members, in multi-row statements.
async fn fixture(dir: &std::path::Path, n: usize, today: NaiveDate) -> anyhow::Result<Fixture> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("care-{}.db", jiaogong_store::new_id()));
    let store = Store::open(&format!("sqlite://{}", path.display()), Crypto::new([7u8; 32])).await?;
    let mut tx = store.begin().await?;
    let school = tenancy::create_school(&mut tx, None, "基准学校", "bench").await?;
    jiaogong_store::commit(tx).await?;
    let people = bench::add_members(&store, &school, 300, 15, "340104", "C").await?;
    let start = today - Duration::days(3650);
    let span = 3640.0;
    let mut tx = store.begin().await?;
    let mut visits = 0;
    for chunk in (0..n).collect::<Vec<_>>().chunks(400) {
        let mut ev = String::from(
            "INSERT INTO care_events (id, school_id, member_id, kind, event_date, note, source, reported_by, created_at) VALUES ",
        );
        let mut ta = String::from(
            "INSERT INTO care_tasks (id, school_id, event_id, member_id, kind, event_date, due, must_visit, visited_on, created_at) VALUES ",
        );
        let mut vi = String::from(
            "INSERT INTO care_visits (id, school_id, task_id, member_id, kind, visit_date, year, visitors, gift, goods, amount_fen, \
             notes, approval, idem_key, created_by, created_at) VALUES ",
        );
        let (mut first_task, mut first_visit) = (true, true);
        for (k, &i) in chunk.iter().enumerate() {
            let kind = KINDS[i % KINDS.len()];
            let member = &people[i % people.len()];
            let day = start + Duration::days((i as f64 * span / n as f64) as i64);
            let sep = if k == 0 { "" } else { ", " };
            ev.push_str(&format!(
                "{sep}('e{i:08}', '{school}', '{member}', '{kind}', '{day}', '', 'committee', 'u-welfare', 0)"
            ));
            if kind == "birthday" {
                continue;
            }
            let due = day + Duration::days(deadline_days(kind));
            let visit_day = day + Duration::days((i % 9) as i64);
            let visited = visit_day < today;
            let sep = if first_task { "" } else { ", " };
            first_task = false;
            ta.push_str(&format!(
                "{sep}('t{i:08}', '{school}', 'e{i:08}', '{member}', '{kind}', '{day}', '{due}', {}, {}, 0)",
                i64::from(must_visit(kind)),
                if visited { format!("'{visit_day}'") } else { "NULL".into() }
            ));
            if visited {
                let sep = if first_visit { "" } else { ", " };
                first_visit = false;
                visits += 1;
                let amount = if i % 3 == 0 { 50_000 } else { 0 };
                vi.push_str(&format!(
                    "{sep}('v{i:08}', '{school}', 't{i:08}', '{member}', '{kind}', '{visit_day}', {}, '', '{}', '水果', {amount}, '', 'none', 'k{i:08}', 'u-welfare', 0)",
                    visit_day.year(),
                    if amount > 0 { "money" } else { "goods" }
                ));
            }
        }
        sqlx::query(&ev).execute(&mut *tx).await?;
        if !first_task {
            sqlx::query(&ta).execute(&mut *tx).await?;
        }
        if !first_visit {
            sqlx::query(&vi).execute(&mut *tx).await?;
        }
    }
    let user = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&school),
            district_id: None,
            username: "welfare",
            display_name: "welfare",
            password_hash: "unused",
            role: Role::Welfare,
            member_id: None,
        },
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    sqlx::query("ANALYZE").execute(store.reader()).await?;
    let (token, _) = accounts::create_session(&store, &user).await?;
    let app = jiaogong_web::app(AppState { store: store.clone(), config: Arc::new(WebConfig::default()) });
    Ok(Fixture { app, cookie: format!("jg_session={token}"), store, school, today, events: n, visits })
}

async fn page(f: &Fixture) -> anyhow::Result<usize> {
    let req = Request::builder()
        .uri(format!("/care?year={}", f.today.year()))
        .header("cookie", &f.cookie)
        .body(Body::empty())?;
    let r = f.app.clone().oneshot(req).await?;
    anyhow::ensure!(r.status() == StatusCode::OK, "care dashboard: {}", r.status());
    Ok(axum::body::to_bytes(r.into_body(), usize::MAX).await?.len())
}

/// The same figures by hand: the year's compliance per month in one GROUP BY, the counts, the
/// overdue list and the visits awaiting approval.
async fn raw(f: &Fixture) -> anyhow::Result<usize> {
    let pool = f.store.reader();
    let today = f.today.to_string();
    let year = f.today.year();
    let months: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT SUBSTR(event_date, 6, 2), COUNT(*), \
         CAST(SUM(CASE WHEN visited_on IS NOT NULL AND visited_on <= due THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN visited_on > due THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN visited_on IS NULL AND due < $4 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM care_tasks WHERE school_id = $1 AND must_visit = 1 AND event_date >= $2 AND event_date <= $3 GROUP BY 1",
    )
    .bind(&f.school)
    .bind(format!("{year}-01-01"))
    .bind(format!("{year}-12-31"))
    .bind(&today)
    .fetch_all(pool)
    .await?;
    let (open, overdue): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), CAST(SUM(CASE WHEN due < $2 THEN 1 ELSE 0 END) AS BIGINT) FROM care_tasks WHERE school_id = $1 AND visited_on IS NULL",
    )
    .bind(&f.school)
    .bind(&today)
    .fetch_one(pool)
    .await?;
    let (awaiting,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM care_visits WHERE school_id = $1 AND approval <> 'none' AND approved_by IS NULL",
    )
    .bind(&f.school)
    .fetch_one(pool)
    .await?;
    let (reviews,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM care_hardship_files WHERE school_id = $1 AND closed_on IS NULL AND review_due < $2",
    )
    .bind(&f.school)
    .bind(&today)
    .fetch_one(pool)
    .await?;
    let (requests,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM care_requests WHERE school_id = $1 AND state IN ('submitted', 'accepted', 'assigned', 'reopened') AND due < $2",
    )
    .bind(&f.school)
    .bind(&today)
    .fetch_one(pool)
    .await?;
    let list: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT t.id, t.kind, t.due, m.name FROM care_tasks t JOIN members m ON m.id = t.member_id \
         WHERE t.school_id = $1 AND t.visited_on IS NULL AND t.due < $2 ORDER BY t.due, t.id LIMIT 2000",
    )
    .bind(&f.school)
    .bind(&today)
    .fetch_all(pool)
    .await?;
    let awaiting_list: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, visit_date FROM care_visits WHERE school_id = $1 AND approval <> 'none' AND approved_by IS NULL \
         ORDER BY visit_date DESC, id LIMIT 2000",
    )
    .bind(&f.school)
    .fetch_all(pool)
    .await?;
    Ok(months.len()
        + usize::try_from(open + overdue.unwrap_or(0) + awaiting + reviews + requests).unwrap_or(0)
        + list.len()
        + awaiting_list.len())
}

fn p99(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[(v.len() * 99 / 100).min(v.len() - 1)]
}

/// SQL statements of one page, the most seen over a few requests with the read caches stale.
async fn statements(f: &Fixture) -> anyhow::Result<u64> {
    page(f).await?;
    let mut most = 0;
    for _ in 0..5 {
        jiaogong_store::platform::cache::bump_all();
        bench::statements::start();
        page(f).await?;
        most = most.max(bench::statements::stop());
    }
    Ok(most)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    bench::statements::install()?;
    let dir = std::path::PathBuf::from(req_arg("--dir")?);
    let n: usize = arg("--events").and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let runs: usize = arg("--runs").and_then(|s| s.parse().ok()).unwrap_or(300).max(10);
    let today = jiaogong_store::today_cn();
    let one = fixture(&dir.join("1x"), n, today).await?;
    // Warm both paths, then alternate them so that both see the same machine.
    for _ in 0..20 {
        page(&one).await?;
        raw(&one).await?;
    }
    let (mut pages, mut raws) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    let mut bytes = 0;
    for _ in 0..runs {
        let t = Instant::now();
        bytes = page(&one).await?;
        pages.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        raw(&one).await?;
        raws.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (pp, rp) = (p99(pages), p99(raws));
    let s1 = statements(&one).await?;
    let ten = fixture(&dir.join("10x"), n * 10, today).await?;
    let s10 = statements(&ten).await?;
    anyhow::ensure!(s1 > 0, "no statements counted: is sqlx's statement logging on?");
    println!(
        "scenario-care page/raw_p99={:.2} page_p99_ms={pp:.2} raw_p99_ms={rp:.2} statements_1x={s1} statements_10x={s10} \
         events={} visits={} events_10x={} page_bytes={bytes} runs={runs} (targets: <=2.0, equal statements)",
        pp / rp,
        one.events,
        one.visits,
        ten.events,
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
