//! Demo data for leader evaluations and award selections: last year's closed 民主测评 of six
//! leaders (the 校领导 group is small, so its breakdown is suppressed on the sheet) and a finished
//! 仁爱教师 selection with two voting rounds, the review, a passed publicity with a dismissed
//! objection, and its honour roll. Rater groups and the weighted cut use the domain's rules.

use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::congress::ballots::{self, TallyResult};
use jiaogong_domain::congress::evaluation::{parse_items, EvaluationSettings, RaterFacts};
use jiaogong_domain::congress::selection::{
    combine, next_round, publicity_end, ElectorateCount, NextRound, NomineeStatus, RoundOutcome,
};
use jiaogong_domain::members::Post;
use jiaogong_domain::platform::calendar::Calendar;
use jiaogong_store::{congress::evaluations, congress::polls, congress::selections, Store};
use serde_json::{json, Value};

use crate::demo_congress::DemoCongress;

/// A tiny deterministic generator (the demo must look the same for everyone).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

const REPORT: &str = "一年来，在上级党委和教育局的领导下，我认真履行岗位职责，坚持立德树人，\
抓好分管工作：一是加强制度建设，完善教学常规管理；二是关心教职工成长，组织青年教师“青蓝工程”结对；\
三是落实安全责任，全年无重大安全事故。不足之处：深入课堂听课还不够，调查研究不够深入。\
今后将进一步转变作风，廉洁自律，主动接受全体教职工的监督。";

pub async fn create(store: &Store, school: &str, congress: &DemoCongress) -> anyhow::Result<()> {
    let _ = congress; // the delegates of its term are found through the roster
    let mut rng = Rng(2026_0601);
    evaluation(store, school, &mut rng).await?;
    selection(store, school, &mut rng).await?;
    Ok(())
}

/// Closes a poll the way the close step does: 实到 and ballots issued are the ballots returned.
async fn close_poll(store: &Store, school: &str, id: &str) -> anyhow::Result<ballots::Bulletin> {
    let poll = polls::get(store, school, id).await?;
    let (_, voted) = polls::turnout(store, id).await?;
    let mut def: Value = serde_json::from_str(&poll.definition)?;
    def["present"] = json!(voted);
    def["ballots_issued"] = json!(voted);
    let mut tx = store.begin().await?;
    polls::set_definition(&mut tx, id, &def.to_string()).await?;
    polls::set_status(&mut tx, school, id, PollStatus::Open, PollStatus::Closed).await?;
    jiaogong_store::commit(tx).await?;
    let packed = polls::ballots_packed(store, id).await?;
    ballots::bulletin_from_stored(&def.to_string(), &packed.rows()).map_err(|e| anyhow::anyhow!(e.message_zh_en()))
}

async fn cast_all(store: &Store, poll: &str, ballots: Vec<(String, String)>) -> anyhow::Result<()> {
    let mut tasks = Vec::new();
    for (member, content) in ballots {
        let (store, poll) = (store.clone(), poll.to_string());
        tasks.push(tokio::spawn(async move { store.ballot_box().cast(&poll, &member, content).await }));
    }
    for t in tasks {
        t.await?.map_err(|e| anyhow::anyhow!("demo ballot: {e:?}"))?;
    }
    Ok(())
}

