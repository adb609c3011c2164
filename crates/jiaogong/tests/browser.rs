//! Real-browser end-to-end tests: the `jiaogong` binary with the demo school, driven through
//! chromedriver and headless Chromium at phone size (390×844), zh-CN.
//!
//! Each test starts its own server (fresh data directory) and browser; the tests run one at a
//! time. Without chromium/chromedriver they print "SKIPPED: …" and pass, unless
//! `JIAOGONG_REQUIRE_BROWSER=1` is set (CI), in which case they fail.
//! A failing test leaves `target/e2e/<test>.png` (and the page source as `.html`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{parse_money, parse_total, run, valid_id, wrong_check_id, TempDir, T, WIDTH};
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())
}

/// The roster rows shown after the live search / filters settled on a condition (JS expression
/// over `rows`, an array of {name, no, status} objects, and `total`, the "共 N 人" text).
async fn wait_roster(t: &T, what: &str, cond: &str, args: Vec<Value>) -> common::R<Vec<common::RosterRow>> {
    let script = format!(
        "const t = document.querySelector('#total'); if (!t) return null; const total = t.textContent.trim(); \
         const rows = Array.from(document.querySelectorAll('#roster tbody tr')).map(tr => {{ const td = tr.querySelectorAll('td'); \
         return {{name: td[0].querySelector('a').textContent.trim(), no: td[1].textContent.trim(), status: td[4].textContent.trim()}}; }}); \
         return ({cond}) ? true : null;"
    );
    t.wait_js_args(what, &script, args).await?;
    t.roster_rows().await
}

/// The 实缴 cell of one employee number on the month sheet.
const PAID_OF: &str = "const tr = Array.from(document.querySelectorAll('#member-dues tbody tr')).find(tr => tr.cells[1].textContent.trim() === arguments[0]); return tr ? tr.cells[5].textContent.trim() : null;";

/// 1. The demo school is there; the home page and the roster fit a phone screen.
#[tokio::test(flavor = "multi_thread")]
async fn demo_is_there() {
    run("demo_is_there", |t| async move {
        t.login("chair").await?;
        assert_eq!(t.path().await?, "/", "login lands on the home page");
        let viewport = t.js("return [window.innerWidth, window.innerHeight];").await?;
        assert_eq!(viewport, json!([WIDTH, common::HEIGHT]), "the browser viewport is phone-sized (390×844)");
        let h1 = t.text("main h1").await?;
        assert!(h1.contains("示范区第一中学"), "home shows the school name, got {h1:?}");
        t.wait_text("main", "待办事项").await?;
        let todos =
            t.js("return Array.from(document.querySelectorAll('#todo li')).map(li => li.textContent.trim());").await?;
        let todos: Vec<String> = todos.as_array().cloned().unwrap_or_default().iter().map(s).collect();
        assert!(!todos.is_empty(), "the chair has a to-do list");
        assert!(todos.iter().any(|x| x.contains("欠缴")), "the to-do list mentions the dues arrears: {todos:?}");
        let stats = t.text(".grid").await?;
        assert!(stats.contains("在职会员"), "home shows the roster overview: {stats}");
        t.assert_no_horizontal_scroll("home").await?;

        t.goto("/s/demo/members").await?;
        let total = t.roster_total().await?;
        assert!(total >= 100, "the demo roster has at least 100 members, got {total}");
        let rows = t.roster_rows().await?;
        assert_eq!(rows.len(), 50, "first page shows 50 rows");
        t.el("#next-page").await?;
        t.assert_no_horizontal_scroll("roster").await?;

        // The committee's tools open from the home page's cards and lead to the same roster.
        t.goto("/").await?;
        t.click_nav("#tools a[href$='/members']").await?;
        assert!(t.path().await?.ends_with("/members"), "the home card opens the roster");
        assert_eq!(t.roster_total().await?, total);

        // The other everyday pages fit the phone too.
        let first = rows[0].href.clone();
        for page in [
            first.as_str(),
            "/s/demo/groups",
            "/s/demo/dues",
            "/s/demo/members/import",
            "/s/demo/members/new",
            "/profile",
        ] {
            t.goto(page).await?;
            t.el("main h1").await?;
            t.assert_no_horizontal_scroll(page).await?;
        }
        Ok(())
    })
    .await;
}

