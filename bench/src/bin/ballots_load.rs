//! The load of scenarios 2 and 3: every voter of a `ballots_setup` file casts one ballot through
//! `POST /api/v1/polls/{id}/ballots` (bearer token), then the ballot box is counted in the store.
//!
//! `--mode window`: each voter starts at a uniformly random moment of `--window` seconds (no cap
//! on concurrency: voters do not wait for each other). `--mode burst`: all voters as fast as
//! possible, `--conc` requests in flight. With `--turnout-url URL` (`{poll}` is replaced by the
//! poll id) and `--cookie`, `--turnout-conns` loops read that page while the ballots are cast;
//! `--idle-secs S` first reads it for S seconds with no voting (the idle reference). With
//! `--turnout-rate R` the page is read R times a second on a fixed schedule instead (open loop).
//! `BENCH_TURNOUT_DUMP=FILE` writes each busy read's start (ms after the first ballot) and latency.
//! Afterwards `--dups N` voters try a second ballot (each must get 409), and with `--data DIR`
//! the ballots and has-voted rows are counted: ballots == has-voted == acknowledged, every
//! acknowledged tracker stored.
//!
//! `ballots_load --base URL --tokens FILE [--poll 0] [--mode burst|window] [--window 60]
//!   [--conc 64] [--data DIR] [--dups 20] [--turnout-url URL --cookie C] [--turnout-conns 4 |
//!   --turnout-rate 1000] [--idle-secs 3]`   prints one line of `key=value`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bench::{arg, open_store, req_arg, Lcg};
use jiaogong_store::congress::polls;
use tokio::sync::Semaphore;

/// Outcome of one ballot request.
enum Outcome {
    Acked(String),
    Conflict,
    Error(String),
}

struct Cast {
    sent: Instant,
    done: Instant,
    outcome: Outcome,
}

async fn cast(client: &reqwest::Client, url: &str, token: &str, choice: &str) -> Cast {
    let sent = Instant::now();
    let r = client.post(url).bearer_auth(token).json(&serde_json::json!({ "choice": choice })).send().await;
    let outcome = match r {
        Ok(r) if r.status().as_u16() == 201 => match r.json::<serde_json::Value>().await {
            Ok(v) => match v["tracker"].as_str() {
                Some(t) if !t.is_empty() => Outcome::Acked(t.to_string()),
                _ => Outcome::Error(format!("201 without tracker: {v}")),
            },
            Err(e) => Outcome::Error(format!("201 body: {e}")),
        },
        Ok(r) if r.status().as_u16() == 409 => Outcome::Conflict,
        Ok(r) => {
            let s = r.status();
            Outcome::Error(format!("HTTP {s}: {}", r.text().await.unwrap_or_default()))
        }
        Err(e) => Outcome::Error(e.to_string()),
    };
    Cast { sent, done: Instant::now(), outcome }
}

/// Milliseconds at quantile `q` of sorted samples (nearest rank).
fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// [`read_loop`] on a thread of its own with its own runtime, so that the page's latency is the
/// server's and not the wait for this process's ballot tasks (the load generator has one core).
/// With `rate > 0`, [`paced_reads`] instead.
fn spawn_reader(
    url: String,
    cookie: String,
    conns: usize,
    rate: f64,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<(Vec<(Instant, f64)>, usize)> {
    std::thread::spawn(move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) if rate > 0.0 => rt.block_on(paced_reads(url, cookie, rate, stop)),
        Ok(rt) => rt.block_on(read_loop(url, cookie, conns, stop)),
        Err(_) => (Vec::new(), 1),
    })
}

/// Reads `url` at `rate` requests per second on a fixed schedule, whatever the answers take
/// (open loop: the chairs' screens refresh on their own clocks, and a slow answer does not hold
/// back the next read). Each latency runs from the moment the read is sent.
async fn paced_reads(url: String, cookie: String, rate: f64, stop: Arc<AtomicBool>) -> (Vec<(Instant, f64)>, usize) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap_or_default();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = tokio::task::JoinSet::new();
    while !stop.load(Ordering::Relaxed) {
        tick.tick().await;
        let (client, url, cookie) = (client.clone(), url.clone(), cookie.clone());
        tasks.spawn(async move {
            let due = Instant::now();
            match client.get(&url).header("Cookie", &cookie).send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.ok().map(|_| (due, ms(due.elapsed()))),
                _ => None,
            }
        });
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(Some(s)) => all.push(s),
            _ => errors += 1,
        }
    }
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    (all, errors)
}

