//! The baseline of scenario 4: calamine reads the roster .xlsx, then one transaction of raw
//! batched multi-row INSERTs writes the same rows into a plain table of a fresh SQLite file
//! (same journal settings as the app: WAL, synchronous=NORMAL). No validation, no matching,
//! no encryption, no audit.
//!
//! `import_baseline --file FILE.xlsx --db PATH.db [--batch ROWS] [--named]`
//!
//! Placeholders are SQLite's plain `?`. `--named` writes `$1, $2, …` instead, as the app's
//! cross-database SQL does: sqlx's SQLite driver then looks every parameter up by name
//! (`sqlite3_bind_parameter_name`, a linear scan of the statement's names), so binding costs
//! O(parameters²) per statement — with 400 rows per INSERT the insert takes ~25× longer.   prints `rows=N read_ms=.. insert_ms=.. total_ms=..`

use std::io::Cursor;
use std::str::FromStr;
use std::time::Instant;

use anyhow::Context;
use bench::{arg, req_arg};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

const COLS: usize = 14;
/// Rows per INSERT by default: 64 * 14 = 896 parameters.
const BATCH: usize = 64;

fn text(c: &Data) -> Option<String> {
    match c {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::DateTime(d) => {
            let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
            Some((base + chrono::Days::new(d.as_f64() as u64)).format("%Y-%m-%d").to_string())
        }
        other => Some(other.to_string()),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let file = req_arg("--file")?;
    let db = req_arg("--db")?;
    let named = std::env::args().any(|a| a == "--named");
    let batch: usize = arg("--batch").map(|b| b.parse()).transpose()?.unwrap_or(BATCH).max(1);
    let t0 = Instant::now();
    let bytes = std::fs::read(&file).with_context(|| format!("reading {file}"))?;
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let range = wb.worksheet_range_at(0).context("no sheet")?.map_err(|e| anyhow::anyhow!("{e}"))?;
    let rows: Vec<Vec<Option<String>>> =
        range.rows().skip(1).map(|r| (0..COLS).map(|i| r.get(i).and_then(text)).collect()).collect();
    let read_ms = t0.elapsed().as_secs_f64() * 1000.0;

    let t1 = Instant::now();
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{db}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
    let cols: Vec<String> = (0..COLS).map(|i| format!("c{i} TEXT")).collect();
    sqlx::query(&format!("CREATE TABLE roster ({})", cols.join(", "))).execute(&pool).await?;
    let mut tx = pool.begin().await?;
    for chunk in rows.chunks(batch) {
        let mut sql = String::from("INSERT INTO roster VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..COLS {
                if j > 0 {
                    sql.push(',');
                }
                if named {
                    sql.push_str(&format!("${}", i * COLS + j + 1));
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for r in chunk {
            for v in r {
                q = q.bind(v.clone());
            }
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM roster").fetch_one(&pool).await?;
    pool.close().await;
    let insert_ms = t1.elapsed().as_secs_f64() * 1000.0;
    println!(
        "rows={n} read_ms={read_ms:.0} insert_ms={insert_ms:.0} total_ms={:.0}",
        t0.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
