//! Scenario 6 (tally and export): a published bulletin of `--ballots` ballots is read as
//! `jiaogong tally` reads it (`PublishedBallots`: checked as `parse_bulletin` checks it, each
//! distinct ballot read once), counted, and written back out as bulletin JSON to a file
//! (fsync'd) — vs the baseline: a raw SQLite `GROUP BY` over the same number of ballot rows
//! (choice column) of a plain table, plus a raw write of the same rows (tracker, content) to a
//! file (fsync'd). Each side runs `--runs` times; the medians are compared.
//!
//! The main figure is an election (9 candidates, 7 seats, about 1 % spoiled); a resolution
//! bulletin of the same size is timed too (`res_*`), whose ballots are exactly one choice each,
//! as the baseline's rows are.
//!
//! The server's own path is timed too (`server_*`): the closed poll's ballots read from a table
//! as the server stores them (tracker, content without the tracker) a chunk at a time, counted
//! once per distinct content (`StoredCount`), and the bulletin written from the stored text as
//! the chunks come; that bulletin is read back and must tally as the original.
//!
//! `tally_bench --dir DIR [--ballots 100000] [--runs 3]`
//! prints `ballots=N tally_ms=.. raw_ms=.. ratio=.. parse_ms=.. count_ms=.. write_ms=.. …`

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use anyhow::Context;
use bench::{arg, req_arg, Lcg};
use jiaogong_domain::congress::ballots::{
    parse_bulletin, tally, write_bulletin_end, write_bulletin_start, write_stored_ballots, Ballot, Bulletin, Choice,
    Poll, PublishedBallots, Rules, StoredCount, BULLETIN_FORMAT,
};
use jiaogong_store::congress::polls::{PackedReader, PACKED_CHUNK};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{AnyConnection, ConnectOptions, Connection, SqliteConnection};

// The allocator of the `jiaogong` binary, whose paths (the server's, `jiaogong tally`) are timed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CANDIDATES: [&str; 9] = ["何丽", "吴秀英", "潘芳", "田春梅", "王国庆", "李建国", "张海燕", "刘志强", "陈晓东"];

fn election(n: usize) -> anyhow::Result<Bulletin> {
    let mut rng = Lcg(6);
    let poll = Poll::election("第五届工会委员会委员选举", n as u64 + 500, n as u64, n as u64, 7, cands(), false)
        .with_rules(Rules { quorum: Some("2/3".parse().map_err(|e| anyhow::anyhow!("{e:?}"))?), ..Rules::default() });
    let mut ballots = Vec::with_capacity(n);
    for i in 0..n {
        let tracker = format!("{:016x}{:016x}", rng.next_u64(), i);
        if rng.next_u64().is_multiple_of(100) {
            ballots.push(Ballot::spoiled(tracker));
            continue;
        }
        let mut yes = 0;
        let marks: Vec<(&str, Choice)> = CANDIDATES
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let r = rng.next_u64() % 100;
                let m = if r < [92, 88, 85, 80, 72, 60, 55, 40, 30][k] && yes < 7 {
                    yes += 1;
                    Choice::Yes
                } else if r < 95 {
                    Choice::No
                } else {
                    Choice::Abstain
                };
                (*c, m)
            })
            .collect();
        ballots.push(Ballot::election(tracker, marks, Vec::new()));
    }
    Ok(Bulletin { format: BULLETIN_FORMAT.to_string(), poll, ballots })
}

fn cands() -> Vec<String> {
    CANDIDATES.iter().map(|c| c.to_string()).collect()
}

fn resolution(n: usize) -> Bulletin {
    let mut rng = Lcg(8);
    let poll = Poll::resolution("关于调整教职工体检项目的意见征集", n as u64, n as u64, n as u64, Rules::default());
    let ballots = (0..n)
        .map(|i| {
            let c = [Choice::Yes, Choice::Yes, Choice::No, Choice::Abstain][(rng.next_u64() % 4) as usize];
            Ballot::resolution(format!("{:016x}{:016x}", rng.next_u64(), i), Some(c))
        })
        .collect();
    Bulletin { format: BULLETIN_FORMAT.to_string(), poll, ballots }
}

/// The app's side once: read + check, tally, write the bulletin JSON. (parse, count, write) ms.
fn app_once(json: &str, out: &Path) -> anyhow::Result<(f64, f64, f64, String)> {
    let t0 = Instant::now();
    let b = PublishedBallots::read(json).map_err(|e| anyhow::anyhow!("read: {}", e.message_zh_en()))?;
    let t1 = Instant::now();
    let result = b.tally();
    let t2 = Instant::now();
    let f = std::fs::File::create(out)?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    b.write_bulletin(&mut w)?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    let t3 = Instant::now();
    let summary = serde_json::to_string(&result)?;
    Ok((ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), summary))
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A plain table of the ballots as rows: (tracker, choice, content).
/// The installation key of the benchmark's store.
fn crypto() -> jiaogong_store::Crypto {
    jiaogong_store::Crypto::new([6u8; 32])
}

