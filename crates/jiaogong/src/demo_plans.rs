//! The demo school's work plans and summary: last year's plan closed, this year's adopted and in
//! progress (entries linked to real demo records, one overdue, one due this month), and last
//! year's summary drafted with the chair's prose.

use chrono::Datelike;
use jiaogong_domain::plans::{Comparison, Goal, LinkKind};
use jiaogong_store::plans::{self, summary};
use jiaogong_store::Store;

pub async fn create(store: &Store, school: &str, transparency_item: &str) -> anyhow::Result<()> {
    let today = jiaogong_domain::activities::local(jiaogong_store::now_ms()).map(|d| d.date()).unwrap_or_default();
    let year = today.year();
    let now = jiaogong_store::now_ms();
    // A past activity and the first congress session of the demo.
    let activity: Option<(String,)> = {
        let past: Vec<(String, String)> = plans::linkable(store, school, LinkKind::Activity, 100).await?;
        let mut found = None;
        for (id, _) in past {
            if let Ok(a) = jiaogong_store::activities::get(store, school, &id).await {
                if a.ends_at < now {
                    found = Some((id,));
                    break;
                }
            }
        }
        found
    };
    let session: Option<(String,)> =
        plans::linkable(store, school, LinkKind::CongressSession, 100).await?.into_iter().last().map(|(id, _)| (id,));
    let c = &store.crypto;
    let mut tx = store.begin().await?;

    // Last year's plan: adopted, every entry done.
    let last = plans::create(&mut tx, c, school, "demo", year - 1).await?;
    plans::add_section(
        &mut tx,
        c,
        school,
        "demo",
        &last,
        "指导思想",
        "以习近平新时代中国特色社会主义思想为指导，坚持全心全意依靠教职工办学，围绕学校中心工作，维护教职工合法权益。",
    )
    .await?;
    plans::add_section(
        &mut tx,
        c,
        school,
        "demo",
        &last,
        "主要工作",
        "一、加强民主管理，开好教代会；二、关心教职工生活，做好“五必访”；三、丰富文体活动；四、推进校务公开。",
    )
    .await?;
    plans::add_goal(
        &mut tx,
        c,
        school,
        "demo",
        &last,
        "组织大型活动≥2次",
        &Goal::Figure { figure: "activities.held".into(), cmp: Comparison::AtLeast, target: 2 },
    )
    .await?;
    plans::add_goal(
        &mut tx,
        c,
        school,
        "demo",
        &last,
        "召开教代会≥1次",
        &Goal::Figure { figure: "congress.sessions".into(), cmp: Comparison::AtLeast, target: 1 },
    )
    .await?;
    plans::add_goal(&mut tx, c, school, "demo", &last, "师德师风建设取得实效", &Goal::ByHand { judged: None }).await?;
    for (m, item, who) in [
        (3, "举办班主任工作经验交流会和三八节联谊活动", "女工委员"),
        (4, "召开教职工代表大会", "工会主席"),
        (9, "教师节慰问", "生活福利委员"),
        (12, "年终总结，评选先进工会小组", "工会主席"),
    ] {
        let e = plans::add_entry(&mut tx, c, school, "demo", &last, m, item, who, LinkKind::Other).await?;
        plans::set_done(&mut tx, c, school, "demo", &e, true).await?;
    }
    plans::adopt(&mut tx, c, school, "demo", &last, chrono::NaiveDate::from_ymd_opt(year - 1, 2, 20).unwrap_or(today))
        .await?;
    jiaogong_store::commit(tx).await?;

    // This year's plan, started from last year's, adopted, with entries linked to the records.
    let mut tx = store.begin().await?;
    let plan = plans::start_from(&mut tx, c, school, "demo", year - 1, year).await?;
    plans::add_goal(
        &mut tx,
        c,
        school,
        "demo",
        &plan,
        "校务公开事项按时公开",
        &Goal::Figure { figure: "transparency.items".into(), cmp: Comparison::AtLeast, target: 2 },
    )
    .await?;
    let add = |m: u32, item: &'static str, who: &'static str, kind: LinkKind| (m, item, who, kind);
    let month = today.month();
    let entries = [
        add(1, "公示上年度教职工考核结果", "工会主席", LinkKind::Transparency),
        add(3, "组织教工文体活动", "组织委员", LinkKind::Activity),
        add(5, "召开教代会", "工会主席", LinkKind::CongressSession),
        add(month.saturating_sub(1).max(1), "走访慰问退休教职工", "生活福利委员", LinkKind::Other),
        add(month, "起草年度工作总结", "工会主席", LinkKind::Other),
    ];
    for (m, item, who, kind) in entries {
        let e = plans::add_entry(&mut tx, c, school, "demo", &plan, m, item, who, kind).await?;
        match kind {
            LinkKind::Transparency => plans::link(&mut tx, c, school, "demo", &e, kind, transparency_item).await?,
            LinkKind::Activity => {
                if let Some((a,)) = &activity {
                    plans::link(&mut tx, c, school, "demo", &e, kind, a).await?;
                }
            }
            LinkKind::CongressSession => {
                if let Some((s,)) = &session {
                    plans::link(&mut tx, c, school, "demo", &e, kind, s).await?;
                }
            }
            _ => {}
        }
    }
    plans::adopt(&mut tx, c, school, "demo", &plan, chrono::NaiveDate::from_ymd_opt(year, 2, 25).unwrap_or(today))
        .await?;
    jiaogong_store::commit(tx).await?;

    // Last year's summary, drafted, with the chair's prose.
    let mut tx = store.begin().await?;
    summary::draft(&mut tx, store, c, school, "demo", year - 1).await?;
    summary::set_prose(&mut tx, c, school, "demo", year - 1, "opening", &format!("各位领导、各位代表：\n现在，我代表校工会委员会向大会汇报{}年度工会工作，请予审议。一年来，校工会在学校党总支的领导下，紧紧围绕学校中心工作，认真履行维护、建设、参与、教育四项职能。", year - 1)).await?;
    summary::set_prose(&mut tx, c, school, "demo", year - 1, "closing", "回顾一年的工作，我们也清醒地看到存在的不足：工会小组活动开展不够均衡，提案办理的反馈还不够及时。新的一年，我们将继续努力。").await?;
    jiaogong_store::commit(tx).await?;
    Ok(())
}