/// 2. Search, filter, open a member, reveal the ID number, record a retirement, create a group
/// and move a member into it.
#[tokio::test(flavor = "multi_thread")]
async fn roster_search_and_member_events() {
    run("roster_search_and_member_events", |t| async move {
        t.login("chair").await?;
        t.goto("/s/demo/members").await?;
        let all = t.roster_total().await?;
        let rows = t.roster_rows().await?;
        let first = rows[0].clone();

        // By a fragment of the name (the given name).
        let frag: String = first.name.chars().skip(1).collect();
        t.fill("#q", &frag).await?;
        let found = wait_roster(
            &t,
            "the roster to show names containing the fragment",
            "rows.length > 0 && rows.every(r => r.name.includes(arguments[0])) && rows.some(r => r.name === arguments[1])",
            vec![json!(frag), json!(first.name)],
        )
        .await?;
        let n = t.roster_total().await?;
        assert!(n < all && n as usize == found.len(), "fragment {frag:?}: {n} of {all}");
        assert!(t.path().await?.contains("q="), "the live search updates the address bar");

        // By pinyin initials: "w" finds the 王 and 吴 of the demo school, nobody else.
        t.fill("#q", "w").await?;
        let found = wait_roster(
            &t,
            "the roster to show only names with the initial w",
            "rows.length > 0 && rows.every(r => r.name.startsWith('王') || r.name.startsWith('吴'))",
            vec![],
        )
        .await?;
        assert!(found.iter().any(|r| r.name.starts_with('王')), "initials search finds 王: {found:?}");
        assert!(t.roster_total().await? < all);

        // By employee number: exactly that row.
        t.fill("#q", &first.no).await?;
        let found = wait_roster(&t, "exactly the row of the employee number", "rows.length === 1 && rows[0].no === arguments[0]", vec![json!(first.no)]).await?;
        assert_eq!(found[0].name, first.name);
        assert_eq!(t.roster_total().await?, 1);

        // Filter by status: retired members only.
        t.goto("/s/demo/members").await?;
        t.select("#status", "retired").await?;
        let retired = wait_roster(
            &t,
            "only retired members",
            "rows.length > 0 && rows.every(r => r.status === '退休会员')",
            vec![],
        )
        .await?;
        let n = t.roster_total().await?;
        assert_eq!(n as usize, retired.len(), "all retired members on one page");
        assert!(n < all);
        let badges = t.js("return Array.from(document.querySelectorAll('#roster .badge')).every(b => b.classList.contains('retired'));").await?;
        assert_eq!(badges, json!(true), "every status badge is a 退休会员 badge");

        // Open an active member.
        t.goto("/s/demo/members?status=active").await?;
        let active = t.roster_rows().await?;
        let m = active[0].clone();
        t.click_nav("#roster tbody tr:first-child td a").await?;
        assert_eq!(t.path().await?, m.href, "the name links to the member page");
        assert!(t.text("main h1").await?.contains(&m.name));

        // Reveal the ID number.
        let masked = t.text("#id-value").await?;
        assert!(masked.contains('*'), "the ID number is masked at first: {masked}");
        t.click("#reveal-id").await?;
        let clear = s(&t
            .wait_js(
                "the clear ID number",
                "const e = document.querySelector('#id-value .revealed'); const v = e ? e.textContent.trim() : ''; return /^[0-9]{17}[0-9X]$/.test(v) ? v : null;",
            )
            .await?);
        assert_eq!(clear.len(), 18);
        assert_eq!(&clear[..4], &masked[..4], "revealed value matches the mask");
        assert_eq!(&clear[14..], &masked[masked.len() - 4..], "revealed value matches the mask");

        // Record a retirement.
        let reason = "到龄退休（E2E 测试）";
        t.select("#ev-kind", "retire").await?;
        t.fill("#ev-reason", reason).await?;
        t.accept_confirms().await?;
        t.click_nav("#event-submit").await?;
        assert_eq!(t.path().await?, m.href, "after the event the member page is shown again");
        let history = t.wait_text("#history", reason).await?;
        assert!(history.contains("退休"), "history shows the retirement: {history}");
        assert!(t.text("main h1 .badge").await?.contains("退休会员"), "status is now 退休会员");
        t.wait_text("dl.kv", "退休组").await?;

        // Create a group.
        let group = "E2E测试组";
        t.goto("/s/demo/groups").await?;
        t.fill("#group-name", group).await?;
        t.click_nav("#create-group").await?;
        assert_eq!(t.path().await?, "/s/demo/groups");
        t.wait_text("#groups", group).await?;

        // Move another active member into it.
        t.goto("/s/demo/members?status=active").await?;
        let active = t.roster_rows().await?;
        let other = active.iter().find(|r| r.no != m.no).cloned().expect("another active member");
        t.goto(&other.href).await?;
        t.select("#ev-kind", "group_change").await?;
        t.select_label("#ev-group", group).await?;
        t.fill("#ev-reason", "工作调整").await?;
        t.accept_confirms().await?;
        t.click_nav("#event-submit").await?;
        assert_eq!(t.path().await?, other.href);
        let history = t.wait_text("#history", &format!("调到“{group}”")).await?;
        assert!(history.contains("调整小组"), "history shows the group change: {history}");
        t.wait_text("dl.kv", group).await?;

        t.goto("/s/demo/groups").await?;
        let count = t
            .js_args(
                "const tr = Array.from(document.querySelectorAll('#groups tbody tr')).find(tr => tr.cells[0].textContent.includes(arguments[0])); return tr ? tr.cells[1].textContent.trim() : null;",
                vec![json!(group)],
            )
            .await?;
        assert_eq!(s(&count), "1", "the new group has one member");
        Ok(())
    })
    .await;
}

