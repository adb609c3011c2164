//! Demo proposals: the past session's proposals in every state of their lifecycle (closed with a
//! rating, sent back by 不满意, answered, in handling, one overdue, accepted, merged, turned into a
//! suggestion, returned, awaiting review), and drafts and a fresh submission for the coming session.
//! Every step goes through the store's `step`, so the demo obeys the same rules as the pages.

use chrono::NaiveDate;
use jiaogong_domain::congress::{Category, Feedback, HandlingStatus, ProposalText, Review};
use jiaogong_store::congress::proposals::{self as repo, Step, Who};
use jiaogong_store::Store;

use crate::demo_congress::DemoCongress;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// (title, category, reason, measures)
type Text = (&'static str, Category, &'static str, &'static str);

const PAST: &[Text] = &[
    (
        "关于增设教师休息室的提案",
        Category::Welfare,
        "各年级组办公室拥挤，教师午间没有休息的地方，下午上课精力不足。",
        "利用三楼闲置教室改建教师休息室，配置沙发、饮水机和微波炉。",
    ),
    (
        "关于改善食堂午餐质量的提案",
        Category::Logistics,
        "近期食堂菜品单一，口味偏咸，教职工意见较多。",
        "每周公布菜谱，增加菜品花样，设立意见簿并每月反馈。",
    ),
    (
        "关于完善青年教师培养机制的提案",
        Category::Staffing,
        "近三年新入职教师较多，缺少系统的带教和展示平台。",
        "落实师徒结对，每学期举办青年教师汇报课，设立专项培训经费。",
    ),
    (
        "关于规范教师绩效考核办法的提案",
        Category::Other,
        "现行绩效考核细则部分条款表述模糊，教师对结果有疑问。",
        "修订考核细则，广泛征求意见，考核结果在校内公示。",
    ),
    (
        "关于更新多媒体教学设备的提案",
        Category::Teaching,
        "部分教室投影仪老化，画面昏暗，影响课堂教学效果。",
        "对使用超过六年的设备分批更换，建立设备报修快速通道。",
    ),
    (
        "关于为教职工办理年度健康体检的提案",
        Category::Welfare,
        "教职工体检项目多年未调整，部分项目与年龄结构不匹配。",
        "按年龄段增设体检项目，女教职工增加专项检查。",
    ),
    (
        "关于增加教职工停车位的提案",
        Category::Logistics,
        "校内停车位不足，早高峰教职工停车困难。",
        "重新规划操场东侧空地，增设停车位并错峰使用。",
    ),
    (
        "关于更换教室投影仪的提案",
        Category::Teaching,
        "高一年级多个教室投影仪亮度不足。",
        "尽快更换高一年级教室投影仪。",
    ),
    ("关于调整课间操时间的提案", Category::Teaching, "课间操时间与第二节课衔接过紧。", "将课间操推后五分钟。"),
    ("关于学校多项工作的意见", Category::Other, "食堂、停车、考核、培训等方面都存在问题。", "请学校统筹研究解决。"),
    (
        "关于开设教师心理健康讲座的提案",
        Category::Welfare,
        "教师工作压力大，缺少心理疏导渠道。",
        "每学期邀请专家开设两次心理健康讲座，设立心理咨询室开放时间。",
    ),
    (
        "关于减轻教师非教学负担的提案",
        Category::Staffing,
        "各类检查、填表、迎评任务过多，占用教师备课时间。",
        "统筹各部门材料报送，精简表格，减少重复填报。",
    ),
];

const COMING: &[Text] = &[
    (
        "关于延长图书馆开放时间的提案",
        Category::Teaching,
        "图书馆下午五点闭馆，教师课后无法借阅资料。",
        "工作日延长开放至晚六点，安排志愿者轮值。",
    ),
    (
        "关于设立教工子女暑期托管班的提案",
        Category::Welfare,
        "双职工教师暑期子女无人照看。",
        "由工会牵头，利用校内场地开办暑期托管班，费用合理分担。",
    ),
    ("关于改善教师办公室通风条件的提案", Category::Logistics, "北楼办公室通风差，夏季闷热。", "加装排风扇，检修空调。"),
];

fn text(t: &Text) -> anyhow::Result<ProposalText> {
    ProposalText::parse(t.0, t.2, t.3, t.1).map_err(|e| anyhow::anyhow!("demo proposal text: {e}"))
}

struct Demo<'a> {
    store: &'a Store,
    school: &'a str,
    /// (member id, name) of the term's current delegates.
    delegates: Vec<(String, String)>,
}

