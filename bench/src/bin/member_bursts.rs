//! The member-side bursts of the activities area (issue "activities, notices …", ARCHITECTURE.md
//! "Benchmarks"):
//!
//! - `setup`: on a data directory (or `JIAOGONG_DATABASE_URL`), makes sure the demo school has
//!   `--members` active members (default 1,200), creates one activity with `--seats` seats (100)
//!   open to all, and one notice to all members that asks for acknowledgement, and one member
//!   account with an API token per member, all directly in the store. Writes `--out FILE`: the
//!   first line `activity notice`, then one bearer token per line.
//! - `signups --base URL[,URL2…]`: the first `--n` members (1,000) sign up for the activity through
//!   `POST /api/v1/activities/{id}/signup`, `--conc` (64) in flight, spread round-robin over the
//!   servers. Then, with `--data DIR`, reads the stored sign-ups: confirmed, waitlisted, lost
//!   (acknowledged but not stored), positions (1..n each once: arrival order) and whether each
//!   answer matches the stored state.
//! - `reads --base URL`: the notice's read receipts. First `--idle` (200) members not in the burst
//!   acknowledge one at a time, paced at `--idle-rate` (20/s): the idle reference. Then the
//!   members of the burst (the first `--n`) acknowledge at uniformly random moments of `--window`
//!   seconds (10), open loop. Prints both p99 and the ratio; with `--data DIR` the stored receipts
//!   are counted.
//!
//! Prints one line of `key=value`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bench::{arg, open_store, req_arg, Lcg};
use jiaogong_domain::activities::notices::{NewNotice, NoticeAudience, PostKind};
use jiaogong_domain::activities::{Audience, Kind, NewActivity, Promotion};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::activities::{self, Organiser};
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{members, platform::tenancy};
use tokio::sync::Semaphore;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Milliseconds at quantile `q` of sorted samples (nearest rank).
fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn num(name: &str, default: usize) -> anyhow::Result<usize> {
    arg(name).map_or(Ok(default), |v| v.parse().with_context(|| name.to_string()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match std::env::args().nth(1).as_deref() {
        Some("setup") => setup().await,
        Some("signups") => signups().await,
        Some("reads") => reads().await,
        _ => anyhow::bail!("usage: member_bursts setup|signups|reads …"),
    }
}

async fn setup() -> anyhow::Result<()> {
    let data = PathBuf::from(req_arg("--data")?);
    let out = PathBuf::from(req_arg("--out")?);
    let want = num("--members", 1200)?;
    let seats = num("--seats", 100)? as i64;
    let t0 = Instant::now();
    let store = open_store(&data).await?;
    let school = tenancy::school(&store, "demo").await.context("school demo")?;
    let have = members::active_ids(&store, &school.id).await?.len();
    if have < want {
        bench::add_members(&store, &school.id, want - have, 2025, "120102", "B").await?;
    }
    let mut people = members::active_ids(&store, &school.id).await?;
    people.truncate(want);
    anyhow::ensure!(people.len() == want, "only {} active members", people.len());

    let now = jiaogong_store::now_ms();
    let day = 86_400_000;
    let activity = NewActivity {
        title: "基准测试：教工羽毛球赛".into(),
        kind: Kind::SportsMeet,
        place: "体育馆".into(),
        description: String::new(),
        starts_at: now + 7 * day,
        ends_at: now + 7 * day + 2 * 3_600_000,
        signup_deadline: now + 6 * day,
        capacity: Some(seats),
        audience: Audience::All,
        cost_fen: 0,
        promotion: Promotion::AtOnce,
    };
    let notice = NewNotice {
        kind: PostKind::Notice,
        title: "基准测试：关于开展教职工体检的通知".into(),
        body_html: "<p>请全体会员确认已阅。</p>".into(),
        audience: NoticeAudience::All,
        pinned: false,
        needs_ack: true,
    };
    let mut tx = store.begin().await?;
    let aid = activities::create(&mut tx, &store.crypto, &school.id, "bench", &activity, &Organiser::default()).await?;
    let (nid, readers) = activities::notices::publish(&mut tx, &store.crypto, &school.id, "bench", &notice).await?;
    let mut text = format!("{aid} {nid}\n");
    for (i, member) in people.iter().enumerate() {
        let uid = match accounts::account_of_member(&store, &school.id, member).await? {
            Some(name) => accounts::user_by_username(&store, &name).await?.context("demo account")?.0.id,
            None => {
                accounts::create_user(
                    &mut tx,
                    &NewUser {
                        school_id: Some(&school.id),
                        district_id: None,
                        username: &format!("bench-member-{i}"),
                        display_name: "member",
                        password_hash: "x",
                        role: Role::Member,
                        member_id: Some(member),
                    },
                )
                .await?
            }
        };
        text.push_str(&accounts::create_api_token(&mut tx, &uid, "bench").await?);
        text.push('\n');
    }
    jiaogong_store::commit(tx).await?;
    store.close().await;
    std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "member_bursts setup: {want} members, activity {aid} ({seats} seats), notice {nid} ({readers} readers) in {} ms",
        t0.elapsed().as_millis()
    );
    Ok(())
}

/// (activity, notice, tokens) of a setup file.
fn read_setup(file: &str) -> anyhow::Result<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {file}"))?;
    let mut lines = text.lines();
    let mut ids = lines.next().unwrap_or_default().split_whitespace().map(str::to_string);
    let (a, n) = (ids.next().context("activity id")?, ids.next().context("notice id")?);
    Ok((a, n, lines.filter(|l| !l.is_empty()).map(str::to_string).collect()))
}