/// 3. The member form: a wrong check digit is reported next to the field, the typed values
/// stay; the corrected number saves and shows the member page.
#[tokio::test(flavor = "multi_thread")]
async fn add_member_with_bad_then_good_id() {
    run("add_member_with_bad_then_good_id", |t| async move {
        t.login("chair").await?;
        t.goto("/s/demo/members").await?;
        t.click_nav("#add-member").await?;
        assert_eq!(t.path().await?, "/s/demo/members/new");
        t.fill("#f-name", "测试新会员").await?;
        t.fill("#f-employee_no", "E2E001").await?;
        t.fill("#f-id_number", "110105194912310021").await?;
        t.fill("#f-phone", "13800138000").await?;
        t.fill("#f-joined_school", "2020-09-01").await?;
        t.select("#f-group", "语文组").await?;
        t.click_nav("#save-member").await?;

        let err = t.wait_text("#e-id_number", "校验位").await?;
        assert!(err.contains("身份证号"), "the message is in Chinese: {err}");
        t.el("#form-errors").await?;
        let next = t.js("return document.querySelector('#f-id_number').nextElementSibling.id;").await?;
        assert_eq!(s(&next), "e-id_number", "the error sits right after the ID field");
        let invalid = t.el("#f-id_number").await?.attr("aria-invalid").await?;
        assert_eq!(invalid.as_deref(), Some("true"));
        assert_eq!(t.value("#f-name").await?, "测试新会员", "typed values are kept");
        assert_eq!(t.value("#f-employee_no").await?, "E2E001");
        assert_eq!(t.value("#f-id_number").await?, "110105194912310021");
        assert_eq!(t.value("#f-phone").await?, "13800138000");
        assert_eq!(t.value("#f-joined_school").await?, "2020-09-01");
        assert_eq!(t.value("#f-group").await?, "语文组");
        assert_eq!(
            t.js("return document.querySelectorAll('.field-error').length;").await?,
            json!(1),
            "only the ID number is wrong"
        );

        t.fill("#f-id_number", "11010519491231002X").await?;
        t.click_nav("#save-member").await?;
        let path = t.path().await?;
        let id = path.strip_prefix("/s/demo/members/").unwrap_or("");
        assert!(!id.is_empty() && !id.contains('/') && id != "new", "lands on the member page, got {path}");
        assert!(t.text("main h1").await?.contains("测试新会员"));
        let kv = t.text("dl.kv").await?;
        assert!(kv.contains("E2E001") && kv.contains("语文组"), "member page shows the record: {kv}");
        assert!(kv.contains("1949年12月31日"), "birth date derived from the ID number: {kv}");
        assert!(kv.contains('女'), "gender derived from the ID number: {kv}");
        t.wait_text("#history", "建立档案").await?;

        t.goto("/s/demo/members").await?;
        t.fill("#q", "E2E001").await?;
        wait_roster(&t, "the new member in the roster", "rows.length === 1 && rows[0].no === 'E2E001'", vec![]).await?;
        Ok(())
    })
    .await;
}