/// Reads `url` with `conns` sequential loops until `stop`; returns each read's start and latency
/// (ms), sorted by latency, and the errors.
async fn read_loop(url: String, cookie: String, conns: usize, stop: Arc<AtomicBool>) -> (Vec<(Instant, f64)>, usize) {
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (client, url, cookie, stop) = (client.clone(), url.clone(), cookie.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                match client.get(&url).header("Cookie", &cookie).send().await {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(_) => lat.push((t, ms(t.elapsed()))),
                        Err(_) => errors += 1,
                    },
                    _ => {
                        errors += 1;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            all.extend(l);
            errors += e;
        }
    }
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    (all, errors)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let base = req_arg("--base")?;
    let file = req_arg("--tokens")?;
    let poll_ix: usize = arg("--poll").unwrap_or_else(|| "0".into()).parse().context("--poll")?;
    let mode = arg("--mode").unwrap_or_else(|| "burst".into());
    let window: f64 = arg("--window").unwrap_or_else(|| "60".into()).parse().context("--window")?;
    let conc: usize = arg("--conc").unwrap_or_else(|| "64".into()).parse().context("--conc")?;
    let dups: usize = arg("--dups").unwrap_or_else(|| "20".into()).parse().context("--dups")?;
    let turnout_url = arg("--turnout-url");
    let cookie = arg("--cookie").unwrap_or_default();
    let turnout_conns: usize =
        arg("--turnout-conns").unwrap_or_else(|| "4".into()).parse().context("--turnout-conns")?;
    let turnout_rate: f64 = arg("--turnout-rate").unwrap_or_else(|| "0".into()).parse().context("--turnout-rate")?;
    let idle_secs: f64 = arg("--idle-secs").unwrap_or_else(|| "0".into()).parse().context("--idle-secs")?;
    anyhow::ensure!(mode == "burst" || mode == "window", "--mode burst|window");

    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {file}"))?;
    let mut lines = text.lines();
    let ids: Vec<&str> = lines.next().unwrap_or_default().split_whitespace().collect();
    let poll = ids.get(poll_ix).copied().with_context(|| format!("no poll #{poll_ix} in {file}"))?.to_string();
    let tokens: Vec<String> = lines.filter(|l| !l.is_empty()).map(str::to_string).collect();
    let url = format!("{base}/api/v1/polls/{poll}/ballots");
    let turnout_url = turnout_url.map(|u| u.replace("{poll}", &poll));
    let mut out = format!("mode={mode} voters={}", tokens.len());

    // Scenario 3's reference: the turnout page with nobody voting.
    if let (Some(tu), true) = (&turnout_url, idle_secs > 0.0) {
        let stop = Arc::new(AtomicBool::new(false));
        let h = spawn_reader(tu.clone(), cookie.clone(), turnout_conns, turnout_rate, stop.clone());
        tokio::time::sleep(Duration::from_secs_f64(idle_secs)).await;
        stop.store(true, Ordering::Relaxed);
        let (lat, errors) = h.join().map_err(|_| anyhow::anyhow!("turnout reader panicked"))?;
        let lat: Vec<f64> = lat.into_iter().map(|s| s.1).collect();
        anyhow::ensure!(!lat.is_empty(), "turnout page: no successful read ({errors} errors)");
        out += &format!(
            " turnout_idle_p50_ms={:.2} turnout_idle_p99_ms={:.2} turnout_idle_n={} turnout_idle_errors={errors}",
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.len()
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let reader = turnout_url
        .as_ref()
        .map(|tu| spawn_reader(tu.clone(), cookie.clone(), turnout_conns, turnout_rate, stop.clone()));

    // The voters.
    let client = reqwest::Client::builder().pool_max_idle_per_host(1024).build()?;
    let sem = Arc::new(Semaphore::new(if mode == "burst" { conc.max(1) } else { Semaphore::MAX_PERMITS }));
    let mut rng = Lcg(99);
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut tasks = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        let at = if mode == "window" {
            start + Duration::from_micros(rng.next_u64() % ((window * 1e6) as u64).max(1))
        } else {
            start
        };
        let (client, url, token, sem) = (client.clone(), url.clone(), token.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            let _permit = sem.acquire_owned().await;
            cast(&client, &url, &token, ["yes", "no", "abstain"][i % 3]).await
        }));
    }
    let mut casts = Vec::with_capacity(tasks.len());
    for t in tasks {
        casts.push(t.await?);
    }
    stop.store(true, Ordering::Relaxed);

    let first = casts.iter().map(|c| c.sent).min().context("no ballots")?;
    let last = casts.iter().map(|c| c.done).max().context("no ballots")?;
    let mut lat: Vec<f64> = casts.iter().map(|c| ms(c.done - c.sent)).collect();
    lat.sort_by(f64::total_cmp);
    let mut acked = Vec::new();
    let (mut conflicts, mut errors) = (0usize, Vec::new());
    for c in casts {
        match c.outcome {
            Outcome::Acked(t) => acked.push(t),
            Outcome::Conflict => conflicts += 1,
            Outcome::Error(e) => errors.push(e),
        }
    }
    let secs = (last - first).as_secs_f64();
    out += &format!(
        " acked={} conflicts={conflicts} errors={} secs={secs:.3} ballots_per_s={:.0} p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        acked.len(),
        errors.len(),
        acked.len() as f64 / secs.max(1e-9),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    if mode == "window" {
        out += &format!(" window_s={window}");
    } else {
        out += &format!(" conc={conc}");
    }
    if let Some(h) = reader {
        let (samples, errors) = h.join().map_err(|_| anyhow::anyhow!("turnout reader panicked"))?;
        // Diagnosis: each busy read's start (ms after the first ballot was sent) and latency.
        if let Ok(path) = std::env::var("BENCH_TURNOUT_DUMP") {
            let mut by_start = samples.clone();
            by_start.sort_by_key(|s| s.0);
            let text: String = by_start
                .iter()
                .map(|(t, l)| {
                    let at = if *t >= first { ms(*t - first) } else { -ms(first - *t) };
                    format!("{at:.2} {l:.2}\n")
                })
                .collect();
            std::fs::write(&path, text).with_context(|| format!("writing {path}"))?;
        }
        let lat: Vec<f64> = samples.into_iter().map(|s| s.1).collect();
        out += &format!(
            " turnout_busy_p50_ms={:.2} turnout_busy_p99_ms={:.2} turnout_busy_n={} turnout_busy_errors={errors}",
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.len()
        );
    }
    if let Some(e) = errors.first() {
        eprintln!("ballots_load: {} errors, first: {e}", errors.len());
    }

    // A second ballot is refused.
    let mut dup409 = 0;
    for (i, token) in tokens.iter().take(dups).enumerate() {
        if matches!(cast(&client, &url, token, ["yes", "no", "abstain"][i % 3]).await.outcome, Outcome::Conflict) {
            dup409 += 1;
        }
    }
    out += &format!(" second_ballot_409={dup409}/{}", dups.min(tokens.len()));

    // Counted in the store: none lost, none doubled.
    if let Some(data) = arg("--data") {
        let store = open_store(&PathBuf::from(data)).await?;
        let stored: Vec<String> = polls::ballots(&store, &poll).await?.into_iter().map(|b| b.0).collect();
        let (_, voted) = polls::turnout(&store, &poll).await?;
        store.close().await;
        let set: HashSet<&str> = stored.iter().map(String::as_str).collect();
        let acked_set: HashSet<&str> = acked.iter().map(String::as_str).collect();
        let lost = acked_set.iter().filter(|t| !set.contains(**t)).count();
        // Ballots beyond the acknowledged ones, ballots without a has-voted row (or the reverse),
        // and trackers acknowledged twice.
        let doubled = stored.len().saturating_sub(acked_set.len())
            + (stored.len() as i64 - voted).unsigned_abs() as usize
            + (acked.len() - acked_set.len());
        out += &format!(" stored={} voted={voted} lost={lost} doubled={doubled}", stored.len());
    }
    println!("{out}");
    Ok(())
}