async fn raw_table(db: &Path, rows: &[(String, String, String)], slot: usize) -> anyhow::Result<SqliteConnection> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", db.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let mut conn = opts.connect().await?;
    sqlx::query(
        "CREATE TABLE raw_ballots (poll_id TEXT NOT NULL DEFAULT 'p', tracker TEXT NOT NULL, choice TEXT NOT NULL, \
         content TEXT NOT NULL, paper BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (poll_id, tracker)) WITHOUT ROWID",
    )
    .execute(&mut conn)
    .await?;
    // The server's table (migration 0025): random row id, the ballot sealed and padded, as bytes (ADR 007).
    sqlx::query(
        "CREATE TABLE ballots (poll_id TEXT NOT NULL, id TEXT NOT NULL, sealed BLOB NOT NULL, \
         PRIMARY KEY (poll_id, id)) WITHOUT ROWID",
    )
    .execute(&mut conn)
    .await?;
    let mut tx = conn.begin().await?;
    for (t, c, content) in rows {
        sqlx::query("INSERT INTO raw_ballots (tracker, choice, content) VALUES (?, ?, ?)")
            .bind(t)
            .bind(c)
            .bind(content)
            .execute(&mut *tx)
            .await?;
        let id = jiaogong_store::new_id();
        let seal = jiaogong_store::congress::polls::sealed::seal(&crypto(), "p", &id, slot, t, content, false)?;
        sqlx::query("INSERT INTO ballots (poll_id, id, sealed) VALUES ('p', ?, ?)")
            .bind(&id)
            .bind(&seal)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(conn)
}

/// The baseline once: GROUP BY, then the rows written to a file. (group_by, write) ms.
async fn raw_once(
    conn: &mut SqliteConnection,
    rows: &[(String, String, String)],
    out: &Path,
) -> anyhow::Result<(f64, f64, usize)> {
    let t0 = Instant::now();
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT choice, COUNT(*) FROM raw_ballots GROUP BY choice").fetch_all(&mut *conn).await?;
    let t1 = Instant::now();
    let f = std::fs::File::create(out)?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    for (t, _, content) in rows {
        w.write_all(t.as_bytes())?;
        w.write_all(b"\t")?;
        w.write_all(content.as_bytes())?;
        w.write_all(b"\n")?;
    }
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    let t2 = Instant::now();
    Ok((ms(t1 - t0), ms(t2 - t1), counts.len()))
}

/// The server's path once, as `polls::tally_of` and `polls::bulletin_body` do it: the stored
/// ballots read a chunk at a time by the store's statement through the Any driver (as the
/// server's pool reads them), each chunk counted (`StoredCount`: distinct contents read and
/// checked once) and written out from the stored text. (read+check, count, write) ms, where
/// read+check is the whole pass minus the time spent writing.
async fn server_once(conn: &mut AnyConnection, poll_json: &str, out: &Path) -> anyhow::Result<(f64, f64, f64)> {
    let t0 = Instant::now();
    let mut write = std::time::Duration::ZERO;
    let err = |e: jiaogong_domain::congress::ballots::BulletinError| anyhow::anyhow!("{}", e.message_zh_en());
    let mut count = StoredCount::new(poll_json).map_err(err)?;
    let mut reader = PackedReader::new(jiaogong_store::DbKind::Sqlite, "p", PACKED_CHUNK);
    let f = std::fs::File::create(out)?;
    let mut w = BufWriter::with_capacity(1 << 20, f);
    write_bulletin_start(&mut w, poll_json)?;
    // Every ballot is opened before the bulletin is written in tracker order (ADR 007).
    let key = crypto();
    let mut all = jiaogong_store::congress::polls::PackedBallots::default();
    while let Some(mut chunk) = reader.next(conn, &key).await? {
        all.append(&mut chunk);
    }
    all.sort_by_tracker();
    let rows = all.byte_rows();
    count.add(&rows).map_err(err)?;
    let tw = Instant::now();
    write_stored_ballots(&mut w, &rows, true)?;
    write += tw.elapsed();
    let t1 = Instant::now();
    let result = count.tally();
    let t2 = Instant::now();
    write_bulletin_end(&mut w)?;
    let f = w.into_inner().map_err(|e| e.into_error())?;
    f.sync_all()?;
    let t3 = Instant::now();
    anyhow::ensure!(counted(&result) == count.len(), "the server path lost ballots");
    Ok((ms(t1 - t0 - write), ms(t2 - t1), ms(t3 - t2 + write)))
}

fn counted(r: &jiaogong_domain::congress::ballots::TallyResult) -> usize {
    let v = serde_json::to_value(r).unwrap_or_default();
    let n = |k: &str| v.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0) as usize;
    n("valid") + n("invalid")
}

struct Side {
    total: f64,
    parts: [f64; 3],
}