/// 4. Excel import: dry run with a report, commit, the imported members in the roster; a file
/// that is not .xlsx gets a Chinese message.
#[tokio::test(flavor = "multi_thread")]
async fn import_roster_from_excel() {
    run("import_roster_from_excel", |t| async move {
        let dir = TempDir::new("import");
        let xlsx = dir.path().join("花名册.xlsx");
        {
            let headers = ["姓名", "工号", "性别", "身份证号", "手机号", "工会小组", "入职日期"];
            let id1 = valid_id("11010519850312002");
            let id2 = valid_id("11010519900101003");
            let id3 = valid_id("11010519881111004");
            let bad = wrong_check_id("11010519870707006");
            let id5 = valid_id("11010519800101001");
            let rows: Vec<[&str; 7]> = vec![
                ["导入甲", "E2E101", "女", id1.as_str(), "13900000001", "语文组", "2010-09-01"],
                ["导入乙", "E2E102", "男", id2.as_str(), "13900000002", "E2E导入组", "2012-09-01"],
                ["导入丙", "E2E103", "", id3.as_str(), "13900000003", "数学组", "2015-09-01"],
                ["坏号丁", "E2E104", "女", bad.as_str(), "13900000004", "语文组", "2016-09-01"],
                ["重复戊", "E2E101", "男", id5.as_str(), "13900000005", "语文组", "2017-09-01"],
            ];
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (c, h) in headers.iter().enumerate() {
                ws.write_string(0, c as u16, *h)?;
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if !v.is_empty() {
                        ws.write_string(r as u32 + 1, c as u16, *v)?;
                    }
                }
            }
            wb.save(&xlsx)?;
        }

        t.login("chair").await?;
        t.goto("/s/demo/members").await?;
        let before = t.roster_total().await?;
        t.click_nav("a[href='/s/demo/members/import']").await?;
        assert_eq!(t.path().await?, "/s/demo/members/import");
        t.el("#file").await?.send_keys(&xlsx.display().to_string()).await?;
        t.click_nav("#dry-run").await?;

        t.wait_text("#report", "预检结果").await?;
        assert_eq!(t.text("#n-created").await?, "3", "three good rows");
        assert_eq!(t.text("#n-updated").await?, "0");
        assert_eq!(t.text("#n-unchanged").await?, "0");
        assert_eq!(t.text("#n-rejected").await?, "2", "bad ID and duplicate employee number");
        let rejected = t
            .js("return Array.from(document.querySelectorAll('#rejected tbody tr')).map(tr => Array.from(tr.cells).map(td => td.textContent.trim()));")
            .await?;
        let rejected: Vec<Vec<String>> = rejected.as_array().cloned().unwrap_or_default().iter().map(|r| r.as_array().cloned().unwrap_or_default().iter().map(s).collect()).collect();
        assert_eq!(rejected.len(), 2, "two rejected rows listed: {rejected:?}");
        let bad = rejected.iter().find(|r| r[2].contains("校验位")).unwrap_or_else(|| panic!("a check-digit reason: {rejected:?}"));
        assert_eq!(bad[0], "5", "Excel row of the bad ID (header is row 1): {rejected:?}");
        assert_eq!(bad[1], "身份证号");
        let dup = rejected.iter().find(|r| r[2].contains("重复")).unwrap_or_else(|| panic!("a duplicate reason: {rejected:?}"));
        assert_eq!(dup[0], "6", "Excel row of the duplicate: {rejected:?}");
        assert_eq!(dup[1], "工号");
        assert!(dup[2].contains("第 2 行"), "the duplicate names the first row: {dup:?}");
        t.wait_text("#report", "E2E导入组").await?;
        t.el("#error-report").await?;

        // Nothing written by the dry run.
        t.accept_confirms().await?;
        t.click_nav("#commit-import").await?;
        t.wait_text("#report", "导入完成").await?;
        assert_eq!(t.text("#n-created").await?, "3");
        assert_eq!(t.text("#n-rejected").await?, "2");

        t.goto("/s/demo/members").await?;
        assert_eq!(t.roster_total().await?, before + 3, "three members were added");
        t.fill("#q", "导入乙").await?;
        let found = wait_roster(&t, "the imported member", "rows.length === 1 && rows[0].name === '导入乙'", vec![]).await?;
        assert_eq!(found[0].no, "E2E102");
        let group = t.text("#roster tbody tr td:nth-child(3)").await?;
        assert_eq!(group, "E2E导入组", "the new group was created by the import");

        // A text file named .xlsx.
        let fake = dir.path().join("名单.xlsx");
        std::fs::write(&fake, "姓名,工号\n张三,T9999\n")?;
        t.goto("/s/demo/members/import").await?;
        t.el("#file").await?.send_keys(&fake.display().to_string()).await?;
        t.click_nav("#dry-run").await?;
        let msg = t.text("#import-error").await?;
        assert!(msg.contains("xlsx"), "the message says what to upload: {msg}");
        assert!(msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "the message is in Chinese: {msg}");
        assert_eq!(t.js("return document.querySelector('#report') === null;").await?, json!(true), "no report for a bad file");
        Ok(())
    })
    .await;
}