async fn evaluation(store: &Store, school: &str, rng: &mut Rng) -> anyhow::Result<()> {
    let settings = EvaluationSettings {
        items: parse_items("德、能、勤、绩、廉").unwrap_or_default(),
        ..Default::default()
    };
    let title = "2025学年度中层及以上干部民主测评";
    let mut tx = store.begin().await?;
    let ev =
        evaluations::create(&mut tx, &store.crypto, school, title, &serde_json::to_string(&settings)?, "demo").await?;
    let candidates = evaluations::leader_candidates(store, school).await?;
    for (member, ..) in candidates.iter().take(6) {
        evaluations::add_leader(&mut tx, &store.crypto, school, &ev, member, "demo").await?;
        evaluations::set_report(&mut tx, &store.crypto, school, &ev, member, REPORT, "demo").await?;
    }
    jiaogong_store::commit(tx).await?;
    let leaders: Vec<String> = evaluations::leaders(store, &ev).await?.into_iter().map(|l| l.name).collect();
    let raters: Vec<(String, String)> = evaluations::rater_facts(store, school)
        .await?
        .into_iter()
        .filter_map(|(m, post, d)| {
            let facts = RaterFacts { post: post.as_deref().and_then(Post::from_code), delegate: d == 1 };
            settings.group_of(&facts).map(|g| (m, g.to_string()))
        })
        .collect();
    let poll = settings.poll(title, &leaders, raters.len() as u64).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let electorate: Vec<String> = raters.iter().map(|r| r.0.clone()).collect();
    let mut tx = store.begin().await?;
    let poll_id =
        polls::create(&mut tx, school, "evaluation", title, &serde_json::to_string(&poll)?, &electorate, "demo")
            .await?;
    evaluations::attach_poll(&mut tx, &store.crypto, school, &ev, &poll_id, &raters, "demo").await?;
    polls::set_status(&mut tx, school, &poll_id, PollStatus::Draft, PollStatus::Open).await?;
    jiaogong_store::commit(tx).await?;
    // About nine raters in ten take part; the fifth leader draws many 不称职 and is flagged.
    let grades = ["优秀", "称职", "基本称职", "不称职"];
    let mut ballots = Vec::new();
    for (member, group) in &raters {
        if rng.below(100) >= 90 {
            continue;
        }
        let mut answers = serde_json::Map::new();
        for (i, leader) in leaders.iter().enumerate() {
            let r = rng.below(100);
            let g = match (i, r) {
                (4, r) if r < 38 => 3,
                (4, r) if r < 60 => 2,
                (_, r) if r < 55 => 0,
                (_, r) if r < 88 => 1,
                (_, r) if r < 97 => 2,
                _ => 3,
            };
            answers.insert(leader.clone(), json!(grades[g]));
            if rng.below(100) < 60 {
                for item in &settings.items {
                    let g = (g + usize::from(rng.below(100) < 20)).min(3);
                    answers.insert(format!("{leader}·{item}"), json!(grades[g]));
                }
            }
        }
        ballots.push((member.clone(), json!({"group": group, "grades": answers}).to_string()));
    }
    cast_all(store, &poll_id, ballots).await?;
    close_poll(store, school, &poll_id).await?;
    Ok(())
}

/// (electorate kind, label, weight) of a round.
type Electorate = (&'static str, &'static str, i64);

async fn selection(store: &Store, school: &str, rng: &mut Rng) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    let new = selections::NewSelection {
        title: "2025学年度“仁爱教师”评选",
        award: "仁爱教师",
        quota: 2,
        min_years: 5,
        publicity_days: 5,
    };
    let sel = selections::create(&mut tx, &store.crypto, school, &new, "demo").await?;
    // Six long-serving teachers, nominated by their groups (one by herself).
    let teachers = selections::electorate_ids(store, school, "teachers").await?;
    let mut nominated = 0;
    for (k, member) in teachers.iter().enumerate().filter(|(k, _)| k % 13 == 4) {
        if nominated == 6 {
            break;
        }
        let (_, joined, ..) = selections::member_facts(store, school, member).await?;
        if joined.as_deref().is_none_or(|j| j > "2020-09-01") {
            continue;
        }
        let source = if k % 2 == 0 { "group" } else { "self" };
        selections::nominate(
            &mut tx,
            &store.crypto,
            school,
            &sel,
            member,
            source,
            "爱岗敬业，关爱学生，深受家长好评。",
            "demo",
        )
        .await?;
        nominated += 1;
    }
    selections::set_stage(&mut tx, &store.crypto, school, &sel, "nomination", "voting", "demo").await?;
    jiaogong_store::commit(tx).await?;
    // Round 1: all staff, top 4. Round 2: delegates (weight 3) and teachers (weight 1), top 2.
    // A tie at a round's cut is settled by a runoff among the tied, as on the committee's page.
    let plan: [(u64, &[Electorate]); 2] =
        [(4, &[("all", "全体教职工", 1)]), (2, &[("delegates", "教代会代表", 3), ("teachers", "教师", 1)])];
    let mut number = 0;
    for (top_n, electorates) in plan {
        let running: Vec<String> = selections::nominees(store, &sel)
            .await?
            .into_iter()
            .filter(|n| n.status == NomineeStatus::Running)
            .map(|n| n.label)
            .collect();
        // A round must leave somebody out (as on the committee's page); with few nominees the
        // demo holds fewer rounds.
        if top_n >= running.len() as u64 {
            continue;
        }
        let mut next = next_round(None, &running, top_n).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        loop {
            number += 1;
            let outcome = round(store, school, &sel, new.title, number, &next, electorates, rng).await?;
            match outcome.runoff() {
                Some(_) => {
                    next = next_round(Some(&outcome), &outcome.moving_on(), 0).map_err(|e| anyhow::anyhow!("{e:?}"))?
                }
                None => break,
            }
        }
    }
    // Review, a publicity that ended last December with one objection dismissed, the final list.
    let mut tx = store.begin().await?;
    selections::set_stage(&mut tx, &store.crypto, school, &sel, "voting", "review", "demo").await?;
    let finalists: Vec<String> = selections::nominees(store, &sel)
        .await?
        .into_iter()
        .filter(|n| n.status == NomineeStatus::Running)
        .map(|n| n.id)
        .collect();
    for n in &finalists {
        selections::review(&mut tx, &store.crypto, school, &sel, n, "approved", "", "demo").await?;
    }
    let start = chrono::NaiveDate::from_ymd_opt(2025, 12, 8).unwrap_or_default();
    let end = publicity_end(&Calendar::preloaded(), start, 5);
    selections::start_publicity(
        &mut tx,
        &store.crypto,
        school,
        &sel,
        &start.format("%Y-%m-%d").to_string(),
        &end.format("%Y-%m-%d").to_string(),
        "demo",
    )
    .await?;
    if let Some(first) = finalists.first() {
        let o = selections::object(
            &mut tx,
            &store.crypto,
            school,
            &sel,
            first,
            "听说该同志曾在校外有偿补课，请核实。",
            "demo",
        )
        .await?;
        selections::resolve(
            &mut tx,
            &store.crypto,
            school,
            &sel,
            &o,
            "dismissed",
            "经工会与教务处核实，无有偿补课情况，异议不成立。",
            "demo",
        )
        .await?;
    }
    selections::set_stage(&mut tx, &store.crypto, school, &sel, "publicity", "final", "demo").await?;
    jiaogong_store::commit(tx).await?;
    Ok(())
}

