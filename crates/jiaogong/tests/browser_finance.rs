//! Real-browser test of finance (zh-CN): the finance committee member prepares a voucher on a PC
//! screen (1366×768) and attaches a receipt photo; another committee member reviews it and the
//! chair approves it; the books of the half year are closed and the disclosure is drafted with
//! one click and published by the chair; a member on the phone (390×844) reads it, asks a
//! question, and sees the public answer. Skipped without chromium/chromedriver unless
//! `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Datelike;
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

/// A 1×1 PNG, as a phone's photo of a receipt would be checked: by its content.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49,
    0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[tokio::test(flavor = "multi_thread")]
async fn a_voucher_is_prepared_reviewed_and_approved_and_the_disclosure_is_asked_about() {
    run("a_voucher_is_prepared_reviewed_and_approved_and_the_disclosure_is_asked_about", |t| async move {
        // PC size for the books.
        t.c.set_window_size(1366, 768).await?;
        t.login("finance").await?;
        t.click_nav("#nav-finance").await?;
        assert_eq!(t.path().await?, "/s/demo/finance");
        t.click_nav("#fin-new").await?;
        let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
        set_value(&t, "#v-date", &today.format("%Y-%m-%d").to_string()).await?;
        t.fill("#v-summary", "教工羽毛球赛奖品").await?;
        t.fill("#v-payee", "文体用品商店").await?;
        t.select("#fin-lines tbody tr:nth-child(1) select", "50102").await?;
        t.fill("#fin-lines tbody tr:nth-child(1) input[name=debit]", "12.345").await?;
        t.select("#fin-lines tbody tr:nth-child(2) select", "102").await?;
        t.fill("#fin-lines tbody tr:nth-child(2) input[name=credit]", "128.50").await?;
        t.click_nav("#fin-save").await?;
        // A clear message next to the form, nothing written.
        t.wait_text("#fin-errors", "两位小数").await?;
        t.fill("#fin-lines tbody tr:nth-child(1) input[name=debit]", "128.50").await?;
        t.click_nav("#fin-save").await?;
        let page = t.path().await?;
        assert!(page.starts_with("/s/demo/finance/vouchers/"), "the voucher opens: {page}");
        // The receipt photo.
        let dir = common::TempDir::new("receipt");
        let photo = dir.path().join("发票.png");
        std::fs::write(&photo, PNG)?;
        t.el("#fin-file").await?.send_keys(&photo.display().to_string()).await?;
        t.click_nav("#fin-upload").await?;
        t.wait_text("#fin-attachments", "发票.png").await?;
        t.logout().await?;

        // Another committee member reviews, the chair approves.
        t.login("admin").await?;
        t.goto(&page).await?;
        t.click_nav("#fin-review").await?;
        t.wait_text("#fin-state", "已审核").await?;
        t.logout().await?;
        t.login("chair").await?;
        t.goto(&page).await?;
        t.click_nav("#fin-approve").await?;
        t.wait_text("#fin-state", "已批准").await?;
        t.logout().await?;

        // Last year's books are closed (the demo closed every month); one click drafts the second
        // half's disclosure. (This year's months hold other areas' drafts still to be approved.)
        t.login("finance").await?;
        t.goto("/s/demo/finance/disclosures").await?;
        let last = today.year() - 1;
        t.js(&format!(
            "document.querySelector('#fin-draft-form input[name=from]').value = '{last}-07'; \
             document.querySelector('#fin-draft-form input[name=to]').value = '{last}-12'; return true;"
        ))
        .await?;
        t.click_nav("#fin-draft").await?;
        let disclosure = t.path().await?;
        assert!(disclosure.starts_with("/finance/disclosures/"), "the draft opens: {disclosure}");
        t.logout().await?;
        t.login("chair").await?;
        t.goto(&disclosure).await?;
        t.click_nav("#fin-publish").await?;
        t.wait_text("main", "已公开").await?;
        t.logout().await?;

        // A member on the phone reads it and asks.
        t.c.set_window_size(common::WIDTH, common::HEIGHT).await?;
        t.login("member").await?;
        t.goto(&disclosure).await?;
        t.wait_text("#fin-disclosure", "收入合计").await?;
        t.fill("#fin-q", "下半年的送温暖支出为什么增加了？").await?;
        t.click_nav("#fin-ask").await?;
        t.wait_text("#fin-msg", "问题已提交").await?;
        t.wait_text("#fin-questions", "下半年的送温暖支出为什么增加了？").await?;
        t.logout().await?;
        t.c.set_window_size(1366, 768).await?;
        t.login("chair").await?;
        t.goto(&disclosure).await?;
        t.fill("#fin-questions li:last-child textarea", "下半年住院慰问的教职工较多，均按标准发放。").await?;
        t.click_nav("#fin-questions li:last-child .fin-answer").await?;
        t.logout().await?;
        t.c.set_window_size(common::WIDTH, common::HEIGHT).await?;
        t.login("member").await?;
        t.goto(&disclosure).await?;
        t.wait_text("#fin-questions", "均按标准发放").await?;
        t.assert_no_horizontal_scroll("disclosure").await?;
        Ok(())
    })
    .await;
}