/// 5. Dues: the chair records a payment; the member sees it under 我的会费.
#[tokio::test(flavor = "multi_thread")]
async fn dues_payment_and_member_view() {
    run("dues_payment_and_member_view", |t| async move {
        // The `member` demo account is the fourth person of the demo roster.
        let no = "T0004";
        let paid_of = PAID_OF;
        t.login("chair").await?;
        // The member list is paged: the chair finds the member by the search box.
        t.goto(&format!("/s/demo/dues?q={no}")).await?;
        t.el("#group-totals").await?;
        t.el("#total-arrears").await?;
        let before = s(&t.wait_js_args("the member's dues line", paid_of, vec![json!(no)]).await?);
        let before = parse_money(&before).ok_or("paid amount")?;
        let month = t.value("#p-month").await?;
        assert!(month.len() == 7 && month.as_bytes()[4] == b'-', "the payment month defaults to this month: {month}");
        t.fill("#p-no", no).await?;
        t.fill("#p-amount", "12.34").await?;
        t.click_nav("#save-payment").await?;
        let msg = t.text("#dues-message").await?;
        assert!(msg.contains("缴费已登记"), "payment confirmed: {msg}");
        let after = s(&t.wait_js_args("the member's dues line", paid_of, vec![json!(no)]).await?);
        let after_fen = parse_money(&after).ok_or("paid amount")?;
        assert_eq!(after_fen - before, 1234, "the month sheet shows the payment ({before} → {after})");

        // An unknown employee number is refused in Chinese.
        t.fill("#p-no", "NOPE999").await?;
        t.fill("#p-amount", "1").await?;
        t.click_nav("#save-payment").await?;
        t.wait_text("#dues-error", "NOPE999").await?;

        t.logout().await?;
        t.login("member").await?;
        t.goto("/me").await?;
        t.wait_text("main", "我的会费").await?;
        let (y, m) = month.split_at(4);
        let month_zh = format!("{}年{}月", y, m.trim_start_matches('-').trim_start_matches('0'));
        let mine = t
            .wait_js_args(
                "this month in 我的会费",
                "const tr = Array.from(document.querySelectorAll('#my-dues tbody tr')).find(tr => tr.cells[0].textContent.trim() === arguments[0]); \
                 return tr ? tr.cells[2].textContent.trim() : null;",
                vec![json!(month_zh)],
            )
            .await?;
        assert_eq!(parse_money(&s(&mine)), Some(after_fen), "the member sees the same paid amount for {month_zh}");
        Ok(())
    })
    .await;
}

