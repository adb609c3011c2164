//! Finance reports at scale (issue 14): a school with 10 years of books (`--vouchers` 20,000
//! approved vouchers, 5 lines each: 100,000 lines) on a fresh SQLite file; the 收入支出表 and the
//! 资产负债表 as the store computes them (`income_statement`, `balance_statement`: names, opening
//! balances, the domain's arithmetic) vs a raw `SELECT account_code, SUM(debit), SUM(credit) …
//! GROUP BY account_code` over the same lines, each `--runs` times, medians compared.
//!
//! The ledger page of one account through the router runs the same number of SQL statements
//! on books ten times as large (`ledger_statements_1x` = `ledger_statements_10x`).
//!
//! `finance_reports --dir DIR [--vouchers 20000] [--runs 5]`
//! prints `ie/raw=.. bs/raw=.. ie_ms=.. bs_ms=.. raw_ms=.. vouchers=.. lines=.. ledger_statements_1x=.. …`

use std::time::Instant;

use bench::{arg, req_arg, Lcg};
use jiaogong_store::finance as fin;
use jiaogong_store::platform::tenancy;
use jiaogong_store::{Crypto, Store};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXPENSES: &[&str] = &["50101", "50102", "50105", "50304", "50404", "50405", "50501", "50502", "50702", "510"];
const INCOME: &[&str] = &["401", "402", "405", "408"];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// A fresh SQLite file with one school and its chart of accounts.
async fn books(dir: &std::path::Path) -> anyhow::Result<(Store, String, std::path::PathBuf)> {
    let path = dir.join(format!("finance-{}.db", jiaogong_store::new_id()));
    let store = Store::open(&format!("sqlite://{}", path.display()), Crypto::new([7u8; 32])).await?;
    let mut tx = store.begin().await?;
    let school = tenancy::create_school(&mut tx, None, "基准学校", "bench").await?;
    fin::ensure_chart(&mut tx, &school).await?;
    jiaogong_store::commit(tx).await?;
    Ok((store, school, path))
}

/// SQL statements of the ledger page of 50102 for 2025, as the finance committee member, the
/// most seen over a few requests with the read caches stale.
async fn ledger_statements(store: &Store, school: &str) -> anyhow::Result<u64> {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use jiaogong_domain::platform::roles::Role;
    use jiaogong_store::platform::accounts::{self, NewUser};
    use tower::ServiceExt;
    let mut tx = store.begin().await?;
    let user = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(school),
            district_id: None,
            username: "finance",
            display_name: "finance",
            password_hash: "unused",
            role: Role::Finance,
            member_id: None,
        },
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    let (token, _) = accounts::create_session(store, &user).await?;
    let app = jiaogong_web::app(jiaogong_web::AppState {
        store: store.clone(),
        config: std::sync::Arc::new(jiaogong_web::WebConfig::default()),
    });
    let get = || async {
        let req = Request::builder()
            .uri("/s/bench/finance/ledger/50102?from=2025-01-01&to=2025-12-31")
            .header("cookie", format!("jg_session={token}"))
            .body(Body::empty())?;
        let r = app.clone().oneshot(req).await?;
        anyhow::ensure!(r.status() == StatusCode::OK, "ledger page: {}", r.status());
        anyhow::Ok(axum::body::to_bytes(r.into_body(), usize::MAX).await?.len())
    };
    get().await?;
    let mut most = 0;
    for _ in 0..5 {
        jiaogong_store::platform::cache::bump_all();
        bench::statements::start();
        get().await?;
        most = most.max(bench::statements::stop());
    }
    Ok(most)
}

