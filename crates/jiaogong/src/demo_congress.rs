//! The demo school's votes and congress: a committee election and an open poll, the congress
//! term with its delegates and sessions (agenda, documents, attendees), and the past session's
//! resolution voted by the delegates present.

use crate::demo::Lcg;
use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_store::Store;

/// Votes of the school year so far outside the congress: a closed committee election (members'
/// assembly) and an open poll the demo member can vote in. Returns their ids in that order.
/// The first school's committee election candidates.
pub(crate) const CANDIDATES: [&str; 9] =
    ["何丽", "吴秀英", "潘芳", "田春梅", "王国庆", "李建国", "张海燕", "刘志强", "陈晓东"];

pub(crate) async fn demo_polls(
    store: &Store,
    school: &str,
    active: &[String],
    candidates: &[String],
    rng: &mut Lcg,
) -> anyhow::Result<Vec<String>> {
    use jiaogong_store::congress::polls;
    let election = serde_json::json!({"title": "第五届工会委员会委员选举", "kind": "election",
        "electorate": active.len(), "present": 0, "ballots_issued": 0, "seats": 7,
        "candidates": candidates, "allow_write_in": true, "rules": {"quorum": "2/3", "threshold": "1/2", "base": "present"}});
    let open = serde_json::json!({"title": "关于调整教职工体检项目的意见征集", "kind": "resolution",
        "electorate": active.len(), "present": 0, "ballots_issued": 0, "rules": {"threshold": "1/2", "base": "valid"}});
    let mut ids = Vec::new();
    for def in [&election, &open] {
        let mut tx = store.begin().await?;
        let title = def["title"].as_str().unwrap_or_default();
        let kind = def["kind"].as_str().unwrap_or_default();
        let id = polls::create(&mut tx, school, kind, title, &def.to_string(), active, "demo").await?;
        polls::set_status(&mut tx, school, &id, PollStatus::Draft, PollStatus::Open).await?;
        jiaogong_store::commit(tx).await?;
        ids.push(id);
    }
    // About 85 % turn out in the two closed votes.
    let mut tasks = Vec::new();
    for member in active {
        if rng.next() % 100 >= 85 {
            continue;
        }
        // This draw once chose a resolution ballot (that vote is now the session's, among its
        // delegates: `demo_session_vote`); it stays so the election's ballots are unchanged.
        let _ = rng.next();
        let marks: serde_json::Map<String, serde_json::Value> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.to_string(),
                    serde_json::json!(if (rng.next() % 100) < [92, 88, 85, 80, 72, 60, 55, 40, 30][i] {
                        "yes"
                    } else {
                        "no"
                    }),
                )
            })
            .collect();
        let yes = marks.values().filter(|v| v.as_str() == Some("yes")).count();
        // Keep ballots within the seats, as the voting page does.
        let marks: serde_json::Map<String, serde_json::Value> = if yes > 7 {
            marks
                .into_iter()
                .enumerate()
                .map(|(i, (k, v))| (k, if i >= 7 { serde_json::json!("no") } else { v }))
                .collect()
        } else {
            marks
        };
        let (store, poll, member) = (store.clone(), ids[0].clone(), member.clone());
        let content = serde_json::json!({"marks": marks}).to_string();
        tasks.push(tokio::spawn(async move { store.ballot_box().cast(&poll, &member, content).await }));
    }
    for t in tasks {
        t.await?.map_err(|e| anyhow::anyhow!("demo ballot: {e:?}"))?;
    }
    for id in &ids[..1] {
        let poll = polls::get(store, school, id).await?;
        let (_, voted) = polls::turnout(store, id).await?;
        let mut def: serde_json::Value = serde_json::from_str(&poll.definition)?;
        def["present"] = serde_json::json!(voted);
        def["ballots_issued"] = serde_json::json!(voted);
        let mut tx = store.begin().await?;
        polls::set_definition(&mut tx, id, &def.to_string()).await?;
        polls::set_status(&mut tx, school, id, PollStatus::Open, PollStatus::Closed).await?;
        jiaogong_store::commit(tx).await?;
    }
    Ok(ids)
}