/// One voting round (or runoff) of the demo selection: its polls, ballots, tally and close.
#[allow(clippy::too_many_arguments)]
async fn round(
    store: &Store,
    school: &str,
    sel: &str,
    title: &str,
    number: i64,
    next: &NextRound,
    electorates: &[Electorate],
    rng: &mut Rng,
) -> anyhow::Result<RoundOutcome> {
    let (running, top_n) = (&next.candidates, next.top_n);
    let mut tx = store.begin().await?;
    let mut round_polls = Vec::new();
    for (kind, label, weight) in electorates.iter() {
        let voters = selections::electorate_ids(store, school, kind).await?;
        let title = format!("{title} 第{number}轮（{label}）");
        let poll = ballots::Poll::election(&title, voters.len() as u64, 0, 0, top_n, running.clone(), false);
        let id =
            polls::create(&mut tx, school, "election", &title, &serde_json::to_string(&poll)?, &voters, "demo").await?;
        polls::set_status(&mut tx, school, &id, PollStatus::Draft, PollStatus::Open).await?;
        round_polls.push((id, label.to_string(), *weight, voters));
    }
    let rp: Vec<(String, String, i64)> = round_polls.iter().map(|(a, b, c, _)| (a.clone(), b.clone(), *c)).collect();
    let round =
        selections::create_round(&mut tx, &store.crypto, school, sel, number, top_n as i64, &rp, "demo").await?;
    jiaogong_store::commit(tx).await?;
    let mut counts = Vec::new();
    for (poll_id, label, weight, voters) in &round_polls {
        let mut ballots = Vec::new();
        for member in voters {
            if rng.below(100) >= 85 {
                continue;
            }
            // Earlier nominees are better known; nobody approves more than top_n.
            let mut marks = serde_json::Map::new();
            let mut yes = 0;
            for (i, name) in running.iter().enumerate() {
                let approve = yes < top_n && rng.below(100) < 80 - 9 * i as u64;
                yes += u64::from(approve);
                marks.insert(name.clone(), json!(if approve { "yes" } else { "no" }));
            }
            ballots.push((member.clone(), json!({ "marks": marks }).to_string()));
        }
        cast_all(store, poll_id, ballots).await?;
        let bulletin = close_poll(store, school, poll_id).await?;
        if let TallyResult::Election(r) = ballots::tally(&bulletin) {
            counts.push(ElectorateCount::from_election(label, *weight as u64, &r));
        }
    }
    let outcome = combine(running, &counts, top_n).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let detail = format!("advancing {}", outcome.advancing.join("、"));
    let mut tx = store.begin().await?;
    selections::close_round(
        &mut tx,
        &store.crypto,
        school,
        sel,
        &round,
        &serde_json::to_string(&outcome)?,
        &outcome.eliminated(),
        &detail,
        "demo",
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(outcome)
}