/// Ten years of approved vouchers: `n` vouchers of 5 lines each. Returns the lines written.
async fn fill(store: &Store, school: &str, n: usize) -> anyhow::Result<usize> {
    // Ten years of approved vouchers: 5 lines each (income: bank and four incomes is not how a
    // union books, so expenses: four expense lines and the bank; income: one income and the bank
    // with three zero-free lines split over 101/102).
    let mut rng = Lcg(14);
    let mut lines = 0usize;
    let mut tx = store.begin().await?;
    for i in 0..n {
        let year = 2016 + (i * 10 / n.max(1)) as i64;
        let month = 1 + (i % 12) as i64;
        let date = format!("{year}-{month:02}-15");
        let period = format!("{year}-{month:02}");
        let id = jiaogong_store::new_id();
        let mut ls: Vec<(String, i64, i64)> = Vec::with_capacity(5);
        if i % 4 == 0 {
            let a = 10_000 + (rng.next_u64() % 500_000) as i64;
            let b = 10_000 + (rng.next_u64() % 500_000) as i64;
            ls.push((rng.pick(INCOME).to_string(), 0, a));
            ls.push((rng.pick(INCOME).to_string(), 0, b));
            ls.push(("102".into(), a, 0));
            ls.push(("101".into(), b / 2, 0));
            ls.push(("102".into(), b - b / 2, 0));
        } else {
            let mut total = 0i64;
            for _ in 0..4 {
                let a = 1_000 + (rng.next_u64() % 100_000) as i64;
                total += a;
                ls.push((rng.pick(EXPENSES).to_string(), a, 0));
            }
            ls.push(("102".into(), 0, total));
        }
        let amount: i64 = ls.iter().map(|l| l.1).sum();
        sqlx::query(
            "INSERT INTO fin_vouchers (id, school_id, period, number, voucher_date, summary, state, amount_fen, prepared_by, \
             reviewed_by, approved_by, created_at) VALUES ($1, $2, $3, $4, $5, '基准凭证', 'approved', $6, 'a', 'b', 'c', 0)",
        )
        .bind(&id)
        .bind(school)
        .bind(&period)
        .bind(i as i64 + 1)
        .bind(&date)
        .bind(amount)
        .execute(&mut *tx)
        .await?;
        for (k, (acc, d, c)) in ls.iter().enumerate() {
            sqlx::query(
                "INSERT INTO fin_lines (voucher_id, line_no, school_id, account_code, debit_fen, credit_fen) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(k as i64)
            .bind(school)
            .bind(acc)
            .bind(*d)
            .bind(*c)
            .execute(&mut *tx)
            .await?;
            lines += 1;
        }
    }
    jiaogong_store::commit(tx).await?;
    Ok(lines)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let dir = std::path::PathBuf::from(req_arg("--dir")?);
    std::fs::create_dir_all(&dir)?;
    let n: usize = arg("--vouchers").and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let runs: usize = arg("--runs").and_then(|s| s.parse().ok()).unwrap_or(5);
    bench::statements::install()?;
    let (store, school, path) = books(&dir).await?;
    let lines = fill(&store, &school, n).await?;

    let (mut ie_ms, mut bs_ms, mut raw_ms) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ie_total, mut raw_total) = (0i64, 0i64);
    for _ in 0..runs {
        let t = Instant::now();
        let mut tx = store.begin().await?;
        let ie = fin::income_statement(&mut tx, &school, "2016-01-01", "2025-12-31").await?;
        drop(tx);
        ie_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        ie_total = ie.total_expense;
        let t = Instant::now();
        let mut tx = store.begin().await?;
        let bs = fin::balance_statement(&mut tx, &school, "2025-12-31").await?;
        drop(tx);
        bs_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(bs.balanced, "the balance sheet does not balance");
        let t = Instant::now();
        let mut tx = store.begin().await?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT account_code, CAST(SUM(debit_fen) AS BIGINT), CAST(SUM(credit_fen) AS BIGINT) FROM fin_lines GROUP BY account_code",
        )
        .fetch_all(&mut *tx)
        .await?;
        drop(tx);
        raw_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        raw_total = rows.iter().filter(|r| r.0.starts_with('5')).map(|r| r.1 - r.2).sum();
    }
    anyhow::ensure!(
        ie_total == raw_total,
        "the statement's expenditure {ie_total} differs from the raw sum {raw_total}"
    );
    let (ie, bs, raw) = (median(ie_ms), median(bs_ms), median(raw_ms));
    // The ledger page of one account (a year of it) through the router, at 1× and 10× the books.
    let s1 = ledger_statements(&store, &school).await?;
    store.close().await;
    let _ = std::fs::remove_file(&path);
    let (store10, school10, path10) = books(&dir).await?;
    let lines10 = fill(&store10, &school10, n * 10).await?;
    let s10 = ledger_statements(&store10, &school10).await?;
    store10.close().await;
    let _ = std::fs::remove_file(&path10);
    anyhow::ensure!(s1 > 0, "no statements counted: is sqlx's statement logging on?");
    println!(
        "ie/raw={:.2} bs/raw={:.2} ie_ms={ie:.1} bs_ms={bs:.1} raw_ms={raw:.1} vouchers={n} lines={lines} runs={runs} \
         ledger_statements_1x={s1} ledger_statements_10x={s10} lines_10x={lines10} (targets: <=2.0 both, equal statements)",
        ie / raw,
        bs / raw
    );
    Ok(())
}
