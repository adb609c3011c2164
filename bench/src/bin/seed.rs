//! Fills the demo school of a data directory up to `--total` members (bulk insert through the
//! store's own `insert_many`, in the same database and with the same key as the server).
//!
//! `seed --data DIR [--school demo] [--total 2000]`

use std::path::PathBuf;

use anyhow::Context;
use bench::{arg, open_store, req_arg};
use jiaogong_store::{members, platform::tenancy};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(req_arg("--data")?);
    let code = arg("--school").unwrap_or_else(|| "demo".into());
    let total: usize = arg("--total").unwrap_or_else(|| "2000".into()).parse().context("--total")?;
    let store = open_store(&data).await?;
    let school = tenancy::school(&store, &code).await.with_context(|| format!("school {code}"))?;
    let have = members::count_by_status(&store, &school.id).await?.iter().map(|(_, n)| *n as usize).sum::<usize>();
    if have >= total {
        println!("seed: {have} members already (>= {total})");
        return Ok(());
    }
    let ids = bench::add_members(&store, &school.id, total - have, 4242, "110105", "S").await?;
    store.close().await;
    println!("seed: {have} + {} = {} members in school {code}", ids.len(), have + ids.len());
    Ok(())
}