impl Demo<'_> {
    fn delegate(&self, i: usize) -> (&str, &str) {
        let (id, name) = &self.delegates[i % self.delegates.len()];
        (id.as_str(), name.as_str())
    }

    async fn draft(&self, session: &str, proposer: usize, t: &Text, on: NaiveDate) -> anyhow::Result<String> {
        let (member, name) = self.delegate(proposer);
        let mut tx = self.store.begin().await?;
        let who = Who { actor: name, member: Some(member), committee: false };
        let id = repo::create(&mut tx, &self.store.crypto, self.school, session, who, on, &text(t)?)
            .await
            .map_err(|e| anyhow::anyhow!("demo draft: {e}"))?;
        jiaogong_store::commit(tx).await?;
        Ok(id)
    }

    async fn step(&self, id: &str, by: Option<usize>, on: NaiveDate, step: Step) -> anyhow::Result<()> {
        let settings = repo::settings(self.store, self.school).await?;
        let who = match by {
            Some(i) => {
                let (member, name) = self.delegate(i);
                Who { actor: name, member: Some(member), committee: false }
            }
            None => Who { actor: "chair", member: None, committee: true },
        };
        let mut tx = self.store.begin().await?;
        repo::step(&mut tx, &self.store.crypto, self.school, id, who, on, &settings, step)
            .await
            .map_err(|e| anyhow::anyhow!("demo proposal step: {e}"))?;
        jiaogong_store::commit(tx).await?;
        Ok(())
    }

    /// Drafted by delegate `p`, co-signed by the next two, submitted on `on`.
    async fn submitted(
        &self,
        session: &str,
        p: usize,
        t: &Text,
        on: NaiveDate,
        window: (NaiveDate, NaiveDate),
    ) -> anyhow::Result<String> {
        let id = self.draft(session, p, t, on).await?;
        for k in [p + 1, p + 2] {
            self.step(&id, Some(k), on, Step::CoSign).await?;
        }
        self.step(&id, Some(p), on, Step::Submit { window }).await?;
        Ok(id)
    }

    async fn reply(
        &self,
        id: &str,
        on: NaiveDate,
        status: HandlingStatus,
        measures: &str,
        reason: &str,
    ) -> anyhow::Result<()> {
        let step = Step::Answer { status, measures: measures.into(), reason: reason.into() };
        self.step(id, None, on, step).await
    }

    async fn rate(&self, id: &str, proposer: usize, on: NaiveDate, f: Feedback, comment: &str) -> anyhow::Result<()> {
        self.step(id, Some(proposer), on, Step::Rate { feedback: f, comment: comment.into() }).await
    }
}