/// 6. A member asks for a correction and switches the interface to Traditional Chinese and back.
#[tokio::test(flavor = "multi_thread")]
async fn member_correction_and_language() {
    run("member_correction_and_language", |t| async move {
        t.login("member").await?;
        t.click_nav(".bottombar a[href='/me']").await?;
        assert_eq!(t.path().await?, "/me");
        t.el("#export-mine").await?;
        t.select("#c-field", "phone").await?;
        t.fill("#c-value", "13912345678").await?;
        t.fill("#c-note", "换了新号码").await?;
        t.click_nav("#send-correction").await?;
        let msg = t.text("#me-message").await?;
        assert!(msg.contains("更正申请已提交"), "correction confirmed: {msg}");
        t.wait_text("main", "13912345678").await?;
        t.wait_text("main", "待处理").await?;
        t.goto("/").await?;
        t.wait_text("#todo", "更正申请").await?;

        let tw_settings = common::ftl_message("zh-TW", "act-nav").unwrap_or_else(|| "活動".into());
        let tw_home = common::ftl_message("zh-TW", "nav-home").unwrap_or_else(|| "首頁".into());
        assert_ne!(tw_settings, "活动", "zh-TW act-nav is Traditional");
        // Settings open from 我的.
        t.goto("/me").await?;
        t.click_nav("#me-settings").await?;
        assert_eq!(t.path().await?, "/profile");
        t.click_nav("button[data-locale='zh-TW']").await?;
        assert_eq!(t.path().await?, "/profile");
        assert_eq!(s(&t.js("return document.documentElement.lang;").await?), "zh-TW");
        let nav = t.wait_text(".bottombar", &tw_settings).await?;
        assert!(nav.contains(&tw_home), "bottom bar in Traditional Chinese: {nav}");
        assert!(!nav.contains("活动"), "no Simplified label left: {nav}");
        let pressed = t.el("button[data-locale='zh-TW']").await?.attr("aria-pressed").await?;
        assert_eq!(pressed.as_deref(), Some("true"));
        // The choice sticks across pages.
        t.goto("/me").await?;
        t.wait_text(".bottombar", &tw_settings).await?;

        t.goto("/profile").await?;
        t.click_nav("button[data-locale='zh-CN']").await?;
        assert_eq!(s(&t.js("return document.documentElement.lang;").await?), "zh-CN");
        let nav = t.wait_text(".bottombar", "活动").await?;
        assert!(
            nav.contains("首页") && nav.contains("通知") && nav.contains("我的"),
            "back to Simplified Chinese: {nav}"
        );
        Ok(())
    })
    .await;
}

