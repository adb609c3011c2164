//! Voucher entry under load (issue 14): `--preparers` (50) finance committee accounts post
//! vouchers as fast as they are answered, for `--secs` (30) seconds, spread round-robin over two
//! app servers on one PostgreSQL database. Then the stored vouchers of each month touched are
//! read: numbers must run 1..=N with no gap and no duplicate.
//!
//! - `setup --data DIR --out FILE`: in the demo school, `--preparers` accounts with the finance
//!   role and one API token each, written one per line.
//! - `run --base URL[,URL2…] --tokens FILE [--data DIR]`: the load; with `--data` the check.
//!
//! The vouchers are income (dues received: debit 102 bank, credit 401), so no budget line is in
//! the way. Prints one line of `key=value`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use bench::{arg, open_store, req_arg};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::tenancy;

fn num(name: &str, default: usize) -> anyhow::Result<usize> {
    arg(name).map_or(Ok(default), |v| v.parse().with_context(|| name.to_string()))
}

fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

const SUMMARY: &str = "基准测试：收到会费";

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("setup") => setup().await,
        Some("run") => run().await,
        _ => anyhow::bail!("usage: voucher_entry setup|run …"),
    }
}

async fn setup() -> anyhow::Result<()> {
    let data = PathBuf::from(req_arg("--data")?);
    let out = PathBuf::from(req_arg("--out")?);
    let n = num("--preparers", 50)?;
    let store = open_store(&data).await?;
    let school = tenancy::school(&store, "demo").await.context("school demo")?;
    let mut tx = store.begin().await?;
    let mut text = String::new();
    for i in 0..n {
        let uid = accounts::create_user(
            &mut tx,
            &NewUser {
                school_id: Some(&school.id),
                district_id: None,
                username: &format!("bench-finance-{i}"),
                display_name: "finance",
                password_hash: "x",
                role: Role::Finance,
                member_id: None,
            },
        )
        .await?;
        text.push_str(&accounts::create_api_token(&mut tx, &uid, "bench").await?);
        text.push('\n');
    }
    jiaogong_store::commit(tx).await?;
    store.close().await;
    std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

async fn run() -> anyhow::Result<()> {
    let bases: Vec<String> = req_arg("--base")?.split(',').map(str::to_string).collect();
    let tokens: Vec<String> =
        std::fs::read_to_string(req_arg("--tokens")?)?.lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
    let secs = num("--secs", 30)? as u64;
    let today = jiaogong_store::today_cn().to_string();
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    let end = Instant::now() + Duration::from_secs(secs);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let url = format!("{}/api/v1/schools/demo/vouchers", bases[i % bases.len()]);
        let (client, token, today) = (client.clone(), token.clone(), today.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = Vec::new();
            let mut k = 0i64;
            while Instant::now() < end {
                k += 1;
                let amount = 100 + (i as i64) * 1000 + k;
                let body = serde_json::json!({"date": today, "summary": SUMMARY, "lines": [
                    {"account": "102", "debit": amount, "credit": 0},
                    {"account": "401", "debit": 0, "credit": amount}]});
                let t = Instant::now();
                match client.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let _ = r.bytes().await;
                        lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    Ok(r) => {
                        errors.push(format!("HTTP {} {}", r.status().as_u16(), r.text().await.unwrap_or_default()))
                    }
                    Err(e) => errors.push(e.to_string()),
                }
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = Vec::new();
    for t in tasks {
        let (l, e) = t.await?;
        lat.extend(l);
        errors.extend(e);
    }
    let elapsed = t0.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    if let Some(e) = errors.first() {
        eprintln!("voucher_entry: {} errors, first: {e}", errors.len());
    }
    let mut out = format!(
        "servers={} preparers={} secs={elapsed:.1} vouchers={} per_s={:.0} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} errors={}",
        bases.len(),
        tokens.len(),
        lat.len(),
        lat.len() as f64 / elapsed,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
        errors.len()
    );
    if let Some(data) = arg("--data") {
        let store = open_store(&PathBuf::from(data)).await?;
        let school = tenancy::school(&store, "demo").await?;
        let rows: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT period, number, summary FROM fin_vouchers WHERE school_id = $1")
                .bind(&school.id)
                .fetch_all(store.reader())
                .await?;
        store.close().await;
        let mine = rows.iter().filter(|r| r.2 == SUMMARY).count();
        let mut by_period: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for (p, n, _) in &rows {
            by_period.entry(p.as_str()).or_default().push(*n);
        }
        let (mut gaps, mut duplicates) = (0i64, 0i64);
        for numbers in by_period.values_mut() {
            numbers.sort_unstable();
            let len = numbers.len() as i64;
            numbers.dedup();
            duplicates += len - numbers.len() as i64;
            let max = numbers.last().copied().unwrap_or(0);
            gaps += max - numbers.len() as i64 + i64::from(numbers.first().is_some_and(|f| *f < 1));
        }
        out += &format!(" stored={mine} lost={} gaps={gaps} duplicates={duplicates}", lat.len().saturating_sub(mine));
    }
    println!("{out}");
    Ok(())
}
