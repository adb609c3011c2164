//! The year-end summary (issue 16): drafting it for a school with a year of demo-sized data in
//! every built area (members, congress sessions and proposals, evaluations, activities with
//! attendance, transparency items; this year and last) vs the raw SQL counts behind its figures
//! run directly on the same pool, measured in the same run (target ≤ 2×); and the .docx through
//! the whole router in process (session cookie, access guard, figures, prose, write) (target ≤ 1 s).
//!
//! `summary_draft [--dir DIR] [--runs 50]`

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bench::arg;
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::plans::summary;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{platform::tenancy, Crypto, Store};
use jiaogong_web::{AppState, WebConfig};
use tower::ServiceExt;

const YEAR: i32 = 2026;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::path::PathBuf::from(arg("--dir").unwrap_or_else(|| "/tmp/jg-bench-summary".into()));
    let runs: usize = arg("--runs").and_then(|s| s.parse().ok()).unwrap_or(50);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let store = Store::open(&format!("sqlite://{}", dir.join("bench.db").display()), Crypto::new([7u8; 32])).await?;
    jiaogong_store::platform::calendar::preload(&store).await?;
    let mut tx = store.begin().await?;
    let school = tenancy::create_school(&mut tx, None, "基准学校", "bench").await?;
    jiaogong_store::commit(tx).await?;
    let people = bench::add_members(&store, &school, 120, 16, "110105", "S").await?;
    // A year of records in every built area, this year and last, in bulk statements.
    let mut tx = store.begin().await?;
    for year in [YEAR - 1, YEAR] {
        let term = jiaogong_store::new_id();
        sqlx::query(&format!("INSERT INTO congress_terms (id, school_id, number, starts_on, created_at) VALUES ('{term}', '{school}', {}, '{year}-01-01', 0)", year - 2000))
            .execute(&mut *tx)
            .await?;
        let session =
            jiaogong_store::congress::create_session(&mut tx, &school, &term, 1, "教代会", &format!("{year}-04-20"))
                .await?;
        {
            for i in 0..40 {
                let state = if i % 3 == 0 { "answered" } else { "assigned" };
                sqlx::query(&format!("INSERT INTO proposals (id, school_id, session_id, number, title, reason, measures, category, proposer_id, state, submitted_on, created_at, updated_at) VALUES ('{}', '{school}', '{session}', {i}, '提案{i}', '案由', '措施', 'welfare', '{}', '{state}', '{year}-03-{:02}', 0, 0)", jiaogong_store::new_id(), people[i % people.len()], 1 + i % 28))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for a in 0..30 {
            let id = jiaogong_store::new_id();
            let start = chrono::NaiveDate::from_ymd_opt(year, 1 + (a % 12) as u32, 10)
                .and_then(|d| d.and_hms_opt(2, 0, 0))
                .map(|t| t.and_utc().timestamp_millis())
                .unwrap_or(0);
            sqlx::query(&format!("INSERT INTO activities (id, school_id, title, kind, created_by, starts_at, ends_at, signup_deadline, audience, checkin_secret, created_at) VALUES ('{id}', '{school}', '活动{a}', 'culture', 'chair', {start}, {}, {start}, 'all', 's', 0)", start + 7_200_000))
                .execute(&mut *tx)
                .await?;
            for m in people.iter().take(40) {
                sqlx::query(&format!("INSERT INTO activity_attendance (activity_id, member_id, school_id, how, at) VALUES ('{id}', '{m}', '{school}', 'qr', {start})"))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for i in 0..25u32 {
            sqlx::query(&format!("INSERT INTO transparency_items (id, school_id, category, title, working_days, start_day, end_day, created_by, created_at) VALUES ('{}', '{school}', 'funds', '公开{i}', 5, '{year}-{:02}-05', '{year}-{:02}-12', 'chair', 0)", jiaogong_store::new_id(), 1 + i % 12, 1 + i % 12))
                .execute(&mut *tx)
                .await?;
        }
    }
    let user = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&school),
            district_id: None,
            username: "chair",
            display_name: "chair",
            password_hash: "unused",
            role: Role::Chair,
            member_id: None,
        },
    )
    .await?;
    summary::draft(&mut tx, &store, &store.crypto, &school, "chair", YEAR).await?;
    summary::set_prose(&mut tx, &store.crypto, &school, "chair", YEAR, "opening", "一年来……").await?;
    jiaogong_store::commit(tx).await?;

    // Drafting (the figures, this year and last, and the snapshot written) vs the raw counts.
    let specs = summary::specs();
    let bounds = |y: i32| {
        let ms = |yy: i32| {
            chrono::NaiveDate::from_ymd_opt(yy, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000)
                .unwrap_or(0)
        };
        (format!("{y}-01-01"), format!("{y}-12-31"), ms(y), ms(y + 1) - 1)
    };
    let mut draft = Vec::new();
    let mut raw = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut tx = store.begin().await?;
        summary::draft(&mut tx, &store, &store.crypto, &school, "chair", YEAR).await?;
        jiaogong_store::commit(tx).await?;
        draft.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for y in [YEAR, YEAR - 1] {
            let (a, b, c, d) = bounds(y);
            for (_, s) in &specs {
                let (_n,): (i64,) = sqlx::query_as(s.count_sql)
                    .bind(&school)
                    .bind(&a)
                    .bind(&b)
                    .bind(c)
                    .bind(d)
                    .fetch_one(store.reader())
                    .await?;
            }
        }
        raw.push(t.elapsed().as_secs_f64());
    }
    let (d, r) = (median(draft), median(raw));

    // The .docx through the router.
    let (token, _) = accounts::create_session(&store, &user).await?;
    let app = jiaogong_web::app(AppState { store: store.clone(), config: Arc::new(WebConfig::default()) });
    let mut docx = Vec::new();
    let mut size = 0;
    for _ in 0..runs.min(20) {
        let t = Instant::now();
        let req = Request::builder()
            .uri(format!("/api/v1/schools/bench/summary/{YEAR}.docx"))
            .header("cookie", format!("jg_session={token}"))
            .body(Body::empty())?;
        let resp = app.clone().oneshot(req).await?;
        anyhow::ensure!(resp.status() == StatusCode::OK, "docx: {}", resp.status());
        size = axum::body::to_bytes(resp.into_body(), usize::MAX).await?.len();
        docx.push(t.elapsed().as_secs_f64());
    }
    let x = median(docx);
    println!(
        "summary-draft ratio {:.2} (target ≤ 2.00)  draft {:.2} ms  raw_counts {:.2} ms  figures {}  |  docx {:.1} ms (target ≤ 1000 ms, {} bytes)",
        d / r,
        d * 1e3,
        r * 1e3,
        specs.len() * 2,
        x * 1e3,
        size
    );
    Ok(())
}
