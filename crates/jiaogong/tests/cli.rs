//! The command line as an administrator uses it: exit codes, one clear line on bad input,
//! backup/restore, audit verify after tampering, the import.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Dir(PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
fn tempdir() -> Dir {
    let p = std::env::temp_dir().join(format!("jg-cli-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&p).unwrap();
    Dir(p)
}
fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn jg(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiaogong"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("JIAOGONG_DATABASE_URL")
        .env_remove("JIAOGONG_SECRET_KEY")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn demo_then_audit_verify_is_intact_and_tampering_is_named() {
    let d = tempdir();
    let o = jg(&d.0, &["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("chair"));
    let o = jg(&d.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("完整"));
    // A second demo leaves the database as it is.
    let o = jg(&d.0, &["demo"]);
    assert!(text(&o).contains("未改动"));
    // Edit an entry behind the system's back.
    let url = format!("sqlite://{}", d.0.join("jiaogong.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").execute(&pool).await.unwrap();
        pool.close().await;
    });
    let o = jg(&d.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("第 1 条"), "{}", text(&o));
}

#[test]
fn backup_restores_into_an_empty_database() {
    let src = tempdir();
    assert!(jg(&src.0, &["demo"]).status.success());
    let file = src.0.join("b.backup");
    let o = jg(&src.0, &["backup", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let dst = tempdir();
    // The key travels beside the backup, not inside it.
    std::fs::copy(src.0.join("secret.key"), dst.0.join("secret.key")).unwrap();
    let o = jg(&dst.0, &["restore", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = jg(&dst.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Restoring again into the now non-empty database is refused with exit 2.
    let o = jg(&dst.0, &["restore", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不是空的") || text(&o).contains("not empty"), "{}", text(&o));
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn data_directory_database_key_and_backup_files_are_private_to_the_owner() {
    let root = tempdir();
    let data = root.0.join("data");
    assert!(jg(&data, &["demo"]).status.success());
    assert_eq!(mode(&data), 0o700, "data directory");
    assert_eq!(mode(&data.join("jiaogong.db")), 0o600, "database");
    assert_eq!(mode(&data.join("secret.key")), 0o600, "key");
    for journal in ["jiaogong.db-wal", "jiaogong.db-shm"] {
        if data.join(journal).exists() {
            assert_eq!(mode(&data.join(journal)), 0o600, "{journal}");
        }
    }
    let file = root.0.join("b.backup");
    assert!(jg(&data, &["backup", file.to_str().unwrap()]).status.success());
    assert_eq!(mode(&file), 0o600, "backup");
    // An install left readable by everyone is tightened when it is next opened.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(data.join("jiaogong.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(jg(&data, &["audit", "verify"]).status.success());
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("jiaogong.db")), 0o600);
}

#[test]
fn restore_under_another_master_key_is_refused_and_writes_nothing() {
    let src = tempdir();
    assert!(jg(&src.0, &["demo"]).status.success());
    let file = src.0.join("b.backup");
    assert!(jg(&src.0, &["backup", file.to_str().unwrap()]).status.success());
    // The same backup without its key check, as older versions wrote it.
    let text_backup = std::fs::read_to_string(&file).unwrap();
    let (head, rest) = text_backup.split_once('\n').unwrap();
    let mut head: serde_json::Value = serde_json::from_str(head).unwrap();
    assert!(head.get("key_check").is_some());
    head.as_object_mut().unwrap().remove("key_check");
    let old = src.0.join("old.backup");
    std::fs::write(&old, format!("{head}\n{rest}")).unwrap();

    for backup in [&file, &old] {
        let dst = tempdir();
        // No key copied: the new data directory makes a key of its own.
        let o = jg(&dst.0, &["restore", backup.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("主密钥"), "{}", text(&o));
        // Nothing was written: with the right key the same database takes the restore.
        std::fs::copy(src.0.join("secret.key"), dst.0.join("secret.key")).unwrap();
        let o = jg(&dst.0, &["restore", backup.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
        let o = jg(&dst.0, &["audit", "verify"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
}

#[test]
fn bad_input_exits_2_with_one_clear_line() {
    let d = tempdir();
    let junk = d.0.join("junk.xlsx");
    std::fs::write(&junk, b"this is not a spreadsheet").unwrap();
    assert!(jg(&d.0, &["demo"]).status.success());
    let o = jg(&d.0, &["members", "import", junk.to_str().unwrap(), "--school", "demo", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("xlsx"), "{err}");
    let o = jg(&d.0, &["members", "import", junk.to_str().unwrap(), "--school", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("找不到学校"));
    let o = jg(&d.0, &["members", "import", "/nonexistent.xlsx", "--school", "demo"]);
    assert_eq!(o.status.code(), Some(2));
    let o = jg(&d.0, &["no-such-command"]);
    assert_eq!(o.status.code(), Some(2));
    let o = jg(&d.0, &["healthcheck", "--url", "http://127.0.0.1:9"]);
    assert_eq!(o.status.code(), Some(1));
    let o = jg(&d.0, &["serve", "--bind", "not-an-address"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn admin_create_reads_the_password_from_stdin_and_enforces_its_length() {
    let d = tempdir();
    let run = |pw: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_jiaogong"))
            .args(["admin", "create", "--username", "root", "--password-stdin", "--data"])
            .arg(&d.0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(pw.as_bytes()).unwrap();
        c.wait_with_output().unwrap()
    };
    let o = run("short\n");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("10"));
    let o = run("a-long-enough-password\n");
    assert!(o.status.success(), "{}", text(&o));
    let o = run("a-long-enough-password\n");
    assert_eq!(o.status.code(), Some(2), "duplicate username");
    let o = jg(&d.0, &["token", "create", "--username", "root"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).trim().starts_with("jg_"));
}

#[test]
fn import_from_the_command_line_reports_json() {
    let d = tempdir();
    assert!(jg(&d.0, &["demo"]).status.success());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in
        [["姓名", "工号", "身份证号"], ["新同事", "X001", "110105198001010016"], ["错号", "X002", "110105198001010017"]]
            .iter()
            .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let file = d.0.join("r.xlsx");
    wb.save(&file).unwrap();
    let o = jg(&d.0, &["members", "import", file.to_str().unwrap(), "--school", "demo", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["created"].as_i64(), v["committed"].as_bool()), (Some(1), Some(true)), "{v}");
    assert_eq!(v["rejected"][0]["row"], 3);
    assert_eq!(v["rejected"][0]["column"], "身份证号");
}

#[test]
fn a_new_database_prints_a_setup_link() {
    let d = tempdir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiaogong"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(&d.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut chunk = [0u8; 512];
    while std::time::Instant::now() < deadline && !String::from_utf8_lossy(&buf).contains("/setup/") {
        use std::io::Read;
        match out.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(String::from_utf8_lossy(&buf).contains("/setup/"), "{}", String::from_utf8_lossy(&buf));
}

#[test]
fn the_demo_sessions_resolution_is_voted_by_its_delegates_with_quorum_and_passes() {
    let d = tempdir();
    assert!(jg(&d.0, &["demo"]).status.success());
    let url = format!("sqlite://{}", d.0.join("jiaogong.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (definition, electorate, delegates, ballots) = rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let (id, definition, session): (String, String, String) = sqlx::query_as(
            "SELECT p.id, p.definition, p.session_id FROM polls p WHERE p.kind = 'resolution' AND p.session_id IS NOT NULL",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let electorate: Vec<(String,)> =
            sqlx::query_as("SELECT member_id FROM poll_electorate WHERE poll_id = $1 ORDER BY member_id")
                .bind(&id)
                .fetch_all(&pool)
                .await
                .unwrap();
        let delegates: Vec<(String,)> = sqlx::query_as(
            "SELECT d.member_id FROM delegates d JOIN congress_sessions s ON s.term_id = d.term_id \
             WHERE s.id = $1 AND d.since <= s.held_on AND (d.until IS NULL OR d.until > s.held_on) ORDER BY d.member_id",
        )
        .bind(&session)
        .fetch_all(&pool)
        .await
        .unwrap();
        let ballots: Vec<(String, String)> =
            opened_ballots(&d.0, &id).await.into_iter().map(|(t, c, _)| (t, c)).collect();
        pool.close().await;
        (definition, electorate, delegates, ballots)
    });
    // The electorate is the session's delegates, not every member.
    assert!(electorate.len() > 20);
    assert_eq!(electorate, delegates);
    let poll: serde_json::Value = serde_json::from_str(&definition).unwrap();
    assert_eq!(poll["electorate"].as_u64(), Some(delegates.len() as u64));
    let list: Vec<serde_json::Value> = ballots
        .into_iter()
        .map(|(tracker, content)| {
            let mut b: serde_json::Value = serde_json::from_str(&content).unwrap();
            b["tracker"] = serde_json::json!(tracker);
            b
        })
        .collect();
    let bulletin = serde_json::json!({"format": "jiaogong-bulletin/1", "poll": poll, "ballots": list});
    let result = jiaogong_domain::congress::ballots::tally_json(&bulletin.to_string()).unwrap();
    assert_eq!(result["void_reason"], serde_json::Value::Null, "quorum met: {result}");
    assert_eq!(result["base"].as_u64(), Some(delegates.len() as u64), "over all delegates");
    assert_eq!(result["passed"], true, "{result}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_without_a_panic() {
    let d = tempdir();
    let o = jg(&d.0, &["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    // `jiaogong audit verify | true`: the reader is gone before the line is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiaogong"))
        .args(["audit", "verify", "--data"])
        .arg(&d.0)
        .env_remove("JIAOGONG_DATABASE_URL")
        .env_remove("JIAOGONG_SECRET_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(o.status.code(), Some(101), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

#[test]
fn a_weighted_selection_round_is_recounted_from_its_bulletins_as_the_server_recorded_it() {
    let d = tempdir();
    assert!(jg(&d.0, &["demo"]).status.success());
    let url = format!("sqlite://{}", d.0.join("jiaogong.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Every closed round: its recorded outcome, top N, and per electorate (weight, bulletin).
    type Round = (String, i64, Vec<(i64, serde_json::Value)>);
    let rounds: Vec<Round> = rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let rounds: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT id, outcome, top_n FROM selection_rounds WHERE status = 'closed' ORDER BY number")
                .fetch_all(&pool)
                .await
                .unwrap();
        let mut out = Vec::new();
        for (id, outcome, top) in rounds {
            let polls: Vec<(String, i64, String)> = sqlx::query_as(
                "SELECT rp.poll_id, rp.weight, p.definition FROM selection_round_polls rp JOIN polls p ON p.id = rp.poll_id \
                 WHERE rp.round_id = $1 ORDER BY rp.label",
            )
            .bind(&id)
            .fetch_all(&pool)
            .await
            .unwrap();
            let mut electorates = Vec::new();
            for (poll_id, weight, definition) in polls {
                let ballots: Vec<(String, String, i64)> = opened_ballots(&d.0, &poll_id).await;
                let list: Vec<serde_json::Value> = ballots
                    .into_iter()
                    .map(|(tracker, content, paper)| {
                        let mut b: serde_json::Value = serde_json::from_str(&content).unwrap();
                        b["tracker"] = serde_json::json!(tracker);
                        if paper == 1 {
                            b["paper"] = serde_json::json!(true);
                        }
                        b
                    })
                    .collect();
                let poll: serde_json::Value = serde_json::from_str(&definition).unwrap();
                electorates.push((weight, serde_json::json!({"format": "jiaogong-bulletin/1", "poll": poll, "ballots": list})));
            }
            out.push((outcome, top, electorates));
        }
        pool.close().await;
        out
    });
    let weighted: Vec<&Round> = rounds.iter().filter(|r| r.2.len() > 1).collect();
    assert!(!weighted.is_empty(), "the demo's selection has a round of more than one electorate");
    for (outcome, top, electorates) in weighted {
        let mut args: Vec<String> = vec!["tally".into()];
        for (i, (_, b)) in electorates.iter().enumerate() {
            let f = d.0.join(format!("round-{i}.json"));
            std::fs::write(&f, b.to_string()).unwrap();
            args.push(f.display().to_string());
        }
        let weights: Vec<String> = electorates.iter().map(|(w, _)| w.to_string()).collect();
        args.extend(["--weights".into(), weights.join(","), "--top".into(), top.to_string()]);
        let o = Command::new(env!("CARGO_BIN_EXE_jiaogong")).args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let recorded: serde_json::Value = serde_json::from_str(outcome).unwrap();
        assert_eq!(got, recorded);
        // Weights that do not match the bulletins are one clear line and exit 2.
        let o = Command::new(env!("CARGO_BIN_EXE_jiaogong"))
            .args(&args[..args.len() - 4])
            .args(["--weights", "1", "--top", "1"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert_eq!(String::from_utf8_lossy(&o.stderr).trim().lines().count(), 1, "{}", text(&o));
    }
}

/// The ballots of a poll, opened with the installation's key (the database holds them sealed).
async fn opened_ballots(data: &Path, poll_id: &str) -> Vec<(String, String, i64)> {
    let key = std::fs::read_to_string(data.join("secret.key")).unwrap();
    let url = format!("sqlite://{}", data.join("jiaogong.db").display());
    let store = jiaogong_store::Store::open(&url, jiaogong_store::Crypto::from_hex(&key).unwrap()).await.unwrap();
    let ballots = jiaogong_store::congress::polls::ballots(&store, poll_id).await.unwrap();
    store.close().await;
    ballots
}

#[test]
fn tally_refuses_a_bulletin_with_a_key_given_twice_and_exits_2() {
    let d = tempdir();
    let path = d.0.join("bulletin.json");
    let poll = r#"{"title":"表决","kind":"resolution","electorate":3,"present":3,"ballots_issued":3}"#;
    std::fs::write(
        &path,
        format!(r#"{{"format":"jiaogong-bulletin/1","poll":{poll},"ballots":[{{"tracker":"a","choice":"yes"}}],"ballots":[]}}"#),
    )
    .unwrap();
    let out = jg(&d.0, &["tally", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("“ballots”出现了两次") && err.contains("appears twice"), "{err}");
    assert!(out.stdout.is_empty());
}

/// (code, active members, groups, departments, dues payments, delegates, sessions, proposals,
/// polls, chairs, name of employee T0001).
type SchoolCounts = (String, i64, i64, i64, i64, i64, i64, i64, i64, i64, String);

#[test]
fn demo_with_three_schools_fills_every_school_with_its_own_people() {
    let d = tempdir();
    let started = std::time::Instant::now();
    let o = jg(&d.0, &["demo", "--schools", "3"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "demo --schools 3 took {:?}", started.elapsed());
    let out = text(&o);
    assert!(out.contains("chair2") && out.contains("chair3"), "every school's chair is printed: {out}");
    let url = format!("sqlite://{}", d.0.join("jiaogong.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let rows: Vec<SchoolCounts> = rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let rows = sqlx::query_as(
            "SELECT s.code, \
             (SELECT COUNT(*) FROM members m WHERE m.school_id = s.id AND m.status = 'active'), \
             (SELECT COUNT(*) FROM union_groups g WHERE g.school_id = s.id), \
             (SELECT COUNT(*) FROM departments p WHERE p.school_id = s.id), \
             (SELECT COUNT(*) FROM dues_payments p WHERE p.school_id = s.id), \
             (SELECT COUNT(*) FROM delegates d WHERE d.school_id = s.id AND d.until IS NULL), \
             (SELECT COUNT(*) FROM congress_sessions c WHERE c.school_id = s.id), \
             (SELECT COUNT(*) FROM proposals p WHERE p.school_id = s.id), \
             (SELECT COUNT(*) FROM polls p WHERE p.school_id = s.id), \
             (SELECT COUNT(*) FROM users u WHERE u.school_id = s.id AND u.role = 'chair'), \
             (SELECT COALESCE(MIN(m.name), '') FROM members m WHERE m.school_id = s.id AND m.employee_no = 'T0001') \
             FROM schools s ORDER BY s.code",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    });
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (code, members, groups, departments, payments, delegates, sessions, proposals, polls, chairs, _) in &rows {
        assert!(*members >= 30, "{code}: {members} active members");
        assert!(*groups >= 5 && *departments >= 3, "{code}: {groups} groups, {departments} departments");
        assert!(*payments >= *members, "{code}: {payments} dues payments");
        assert!(*delegates >= 10, "{code}: {delegates} delegates");
        assert!(*sessions >= 1, "{code}: no congress session");
        assert!(*proposals >= 1, "{code}: no proposal");
        assert!(*polls >= 1, "{code}: no poll");
        assert_eq!(*chairs, 1, "{code}: chair accounts");
    }
    let first: std::collections::HashSet<&String> = rows.iter().map(|r| &r.10).collect();
    assert_eq!(first.len(), 3, "each school has its own people: {rows:?}");
    let o = jg(&d.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// Per school of a generated district: (code, care visits, care visits with money, open tasks,
/// approved vouchers, unbalanced vouchers, vouchers of the expense accounts, months whose counter
/// differs from their last number, closed polls, ballots).
type BulkCounts = (String, i64, i64, i64, i64, i64, i64, i64, i64, i64);

async fn bulk_counts(url: &str) -> Vec<BulkCounts> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let rows = sqlx::query_as(
        "SELECT s.code, \
         (SELECT COUNT(*) FROM care_visits v WHERE v.school_id = s.id), \
         (SELECT COUNT(*) FROM care_visits v WHERE v.school_id = s.id AND v.amount_fen > 0), \
         (SELECT COUNT(*) FROM care_tasks k WHERE k.school_id = s.id AND k.visited_on IS NULL), \
         (SELECT COUNT(*) FROM fin_vouchers v WHERE v.school_id = s.id AND v.state = 'approved'), \
         (SELECT COUNT(*) FROM fin_vouchers v WHERE v.school_id = s.id AND v.amount_fen <> \
            (SELECT CAST(SUM(l.debit_fen) AS BIGINT) FROM fin_lines l WHERE l.voucher_id = v.id) \
            OR v.amount_fen <> (SELECT CAST(SUM(l.credit_fen) AS BIGINT) FROM fin_lines l WHERE l.voucher_id = v.id)), \
         (SELECT COUNT(DISTINCT l.voucher_id) FROM fin_lines l WHERE l.school_id = s.id AND l.account_code LIKE '50%' AND l.debit_fen > 0), \
         (SELECT COUNT(*) FROM fin_counters c WHERE c.school_id = s.id AND c.last_number <> \
            (SELECT COUNT(*) FROM fin_vouchers v WHERE v.school_id = s.id AND v.period = c.period AND v.number <= c.last_number)), \
         (SELECT COUNT(*) FROM polls p WHERE p.school_id = s.id AND p.status = 'closed'), \
         (SELECT COUNT(*) FROM ballots b JOIN polls p ON p.id = b.poll_id WHERE p.school_id = s.id) \
         FROM schools s ORDER BY s.code",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

fn assert_bulk(rows: &[BulkCounts]) {
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (code, visits, money, open, approved, unbalanced, spending, gaps, closed, ballots) in rows {
        assert!(*visits >= 1 && *money >= 1, "{code}: {visits} care visits, {money} with money");
        assert!(*open >= 1, "{code}: no open care task");
        assert!(*approved >= 4, "{code}: {approved} approved vouchers");
        assert_eq!(*unbalanced, 0, "{code}: vouchers whose lines do not balance");
        assert!(*spending >= 3, "{code}: {spending} expense vouchers");
        assert_eq!(*gaps, 0, "{code}: a month's counter differs from its vouchers 1..n");
        assert!(*closed >= 1 && *ballots >= 1, "{code}: {closed} closed polls, {ballots} ballots");
    }
}

#[test]
fn demo_of_a_district_gives_every_school_care_visits_balanced_books_and_a_closed_ballot() {
    let d = tempdir();
    let o = jg(&d.0, &["demo", "--schools", "3", "--members", "60", "--seed", "7"]);
    assert!(o.status.success(), "{}", text(&o));
    let url = format!("sqlite://{}", d.0.join("jiaogong.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert_bulk(&rt.block_on(bulk_counts(&url)));
    let o = jg(&d.0, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let Ok(base) = std::env::var("JIAOGONG_TEST_PG") else {
        eprintln!("SKIPPED on PostgreSQL: set JIAOGONG_TEST_PG=postgres://… to include it");
        return;
    };
    let db = format!("jg_cli_{}", rand_suffix() % 1_000_000_000);
    let pg_url = match base.rsplit_once('/') {
        Some((head, _)) => format!("{head}/{db}"),
        None => panic!("JIAOGONG_TEST_PG has no database path: {base}"),
    };
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&base).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {db}")).execute(&admin).await.unwrap();
        admin.close().await;
    });
    let pd = tempdir();
    let o = Command::new(env!("CARGO_BIN_EXE_jiaogong"))
        .args(["demo", "--schools", "3", "--members", "60", "--seed", "7", "--data"])
        .arg(&pd.0)
        .env("JIAOGONG_DATABASE_URL", &pg_url)
        .env_remove("JIAOGONG_SECRET_KEY")
        .output()
        .unwrap();
    let rows = rt.block_on(bulk_counts(&pg_url));
    rt.block_on(async {
        let admin = sqlx::AnyPool::connect(&base).await.unwrap();
        let _ = sqlx::query(&format!("DROP DATABASE {db} WITH (FORCE)")).execute(&admin).await;
        admin.close().await;
    });
    assert!(o.status.success(), "{}", text(&o));
    assert_bulk(&rows);
}
