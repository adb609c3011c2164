//! The server loop's limits, on a real socket: idle connections are closed after the header
//! timeout and cannot crowd out a real request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use jiaogong_web::platform::server::{serve, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMITS: Limits = Limits { header_timeout: Duration::from_secs(1), max_connections: 20 };

async fn start() -> (std::net::SocketAddr, common::TestApp) {
    let t = common::app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = t.app.clone();
    tokio::spawn(async move { serve(listener, app, LIMITS, std::future::pending()).await.unwrap() });
    (addr, t)
}

/// One real request; the status line.
async fn healthz(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).lines().next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_connection_is_closed_after_the_header_timeout() {
    let (addr, _t) = start().await;
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), idle.read(&mut buf)).await.expect("closed in time");
    assert!(matches!(n, Ok(0) | Err(_)), "the server closed the socket");
    assert!(started.elapsed() >= Duration::from_millis(900));
    // A kept-alive connection that goes quiet after a request is closed too.
    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut out = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), kept.read_to_end(&mut out)).await;
    assert!(closed.is_ok(), "the idle kept-alive connection was closed");
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_idle_sockets_do_not_stop_a_real_request() {
    let (addr, _t) = start().await;
    let mut idle = Vec::new();
    for _ in 0..(LIMITS.max_connections * 3) {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    let answered = tokio::time::timeout(Duration::from_secs(10), healthz(addr)).await.expect("answered in time");
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
}
