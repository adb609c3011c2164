//! The demo school's care year: life events of the last twelve months with their visits (most
//! on time, two late), condolence money booked as draft vouchers (one above the standard awaiting
//! the chair), three hardship files (one with its yearly review overdue) with aid, a Spring
//! Festival campaign in progress, members' requests in every state (one anonymous) and a
//! health-check campaign of the women staff. Dates are set around the day the demo is made.

use chrono::{Days, NaiveDate};
use jiaogong_domain::care::hardship::Household;
use jiaogong_domain::care::requests::Step;
use jiaogong_domain::members::{Gender, MemberStatus};
use jiaogong_domain::platform::money::Fen;
use jiaogong_store::care::events::{self, NewEvent};
use jiaogong_store::care::requests::{self as reqs, By};
use jiaogong_store::care::visits::{self, NewVisit};
use jiaogong_store::care::{campaigns, hardship, today_cn};
use jiaogong_store::Store;

/// (id, name, gender, status) of the school's staff, in the demo's order.
type Staff = (String, String, Gender, MemberStatus);

const ACTOR: &str = "welfare";

fn ago(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn err(e: jiaogong_store::care::CareFail) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn create(store: &Store, school: &str, staff: &[Staff]) -> anyhow::Result<()> {
    let today = today_cn();
    let active: Vec<&Staff> = staff.iter().filter(|s| s.3 == MemberStatus::Active).collect();
    let retirees: Vec<&Staff> = staff.iter().filter(|s| s.3 == MemberStatus::Retired).collect();
    if active.len() < 12 {
        return Ok(());
    }
    let visitor = vec![active[0].0.clone()];
    // (member index, type, days ago, visit after days or none, amount in yuan)
    let plan: [(usize, &str, u64, Option<u64>, i64); 16] = [
        (1, "hospitalised", 330, Some(2), 500),
        (2, "childbirth", 300, Some(10), 600),
        (3, "married", 280, Some(5), 600),
        (4, "bereaved", 250, Some(3), 1000),
        (5, "hospitalised", 200, Some(12), 500), // late
        (6, "retired", 180, Some(20), 0),
        (7, "hospitalised", 150, Some(1), 800),
        (8, "bereaved", 120, Some(9), 1000), // late
        (9, "married", 100, Some(14), 600),
        (10, "childbirth", 80, Some(6), 600),
        (11, "hospitalised", 60, Some(2), 500),
        (1, "achievement", 50, None, 0),
        (2, "hospitalised", 40, Some(3), 1500), // above the standard: awaits the chair
        (3, "hardship", 30, Some(4), 2000),
        (4, "hospitalised", 10, None, 0), // open
        (5, "hospitalised", 3, None, 0),  // open, not yet due
    ];
    for (i, (m, kind, days, visit, yuan)) in plan.iter().enumerate() {
        let Some(member) = active.get(*m) else { continue };
        let on = ago(today, *days);
        let mut tx = store.begin().await?;
        let ev = NewEvent { member_id: &member.0, kind, date: on, note: "", source: "report" };
        let r = events::report(&mut tx, &store.crypto, school, ACTOR, &ev, today, false).await.map_err(err)?;
        if let (Some((task, _)), Some(after)) = (&r.task, visit) {
            let key = format!("demo-{school}-{i}");
            let v = NewVisit {
                task_id: task,
                date: on.checked_add_days(Days::new(*after)).unwrap_or(on).min(today),
                visitors: &visitor,
                gift: if *yuan > 0 { "money" } else { "goods" },
                goods: if *yuan > 0 { "" } else { "鲜花、水果" },
                amount: Fen(yuan * 100),
                notes: "",
                idem_key: &key,
                photo: None,
            };
            visits::record(&mut tx, &store.crypto, school, ACTOR, &v, today).await.map_err(err)?;
        }
        jiaogong_store::commit(tx).await?;
    }
    // Hardship files: one filed 14 months ago and never reviewed (overdue), two this year.
    let mut files = Vec::new();
    for (m, days, income, causes) in
        [(6usize, 420u64, 3_000_000i64, "大病"), (7, 90, 4_800_000, "子女就学"), (8, 40, 9_000_000, "灾害")]
    {
        let Some(member) = active.get(m) else { continue };
        let f = hardship::Figures {
            causes: vec![causes.into()],
            household: Household {
                size: 3,
                income_year: Fen(income),
                rigid_year: Fen(600_000),
                hardship_costs_year: Fen(if m == 8 { 8_000_000 } else { 0 }),
                accident: m == 8,
            },
            notes: String::new(),
        };
        let mut tx = store.begin().await?;
        let (id, _) = hardship::create(&mut tx, &store.crypto, school, ACTOR, &member.0, ago(today, days), &f)
            .await
            .map_err(err)?;
        hardship::add_aid(
            &mut tx,
            &store.crypto,
            school,
            ACTOR,
            &id,
            ago(today, days.min(60)),
            "money",
            Fen(200_000),
            "帮扶金",
        )
        .await
        .map_err(err)?;
        jiaogong_store::commit(tx).await?;
        files.push(member.0.clone());
    }
    // 春节送温暖: the hardship households and the retirees, some visited already.
    let mut recipients: Vec<(String, Option<String>)> =
        files.iter().map(|m| (m.clone(), Some(active[0].0.clone()))).collect();
    recipients.extend(retirees.iter().take(4).map(|r| (r.0.clone(), Some(active[1].0.clone()))));
    if !recipients.is_empty() {
        let start = ago(today, 5);
        let due = today.checked_add_days(Days::new(20)).unwrap_or(today);
        let mut tx = store.begin().await?;
        let cid = campaigns::create(&mut tx, &store.crypto, school, ACTOR, "春节送温暖", start, due, &recipients)
            .await
            .map_err(err)?;
        jiaogong_store::commit(tx).await?;
        let tasks: Vec<String> = events::tasks(store, school, events::TaskFilter::Open, None, today)
            .await?
            .into_iter()
            .filter(|t| t.campaign_id.as_deref() == Some(cid.as_str()))
            .map(|t| t.id)
            .collect();
        for (i, task) in tasks.iter().take(2).enumerate() {
            let key = format!("demo-campaign-{school}-{i}");
            let mut tx = store.begin().await?;
            let v = NewVisit {
                task_id: task,
                date: today,
                visitors: &visitor,
                gift: "goods",
                goods: "米、油",
                amount: Fen::ZERO,
                notes: "",
                idem_key: &key,
                photo: None,
            };
            visits::record(&mut tx, &store.crypto, school, ACTOR, &v, today).await.map_err(err)?;
            jiaogong_store::commit(tx).await?;
        }
    }
    // Requests in every state; the second is anonymous.
    let texts: [(&str, &str, &[Step]); 9] = [
        ("facilities", "教师办公室的空调坏了两周，希望尽快维修。", &[]),
        ("welfare", "希望把年度体检增加甲状腺彩超项目。", &[Step::Accept]),
        ("work", "非教学任务太多，希望减少各类填表。", &[Step::Accept, Step::Assign]),
        ("welfare", "食堂晚餐价格偏高。", &[Step::Accept, Step::Answer]),
        ("facilities", "停车位不够。", &[Step::Accept, Step::Assign, Step::Answer, Step::Confirm]),
        ("suggestion", "建议开设教工瑜伽兴趣班。", &[Step::Accept, Step::Answer, Step::ConfirmPartly]),
        ("work", "周末补课的加班费没有按时发放。", &[Step::Accept, Step::Answer, Step::Reopen]),
        ("other", "希望组织一次教工春游。", &[Step::Decline]),
        ("facilities", "二楼空调也不制冷。", &[Step::Merge]),
    ];
    let mut first = String::new();
    for (i, (cat, text, steps)) in texts.iter().enumerate() {
        let Some(member) = active.get(i + 1) else { continue };
        let day = ago(today, 40 - 4 * i as u64);
        let mut tx = store.begin().await?;
        let s = reqs::submit(&mut tx, &store.crypto, school, "member", Some(&member.0), cat, text, i == 1, day)
            .await
            .map_err(err)?;
        if i == 0 {
            first = s.id.clone();
        }
        for (k, step) in steps.iter().enumerate() {
            let on = day.checked_add_days(Days::new(k as u64 + 1)).unwrap_or(day).min(today);
            let note = match step {
                Step::Assign => "总务处",
                Step::Answer => "已与相关部门沟通，本月内落实。",
                Step::Decline => "已列入工会年度活动计划，不单独办理。",
                Step::Merge => first.as_str(),
                Step::Reopen => "仍未发放。",
                _ => "",
            };
            let by = if step.by_requester() {
                By::Requester(if i == 1 { None } else { Some("member") })
            } else {
                By::Committee(ACTOR)
            };
            reqs::step(&mut tx, &store.crypto, school, &s.id, by, *step, note, on).await.map_err(err)?;
        }
        jiaogong_store::commit(tx).await?;
    }
    // The women staff's health check of the year: half have attended.
    use chrono::Datelike;
    let women: Vec<String> = active.iter().filter(|s| s.2 == Gender::Female).map(|s| s.0.clone()).collect();
    if !women.is_empty() {
        let on = ago(today, 7);
        let people: Vec<(String, NaiveDate)> = women.iter().map(|w| (w.clone(), on)).collect();
        let mut tx = store.begin().await?;
        let id = campaigns::create_checkup(
            &mut tx,
            &store.crypto,
            school,
            ACTOR,
            i64::from(today.year()),
            "女教职工年度体检",
            &people,
        )
        .await
        .map_err(err)?;
        for w in women.iter().take(women.len() / 2) {
            campaigns::mark_attended(&mut tx, &store.crypto, school, ACTOR, &id, w, true).await.map_err(err)?;
        }
        jiaogong_store::commit(tx).await?;
    }
    Ok(())
}
