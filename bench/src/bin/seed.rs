//! Fills the demo school of a data directory up to `--total` members (bulk insert through the
//! store's own `insert_many`, in the same database and with the same key as the server).
//!
//! `seed --data DIR [--school demo] [--total 2000]`

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context;
use bench::{arg, open_store, person, req_arg, Lcg};
use jiaogong_store::{members, tenancy};

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
    let mut tx = store.begin().await?;
    let mut groups: HashMap<String, String> =
        tenancy::groups(&store, &school.id).await?.into_iter().map(|g| (g.name, g.id)).collect();
    let mut depts: HashMap<String, String> = HashMap::new();
    let mut rng = Lcg(4242);
    let mut rows = Vec::with_capacity(total - have);
    for i in 0..total - have {
        let p = person(&mut rng, "110105", "S", i)?;
        let gid = match groups.get(p.group) {
            Some(id) => id.clone(),
            None => {
                let id = tenancy::create_group(&mut tx, &school.id, p.group, false).await?;
                groups.insert(p.group.to_string(), id.clone());
                id
            }
        };
        let did = match depts.get(p.department) {
            Some(id) => id.clone(),
            None => {
                let id = tenancy::department_id(&mut tx, &school.id, p.department, true).await?.unwrap_or_default();
                depts.insert(p.department.to_string(), id.clone());
                id
            }
        };
        rows.push((p.input()?, Some(gid), Some(did)));
    }
    let ids = members::insert_many(&store, &mut tx, &school.id, &rows).await?;
    jiaogong_store::commit(tx).await?;
    store.close().await;
    println!("seed: {have} + {} = {} members in school {code}", ids.len(), have + ids.len());
    Ok(())
}