/// The proposals of the demo congress. `also_delegates` become delegates of the term first (the
/// demo's organisation committee member sits in the congress, as is usual).
pub async fn create(
    store: &Store,
    school: &str,
    congress: &DemoCongress,
    also_delegates: &[String],
) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    for m in also_delegates {
        jiaogong_store::congress::add_delegate(&mut tx, school, &congress.term, m, "2024-09-01").await?;
    }
    let window = (day(2025, 10, 8), day(2025, 11, 10));
    repo::set_window(&mut tx, &store.crypto, school, &congress.past_session, "chair", window.0, window.1).await?;
    jiaogong_store::commit(tx).await?;
    let delegates: Vec<(String, String)> =
        jiaogong_store::congress::delegates(store, school, &congress.term, &congress.past_session)
            .await?
            .into_iter()
            .filter(|d| d.until.is_none() && !also_delegates.contains(&d.member_id))
            .map(|d| (d.member_id, d.name))
            .collect();
    if delegates.len() < 8 {
        return Ok(());
    }
    let demo = Demo { store, school, delegates };
    let s = &congress.past_session;
    let today = jiaogong_store::today_cn();
    let mut ids = Vec::new();
    for (i, t) in PAST.iter().enumerate() {
        ids.push(demo.submitted(s, 3 * i + 1, t, day(2025, 10, 15 + i as u32), window).await?);
    }
    let review = day(2025, 11, 20);
    let assigned = day(2025, 11, 25);
    let assign = |dep: &str, due: NaiveDate| Step::Assign { department: dep.into(), due, responder: None };
    for i in [0, 1, 2, 3, 4, 5, 6, 11] {
        demo.step(&ids[i], None, review, Step::Review(Review::Accept)).await?;
    }
    demo.step(&ids[7], None, review, Step::Review(Review::Merge { into: ids[4].clone() })).await?;
    let reason = "属学校日常教学管理事项，转教务处研究办理。".to_string();
    demo.step(&ids[8], None, review, Step::Review(Review::Suggestion { reason })).await?;
    let reason = "一事一案：请将食堂、停车、考核等问题分别成案。".to_string();
    demo.step(&ids[9], None, review, Step::Review(Review::Return { reason })).await?;

    // Closed, satisfied.
    demo.step(&ids[0], None, assigned, assign("总务处", day(2026, 1, 15))).await?;
    demo.reply(
        &ids[0],
        day(2026, 1, 10),
        HandlingStatus::Solved,
        "三楼原 305 教室已改建为教师休息室，于元旦后投入使用。",
        "",
    )
    .await?;
    demo.rate(&ids[0], 1, day(2026, 1, 12), Feedback::Satisfied, "休息室环境很好，谢谢。").await?;
    // 不满意: back to handling, still open past its due date.
    demo.step(&ids[1], None, assigned, assign("总务处", day(2026, 1, 15))).await?;
    demo.reply(&ids[1], day(2026, 1, 12), HandlingStatus::InProgress, "已与承包方沟通，要求改进菜品。", "").await?;
    demo.rate(&ids[1], 4, day(2026, 1, 20), Feedback::Unsatisfied, "只是口头沟通，没有具体措施，菜谱仍未公布。")
        .await?;
    // Planned, mostly satisfied.
    demo.step(&ids[2], None, assigned, assign("教务处", day(2026, 2, 28))).await?;
    demo.reply(
        &ids[2],
        day(2026, 2, 20),
        HandlingStatus::Planned,
        "已制定《青年教师培养三年规划》，下学期起实施师徒结对。",
        "",
    )
    .await?;
    demo.rate(&ids[2], 7, day(2026, 3, 1), Feedback::MostlySatisfied, "").await?;
    // Answered late, not yet rated.
    demo.step(&ids[3], None, assigned, assign("校长办公室", day(2026, 3, 31))).await?;
    demo.reply(&ids[3], day(2026, 4, 5), HandlingStatus::InProgress, "考核细则修订稿已形成，正在各组征求意见。", "")
        .await?;
    // Overdue: no reply after the due date.
    let due = today - chrono::Duration::days(15);
    demo.step(&ids[4], None, assigned, assign("总务处", due.max(assigned))).await?;
    // In handling, not yet due; the demo account `member` answers for the department (in the
    // first school; in the others the committee answers itself).
    let responder = jiaogong_store::platform::accounts::user_by_username(store, "member")
        .await?
        .filter(|(u, _)| u.school_id.as_deref() == Some(school))
        .and_then(|(u, _)| u.member_id);
    let due = today + chrono::Duration::days(30);
    demo.step(&ids[5], None, assigned, Step::Assign { department: "工会".into(), due, responder }).await?;
    // ids[6] stays accepted, waiting for a department.
    // Not possible → 不满意 → second round → mostly satisfied.
    demo.step(&ids[11], None, assigned, assign("校长办公室", day(2026, 1, 31))).await?;
    demo.reply(
        &ids[11],
        day(2026, 1, 25),
        HandlingStatus::NotPossible,
        "已向上级反映。",
        "各类检查由上级统一部署，学校暂不具备自行取消的条件。",
    )
    .await?;
    demo.rate(&ids[11], 34, day(2026, 2, 1), Feedback::Unsatisfied, "学校层面仍可精简内部表格。").await?;
    demo.reply(
        &ids[11],
        day(2026, 2, 20),
        HandlingStatus::InProgress,
        "校内表格已精简三分之一，材料实行一次报送、各部门共享。",
        "",
    )
    .await?;
    demo.rate(&ids[11], 34, day(2026, 2, 25), Feedback::MostlySatisfied, "").await?;

    // The coming session: a draft without co-signers, one with a co-signer, one just submitted.
    let c = &congress.coming_session;
    let coming_window = (day(2026, 1, 1), today + chrono::Duration::days(60));
    demo.draft(c, 2, &COMING[0], today).await?;
    let half = demo.draft(c, 5, &COMING[1], today).await?;
    demo.step(&half, Some(6), today, Step::CoSign).await?;
    demo.submitted(c, 8, &COMING[2], today, coming_window).await?;
    Ok(())
}