/// One answer: (sent, done, status, body).
type Answer = (Instant, Instant, u16, serde_json::Value);

async fn post(client: &reqwest::Client, url: &str, token: &str) -> Answer {
    let sent = Instant::now();
    match client.post(url).bearer_auth(token).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            let body = r.json::<serde_json::Value>().await.unwrap_or(serde_json::Value::Null);
            (sent, Instant::now(), status, body)
        }
        Err(e) => (sent, Instant::now(), 0, serde_json::Value::String(e.to_string())),
    }
}

async fn signups() -> anyhow::Result<()> {
    let bases: Vec<String> = req_arg("--base")?.split(',').map(str::to_string).collect();
    let (activity, _, tokens) = read_setup(&req_arg("--tokens")?)?;
    let n = num("--n", 1000)?.min(tokens.len());
    let conc = num("--conc", 64)?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build()?;
    let sem = Arc::new(Semaphore::new(conc.max(1)));
    let mut tasks = Vec::with_capacity(n);
    for (i, token) in tokens.iter().take(n).enumerate() {
        let url = format!("{}/api/v1/activities/{activity}/signup", bases[i % bases.len()]);
        let (client, token, sem) = (client.clone(), token.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            post(&client, &url, &token).await
        }));
    }
    let mut answers = Vec::with_capacity(n);
    for t in tasks {
        answers.push(t.await?);
    }
    let first = answers.iter().map(|a| a.0).min().context("no sign-ups")?;
    let last = answers.iter().map(|a| a.1).max().context("no sign-ups")?;
    let secs = (last - first).as_secs_f64();
    let mut lat: Vec<f64> = answers.iter().map(|a| ms(a.1 - a.0)).collect();
    lat.sort_by(f64::total_cmp);
    let acked: Vec<&Answer> = answers.iter().filter(|a| a.2 == 201).collect();
    let errors = answers.len() - acked.len();
    if let Some(e) = answers.iter().find(|a| a.2 != 201) {
        eprintln!("member_bursts signups: {errors} errors, first: HTTP {} {}", e.2, e.3);
    }
    let said_confirmed = acked.iter().filter(|a| a.3["state"] == "confirmed").count();
    let said_waitlisted = acked.iter().filter(|a| a.3["state"] == "waitlisted").count();
    let mut out = format!(
        "servers={} n={n} acked={} errors={errors} secs={secs:.3} signups_per_s={:.0} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} \
         said_confirmed={said_confirmed} said_waitlisted={said_waitlisted} conc={conc}",
        bases.len(),
        acked.len(),
        acked.len() as f64 / secs.max(1e-9),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
    );
    // A second sign-up by the first member is refused.
    let again = post(&client, &format!("{}/api/v1/activities/{activity}/signup", bases[0]), &tokens[0]).await;
    out += &format!(" second_signup_status={}", again.2);

    if let Some(data) = arg("--data") {
        let store = open_store(&PathBuf::from(data)).await?;
        let school = tenancy::school(&store, "demo").await?;
        let stored = activities::signups(&store, &school.id, &activity).await?;
        store.close().await;
        let confirmed = stored.iter().filter(|s| s.state == "confirmed").count();
        let waitlisted = stored.iter().filter(|s| s.state == "waitlisted").count();
        let mut positions: Vec<i64> = stored.iter().map(|s| s.position).collect();
        positions.sort_unstable();
        let in_order = positions.iter().enumerate().all(|(i, p)| *p == i as i64 + 1);
        // The confirmed seats are the earliest arrivals: no waiting member arrived before a confirmed one.
        let last_confirmed = stored.iter().filter(|s| s.state == "confirmed").map(|s| s.position).max().unwrap_or(0);
        let first_waiting =
            stored.iter().filter(|s| s.state == "waitlisted").map(|s| s.position).min().unwrap_or(i64::MAX);
        let by_position: HashMap<i64, &str> = stored.iter().map(|s| (s.position, s.state.as_str())).collect();
        // Each answer's position names a stored sign-up in the state the answer said.
        let mismatched = acked
            .iter()
            .filter(|a| {
                let state = a.3["state"].as_str().unwrap_or_default();
                let pos = a.3["position"].as_i64().unwrap_or(-1);
                let stored_state = if state == "confirmed" { "confirmed" } else { "waitlisted" };
                // A confirmed answer's position is its seat order; a waitlisted one's its place in the queue.
                let absolute = if state == "confirmed" { pos } else { last_confirmed + pos };
                by_position.get(&absolute).copied() != Some(stored_state)
            })
            .count();
        let lost = acked.len().saturating_sub(stored.len());
        out += &format!(
            " stored={} confirmed={confirmed} waitlisted={waitlisted} lost={lost} arrival_order={} mismatched_answers={mismatched}",
            stored.len(),
            in_order && last_confirmed < first_waiting
        );
    }
    println!("{out}");
    Ok(())
}