/// 7. The district union sees its schools with their figures (and not the school rosters).
#[tokio::test(flavor = "multi_thread")]
async fn district_overview() {
    run("district_overview", |t| async move {
        t.login("district").await?;
        t.wait_text("#todo", "查看本区各校工会情况").await?;
        t.click_nav("#todo a[href='/district']").await?;
        assert_eq!(t.path().await?, "/district");
        t.wait_text("main h1", "示范区教育工会").await?;
        let schools = t
            .js("return Array.from(document.querySelectorAll('#schools tbody tr')).map(tr => Array.from(tr.cells).map(td => td.textContent.trim()));")
            .await?;
        let schools: Vec<Vec<String>> = schools.as_array().cloned().unwrap_or_default().iter().map(|r| r.as_array().cloned().unwrap_or_default().iter().map(s).collect()).collect();
        assert!(!schools.is_empty(), "at least one school");
        let demo = schools.iter().find(|r| r[0] == "示范区第一中学").unwrap_or_else(|| panic!("the demo school is listed: {schools:?}"));
        assert_eq!(demo[1], "示范区教育工会", "the school's own district");
        let active: i64 = demo[2].parse().unwrap_or(-1);
        assert!(active >= 100, "member count of the demo school: {demo:?}");
        let total: i64 = t.text("#district-members").await?.parse().unwrap_or(-1);
        assert_eq!(total, schools.iter().map(|r| r[2].parse::<i64>().unwrap_or(0)).sum::<i64>(), "total is the sum of the schools");
        t.assert_no_horizontal_scroll("district").await?;

        // On the PC: sort by the 五必访 on-time rate, drill into the school's published figures.
        t.c.set_window_size(1366, 768).await?;
        t.click_nav("#schools thead a[data-sort='care_compliance_rate']").await?;
        assert!(t.js("return location.search;").await?.as_str().unwrap_or_default().contains("sort=care_compliance_rate"));
        t.wait_js("the sorted column", "return document.querySelector('#schools thead th[aria-sort]') !== null;").await?;
        t.click_nav("#schools tbody a[href^='/district/schools/']").await?;
        assert!(t.path().await?.starts_with("/district/schools/"));
        t.wait_text("#school-figures", "五必访按时率").await?;

        // A submission upward: opened by the district, with the schools that have not submitted.
        t.goto("/district/submissions").await?;
        t.unfold("#submit-open").await?;
        t.select("#submit-open select[name=kind]", "summary").await?;
        t.fill("#submit-open input[name=title]", "2026年度工会工作总结上报").await?;
        let deadline = (chrono::Utc::now() + chrono::Duration::days(20)).format("%Y-%m-%d").to_string();
        t.js_args(
            "document.querySelector('#submit-open input[name=deadline]').value = arguments[0]; return true;",
            vec![json!(deadline)],
        )
        .await?;
        t.click_nav("#submit-open button[type=submit]").await?;
        assert!(t.path().await?.starts_with("/district/submissions/"), "opening shows the submission");
        t.wait_text("#submit-missing", "所学校未上报").await?;
        t.wait_text("#submit-schools", "示范区第一中学").await?;
        t.wait_text("#submit-schools", "未上报").await?;
        t.c.set_window_size(common::WIDTH, 844).await?;

        // A district user reads numbers, not the roster of a school.
        t.goto("/s/demo/members").await?;
        t.wait_text("body", "没有权限").await?;
        assert_eq!(t.js("return document.querySelector('#roster') === null;").await?, json!(true));
        Ok(())
    })
    .await;
}

/// 8. On a phone, a logged-in user can log out (the sidebar with the logout button is hidden
/// below 900px, so the phone layout needs its own way out).
#[tokio::test(flavor = "multi_thread")]
async fn phone_user_can_log_out() {
    run("phone_user_can_log_out", |t| async move {
        t.login("member").await?;
        let visible = "return Array.from(document.querySelectorAll('button, a')).filter(e => e.textContent.trim() === '退出登录' && e.getClientRects().length > 0 \
                       && getComputedStyle(e).visibility !== 'hidden').length;";
        let mut places = Vec::new();
        for page in ["/", "/profile"] {
            t.goto(page).await?;
            if t.js(visible).await?.as_i64().unwrap_or(0) > 0 {
                places.push(page);
            }
        }
        assert!(!places.is_empty(), "at 390px neither the home page nor 设置 shows a visible 退出登录 control");
        t.goto(places[0]).await?;
        t.js("window.__e2eOld = true; return true;").await?;
        t.js("Array.from(document.querySelectorAll('button, a')).find(e => e.textContent.trim() === '退出登录' && e.getClientRects().length > 0).click(); return true;").await?;
        t.wait_js("the page after logout", "return window.__e2eOld === undefined && document.readyState === 'complete';").await?;
        t.goto("/").await?;
        assert_eq!(t.path().await?, "/login", "after logging out the home page asks to log in");
        Ok(())
    })
    .await;
}

