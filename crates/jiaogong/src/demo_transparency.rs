//! The demo school's 校务公开: a fund report in its publicity period with one signed objection
//! the supervision group is handling, and an appraisal result closed with the group's sign-off.

use chrono::{Datelike, Duration};
use jiaogong_domain::transparency::{validate_item, ObjectionStatus};
use jiaogong_store::transparency::{items, objections};
use jiaogong_store::Store;

/// Creates the items; returns the id of the closed one (the plan links it).
pub async fn create(store: &Store, school: &str, staff: &[String]) -> anyhow::Result<String> {
    let today = jiaogong_domain::activities::local(jiaogong_store::now_ms()).map(|d| d.date()).unwrap_or_default();
    let year = today.year();
    let open = validate_item(
        "funds",
        &format!("{year}年下半年工会经费收支情况公示"),
        "<p>本学期工会经费收入 86,400.00 元，支出 71,235.50 元，主要用于：</p><ul><li>教职工节日慰问 32,000.00 元</li><li>文体活动 21,480.00 元</li><li>困难帮扶 12,000.00 元</li><li>其他 5,755.50 元</li></ul><p>明细见工会办公室，欢迎教职工监督。</p>",
        "public",
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let closed = validate_item(
        "appraisal",
        &format!("{}年度教职工考核结果公示", year - 1),
        "<p>经学校考核领导小组评定，拟定优秀等次 18 人，名单如下（按姓氏笔画排序）……</p>",
        "staff",
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut tx = store.begin().await?;
    // In its period: started two days ago (moved to a working day), five working days.
    let (open_id, _) =
        items::publish(&mut tx, &store.crypto, school, "demo", &open, today - Duration::days(2), 5, None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(signer) = staff.first() {
        objections::file(
            &mut tx,
            &store.crypto,
            school,
            &open_id,
            Some(signer),
            "慰问支出中“其他”一项请列明用途。",
            today,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    // Closed: published in the first working days of the year, one anonymous objection
    // dismissed, signed off after the period.
    let start = chrono::NaiveDate::from_ymd_opt(year, 1, 12).unwrap_or(today);
    let decision = start + Duration::days(20);
    let (closed_id, period) = items::publish(&mut tx, &store.crypto, school, "demo", &closed, start, 5, Some(decision))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let oid = objections::file(
        &mut tx,
        &store.crypto,
        school,
        &closed_id,
        None,
        "考核优秀名额分配是否向一线倾斜？",
        period.start,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    objections::handle(
        &mut tx,
        &store.crypto,
        school,
        "demo",
        &oid,
        ObjectionStatus::Dismissed,
        "经核查，名额按各部门人数比例分配，一线教师占 15 人，已在教职工大会上说明。",
    )
    .await?;
    items::sign_off(
        &mut tx,
        &store.crypto,
        school,
        "demo",
        &closed_id,
        "公示期内收到异议 1 条，已核实答复；监督小组同意公示结果。",
        period.end + Duration::days(1),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    jiaogong_store::commit(tx).await?;
    Ok(closed_id)
}
