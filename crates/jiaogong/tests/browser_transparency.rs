//! Real-browser test of 校务公开 and the year-end summary at phone size (390×844, zh-CN): the
//! chair publishes an item; a member objects anonymously on the phone; the supervisor records
//! the handling and signs off an item whose period has ended; the chair drafts the summary,
//! writes a paragraph, re-drafts, and the paragraph stays. Skipped without
//! chromium/chromedriver unless `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, T};
use serde_json::json;

async fn set_value(t: &T, css: &str, value: &str) -> common::R {
    t.js_args(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change')); return e.value;",
        vec![json!(css), json!(value)],
    )
    .await?;
    Ok(())
}

fn day(offset: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::days(offset))
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

async fn publish(t: &T, title: &str, start: &str) -> common::R<String> {
    t.goto("/s/demo/transparency").await?;
    t.unfold("#tp-title-input").await?;
    t.select("#tp-category", "selection").await?;
    t.fill("#tp-title-input", title).await?;
    t.fill("#tp-content", "<p>拟推荐名单：张老师、李老师。</p>").await?;
    set_value(t, "#tp-start", start).await?;
    t.click_nav("#tp-submit").await?;
    let path = t.path().await?;
    assert!(path.starts_with("/s/demo/transparency/"), "the item's page opens: {path}");
    Ok(path)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_item_is_objected_to_on_the_phone_signed_off_and_the_summary_keeps_its_prose() {
    run("an_item_is_objected_to_on_the_phone_signed_off_and_the_summary_keeps_its_prose", |t| async move {
        // The chair publishes one item now and one whose period is over.
        t.login("chair").await?;
        let open = publish(&t, "优秀班主任推荐人选公示", &day(0)).await?;
        let period = t.text("#tp-period").await?;
        assert!(period.contains("5 个工作日"), "the period is shown: {period}");
        let ended = publish(&t, "上学期评优结果公示", &day(-40)).await?;
        t.logout().await?;

        // A member objects anonymously, on the phone.
        t.login("member").await?;
        t.goto(&open).await?;
        t.assert_no_horizontal_scroll("transparency item").await?;
        t.fill("#tp-objection-body", "第二位推荐人选本学期有教学事故，请核实。").await?;
        t.click("#tp-anonymous").await?;
        t.click_nav("#tp-object-submit").await?;
        t.wait_text("#tp-notice", "异议已提交").await?;
        t.goto(&ended).await?;
        let body = t.text("main").await?;
        assert!(body.contains("公示期已于") && !body.contains("提交异议"), "no objection after the period: {body}");
        t.logout().await?;

        // The supervisor records the handling, and signs off the ended item.
        t.login("supervisor").await?;
        t.goto(&open).await?;
        let list = t.text(".tp-objection").await?;
        assert!(list.contains("匿名") && list.contains("教学事故"), "{list}");
        t.fill(".tp-handling", "已向教务处核实，情况属实，取消该人选。").await?;
        t.select(".tp-status", "upheld").await?;
        t.click_nav(".tp-handle-submit").await?;
        t.wait_text(".tp-objection", "异议成立").await?;
        t.goto(&ended).await?;
        t.fill("#tp-opinion", "公示期内无异议，同意公示结果。").await?;
        t.click_nav("#tp-signoff-submit").await?;
        t.wait_text("#tp-signoff-text", "同意公示结果").await?;
        t.logout().await?;

        // The chair drafts the summary, writes a paragraph, re-drafts: the paragraph stays.
        t.login("chair").await?;
        let year = &day(0)[..4];
        t.goto(&format!("/s/demo/summary?year={year}")).await?;
        t.click_nav("#sum-draft").await?;
        let prose = "一年来，校工会围绕学校中心工作，推进校务公开，接受教职工监督。";
        t.unfold("#sum-edit-opening").await?;
        t.fill("#sum-edit-opening", prose).await?;
        t.click_nav("#sum-save-opening").await?;
        t.wait_text("#sum-prose-opening", "推进校务公开").await?;
        t.click_nav("#sum-draft").await?;
        let kept = t.text("#sum-prose-opening").await?;
        assert_eq!(kept, prose, "re-drafting keeps the chair's prose");
        let figures = t.text("#sum-transparency").await?;
        assert!(figures.contains("校务公开事项"), "{figures}");
        t.assert_no_horizontal_scroll("summary").await?;
        Ok(())
    })
    .await;
}