/// The past session's resolution (票决), voted as any session vote is: the electorate is the
/// term's delegates (应到), the delegates signed in at the session are 实到, only they vote; quorum
/// two thirds, passed by more than half of all delegates. Returns the poll id.
pub(crate) async fn demo_session_vote(store: &Store, school: &str, congress: &DemoCongress) -> anyhow::Result<String> {
    use jiaogong_store::{congress as repo, congress::polls};
    let delegates = repo::current_delegate_ids(store, &congress.term).await?;
    let session = repo::session(store, school, &congress.past_session).await?;
    let def = serde_json::json!({"title": "关于《学校绩效工资分配方案（修订稿）》的表决", "kind": "resolution",
        "electorate": delegates.len(), "present": 0, "ballots_issued": 0,
        "rules": {"quorum": "2/3", "threshold": "1/2", "base": "electorate"}});
    let mut tx = store.begin().await?;
    let id = polls::create(
        &mut tx,
        school,
        "resolution",
        "关于《学校绩效工资分配方案（修订稿）》的表决",
        &def.to_string(),
        &delegates,
        "demo",
    )
    .await?;
    polls::set_session(&mut tx, &id, &session.id).await?;
    // Every delegate but one in eleven signs in; each of them votes in the hall.
    let present: Vec<&String> = delegates.iter().enumerate().filter(|(i, _)| i % 11 != 5).map(|(_, d)| d).collect();
    for d in &present {
        repo::check_in(&mut tx, &session, d, "clerk").await?;
    }
    polls::set_status(&mut tx, school, &id, PollStatus::Draft, PollStatus::Open).await?;
    jiaogong_store::commit(tx).await?;
    let mut rng = Lcg(20251120);
    let mut tasks = Vec::new();
    for d in &present {
        let r = rng.next() % 100;
        let choice = if r < 80 {
            "yes"
        } else if r < 92 {
            "no"
        } else {
            "abstain"
        };
        let (store, poll, member) = (store.clone(), id.clone(), (*d).clone());
        let content = serde_json::json!({"choice": choice}).to_string();
        tasks.push(tokio::spawn(async move { store.ballot_box().cast(&poll, &member, content).await }));
    }
    for t in tasks {
        t.await?.map_err(|e| anyhow::anyhow!("demo ballot: {e:?}"))?;
    }
    // Closed as the committee's page closes a session vote: 实到 = signed in, issued = voted.
    let poll = polls::get(store, school, &id).await?;
    let (_, voted) = polls::turnout(store, &id).await?;
    let mut def: serde_json::Value = serde_json::from_str(&poll.definition)?;
    def["present"] = serde_json::json!(present.len());
    def["ballots_issued"] = serde_json::json!(voted);
    let mut tx = store.begin().await?;
    polls::set_definition(&mut tx, &id, &def.to_string()).await?;
    polls::set_status(&mut tx, school, &id, PollStatus::Open, PollStatus::Closed).await?;
    jiaogong_store::commit(tx).await?;
    Ok(id)
}

/// The ids of the demo congress: its term, the session held last school year and the coming one.
#[derive(Debug, Clone)]
#[allow(dead_code)] // the proposal, evaluation and selection demo data read these
pub struct DemoCongress {
    pub term: String,
    pub past_session: String,
    pub coming_session: String,
}

