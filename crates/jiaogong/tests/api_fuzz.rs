//! The API fuzzed against its own OpenAPI document: the real binary serves the demo school on a
//! free port, and schemathesis generates requests for every operation (a bounded number per
//! operation) with a member's token and then the chair's. Zero server errors, and every
//! response — status, content type and body — as the document says.
//!
//! Needs a Python with schemathesis (`JIAOGONG_PYTHON`, else `~/.cache/jiaogong-venv`, which
//! `.ci/run` makes). Without it the test says so and passes, unless `JIAOGONG_REQUIRE_FUZZER` is
//! set (CI), where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Examples per operation and phase; with `-w 1` both runs take well under a minute.
const MAX_EXAMPLES: &str = "20";
/// Fixed so a failure is reproducible; `JIAOGONG_FUZZ_SEED` picks another.
const DEFAULT_SEED: &str = "20261205";

/// The Python interpreter that can import `module`.
fn python_with(module: &str) -> Option<String> {
    let home = std::env::var("HOME").unwrap_or_default();
    let candidates = [
        std::env::var("JIAOGONG_PYTHON").unwrap_or_default(),
        format!("{home}/.cache/jiaogong-venv/bin/python"),
        "python3".to_string(),
    ];
    candidates.into_iter().filter(|c| !c.is_empty()).find(|py| {
        Command::new(py).args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success())
    })
}

fn token(data: &Path, username: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_jiaogong"))
        .args(["token", "create", "--username", username, "--name", "fuzz", "--data"])
        .arg(data)
        .env_remove("JIAOGONG_DATABASE_URL")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "token create {username}: {}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    out.split_whitespace().find(|w| w.starts_with("jg_")).unwrap_or_else(|| panic!("no token in {out:?}")).to_string()
}

async fn get_json(base: &str, path: &str, bearer: &str) -> Value {
    let r = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("authorization", format!("Bearer {bearer}"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "GET {path}: {}", r.status());
    r.json().await.unwrap()
}

fn first_id(v: &Value, list: &str, field: &str) -> String {
    v[list][0][field].as_str().unwrap_or_else(|| panic!("no {list}[0].{field} in {v}")).to_string()
}

/// Real ids of the demo school, so the fuzzer reaches past "not found" into the handlers.
async fn demo_ids(base: &str, chair: &str, data: &Path) -> Vec<(&'static str, String)> {
    let members = get_json(base, "/api/v1/schools/demo/members", chair).await;
    let sessions = get_json(base, "/api/v1/schools/demo/congress/sessions", chair).await;
    let delegates = get_json(base, "/api/v1/schools/demo/congress/delegates", chair).await;
    let proposals = get_json(base, "/api/v1/schools/demo/proposals", chair).await;
    // The API has no list of polls: the open one, read from the database file.
    let url = format!("sqlite://{}?mode=ro", data.join("jiaogong.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let (poll,): (String,) = sqlx::query_as("SELECT id FROM polls WHERE status = 'open' ORDER BY title LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    vec![
        ("member", first_id(&members, "members", "id")),
        ("session", first_id(&sessions, "sessions", "id")),
        ("delegate", first_id(&delegates, "delegates", "member_id")),
        ("proposal", first_id(&proposals, "proposals", "id")),
        ("poll", poll),
    ]
}

fn config(ids: &[(&str, String)]) -> String {
    let id = |k: &str| ids.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    format!(
        "[parameters]\nschool = \"demo\"\n\n\
         [[operations]]\ninclude-path-regex = \"^/api/v1/members/\"\nparameters = {{ id = \"{}\" }}\n\n\
         [[operations]]\ninclude-path-regex = \"^/api/v1/polls/\"\nparameters = {{ id = \"{}\" }}\n\n\
         [[operations]]\ninclude-path-regex = \"/congress/sessions/\"\nparameters = {{ id = \"{}\", member = \"{}\" }}\n\n\
         [[operations]]\ninclude-path-regex = \"/proposals/\"\nparameters = {{ id = \"{}\" }}\n",
        id("member"),
        id("poll"),
        id("session"),
        id("delegate"),
        id("proposal"),
    )
}

/// One schemathesis run with a bearer token; panics with its report unless it passed.
fn fuzz(py: &str, scratch: &Path, base: &str, who: &str, bearer: &str) {
    let config = scratch.join("schemathesis.toml");
    let report = scratch.join("schemathesis-report");
    let seed = std::env::var("JIAOGONG_FUZZ_SEED").unwrap_or_else(|_| DEFAULT_SEED.to_string());
    let started = std::time::Instant::now();
    let out = Command::new(py)
        .args([
            "-c",
            "import sys\nfrom schemathesis.cli import schemathesis\nsys.argv[0] = 'schemathesis'\nsys.exit(schemathesis())",
            "--config-file",
        ])
        .arg(config)
        .args(["run", &format!("{base}/api/v1/openapi.json")])
        .args(["-H", &format!("Authorization: Bearer {bearer}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            &seed,
            // One worker: the fuzzer's own threads have tripped over Python's parser before.
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--no-color",
            "--report-dir",
        ])
        .arg(report)
        .env("NO_COLOR", "1")
        // Its caches go to the scratch directory, not the source tree.
        .current_dir(scratch)
        .output()
        .expect("run schemathesis");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!("schemathesis as {who}: {:.0?}, exit {:?}", started.elapsed(), out.status.code());
    let summary: String =
        text.lines().rev().take(25).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
    eprintln!("{summary}");
    assert!(out.status.success(), "schemathesis as {who} found problems (seed {seed}):\n{text}");
    assert!(text.contains("generated"), "schemathesis as {who} generated nothing:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_fuzzer_finds_no_server_error_and_no_response_against_the_schema() {
    let Some(py) = python_with("schemathesis") else {
        assert!(
            std::env::var_os("JIAOGONG_REQUIRE_FUZZER").is_none(),
            "schemathesis is required (JIAOGONG_REQUIRE_FUZZER) but no Python has it (set JIAOGONG_PYTHON; .ci/run installs it)"
        );
        eprintln!("SKIPPED: the API fuzzer: no Python with schemathesis (set JIAOGONG_PYTHON; .ci/run installs it)");
        return;
    };
    let server = common::Server::start();
    let data = server.dir.path().join("data");
    let chair = token(&data, "chair");
    let member = token(&data, "member");
    let ids = demo_ids(&server.base, &chair, &data).await;
    let scratch = server.dir.path().to_path_buf();
    std::fs::write(scratch.join("schemathesis.toml"), config(&ids)).unwrap();
    let base = server.base.clone();
    // The member first: the chair's run changes the demo school (closes the open poll …).
    tokio::task::spawn_blocking(move || {
        fuzz(&py, &scratch, &base, "member", &member);
        fuzz(&py, &scratch, &base, "chair", &chair);
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n--- server log ---\n{}", server.log_text()));
    let log = server.log_text();
    assert!(!log.contains("internal error"), "the server logged an internal error:\n{log}");
}