async fn measure(
    name: &str,
    b: &Bulletin,
    dir: &Path,
    runs: usize,
) -> anyhow::Result<(Side, Side, Side, usize, String)> {
    let json = serde_json::to_string(b)?;
    let rows: Vec<(String, String, String)> = b
        .ballots
        .iter()
        .map(|x| {
            // Stored as the server stores it: the ballot without its tracker.
            let mut v = serde_json::to_value(x).unwrap_or_default();
            if let Some(obj) = v.as_object_mut() {
                obj.remove("tracker");
            }
            let content = v.to_string();
            let choice = match (x.spoiled, x.choice) {
                (true, _) => "spoiled".to_string(),
                (_, Some(c)) => format!("{c:?}"),
                // One column per ballot: its first mark stands in for the choice.
                _ => x.marks.as_ref().and_then(|m| m.values().next()).map(|c| format!("{c:?}")).unwrap_or_default(),
            };
            (x.tracker.clone(), choice, content)
        })
        .collect();
    let out = dir.join(format!("{name}-bulletin.json"));
    let raw_out = dir.join(format!("{name}-raw.tsv"));
    let db = dir.join(format!("{name}-raw.db"));
    let slot = jiaogong_store::congress::polls::sealed::slot_of(&serde_json::to_string(&b.poll)?);
    let mut conn = raw_table(&db, &rows, slot).await?;
    sqlx::any::install_default_drivers();
    let mut any = AnyConnection::connect(&format!("sqlite://{}", db.display())).await?;
    let (mut app, mut raw) = (Vec::new(), Vec::new());
    let (mut p, mut c, mut w, mut g, mut rw) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut srv, mut sp, mut sc, mut sw) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let poll_json = serde_json::to_string(&b.poll)?;
    let mut summary = String::new();
    for _ in 0..runs {
        let (a, b2, c2, s) = app_once(&json, &out)?;
        app.push(a + b2 + c2);
        p.push(a);
        c.push(b2);
        w.push(c2);
        summary = s;
        let (x, y, _) = raw_once(&mut conn, &rows, &raw_out).await?;
        raw.push(x + y);
        g.push(x);
        rw.push(y);
        let (a, b2, c2) = server_once(&mut any, &poll_json, &out).await?;
        srv.push(a + b2 + c2);
        sp.push(a);
        sc.push(b2);
        sw.push(c2);
    }
    conn.close().await?;
    any.close().await?;
    // The text path's result is the tally of the bulletin read ballot by ballot.
    anyhow::ensure!(summary == serde_json::to_string(&tally(b))?, "the text path tallies differently");
    // The server's bulletin (written last) reads back and tallies as the original.
    let back = parse_bulletin(&std::fs::read_to_string(&out)?).map_err(|e| anyhow::anyhow!("{}", e.message_zh_en()))?;
    anyhow::ensure!(back.ballots.len() == b.ballots.len(), "the server's bulletin lost ballots");
    anyhow::ensure!(tally(&back) == tally(b), "the server's bulletin tallies differently");
    let size = std::fs::metadata(&out)?.len() as usize;
    Ok((
        Side { total: median(app), parts: [median(p), median(c), median(w)] },
        Side { total: median(raw), parts: [median(g), median(rw), 0.0] },
        Side { total: median(srv), parts: [median(sp), median(sc), median(sw)] },
        size,
        summary,
    ))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let dir = PathBuf::from(req_arg("--dir")?);
    let n: usize = arg("--ballots").unwrap_or_else(|| "100000".into()).parse().context("--ballots")?;
    let runs: usize = arg("--runs").unwrap_or_else(|| "3".into()).parse().context("--runs")?;
    std::fs::create_dir_all(&dir)?;

    let (app, raw, server, size, summary) = measure("election", &election(n)?, &dir, runs.max(1)).await?;
    anyhow::ensure!(summary.contains("\"elected\""), "unexpected tally result: {}", &summary[..summary.len().min(300)]);
    let (rapp, rraw, _, _, _) = measure("resolution", &resolution(n), &dir, runs.max(1)).await?;
    println!(
        "ballots={n} tally_ms={:.1} raw_ms={:.1} ratio={:.2} parse_ms={:.1} count_ms={:.1} write_ms={:.1} bulletin_mb={:.1} groupby_ms={:.1} raw_write_ms={:.1} res_tally_ms={:.1} res_raw_ms={:.1} res_ratio={:.2} res_parse_ms={:.1} res_count_ms={:.1} res_write_ms={:.1} server_ms={:.1} server_ratio={:.2} server_read_ms={:.1} server_count_ms={:.1} server_write_ms={:.1} runs={runs}",
        app.total,
        raw.total,
        app.total / raw.total.max(1e-9),
        app.parts[0],
        app.parts[1],
        app.parts[2],
        size as f64 / 1e6,
        raw.parts[0],
        raw.parts[1],
        rapp.total,
        rraw.total,
        rapp.total / rraw.total.max(1e-9),
        rapp.parts[0],
        rapp.parts[1],
        rapp.parts[2],
        server.total,
        server.total / raw.total.max(1e-9),
        server.parts[0],
        server.parts[1],
        server.parts[2],
    );
    Ok(())
}
