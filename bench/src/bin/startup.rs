//! Start-up time: spawns the server command, polls `GET /healthz` in a tight loop until it
//! answers 200, then stops the server (SIGINT, its graceful shutdown) and waits for it.
//! Repeats `--runs` times and prints `median_ms=.. min_ms=.. max_ms=.. runs=N`.
//!
//! `startup --addr 127.0.0.1:PORT [--runs 5] -- COMMAND ARGS...`

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use bench::{arg, req_arg};

fn healthy(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 16];
    let mut n = 0;
    while n < buf.len() {
        match s.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    buf[..n].starts_with(b"HTTP/1.1 200")
}

fn main() -> anyhow::Result<()> {
    let addr = req_arg("--addr")?;
    let runs: usize = arg("--runs").unwrap_or_else(|| "5".into()).parse::<usize>().context("--runs")?.max(1);
    let args: Vec<String> = std::env::args().skip_while(|a| a != "--").skip(1).collect();
    let (prog, rest) = args.split_first().context("no command after --")?;
    if healthy(&addr) {
        anyhow::bail!("something already answers on {addr}");
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        let mut child = Command::new(prog)
            .args(rest)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("spawn {prog}"))?;
        let deadline = t0 + Duration::from_secs(30);
        let mut ok = false;
        while Instant::now() < deadline {
            if healthy(&addr) {
                ok = true;
                break;
            }
            if let Some(status) = child.try_wait()? {
                anyhow::bail!("server exited early: {status}");
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        let stop = Instant::now();
        while child.try_wait()?.is_none() {
            if stop.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if !ok {
            anyhow::bail!("/healthz did not answer within 30 s");
        }
        times.push(ms);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times[times.len() / 2];
    println!("median_ms={median:.1} min_ms={:.1} max_ms={:.1} runs={}", times[0], times[times.len() - 1], times.len());
    Ok(())
}
