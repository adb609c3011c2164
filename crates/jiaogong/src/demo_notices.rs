//! Demo notices and news: a pinned notice of the congress, one notice every member is asked to
//! acknowledge (some already have), and news posts for the 工会动态 feed. Published through the
//! store, so the demo obeys the same rules (audience, inbox messages, audit) as the pages.

use jiaogong_domain::activities::notices::validate;
use jiaogong_store::activities::notices;
use jiaogong_store::Store;

/// (kind, title, body, audience, pinned, needs acknowledgement)
const POSTS: &[(&str, &str, &str, &str, bool, bool)] = &[
    (
        "news",
        "我校工会举办教职工趣味运动会",
        "<p>11月15日下午，校工会在田径场举办教职工趣味运动会，共有160余人参加。</p><p>拔河、托球跑、跳长绳等项目欢声笑语不断，语文组获得团体第一名。</p>",
        "all",
        false,
        false,
    ),
    (
        "news",
        "“三八”节女教职工插花活动",
        "<p>为庆祝“三八”国际妇女节，校工会女工委组织女教职工开展插花活动，大家在花艺老师指导下完成了作品。</p>",
        "all",
        false,
        false,
    ),
    (
        "notice",
        "关于召开第三届教代会第二次会议的通知",
        "<p>各位代表：</p><p>第三届教职工代表大会第二次会议定于12月20日下午2:30在学术报告厅召开，请准时参加。</p><ul><li>审议学校工作报告</li><li>审议提案办理情况报告</li></ul>",
        "delegates",
        true,
        false,
    ),
    (
        "notice",
        "关于做好年度会员信息核对的通知",
        "<p>各位会员：</p><p>请于本月25日前登录“教工之家”，在“我的”中核对个人信息，有误的请提交更正申请。</p><p><strong>读完请点“已阅”。</strong></p>",
        "all",
        false,
        true,
    ),
];

/// Publishes the demo posts; the first `acked` readers acknowledge the notice that asks for it.
pub async fn create(store: &Store, school: &str, acked: usize) -> anyhow::Result<()> {
    for (kind, title, body, audience, pinned, ack) in POSTS {
        let n = validate(kind, title, body, audience, *pinned, *ack)
            .map_err(|e| anyhow::anyhow!("demo notice {title}: {e:?}"))?;
        let mut tx = store.begin().await?;
        let (id, _) = notices::publish(&mut tx, &store.crypto, school, "demo", &n).await?;
        jiaogong_store::commit(tx).await?;
        if *ack {
            let readers = notices::readers(store, school, &id).await?;
            // The demo member account stays among those still to acknowledge: readers are
            // listed by group and name; the last ones acknowledge.
            let mut tx = store.begin().await?;
            for r in readers.iter().rev().take(acked) {
                notices::acknowledge(&mut tx, &store.crypto, school, &id, &r.member_id, "demo").await?;
            }
            jiaogong_store::commit(tx).await?;
        }
    }
    Ok(())
}
