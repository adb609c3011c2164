//! Real-browser test of activities at phone size (390×844, zh-CN): the chair publishes an
//! activity with one place from the phone; a group leader takes the place with one tap; the
//! member finds it from the bottom bar's 活动, signs up and is put on the waiting list; when the
//! leader withdraws, the member is promoted and the page says so. Skipped without
//! chromium/chromedriver unless `JIAOGONG_REQUIRE_BROWSER=1`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, T};
use serde_json::json;

/// Sets a datetime-local field the way the browser's picker would leave it.
async fn set_value(t: &T, css: &str, value: &str) -> common::R {
    t.js_args(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change')); return e.value;",
        vec![json!(css), json!(value)],
    )
    .await?;
    Ok(())
}

/// `YYYY-MM-DDTHH:MM` in China's time, `days` from now at `hour`.
fn local(days: i64, hour: u32) -> String {
    let d = (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::days(days)).date_naive();
    format!("{}T{hour:02}:00", d.format("%Y-%m-%d"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_is_waitlisted_and_promoted_when_another_withdraws() {
    run("a_member_is_waitlisted_and_promoted_when_another_withdraws", |t| async move {
        let title = "教工乒乓球友谊赛";
        // The chair publishes an activity with one place, from the phone.
        t.login("chair").await?;
        t.click_nav("#tool-activities").await?;
        assert_eq!(t.path().await?, "/activities");
        t.click_nav("#act-new").await?;
        t.fill("#f-title", title).await?;
        t.select("#f-type", "competition").await?;
        set_value(&t, "#f-start", &local(7, 15)).await?;
        set_value(&t, "#f-end", &local(7, 17)).await?;
        set_value(&t, "#f-deadline", &local(5, 17)).await?;
        t.fill("#f-place", "体育馆二楼").await?;
        t.fill("#f-capacity", "1").await?;
        t.fill("#f-description", "单打，三局两胜。").await?;
        t.assert_no_horizontal_scroll("new activity").await?;
        t.click_nav("#act-create").await?;
        let manage = t.path().await?;
        assert!(manage.starts_with("/s/demo/activities/"), "the organiser's page opens: {manage}");
        let id = manage.rsplit('/').next().unwrap_or_default().to_string();
        t.logout().await?;

        // A group leader takes the one place.
        t.login("leader").await?;
        t.goto(&format!("/activities/{id}")).await?;
        t.click_nav("#act-signup").await?;
        t.wait_text("#act-notice", "报名成功").await?;
        t.logout().await?;

        // The member opens 活动 from the bottom bar and joins the waiting list with one tap.
        t.login("member").await?;
        let bar = t.text(".bottombar").await?;
        for place in ["首页", "通知", "活动", "我的"] {
            assert!(bar.contains(place), "the bottom bar has {place}: {bar}");
        }
        t.click_nav(".bottombar #nav-activities").await?;
        assert_eq!(t.path().await?, "/activities");
        t.assert_no_horizontal_scroll("activities").await?;
        t.click_nav(&format!("#act-{id} a")).await?;
        let button = t.text("#act-signup").await?;
        assert!(button.contains("候补"), "a full activity offers the waiting list: {button}");
        let tall = t.js("return document.querySelector('#act-signup').getBoundingClientRect().height >= 44;").await?;
        assert_eq!(tall, json!(true), "a large sign-up button");
        t.click_nav("#act-signup").await?;
        t.wait_text("#act-my-state", "候补第 1 位").await?;
        t.assert_no_horizontal_scroll("activity").await?;
        t.logout().await?;

        // The leader withdraws; the member is promoted.
        t.login("leader").await?;
        t.goto(&format!("/activities/{id}")).await?;
        t.click_nav("#act-withdraw").await?;
        t.wait_text("#act-notice", "已取消报名").await?;
        t.logout().await?;

        t.login("member").await?;
        t.goto(&format!("/activities/{id}")).await?;
        t.wait_text("#act-my-state", "报名成功").await?;
        // The promotion waits in the inbox: a badge on the 通知 tab, the message with the title.
        t.el("#nav-unread").await?;
        t.click_nav("#nav-notices").await?;
        t.wait_text("#messages", title).await?;
        t.goto("/activities").await?;
        t.wait_text("#act-mine", title).await?;
        // The month view fits the phone too.
        t.goto("/activities?view=month").await?;
        t.el("#act-month").await?;
        t.assert_no_horizontal_scroll("month view").await?;
        t.logout().await?;

        // The chair's list shows the member confirmed.
        t.login("chair").await?;
        t.goto(&manage).await?;
        t.wait_text("#act-signups", "朱艳").await?;
        t.wait_text("#act-signups", "已报名").await?;
        Ok(())
    })
    .await;
}

/// `YYYY-MM-DDTHH:MM` in China's time, `minutes` from now.
fn local_in(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8) + chrono::Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organiser_shows_a_qr_code_and_a_member_checks_in_by_scanning_it() {
    run("the_organiser_shows_a_qr_code_and_a_member_checks_in_by_scanning_it", |t| async move {
        // An activity under way now.
        t.login("chair").await?;
        t.goto("/s/demo/activities/new").await?;
        t.fill("#f-title", "课间操展示").await?;
        set_value(&t, "#f-start", &local_in(-10)).await?;
        set_value(&t, "#f-end", &local_in(120)).await?;
        set_value(&t, "#f-deadline", &local_in(-20)).await?;
        t.fill("#f-place", "操场").await?;
        t.click_nav("#act-create").await?;
        let manage = t.path().await?;
        // The rotating code appears on the organiser's phone, fitting the screen.
        t.wait_js("the QR code", "return !!document.querySelector('#act-qr-code svg');").await?;
        t.assert_no_horizontal_scroll("organiser's page").await?;
        let url = t.js("return document.querySelector('#act-qr-code').dataset.url;").await?;
        let url = url.as_str().unwrap_or_default().to_string();
        let path = &url[url.find("/a/checkin").ok_or("a check-in link")?..];
        t.logout().await?;

        // The member, logged in, opens what the camera read and confirms.
        t.login("member").await?;
        t.goto(path).await?;
        t.wait_text("main", "课间操展示").await?;
        t.click_nav("#checkin-confirm").await?;
        t.wait_text("#checkin-done", "签到成功").await?;
        // A scan that is not our code is refused in words.
        t.goto("/a/checkin?t=ab.1.ff").await?;
        t.wait_text("#checkin-error", "签到码无效").await?;
        t.goto("/me").await?;
        t.wait_text("#my-activities", "课间操展示").await?;
        t.logout().await?;

        t.login("chair").await?;
        t.goto(&manage).await?;
        t.wait_text("main", "已签到 1 人").await?;
        Ok(())
    })
    .await;
}
