//! The demo school's activities: past ones with sign-ups, attendance and a competition's results,
//! upcoming ones open for sign-up (one for women, one organised by 语文组), and one trip that is
//! full with a waiting list. Times are set around the moment the demo is made.

use jiaogong_domain::activities::{format_local, validate, RawActivity};
use jiaogong_domain::members::{Gender, MemberStatus};
use jiaogong_store::activities::{self as acts, Organiser};
use jiaogong_store::Store;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// (id, name, gender, status) of the school's staff, in the demo's order.
type Staff = (String, String, Gender, MemberStatus);

struct Plan<'a> {
    title: &'a str,
    kind: &'a str,
    place: &'a str,
    description: &'a str,
    /// Start, relative to now.
    start: i64,
    hours: i64,
    capacity: Option<i64>,
    audience: String,
    cost_fen: i64,
    hold_hours: Option<i64>,
    group: Option<String>,
}

/// Creates the activities; `skip` are members left free to try signing up themselves (the
/// demo member's account).
pub async fn create(
    store: &Store,
    school: &str,
    staff: &[Staff],
    groups: &[(String, String)],
    skip: &[String],
) -> anyhow::Result<()> {
    let now = jiaogong_store::now_ms();
    let active: Vec<&Staff> = staff.iter().filter(|s| s.3 == MemberStatus::Active && !skip.contains(&s.0)).collect();
    let chinese = groups.iter().find(|(_, n)| n == "语文组").map(|(id, _)| id.clone());
    let plans = [
        Plan {
            title: "中秋节教工游园活动",
            kind: "festival",
            place: "学校操场",
            description: "猜灯谜、投壶、套圈，凭签到领取月饼一盒。",
            start: -70 * DAY,
            hours: 2,
            capacity: None,
            audience: "all".into(),
            cost_fen: 3_000,
            hold_hours: None,
            group: None,
        },
        Plan {
            title: "教工气排球比赛",
            kind: "competition",
            place: "风雨操场",
            description: "以工会小组为单位组队，每队 6 人，单循环赛。",
            start: -20 * DAY,
            hours: 3,
            capacity: Some(36),
            audience: "all".into(),
            cost_fen: 0,
            hold_hours: None,
            group: None,
        },
        Plan {
            title: "冬至包饺子活动",
            kind: "festival",
            place: "学校食堂",
            description: "工会准备面粉和馅料，各组自愿报名，做好的饺子当场品尝。",
            start: 10 * DAY,
            hours: 2,
            capacity: Some(60),
            audience: "all".into(),
            cost_fen: 1_500,
            hold_hours: None,
            group: None,
        },
        Plan {
            title: "女教职工插花沙龙",
            kind: "women",
            place: "图书馆二楼",
            description: "邀请花艺老师现场指导，材料由工会提供。",
            start: 14 * DAY,
            hours: 2,
            capacity: Some(20),
            audience: "women".into(),
            cost_fen: 5_000,
            hold_hours: None,
            group: None,
        },
        Plan {
            title: "语文组读书分享会",
            kind: "training",
            place: "语文组办公室",
            description: "每人推荐一本本学期读过的书，分享 5 分钟。",
            start: 5 * DAY,
            hours: 1,
            capacity: None,
            audience: chinese.clone().map(|g| format!("group:{g}")).unwrap_or_else(|| "all".into()),
            cost_fen: 0,
            hold_hours: None,
            group: chinese.clone(),
        },
        Plan {
            title: "周末红色教育基地参观",
            kind: "visit",
            place: "市革命纪念馆（学校门口集合乘车）",
            description: "往返大巴，午餐自理。名额有限，有人退出时候补者递补后需在 48 小时内确认。",
            start: 12 * DAY,
            hours: 6,
            capacity: Some(10),
            audience: "all".into(),
            cost_fen: 8_000,
            hold_hours: Some(48),
            group: None,
        },
    ];
    for (k, p) in plans.iter().enumerate() {
        let start = now + p.start;
        let deadline = start - 2 * DAY;
        let raw = RawActivity {
            title: p.title,
            kind: p.kind,
            place: p.place,
            description: p.description,
            start: &format_local(start),
            end: &format_local(start + p.hours * HOUR),
            signup_deadline: &format_local(deadline),
            capacity: p.capacity,
            audience: &p.audience,
            cost_fen: p.cost_fen,
            hold_hours: p.hold_hours,
        };
        let a = validate(&raw).map_err(|e| anyhow::anyhow!("demo activity {}: {e:?}", p.title))?;
        let mut tx = store.begin().await?;
        let organiser = Organiser { member_id: None, group_id: p.group.clone() };
        let id = acts::create(&mut tx, &store.crypto, school, "demo", &a, &organiser).await?;
        jiaogong_store::commit(tx).await?;
        // Who signs up: a different slice of the staff for each activity.
        let wanted = match (k, p.capacity) {
            (5, Some(c)) => c as usize + 3, // full, three waiting
            (0, _) => 48,
            (1, _) => 30,
            (2, _) => 18,
            (3, _) => 9,
            _ => 8,
        };
        let signed_at = a.signup_deadline.min(now) - DAY;
        let mut tx = store.begin().await?;
        let mut signed = Vec::new();
        for s in active.iter().skip(k * 7).chain(active.iter()).take(active.len()) {
            if signed.len() >= wanted {
                break;
            }
            let facts_ok = match p.audience.as_str() {
                "women" => s.2 == Gender::Female,
                _ => true,
            };
            if !facts_ok || signed.contains(&s.0) {
                continue;
            }
            match acts::signup(&mut tx, &store.crypto, school, "demo", &id, Some(&s.0), signed_at).await {
                Ok(_) => signed.push(s.0.clone()),
                Err(acts::ActError::NotInAudience) => continue,
                Err(e) => return Err(anyhow::anyhow!("demo sign-up: {e}")),
            }
        }
        // Past activities: most of those confirmed came.
        if p.start < 0 {
            for (i, m) in signed.iter().enumerate() {
                if i % 8 != 7 {
                    let how = if i % 3 == 0 { "ticked" } else { "qr" };
                    acts::check_in(&mut tx, &store.crypto, school, "demo", &id, m, how).await?;
                }
            }
        }
        jiaogong_store::commit(tx).await?;
        if p.kind == "competition" {
            let mut tx = store.begin().await?;
            let teams = [
                ("语文组队", "一等奖"),
                ("数学组队", "二等奖"),
                ("音体美组队", "三等奖"),
                ("行政后勤组队", "优秀组织奖"),
            ];
            for (rank, (team, award)) in teams.iter().enumerate() {
                let e = acts::add_entry(&mut tx, &store.crypto, school, "demo", &id, team, "").await?;
                let won = 3 - rank.min(3);
                acts::set_result(
                    &mut tx,
                    &store.crypto,
                    school,
                    "demo",
                    &e,
                    &format!("{won} 胜"),
                    Some(rank as i64 + 1),
                    award,
                )
                .await?;
            }
            jiaogong_store::commit(tx).await?;
        }
    }
    Ok(())
}