/// The term's delegates, the session held last school year and the coming session.
pub(crate) async fn demo_congress(
    store: &Store,
    school: &str,
    active: &[String],
    also: &[String],
) -> anyhow::Result<DemoCongress> {
    use jiaogong_store::congress;
    let mut tx = store.begin().await?;
    let term = congress::term(&mut tx, school, 5, "2024-09-01").await?;
    let past =
        congress::create_session(&mut tx, school, &term, 1, "第五届教职工代表大会第一次会议", "2025-11-20").await?;
    let held = (chrono::Utc::now() + chrono::Duration::days(26)).date_naive().format("%Y-%m-%d").to_string();
    let coming = congress::create_session(&mut tx, school, &term, 2, "第五届教职工代表大会第二次会议", &held).await?;
    // Every third active member stands for their group: about 36 delegates.
    for member in active.iter().step_by(3).chain(also) {
        congress::add_delegate(&mut tx, school, &term, member, "2024-09-01").await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(DemoCongress { term, past_session: past, coming_session: coming })
}

/// What the two sessions deliberate: agenda, documents and attendees; the past session's
/// resolution with its officials and its implementation so far; the election's officials.
/// `officials`: two scrutineers (监票人) and two counters (计票人), in that order.
pub(crate) async fn demo_sessions(
    store: &Store,
    school: &str,
    congress: &DemoCongress,
    polls: &[String],
    officials: &[String],
) -> anyhow::Result<()> {
    use jiaogong_domain::congress::SessionItemKind as K;
    use jiaogong_store::{congress::agenda, congress::paper, congress::polls as repo};
    let mut tx = store.begin().await?;
    let past: [(K, &str, &str); 9] = [
        (K::Agenda, "听取和审议校长《学校工作报告》", ""),
        (K::Agenda, "听取和审议《学校财务工作报告》", ""),
        (K::Agenda, "听取提案工作报告", ""),
        (K::Agenda, "表决《学校绩效工资分配方案（修订稿）》", ""),
        (K::Document, "学校工作报告", "一、过去一年的主要工作\n学校坚持立德树人，稳步推进课程改革，高考本科上线率比上年提高 3.2 个百分点。\n二、存在的问题\n青年教师培养体系仍不完善，部分功能室设备老化。\n三、新一年的工作思路\n推进“双减”落地，完善教师专业发展机制，改善教职工工作和生活条件。"),
        (K::Document, "学校财务工作报告", "一、收入情况：财政拨款收入 2,860 万元。\n二、支出情况：人员经费 2,140 万元，公用经费 560 万元，项目支出 160 万元。\n三、绩效工资：按区核定总量发放，考核方案经教代会审议。"),
        (K::Document, "学校绩效工资分配方案（修订稿）", "第一条 为体现多劳多得、优绩优酬……\n第二条 奖励性绩效工资占绩效工资总量的 30%……"),
        (K::Attendee, "周国平", "退休教师代表"),
        (K::Attendee, "林晓燕", "家长委员会代表"),
    ];
    let coming: [(K, &str, &str); 4] = [
        (K::Agenda, "听取和审议校长《学校工作报告》", ""),
        (K::Agenda, "听取上次会议决议落实情况报告", ""),
        (K::Agenda, "审议《学校章程（修订草案）》", ""),
        (
            K::Document,
            "学校章程（修订草案）",
            "第一章 总则\n第一条 为规范学校办学行为，依据《中华人民共和国教育法》等法律法规，制定本章程。",
        ),
    ];
    for (session, items) in [(&congress.past_session, &past[..]), (&congress.coming_session, &coming[..])] {
        for (kind, title, body) in items {
            agenda::add_item(&mut tx, school, session, *kind, title, body).await?;
        }
    }
    if let [resolution, election, ..] = polls {
        repo::set_session(&mut tx, resolution, &congress.past_session).await?;
        for poll in [resolution, election] {
            let (scrutineers, counters) = officials.split_at(officials.len().min(2));
            paper::set_officials(&mut tx, poll, "scrutineer", scrutineers).await?;
            paper::set_officials(&mut tx, poll, "counter", counters).await?;
        }
        agenda::add_progress(
            &mut tx,
            school,
            resolution,
            "in_progress",
            "校务会研究制定实施细则，已在全校公示。",
            "2025-12-15",
            "demo",
        )
        .await?;
        agenda::add_progress(
            &mut tx,
            school,
            resolution,
            "done",
            "新方案自 2026 年 1 月起执行，首次发放已完成。",
            "2026-02-28",
            "demo",
        )
        .await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(())
}
