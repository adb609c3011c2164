//! Real-browser test of the ballot page at phone size (390×844, zh-CN): an over-vote is shown
//! before the "提交后不能修改" confirmation and the choices stay; after the close the member
//! checks the receipt code against the published bulletin on a page in plain Chinese. Skipped
//! without chromium/chromedriver unless `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::run;

#[tokio::test(flavor = "multi_thread")]
async fn an_over_vote_is_caught_before_the_confirmation_and_the_receipt_is_checked_after_the_close() {
    run("an_over_vote_is_caught_before_the_confirmation_and_the_receipt_is_checked_after_the_close", |t| async move {
        // The chair opens an election for one seat.
        t.login("chair").await?;
        t.goto("/s/demo/polls").await?;
        t.fill("#p-title", "工会小组长补选").await?;
        t.click("input[name=purpose][value=consultation]").await?;
        t.select("#p-kind", "election").await?;
        t.fill("#p-candidates", "何丽、吴秀英、潘芳").await?;
        t.fill("#p-seats", "1").await?;
        t.click_nav("#create-poll").await?;
        let manage = t.path().await?;
        assert!(manage.starts_with("/s/demo/polls/"), "{manage}");
        let poll_id = manage.trim_start_matches("/s/demo/polls/").to_string();
        t.accept_confirms().await?;
        t.click_nav("#open-poll").await?;
        t.logout().await?;

        t.login("member").await?;
        t.goto(&format!("/polls/{poll_id}")).await?;
        t.el("#ballot").await?;
        // Every choice is a target of at least 44 px.
        let small = t
            .js("return [...document.querySelectorAll('#ballot .mark-row label')].filter(l => { const r = l.getBoundingClientRect(); return r.width < 44 || r.height < 44; }).length")
            .await?;
        assert_eq!(small.as_u64(), Some(0), "targets under 44 px");
        // Two approvals for one seat: the message comes, the confirmation never does.
        t.js("window.__asked = 0; window.confirm = () => { window.__asked += 1; return true; }; return true;").await?;
        t.click("input[name=mark_0][value=yes]").await?;
        t.click("input[name=mark_1][value=yes]").await?;
        t.click("#cast").await?;
        t.wait_text("#over-vote", "最多只能同意 1 人").await?;
        assert_eq!(t.js("return window.__asked").await?.as_u64(), Some(0), "no confirmation for an over-vote");
        let kept = t.js("return document.querySelector('input[name=mark_0][value=yes]').checked && document.querySelector('input[name=mark_1][value=yes]').checked").await?;
        assert_eq!(kept.as_bool(), Some(true), "the choices stay");
        // Fixed: one approval goes through (the confirmation, answered yes, lets it).
        t.click("input[name=mark_1][value=no]").await?;
        t.click_nav("#cast").await?;
        let tracker = t.text("#tracker").await?.trim().to_string();
        assert_eq!(tracker.len(), 32);
        t.wait_text("#receipt-keep", "只显示这一次").await?;
        t.logout().await?;

        t.login("chair").await?;
        t.goto(&manage).await?;
        t.accept_confirms().await?;
        t.click_nav("#close-poll").await?;
        t.logout().await?;

        // On the same phone the code kept on the device is filled in; the check is in plain words.
        t.login("member").await?;
        t.goto(&format!("/polls/{poll_id}")).await?;
        assert_eq!(t.value("#receipt-code").await?, tracker);
        t.click_nav("#receipt-submit").await?;
        t.wait_text("#receipt-counted", "您的选票已计入").await?;
        t.wait_text("#receipt-words", "何丽").await?;
        // A code typed wrong is not found.
        t.goto(&format!("/polls/{poll_id}/receipt?code=0000")).await?;
        t.wait_text("#receipt-not-found", "没有这个回执码").await?;
        t.assert_no_horizontal_scroll("receipt check").await?;
        Ok(())
    })
    .await;
}