async fn reads() -> anyhow::Result<()> {
    let base = req_arg("--base")?;
    let (_, notice, tokens) = read_setup(&req_arg("--tokens")?)?;
    let n = num("--n", 1000)?;
    let idle = num("--idle", 200)?;
    let idle_rate: f64 = arg("--idle-rate").unwrap_or_else(|| "20".into()).parse().context("--idle-rate")?;
    let window: f64 = arg("--window").unwrap_or_else(|| "10".into()).parse().context("--window")?;
    anyhow::ensure!(tokens.len() >= n + idle, "need {} tokens, have {}", n + idle, tokens.len());
    let url = format!("{base}/api/v1/notices/{notice}/read");
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build()?;

    // Idle: one reader at a time, paced.
    let mut idle_lat = Vec::with_capacity(idle);
    let mut idle_errors = 0;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / idle_rate.max(0.1)));
    for token in &tokens[n..n + idle] {
        tick.tick().await;
        let a = post(&client, &url, token).await;
        if a.2 == 200 && a.3["first_time"] == true {
            idle_lat.push(ms(a.1 - a.0));
        } else {
            idle_errors += 1;
        }
    }
    idle_lat.sort_by(f64::total_cmp);

    // Busy: n readers at random moments of the window.
    let mut rng = Lcg(1234);
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(n);
    for token in tokens.iter().take(n) {
        let at = start + Duration::from_micros(rng.next_u64() % ((window * 1e6) as u64).max(1));
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            post(&client, &url, &token).await
        }));
    }
    let mut busy_lat = Vec::with_capacity(n);
    let mut busy_errors = 0;
    for t in tasks {
        let a = t.await?;
        if a.2 == 200 && a.3["first_time"] == true {
            busy_lat.push(ms(a.1 - a.0));
        } else {
            busy_errors += 1;
        }
    }
    busy_lat.sort_by(f64::total_cmp);
    let (p_idle, p_busy) = (pct(&idle_lat, 0.99), pct(&busy_lat, 0.99));
    let mut out = format!(
        "busy/idle_p99={:.2} busy_p99_ms={p_busy:.2} idle_p99_ms={p_idle:.2} busy_p50_ms={:.2} idle_p50_ms={:.2} \
         busy_n={} idle_n={} busy_errors={busy_errors} idle_errors={idle_errors} window_s={window}",
        p_busy / p_idle.max(1e-9),
        pct(&busy_lat, 0.5),
        pct(&idle_lat, 0.5),
        busy_lat.len(),
        idle_lat.len(),
    );
    if let Some(data) = arg("--data") {
        let store = open_store(&PathBuf::from(data)).await?;
        let count = activities::notices::count(&store, &notice).await?;
        store.close().await;
        out += &format!(" stored_reads={} recipients={}", count.read, count.total);
    }
    println!("{out}");
    Ok(())
}
