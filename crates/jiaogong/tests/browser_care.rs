//! Real-browser test of 送温暖 at phone size (390×844, zh-CN): a group leader reports a
//! hospitalisation of a member of their group; the 生活福利委员 finds the task in the inbox and
//! records the visit with 1,500 yuan (above the 1,000 standard); the chair approves it with a
//! reason; the draft voucher stands in finance and is cleared; a member files an anonymous request
//! and follows it with the code. Skipped without chromium/chromedriver unless
//! `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::run;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_hospitalisation_is_visited_paid_approved_and_a_request_is_followed_anonymously() {
    run("a_hospitalisation_is_visited_paid_approved_and_a_request_is_followed_anonymously", |t| async move {
        // The group leader reports from the phone, for a member of the group (not themself).
        t.login("leader").await?;
        t.goto("/care/report").await?;
        t.assert_no_horizontal_scroll("care report").await?;
        let name = t
            .js("const s = document.querySelector('#care-member'); s.selectedIndex = s.options.length > 1 ? 1 : 0; return s.options[s.selectedIndex].text;")
            .await?;
        let name = name.as_str().unwrap_or_default().to_string();
        assert!(!name.is_empty(), "the leader's group is offered");
        t.select("#care-kind", "hospitalised").await?;
        t.click_nav("#care-report-submit").await?;
        assert_eq!(t.path().await?, "/care/report?done=1");
        t.logout().await?;

        // The welfare member finds the task in the inbox and records the visit with money.
        t.login("welfare").await?;
        t.goto("/notices").await?;
        let found = t
            .js_args(
                "const b = [...document.querySelectorAll('button.ptitle')].find(b => b.textContent.includes(arguments[0]) && b.textContent.includes('住院')); if (!b) return false; b.setAttribute('id', 'care-inbox-item'); return true;",
                vec![json!(name)],
            )
            .await?;
        assert_eq!(found, json!(true), "the task is in the welfare member's inbox");
        t.click_nav("#care-inbox-item").await?;
        let task = t.path().await?;
        assert!(task.starts_with("/care/tasks/"), "the message opens the task: {task}");
        t.assert_no_horizontal_scroll("care task").await?;
        t.select("#care-gift", "money").await?;
        t.fill("#care-amount", "1500").await?;
        t.click_nav("#care-visit-submit").await?;
        let visit = t.path().await?;
        assert!(visit.starts_with("/care/visits/"), "the visit's page: {visit}");
        t.wait_text("#care-needs-approval", "主席").await?;
        t.wait_text("#care-voucher", "").await?;
        // A second tap of the same form (back and resubmit) records nothing new.
        t.c.back().await?;
        t.wait_ready().await?;
        t.click_nav("#care-visit-submit").await?;
        assert_eq!(t.path().await?, visit, "the same visit: nothing written twice");
        t.logout().await?;

        // The chair approves the amount with a reason.
        t.login("chair").await?;
        t.goto(&visit).await?;
        t.fill("#care-approve-reason", "住院时间长，经委员会讨论同意").await?;
        t.click_nav("#care-approve").await?;
        t.wait_text("#care-approved", "住院时间长").await?;
        t.assert_no_horizontal_scroll("care visit").await?;
        t.logout().await?;

        // A member files an anonymous request and follows it with the code.
        t.login("member").await?;
        t.goto("/requests").await?;
        t.fill("#care-request-text", "希望教工之家晚上开放到九点。").await?;
        t.click("#care-anonymous").await?;
        t.click_nav("#care-request-submit").await?;
        let code = t.text("#care-code").await?;
        assert_eq!(code.len(), 19, "a code of four groups: {code}");
        t.fill("#care-follow-code", &code.to_lowercase()).await?;
        t.click_nav("#care-follow").await?;
        t.wait_text("#care-req-state", "已提交").await?;
        t.assert_no_horizontal_scroll("request").await?;
        Ok(())
    })
    .await;
}
