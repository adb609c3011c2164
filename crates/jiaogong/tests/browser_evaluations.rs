//! Real-browser tests of leader evaluations and award selections at phone size (390×844, zh-CN):
//! the chair sets up and opens an evaluation, a rater grades every leader with one tap per grade
//! and gets a receipt; the demo's closed evaluation prints its summary sheet with a suppressed
//! group, and the demo's finished 仁爱教师 selection is on the honour roll.
//! Without chromium/chromedriver these print "SKIPPED" unless `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, T};

/// Taps one grade per leader on the rating page: the label's visible button, like a finger.
async fn tap_grades(t: &T, grade: &str) -> common::R<usize> {
    let n = t
        .js_args(
            "const spans = []; for (const g of document.querySelectorAll('fieldset.leader > .grades')) { \
               const s = Array.from(g.querySelectorAll('span')).find(x => x.textContent.trim() === arguments[0]); if (s) spans.push(s); } \
             spans.forEach(s => s.click()); return spans.length;",
            vec![serde_json::json!(grade)],
        )
        .await?;
    Ok(n.as_u64().unwrap_or(0) as usize)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rater_grades_every_leader_on_the_phone() {
    run("a_rater_grades_every_leader_on_the_phone", |t| async move {
        t.login("chair").await?;
        t.goto("/").await?;
        t.click_nav("#tool-evaluations").await?;
        assert!(t.path().await?.ends_with("/evaluations"), "home tools lead to the evaluations");
        // The demo's evaluation of last year is there, closed.
        t.wait_text("#evaluations", "2025学年度中层及以上干部民主测评").await?;
        t.assert_no_horizontal_scroll("evaluation list").await?;

        t.fill("#e-title", "2026学年度干部民主测评（试评）").await?;
        t.click_nav("#create-evaluation").await?;
        t.wait_text("main h1", "试评").await?;
        // The roster's school leaders and middle managers are offered, all ticked.
        let offered =
            t.js("return document.querySelectorAll('#add-leaders input[name=member]:checked').length;").await?;
        assert!(offered.as_u64().unwrap_or(0) >= 6, "roster leaders offered: {offered}");
        t.click_nav("#add-leaders-button").await?;
        t.wait_text("main", "尚未提交述职报告").await?;
        t.accept_confirms().await?;
        t.click_nav("#open-evaluation").await?;
        t.wait_text("#status", "投票中").await?;
        t.assert_no_horizontal_scroll("evaluation setup").await?;

        // The rater's page: group set by the system, big grade buttons, one tap each.
        t.click_nav("a[href^='/evaluations/']").await?;
        t.wait_text("#my-group", "教职工").await?;
        t.assert_no_horizontal_scroll("rating page").await?;
        let height = t.js("return document.querySelector('.grades span').getBoundingClientRect().height;").await?;
        assert!(height.as_f64().unwrap_or(0.0) >= 44.0, "touch targets at least 44 px: {height}");
        let leaders = t.js("return document.querySelectorAll('fieldset.leader').length;").await?.as_u64().unwrap_or(0);
        assert!(leaders >= 6);
        // Submitting with nobody graded says which leaders are missing.
        t.accept_confirms().await?;
        t.click_nav("#submit-rating").await?;
        t.wait_text("#rate-error", "请为每位被评议人选择等次").await?;
        assert_eq!(tap_grades(&t, "称职").await?, leaders as usize, "one tap per leader");
        let checked =
            t.js("return document.querySelectorAll('fieldset.leader > .grades input:checked').length;").await?;
        assert_eq!(checked.as_u64(), Some(leaders), "each tap checks that leader's grade");
        t.accept_confirms().await?;
        t.click_nav("#submit-rating").await?;
        let tracker = t.text("#tracker").await?;
        assert_eq!(tracker.trim().len(), 32, "the receipt code is shown");
        // The 核对我的选票 page fits the phone and waits for the close before answering.
        let rate_path = t.path().await?;
        t.goto(&rate_path.replace("/rate", "/check")).await?;
        t.assert_no_horizontal_scroll("check my ballot").await?;
        t.fill("#tracker", tracker.trim()).await?;
        t.click_nav("#check-submit").await?;
        t.wait_text("#check-error", "测评结束").await?;
        t.goto(&rate_path.replace("/rate", "")).await?;
        t.el("#already-voted").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_sheet_and_honour_roll() {
    run("demo_sheet_and_honour_roll", |t| async move {
        t.login("chair").await?;
        t.goto("/s/demo/evaluations").await?;
        t.click_nav("#evaluations a").await?;
        t.click_nav("#sheet-link").await?;
        t.wait_text("#sheet-title", "测评结果汇总表").await?;
        let note = t.text("#suppressed-note").await?;
        assert!(note.contains("少于 5 份"), "the small 校领导 group is suppressed: {note}");
        let rows = t.js("return document.querySelectorAll('#sheet tr.leader-row').length;").await?;
        assert_eq!(rows.as_u64(), Some(6), "six leaders on the sheet");
        let flagged = t.js("return document.querySelectorAll('#sheet tr.flagged').length;").await?;
        assert!(flagged.as_u64().unwrap_or(0) >= 1, "a leader with many 不称职 is flagged");
        t.assert_no_horizontal_scroll("summary sheet").await?;

        t.logout().await?;
        t.login("member").await?;
        t.goto("/").await?;
        t.click_nav("#tool-honours").await?;
        let roll = t.text("#honours").await?;
        assert!(roll.contains("仁爱教师"), "the demo's 仁爱教师 are on the honour roll: {roll}");
        let people = t.js("return document.querySelectorAll('#honours li').length;").await?;
        assert_eq!(people.as_u64(), Some(2));
        t.assert_no_horizontal_scroll("honour roll").await?;
        Ok(())
    })
    .await;
}
