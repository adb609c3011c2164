//! Scenario 5 for proposals: the public proposals list page at 1× and 10× the proposals of a
//! session (each with two co-signers and a reply). Requests go through the whole application
//! router in process (session cookie, access guard, school scope, page), `--conc` at a time for
//! `--secs` seconds per size; the ratio is requests/s at 1× over requests/s at 10× (target ≤ 1.5).
//!
//! SQL statements per request are counted from sqlx's own per-statement events (`sqlx::query`,
//! one per statement executed) by a tracing layer switched on only while counting, over a few
//! requests after a warm-up (so the few-seconds school cache is in the same state at both sizes).
//!
//! `proposals_growth [--n 200] [--secs 5] [--conc 16] [--dir DIR]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use bench::arg;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{congress, members, platform::tenancy, Crypto, Store};
use jiaogong_web::{AppState, WebConfig};
use tower::ServiceExt;

struct Fixture {
    app: axum::Router,
    cookie: String,
    uri: String,
    store: Store,
}

/// A school with 60 delegates, one session holding `n` accepted proposals (every fifth overdue,
/// the rest replied), each with two co-signers; a member's session to read the list.
async fn fixture(dir: &std::path::Path, n: usize) -> anyhow::Result<Fixture> {
    std::fs::create_dir_all(dir)?;
    let store = Store::open(&format!("sqlite://{}", dir.join("bench.db").display()), Crypto::new([7u8; 32])).await?;
    let mut tx = store.begin().await?;
    let school = tenancy::create_school(&mut tx, None, "基准学校", "bench").await?;
    let rows: Vec<_> = (0..60)
        .map(|i| {
            let m = validate_member(
                &RawMember::new().with(Field::Name, format!("代表{i}")).with(Field::EmployeeNo, format!("B{i:04}")),
            )
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            Ok((m, None, None))
        })
        .collect::<anyhow::Result<_>>()?;
    let people = members::insert_many(&store, &mut tx, &school, &rows).await?;
    let term = congress::term(&mut tx, &school, 1, "2025-09-01").await?;
    let session = congress::create_session(&mut tx, &school, &term, 1, "第一届一次", "2025-11-20").await?;
    for p in &people {
        congress::add_delegate(&mut tx, &school, &term, p, "2025-09-01").await?;
    }
    let user = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&school),
            district_id: None,
            username: "reader",
            display_name: "reader",
            password_hash: "unused",
            role: Role::Member,
            member_id: Some(&people[0]),
        },
    )
    .await?;
    // Bulk rows in multi-row statements: this measures reading, not the step-by-step writes.
    for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
        let mut p_sql = String::from(
            "INSERT INTO proposals (id, school_id, session_id, number, title, reason, measures, category, proposer_id, state, round, department, due_on, submitted_on, created_at, updated_at) VALUES ",
        );
        let mut c_sql = String::from("INSERT INTO proposal_cosigners (proposal_id, member_id, signed_at) VALUES ");
        let mut r_sql = String::from(
            "INSERT INTO proposal_replies (id, proposal_id, school_id, round, department, status, measures, reason, due_on, replied_on, recorded_by, created_at) VALUES ",
        );
        let mut first_reply = true;
        for (k, i) in chunk.iter().enumerate() {
            let id = format!("p{i:08}");
            let overdue = i % 5 == 0;
            let (state, due) = if overdue { ("assigned", "2026-01-15") } else { ("closed", "2026-03-31") };
            let sep = if k == 0 { "" } else { ", " };
            p_sql.push_str(&format!(
                "{sep}('{id}', '{school}', '{session}', {num}, '关于第{num}件事项的提案', '案由', '措施', 'logistics', '{prop}', '{state}', 1, '总务处', '{due}', '2025-10-20', 0, 0)",
                num = i + 1,
                prop = people[i % 60],
            ));
            c_sql.push_str(&format!(
                "{sep}('{id}', '{}', 0), ('{id}', '{}', 0)",
                people[(i + 1) % 60],
                people[(i + 2) % 60]
            ));
            if !overdue {
                let sep = if first_reply { "" } else { ", " };
                first_reply = false;
                r_sql.push_str(&format!(
                    "{sep}('r{i:08}', '{id}', '{school}', 1, '总务处', 'solved', '已解决', '', '{due}', '2026-03-01', 'chair', 0)"
                ));
            }
        }
        sqlx::query(&p_sql).execute(&mut *tx).await?;
        sqlx::query(&c_sql).execute(&mut *tx).await?;
        if !first_reply {
            sqlx::query(&r_sql).execute(&mut *tx).await?;
        }
    }
    jiaogong_store::commit(tx).await?;
    let (token, _) = accounts::create_session(&store, &user).await?;
    let app = jiaogong_web::app(AppState { store: store.clone(), config: Arc::new(WebConfig::default()) });
    Ok(Fixture {
        app,
        cookie: format!("jg_session={token}"),
        uri: format!("/s/bench/proposals?session={session}"),
        store,
    })
}

