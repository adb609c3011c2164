//! An acknowledged ballot survives `kill -9` of the server: a burst of voters, the server killed
//! in the middle, restarted, and every tracker that was acknowledged is in the ballot box — and
//! the number of ballots equals the number of has-voted rows (none lost, none doubled).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{congress::polls, platform::tenancy, Crypto, Store};

struct Dir(PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(data: &Path, port: u16) -> Server {
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_jiaogong"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = reqwest::Client::new();
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("http://127.0.0.1:{port}/healthz")).send().await {
            if r.status().is_success() {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not start");
}

async fn open_store(data: &Path) -> Store {
    let key = std::fs::read_to_string(data.join("secret.key")).unwrap();
    Store::open(&format!("sqlite://{}", data.join("jiaogong.db").display()), Crypto::from_hex(&key).unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_ballots_survive_kill_dash_nine() {
    let dir = Dir(std::env::temp_dir().join(format!("jg-kill9-{}", jiaogong_store::new_id())));
    let data = dir.0.clone();
    let out = Command::new(env!("CARGO_BIN_EXE_jiaogong")).args(["demo", "--data"]).arg(&data).output().unwrap();
    assert!(out.status.success());

    // One API token per voter of the demo's open poll.
    let store = open_store(&data).await;
    let school = tenancy::school(&store, "demo").await.unwrap();
    let poll = polls::list(&store, &school.id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.status.is_open())
        .expect("the demo has an open poll");
    let mut voters = Vec::new();
    for member in jiaogong_store::members::active_ids(&store, &school.id).await.unwrap() {
        // One account per member: the demo's own accounts keep theirs.
        if accounts::account_of_member(&store, &school.id, &member).await.unwrap().is_none() {
            voters.push(member);
        }
    }
    let mut tokens = Vec::new();
    let mut tx = store.begin().await.unwrap();
    for (i, member) in voters.iter().take(80).enumerate() {
        let uid = accounts::create_user(
            &mut tx,
            &NewUser {
                school_id: Some(&school.id),
                district_id: None,
                username: &format!("voter{i}"),
                display_name: "v",
                password_hash: "x",
                role: Role::Member,
                member_id: Some(member),
            },
        )
        .await
        .unwrap();
        tokens.push(accounts::create_api_token(&mut tx, &uid, "t").await.unwrap());
    }
    jiaogong_store::commit(tx).await.unwrap();
    store.close().await;

    let port = free_port();
    let mut server = start(&data, port).await;
    let (ack_tx, mut ack_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/api/v1/polls/{}/ballots", poll.id);
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, url, ack_tx) = (client.clone(), url.clone(), ack_tx.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis((i as u64 % 40) * 5)).await;
            let choice = ["yes", "no", "abstain"][i % 3];
            if let Ok(r) =
                client.post(&url).bearer_auth(token).json(&serde_json::json!({"choice": choice})).send().await
            {
                if r.status().as_u16() == 201 {
                    if let Ok(v) = r.json::<serde_json::Value>().await {
                        let _ = ack_tx.send(v["tracker"].as_str().unwrap_or_default().to_string());
                    }
                }
            }
        }));
    }
    drop(ack_tx);
    // Kill the server the hard way once some ballots have been acknowledged.
    let mut acked = Vec::new();
    while acked.len() < 20 {
        match tokio::time::timeout(Duration::from_secs(20), ack_rx.recv()).await {
            Ok(Some(t)) => acked.push(t),
            _ => break,
        }
    }
    server.0.kill().unwrap(); // SIGKILL
    server.0.wait().unwrap();
    for t in tasks {
        let _ = t.await;
    }
    while let Ok(t) = ack_rx.try_recv() {
        acked.push(t);
    }
    assert!(acked.len() >= 20, "only {} ballots acknowledged before the kill", acked.len());

    // After the restart every acknowledged tracker is there, and ballots match has-voted rows.
    let _server = start(&data, port).await;
    let store = open_store(&data).await;
    let stored: std::collections::HashSet<String> =
        polls::ballots(&store, &poll.id).await.unwrap().into_iter().map(|b| b.0).collect();
    for t in &acked {
        assert!(stored.contains(t), "acknowledged ballot {t} lost");
    }
    let (_, voted) = polls::turnout(&store, &poll.id).await.unwrap();
    assert_eq!(voted as usize, stored.len(), "ballots and has-voted rows differ");
}
