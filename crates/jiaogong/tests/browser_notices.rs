//! Real-browser test of notices at phone size (390×844, zh-CN): the chair publishes a notice that
//! asks for 已阅 from the phone, the member sees it on the home page and in the 通知 tab,
//! acknowledges it with one tap, and the chair's readers page counts it. Skipped without
//! chromium/chromedriver unless `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::run;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_notice_is_acknowledged_on_the_phone() {
    run("a_notice_is_acknowledged_on_the_phone", |t| async move {
        let title = "关于参加安全培训的通知";
        // The chair publishes from the phone.
        t.login("chair").await?;
        t.goto("/s/demo/notices").await?;
        t.assert_no_horizontal_scroll("notices admin").await?;
        t.fill("#nt-title", title).await?;
        t.fill("#nt-body", "周三下午3点在报告厅进行消防安全培训。\n\n请全体教职工准时参加。").await?;
        t.js("document.querySelector('input[name=needs_ack]').checked = true; return true;").await?;
        t.click_nav("#publish").await?;
        let readers = t.path().await?;
        assert!(readers.starts_with("/s/demo/notices/"), "after publishing, the readers page: {readers}");
        t.wait_text("#read-count", "已阅 0 /").await?;
        t.assert_no_horizontal_scroll("readers page").await?;
        t.logout().await?;

        // The member: home says a notice waits; the 通知 tab has it with a large 已阅 button.
        t.login("member").await?;
        t.goto("/").await?;
        t.wait_text("#todo", "待确认已阅的通知").await?;
        t.goto("/notices").await?;
        t.assert_no_horizontal_scroll("notices tab").await?;
        let found = t
            .js_args(
                "const li = Array.from(document.querySelectorAll('#my-notices li')).find(li => li.querySelector('.ptitle').textContent.includes(arguments[0])); \
                 if (!li) return false; const b = li.querySelector('button.ack'); if (!b) return false; b.setAttribute('data-e2e-ack', '1'); \
                 const r = b.getBoundingClientRect(); return r.height >= 44 && r.right <= window.innerWidth;",
                vec![json!(title)],
            )
            .await?;
        assert_eq!(found, json!(true), "the notice is listed with a large 已阅 button");
        t.click_nav("[data-e2e-ack]").await?;
        assert!(t.path().await?.starts_with("/notices/"), "the notice's page after acknowledging");
        t.wait_text("#acked", "已确认已阅").await?;
        t.wait_text("#notice-body", "消防安全培训").await?;
        t.assert_no_horizontal_scroll("notice page").await?;
        t.logout().await?;

        // The chair's count went up.
        t.login("chair").await?;
        t.goto(&readers).await?;
        t.wait_text("#read-count", "已阅 1 /").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_two_character_word_inside_a_docx_is_found_from_the_phone() {
    run("a_two_character_word_inside_a_docx_is_found_from_the_phone", |t| async move {
        // The member opens the library from the home page's tools and searches 拨缴, a word that
        // is in the text of the demo's 工会法 excerpt (.docx), not in any title.
        t.login("member").await?;
        t.goto("/").await?;
        t.click_nav("#tool-library").await?;
        t.assert_no_horizontal_scroll("library").await?;
        t.fill("#lib-q", "拨缴").await?;
        t.click_nav("#library-search-submit").await?;
        t.wait_text("#library-results", "中华人民共和国工会法（节选）").await?;
        t.wait_text("#library-results", "Word").await?;
        t.assert_no_horizontal_scroll("library results").await?;
        // One character is refused in words.
        t.fill("#lib-q", "会").await?;
        t.click_nav("#library-search-submit").await?;
        t.wait_text("#library-error", "两个字").await?;
        Ok(())
    })
    .await;
}
