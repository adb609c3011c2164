//! Diagnosis of scenario 4: where the end-to-end import spends its time, through the app's own
//! `run_import` on a fresh demo data directory:
//!   read  = `read_roster` (unzip + calamine + header detection)
//!   check = dry run minus read (validation, in-file duplicates, matching, fingerprints)
//!   write = committing run minus dry run (group/department ids, sealing, insert_many,
//!           import events, audit, commit)
//! With `--cache-mb N`, the write connection's page cache is raised first (PRAGMA cache_size),
//! to show what the app would gain from it.
//!
//! `import_phases --data FRESH_DIR --file FILE.xlsx [--school demo] [--cache-mb N]`

use std::path::PathBuf;
use std::time::Instant;

use bench::{arg, open_store, req_arg};
use jiaogong_store::platform::tenancy;
use jiaogong_web::members::import::{read_roster, run_import, Mode};
use jiaogong_web::platform::i18n::Tr;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(req_arg("--data")?);
    let file = req_arg("--file")?;
    let code = arg("--school").unwrap_or_else(|| "demo".into());
    let store = open_store(&data).await?;
    if let Some(mb) = arg("--cache-mb") {
        let kb: i64 = mb.parse::<i64>()? * 1024;
        let mut tx = store.begin().await?;
        sqlx::query(&format!("PRAGMA cache_size = -{kb}")).execute(&mut *tx).await?;
        tx.commit().await?;
    }
    let school = tenancy::school(&store, &code).await?;
    let tr = Tr::default();
    let bytes = std::fs::read(&file)?;
    let err = |e: jiaogong_web::platform::error::AppError| anyhow::anyhow!("{}", e.message(&tr));

    let t = Instant::now();
    let (sheet, _, _) = read_roster(&tr, &bytes).map_err(err)?;
    let read_ms = t.elapsed().as_secs_f64() * 1000.0;
    let rows = sheet.rows.len();
    drop(sheet);

    let t = Instant::now();
    let dry = run_import(&store, &tr, &school, &bytes, Mode::DryRun, "bench").await.map_err(err)?;
    let dry_ms = t.elapsed().as_secs_f64() * 1000.0;

    let t = Instant::now();
    let full = run_import(&store, &tr, &school, &bytes, Mode::SkipRejected, "bench").await.map_err(err)?;
    let full_ms = t.elapsed().as_secs_f64() * 1000.0;
    store.close().await;
    println!(
        "read_ms={read_ms:.0} check_ms={:.0} write_ms={:.0} dry_run_ms={dry_ms:.0} committing_run_ms={full_ms:.0} sheet_rows={rows} created={} (dry run said {}) rejected={}",
        dry_ms - read_ms,
        full_ms - dry_ms,
        full.created,
        dry.created,
        full.rejected.len()
    );
    Ok(())
}
