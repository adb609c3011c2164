//! The baseline of scenario 2: a raw loop of durable single-row inserts into a fresh SQLite file
//! on the same disk (WAL, synchronous=FULL as the app's writer, one INSERT per transaction),
//! rows shaped like a ballot row (poll id, 32-character tracker, choice JSON).
//!
//! With `--pg URL` the same loop runs against PostgreSQL (each INSERT its own committed
//! transaction; the server's own fsync settings), the baseline of scenario 2 on PostgreSQL.
//!
//! `raw_insert (--db PATH.db | --pg URL) [--rows 1000]`   prints `rows=N ms=.. rows_per_s=..`

use std::str::FromStr;
use std::time::Instant;

use anyhow::Context;
use bench::{arg, req_arg, Lcg};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

/// The ballots' contents, in turn.
const CONTENTS: [&str; 3] = ["{\"choice\":\"yes\"}", "{\"choice\":\"no\"}", "{\"choice\":\"abstain\"}"];

/// `rows` made-up 32-character trackers, the same on every run.
fn trackers(rows: usize) -> Vec<String> {
    let mut rng = Lcg(7);
    (0..rows).map(|_| format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64())).collect()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let rows: usize = arg("--rows").unwrap_or_else(|| "1000".into()).parse().context("--rows")?;
    if let Some(url) = arg("--pg") {
        return pg(&url, rows).await;
    }
    let db = req_arg("--db")?;
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{db}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let mut conn = opts.connect().await.context("opening the baseline database")?;
    sqlx::query("CREATE TABLE ballots (poll_id TEXT NOT NULL, tracker TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (poll_id, tracker))")
        .execute(&mut conn)
        .await?;
    let data = trackers(rows);
    let t0 = Instant::now();
    for (i, tracker) in data.iter().enumerate() {
        // Autocommit: each statement is its own durable transaction.
        sqlx::query("INSERT INTO ballots (poll_id, tracker, content) VALUES (?, ?, ?)")
            .bind("0123456789abcdef0123456789abcdef")
            .bind(tracker)
            .bind(CONTENTS[i % 3])
            .execute(&mut conn)
            .await?;
    }
    let secs = t0.elapsed().as_secs_f64();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ballots").fetch_one(&mut conn).await?;
    conn.close().await?;
    anyhow::ensure!(n as usize == rows, "{n} rows of {rows}");
    println!("rows={rows} ms={:.0} rows_per_s={:.0}", secs * 1000.0, rows as f64 / secs);
    Ok(())
}

async fn pg(url: &str, rows: usize) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect(url).await.context("connecting to PostgreSQL")?;
    sqlx::query("DROP TABLE IF EXISTS raw_ballots").execute(&mut conn).await?;
    sqlx::query("CREATE TABLE raw_ballots (poll_id TEXT NOT NULL, tracker TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (poll_id, tracker))")
        .execute(&mut conn)
        .await?;
    let data = trackers(rows);
    let t0 = Instant::now();
    for (i, tracker) in data.iter().enumerate() {
        sqlx::query("INSERT INTO raw_ballots (poll_id, tracker, content) VALUES ($1, $2, $3)")
            .bind("0123456789abcdef0123456789abcdef")
            .bind(tracker)
            .bind(CONTENTS[i % 3])
            .execute(&mut conn)
            .await?;
    }
    let secs = t0.elapsed().as_secs_f64();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM raw_ballots").fetch_one(&mut conn).await?;
    sqlx::query("DROP TABLE raw_ballots").execute(&mut conn).await?;
    conn.close().await?;
    anyhow::ensure!(n as usize == rows, "{n} rows of {rows}");
    println!("rows={rows} ms={:.0} rows_per_s={:.0}", secs * 1000.0, rows as f64 / secs);
    Ok(())
}
