//! Diagnosis of scenario 1: times, one at a time through the app's own store functions, each
//! database call the member list page makes, and a few variants of the expensive ones written
//! as raw SQL (what a fix could look like), and the floor of the driver per query.
//!
//! `page_queries --data DIR --session TOKEN [--school demo] [--n 300]`

use std::future::Future;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use bench::{arg, open_store, req_arg};
use jiaogong_store::members::{self, Filter};
use jiaogong_store::{platform::accounts, platform::tenancy};

async fn time<F, Fut, T>(label: &str, n: usize, mut f: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    for _ in 0..n / 10 + 1 {
        f().await?;
    }
    let t0 = Instant::now();
    for _ in 0..n {
        f().await?;
    }
    println!("{:>9.1} µs  {label}", t0.elapsed().as_secs_f64() * 1e6 / n as f64);
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(req_arg("--data")?);
    let token = req_arg("--session")?;
    let code = arg("--school").unwrap_or_else(|| "demo".into());
    let n: usize = arg("--n").unwrap_or_else(|| "300".into()).parse().context("--n")?;
    let store = open_store(&data).await?;
    let school = tenancy::school(&store, &code).await?;
    let sid = school.id.clone();
    let s = &store;
    let f = Filter::default();
    accounts::session(s, &token).await?.context("session not found")?;

    println!("-- the member list page's database calls (sequential, {n} runs each):");
    time("accounts::session (session + user_by_id)", n, || async { Ok(accounts::session(s, &token).await?) }).await?;
    time("tenancy::school", n, || async { Ok(tenancy::school(s, &code).await?) }).await?;
    time("members::list (page of 50 + COUNT)", n, || async { Ok(members::list(s, &sid, &f, 0, 50).await?) }).await?;
    time("tenancy::group_refs (the group filter's options)", n, || async { Ok(tenancy::group_refs(s, &sid).await?) })
        .await?;
    time("(not on this page) tenancy::groups, with member counts", n, || async { Ok(tenancy::groups(s, &sid).await?) })
        .await?;

    println!("-- variants (raw SQL through the same pool):");
    let q = |sql: &'static str| {
        let sid = sid.clone();
        move || {
            let sid = sid.clone();
            async move { Ok(sqlx::query(sql).bind(sid).fetch_all(s.reader()).await?.len()) }
        }
    };
    time(
        "groups, join scoped by school (uses members_school_group)",
        n,
        q("SELECT g.id, g.name, g.is_retired, CAST(COUNT(m.id) AS BIGINT) AS members FROM union_groups g \
           LEFT JOIN members m ON m.school_id = g.school_id AND m.group_id = g.id AND m.status IN ('active', 'retired') \
           WHERE g.school_id = $1 GROUP BY g.id, g.name, g.is_retired ORDER BY g.is_retired, g.name"),
    )
    .await?;
    time(
        "groups without counts (all the list page's <select> needs)",
        n,
        q("SELECT g.id, g.name, g.is_retired FROM union_groups g WHERE g.school_id = $1 ORDER BY g.is_retired, g.name"),
    )
    .await?;
    time(
        "list page of 50 only, filters not in the SQL",
        n,
        q("SELECT m.id, m.employee_no, m.name, m.gender, m.group_id, g.name AS group_name, d.name AS department, m.post, m.title, m.status, \
           m.is_temporary, m.id_masked, m.phone_masked FROM members m LEFT JOIN union_groups g ON g.id = m.group_id \
           LEFT JOIN departments d ON d.id = m.department_id WHERE m.school_id = $1 ORDER BY m.name_pinyin, m.employee_no LIMIT 50"),
    )
    .await?;
    time("COUNT(*) with no filter terms", n, q("SELECT COUNT(*) FROM members m WHERE m.school_id = $1")).await?;
    time("SELECT $1 (the driver's floor per query)", n, q("SELECT $1")).await?;

    println!("-- the same through sqlx's SQLite driver directly (no Any layer), one connection:");
    let direct = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&bench::sqlite_url(&data)).await?;
    let d = &direct;
    let dq = |sql: &'static str| {
        let sid = sid.clone();
        move || {
            let sid = sid.clone();
            async move { Ok(sqlx::query(sql).bind(sid).fetch_all(d).await?.len()) }
        }
    };
    time(
        "list page of 50 only, filters not in the SQL",
        n,
        dq("SELECT m.id, m.employee_no, m.name, m.gender, m.group_id, g.name AS group_name, d.name AS department, m.post, m.title, m.status, \
           m.is_temporary, m.id_masked, m.phone_masked FROM members m LEFT JOIN union_groups g ON g.id = m.group_id \
           LEFT JOIN departments d ON d.id = m.department_id WHERE m.school_id = $1 ORDER BY m.name_pinyin, m.employee_no LIMIT 50"),
    )
    .await?;
    time("COUNT(*) with no filter terms", n, dq("SELECT COUNT(*) FROM members m WHERE m.school_id = $1")).await?;
    time("SELECT $1 (the driver's floor per query)", n, dq("SELECT $1")).await?;
    direct.close().await;
    store.close().await;
    Ok(())
}
