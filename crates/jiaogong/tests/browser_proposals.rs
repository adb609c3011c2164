//! Real-browser test of the proposal flow at phone size (390×844, zh-CN): a delegate drafts a
//! proposal on the phone, two delegates co-sign with one tap each, the proposer submits and the
//! chair accepts it; the member named to answer for a department records the reply on the
//! phone. Skipped without chromium/chromedriver unless `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, T};
use serde_json::json;

/// Co-signs, from the "我的提案" page, the draft with this title (one tap).
async fn cosign(t: &T, who: &str, title: &str) -> common::R {
    t.login(who).await?;
    t.goto("/").await?;
    t.wait_text("#todo", "待我附议的提案").await?;
    t.goto("/s/demo/proposals/mine").await?;
    t.assert_no_horizontal_scroll("my proposals").await?;
    let found = t
        .js_args(
            "const li = Array.from(document.querySelectorAll('#to-sign li')).find(li => li.querySelector('.ptitle').textContent.trim() === arguments[0]); \
             if (!li) return false; const b = li.querySelector('button.cosign'); if (!b) return false; b.setAttribute('data-e2e-cosign', '1'); \
             const r = b.getBoundingClientRect(); return r.height >= 44;",
            vec![json!(title)],
        )
        .await?;
    assert_eq!(found, json!(true), "{who} sees the draft with a large co-sign button");
    t.click_nav("[data-e2e-cosign]").await?;
    assert_eq!(t.path().await?, "/s/demo/proposals/mine");
    let signed = t
        .js_args(
            "const li = Array.from(document.querySelectorAll('#to-sign li')).find(li => li.querySelector('.ptitle').textContent.trim() === arguments[0]); \
             return li ? li.textContent : '';",
            vec![json!(title)],
        )
        .await?;
    assert!(signed.as_str().unwrap_or("").contains("已附议"), "{who}: the draft now shows 已附议: {signed}");
    t.logout().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delegate_drafts_two_cosign_and_the_chair_accepts() {
    run("a_delegate_drafts_two_cosign_and_the_chair_accepts", |t| async move {
        let title = "关于在教学楼每层设置饮水点的提案";
        // The delegate drafts on the phone.
        t.login("member").await?;
        t.el("#tool-proposals").await?;
        t.goto("/s/demo/proposals/mine").await?;
        t.click_nav("#new-proposal").await?;
        t.assert_no_horizontal_scroll("draft form").await?;
        t.fill("#p-title", title).await?;
        t.select("#p-category", "welfare").await?;
        t.fill("#p-reason", "教学楼只有一楼有饮水机，课间接水排长队。").await?;
        t.fill("#p-measures", "每层走廊各设一处饮水点，由总务处定期维护。").await?;
        t.click_nav("#save-draft").await?;
        let detail = t.path().await?;
        assert!(detail.starts_with("/s/demo/proposals/"), "after saving, the proposal's page: {detail}");
        assert_eq!(t.text("#proposal-title").await?, title);
        t.wait_text("#proposal-state", "草稿").await?;
        t.assert_no_horizontal_scroll("proposal page").await?;
        // Not yet: two co-signers are needed.
        t.click_nav("#submit").await?;
        t.wait_text("#step-error", "还需要附议人").await?;
        t.logout().await?;

        // Two delegates co-sign with one tap each.
        cosign(&t, "leader", title).await?;
        cosign(&t, "org", title).await?;

        // The proposer submits.
        t.login("member").await?;
        t.goto(&detail).await?;
        t.wait_text("#cosigners", "、").await?;
        t.click_nav("#submit").await?;
        t.wait_text("#proposal-state", "待审查").await?;
        t.logout().await?;

        // The chair accepts it.
        t.login("chair").await?;
        t.goto(&detail).await?;
        t.click("#decision-accept").await?;
        t.click_nav("#review-submit").await?;
        t.wait_text("#proposal-state", "已立案").await?;
        t.wait_text("#history", "立案").await?;
        t.el("#assign-form").await?;
        t.assert_no_horizontal_scroll("accepted proposal").await?;

        // It is on the public list now.
        t.goto("/s/demo/proposals").await?;
        let rows = t.wait_text("#proposals", title).await?;
        assert!(rows.contains("已立案"), "the public list shows it as accepted");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_member_named_for_the_department_answers_on_the_phone() {
    run("the_member_named_for_the_department_answers_on_the_phone", |t| async move {
        // The demo's proposal assigned to 工会 names the `member` account to answer for it.
        t.login("member").await?;
        t.goto("/s/demo/proposals/mine").await?;
        let waiting = t.wait_text("#to-answer", "前答复").await?;
        assert!(!waiting.trim().is_empty(), "the proposal waits under 待我答复");
        t.assert_no_horizontal_scroll("my proposals with one to answer").await?;
        t.click_nav("#to-answer a").await?;
        let detail = t.path().await?;
        t.wait_text("#department", "工会").await?;
        t.wait_text("#reply-form", "您被指定代表承办部门答复此提案").await?;
        t.assert_no_horizontal_scroll("reply form").await?;
        // A reply without measures is refused with a message, and nothing is lost.
        t.select("#y-status", "planned").await?;
        t.js_args("document.querySelector('#y-measures').removeAttribute('required'); return true;", vec![]).await?;
        t.click_nav("#reply-submit").await?;
        t.wait_text("#step-error", "请填写建议措施或答复内容").await?;
        t.fill("#y-measures", "已列入下学期工会工作计划，寒假前完成教工之家改造。").await?;
        t.click_nav("#reply-submit").await?;
        assert_eq!(t.path().await?, detail);
        t.wait_text("#proposal-state", "已答复").await?;
        t.wait_text("#replies", "已列入下学期工会工作计划").await?;
        t.goto("/s/demo/proposals/mine").await?;
        assert_eq!(t.js_args("return document.querySelector('#to-answer') === null;", vec![]).await?, json!(true));
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delegate_asks_for_an_interim_session_and_another_signs_with_one_tap() {
    run("a_delegate_asks_for_an_interim_session_and_another_signs_with_one_tap", |t| async move {
        let reason = "审议食堂承包方案（浏览器测试）";
        // From the members' session list, on the phone.
        t.login("member").await?;
        t.goto("/s/demo/sessions").await?;
        t.click_nav("#interim-link").await?;
        t.wait_text("#interim-threshold", "达到三分之一需").await?;
        t.assert_no_horizontal_scroll("interim requests").await?;
        t.fill("#i-reason", reason).await?;
        t.click_nav("#start-request").await?;
        t.wait_text("#requests", reason).await?;
        t.wait_text("#requests", "已联名 1 人").await?;
        t.el("#requests button.withdraw").await?;
        t.logout().await?;

        // Another delegate signs with one large tap.
        t.login("leader").await?;
        t.goto("/s/demo/interim").await?;
        let h = t.js("const b = document.querySelector('#requests button.sign'); return b ? b.getBoundingClientRect().height : 0;").await?;
        assert!(h.as_f64().unwrap_or(0.0) >= 44.0, "a large sign button: {h}");
        t.click_nav("#requests button.sign").await?;
        t.wait_text("#requests", "已联名 2 人").await?;
        t.assert_no_horizontal_scroll("interim requests after signing").await?;
        t.logout().await?;

        // The chair sees who signed.
        t.login("chair").await?;
        t.goto("/s/demo/interim").await?;
        t.wait_text("#requests", "已联名 2 人").await?;
        t.unfold("#requests details.signers").await?;
        let names = t.text("#requests details.signers").await?;
        assert!(names.contains('、'), "two signers listed: {names}");
        Ok(())
    })
    .await;
}
