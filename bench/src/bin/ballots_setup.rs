//! Set-up of scenario 2 (ballots): on a demo data directory, adds members until the demo school
//! has `--voters` active members, creates `--polls` open resolution polls whose electorate is
//! those members (as `demo.rs` creates its open poll), and one user with an API token per voter,
//! all directly in the store. Writes `--out FILE`: the first line holds the poll ids (space
//! separated), then one bearer token per line.
//!
//! `ballots_setup --data DIR --out FILE [--school demo] [--voters 1000] [--polls 2]`

use jiaogong_domain::congress::ballots::PollStatus;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use bench::{arg, open_store, req_arg};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{congress::polls, members, platform::tenancy};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(req_arg("--data")?);
    let out = PathBuf::from(req_arg("--out")?);
    let code = arg("--school").unwrap_or_else(|| "demo".into());
    let voters: usize = arg("--voters").unwrap_or_else(|| "1000".into()).parse().context("--voters")?;
    let npolls: usize = arg("--polls").unwrap_or_else(|| "2".into()).parse().context("--polls")?;
    let t0 = Instant::now();
    let store = open_store(&data).await?;
    let school = tenancy::school(&store, &code).await.with_context(|| format!("school {code}"))?;

    // Members up to `voters` active ones.
    let have = members::active_ids(&store, &school.id).await?.len();
    if have < voters {
        bench::add_members(&store, &school.id, voters - have, 2024, "120101", "V").await?;
    }
    let mut electorate = members::active_ids(&store, &school.id).await?;
    electorate.truncate(voters);
    anyhow::ensure!(electorate.len() == voters, "only {} active members", electorate.len());

    // The polls, opened.
    let mut ids = Vec::new();
    for n in 0..npolls {
        let title = format!("基准测试表决 {}", n + 1);
        let def = serde_json::json!({"title": title, "kind": "resolution", "electorate": voters, "present": 0,
            "ballots_issued": 0, "rules": {"threshold": "1/2", "base": "valid"}});
        let mut tx = store.begin().await?;
        let id =
            polls::create(&mut tx, &school.id, "resolution", &title, &def.to_string(), &electorate, "bench").await?;
        anyhow::ensure!(
            polls::set_status(&mut tx, &school.id, &id, PollStatus::Draft, PollStatus::Open).await?,
            "poll {id} not opened"
        );
        jiaogong_store::commit(tx).await?;
        let (e, v) = polls::turnout(&store, &id).await?;
        anyhow::ensure!(e as usize == voters && v == 0, "poll {id}: electorate {e}, voted {v}");
        ids.push(id);
    }

    // One member user + API token per voter.
    let mut text = ids.join(" ");
    text.push('\n');
    let mut tx = store.begin().await?;
    for (i, member) in electorate.iter().enumerate() {
        // One account per member: a member with a demo account votes through it.
        if let Some(name) = accounts::account_of_member(&store, &school.id, member).await? {
            let (user, _) = accounts::user_by_username(&store, &name).await?.context("demo account")?;
            let token = accounts::create_api_token(&mut tx, &user.id, "bench").await?;
            writeln!(text, "{token}")?;
            continue;
        }
        let uid = accounts::create_user(
            &mut tx,
            &NewUser {
                school_id: Some(&school.id),
                district_id: None,
                username: &format!("bench-voter-{i}"),
                display_name: "voter",
                password_hash: "x",
                role: Role::Member,
                member_id: Some(member),
            },
        )
        .await?;
        let token = accounts::create_api_token(&mut tx, &uid, "bench").await?;
        writeln!(text, "{token}")?;
    }
    jiaogong_store::commit(tx).await?;
    store.close().await;
    std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "ballots_setup: {have} active members before, {voters} voters, {npolls} open polls, {voters} tokens in {} ms",
        t0.elapsed().as_millis()
    );
    Ok(())
}