async fn get(f: &Fixture) -> anyhow::Result<usize> {
    let req = Request::builder().uri(&f.uri).header("cookie", &f.cookie).body(Body::empty())?;
    let r = f.app.clone().oneshot(req).await?;
    anyhow::ensure!(r.status() == StatusCode::OK, "the list answered {}", r.status());
    Ok(axum::body::to_bytes(r.into_body(), 1 << 26).await?.len())
}

/// Statements per request: the most seen over `runs` requests after a warm-up. The read caches
/// (sessions, schools' lists) are made stale before each counted request, so both sizes are
/// counted on the same, uncached path: what a request costs the database at worst.
async fn statements(f: &Fixture, runs: usize) -> anyhow::Result<u64> {
    get(f).await?;
    let mut most = 0;
    for _ in 0..runs {
        jiaogong_store::platform::cache::bump_all();
        bench::statements::start();
        get(f).await?;
        most = most.max(bench::statements::stop());
    }
    Ok(most)
}

async fn throughput(f: &Fixture, secs: u64, conc: usize) -> anyhow::Result<f64> {
    let f =
        Arc::new(Fixture { app: f.app.clone(), cookie: f.cookie.clone(), uri: f.uri.clone(), store: f.store.clone() });
    for _ in 0..50 {
        get(&f).await?;
    }
    let end = Instant::now() + Duration::from_secs(secs);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < end {
                get(&f).await?;
                n += 1;
            }
            anyhow::Ok(n)
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(total as f64 / t0.elapsed().as_secs_f64())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    bench::statements::install()?;
    let n: usize = arg("--n").unwrap_or_else(|| "200".into()).parse().context("--n")?;
    let secs: u64 = arg("--secs").unwrap_or_else(|| "5".into()).parse().context("--secs")?;
    let conc: usize = arg("--conc").unwrap_or_else(|| "16".into()).parse().context("--conc")?;
    let dir = arg("--dir")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("jiaogong-proposals-bench-{}", std::process::id())));
    let one = fixture(&dir.join("1x"), n).await?;
    let ten = fixture(&dir.join("10x"), 10 * n).await?;
    let bytes_1 = get(&one).await?;
    let bytes_10 = get(&ten).await?;
    let s1 = statements(&one, 5).await?;
    let s10 = statements(&ten, 5).await?;
    anyhow::ensure!(s1 > 0, "no statements counted: is sqlx's statement logging on?");
    let rps_1 = throughput(&one, secs, conc).await?;
    let rps_10 = throughput(&ten, secs, conc).await?;
    let ratio = rps_1 / rps_10;
    println!(
        "scenario-5 proposals/10x={ratio:.2} statements_1x={s1} statements_10x={s10} rps_1x={rps_1:.0} rps_10x={rps_10:.0} \
         proposals_1x={n} proposals_10x={} page_bytes_1x={bytes_1} page_bytes_10x={bytes_10} conc={conc} secs={secs} \
         (target <=1.5, equal statements)",
        10 * n
    );
    one.store.close().await;
    ten.store.close().await;
    if arg("--dir").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