/// A reload after recording a payment must not record it again: the payment form has to answer
/// with a redirect (POST → 303 → GET), not with the page itself.
#[tokio::test(flavor = "multi_thread")]
async fn reload_after_payment_does_not_pay_twice() {
    run("reload_after_payment_does_not_pay_twice", |t| async move {
        let no = "T0004";
        t.login("chair").await?;
        t.goto("/s/demo/dues").await?;
        t.fill("#p-no", no).await?;
        t.fill("#p-amount", "12.34").await?;
        t.click_nav("#save-payment").await?;
        t.wait_text("#dues-message", "缴费已登记").await?;
        let after = s(&t.wait_js_args("the member's dues line", PAID_OF, vec![json!(no)]).await?);
        let path = t.path().await?;
        t.js("window.__e2eOld = true; return true;").await?;
        t.c.refresh().await?;
        t.wait_js("the reloaded page", "return window.__e2eOld === undefined && document.readyState === 'complete';")
            .await?;
        let reloaded = s(&t.wait_js_args("the member's dues line", PAID_OF, vec![json!(no)]).await?);
        assert_eq!(
            reloaded, after,
            "reloading the page shown after saving a payment (at {path}) recorded the payment a second time"
        );
        Ok(())
    })
    .await;
}

/// The same for a member's correction request.
#[tokio::test(flavor = "multi_thread")]
async fn reload_after_correction_request_does_not_send_it_twice() {
    run("reload_after_correction_request_does_not_send_it_twice", |t| async move {
        t.login("member").await?;
        t.goto("/me").await?;
        t.select("#c-field", "phone").await?;
        t.fill("#c-value", "13912345678").await?;
        t.click_nav("#send-correction").await?;
        t.wait_text("#me-message", "更正申请已提交").await?;
        let count = "return (document.querySelector('main').textContent.match(/13912345678/g) || []).length;";
        let before = t.js(count).await?;
        let path = t.path().await?;
        t.js("window.__e2eOld = true; return true;").await?;
        t.c.refresh().await?;
        t.wait_js("the reloaded page", "return window.__e2eOld === undefined && document.readyState === 'complete';")
            .await?;
        t.el("#my-dues").await?;
        assert_eq!(t.js(count).await?, before, "reloading the page shown after the request (at {path}) sent it again");
        Ok(())
    })
    .await;
}

#[test]
fn totals_parse() {
    assert_eq!(parse_total("共 5 人"), Some(5));
}

/// A member votes on a phone in the demo's open poll, gets a receipt, cannot vote twice; the chair
/// sees the turnout, closes the poll and reads the result; the receipt is in the bulletin.
#[tokio::test(flavor = "multi_thread")]
async fn member_votes_on_a_phone_and_finds_the_receipt() {
    run("member_votes_on_a_phone_and_finds_the_receipt", |t| async move {
        t.login("member").await?;
        t.goto("/polls").await?;
        t.el("#open-polls a").await?;
        t.click_nav("#open-polls a").await?;
        t.el("#ballot").await?;
        let width = t.js("return document.documentElement.scrollWidth").await?;
        assert!(width.as_u64().unwrap_or(999) <= WIDTH as u64, "no horizontal scroll on the ballot: {width}");
        t.click("input[name=choice][value=yes]").await?;
        t.accept_confirms().await?;
        t.click_nav("#cast").await?;
        let tracker = t.text("#tracker").await?;
        assert_eq!(tracker.trim().len(), 32, "a 128-bit receipt: {tracker}");
        let vote_url = t.path().await?;
        // Coming back: already voted, no second ballot form.
        t.goto("/polls").await?;
        t.click_nav("#open-polls a").await?;
        t.wait_text("#already-voted", "已经投过票").await?;
        assert!(vote_url.starts_with("/polls/"), "{vote_url}");
        let poll_id = vote_url.trim_start_matches("/polls/").split(['/', '?']).next().unwrap_or_default().to_string();
        t.logout().await?;

        t.login("chair").await?;
        t.goto(&format!("/s/demo/polls/{poll_id}")).await?;
        let voted = t.text("#n-voted").await?;
        assert!(voted.trim().parse::<u32>().unwrap_or(0) >= 1, "turnout shows the ballot: {voted}");
        t.accept_confirms().await?;
        t.click_nav("#close-poll").await?;
        t.wait_text("#result", "通过").await?;
        // The bulletin downloads as a file; read it the way the page's link would fetch it.
        let body = t.js(&format!("return fetch('/api/v1/polls/{poll_id}/bulletin').then(r => r.text())")).await?;
        assert!(body.as_str().unwrap_or_default().contains(tracker.trim()), "the receipt is in the published bulletin");
        Ok(())
    })
    .await;
}
