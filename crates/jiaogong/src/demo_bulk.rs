//! A district at scale for `jiaogong demo --schools N --members M [--seed S]`: a city union with
//! a 区 union for every 50 schools, and every school with its own staff in union groups, a
//! congress session with delegates, proposals with the departments' replies, an activity with
//! sign-ups, 校务公开 items, the half-year finance disclosure, the year's care events with their
//! visit tasks and visits, a year of approved vouchers, and (for the first schools) a closed
//! delegates' vote with sealed ballots.
//! Deterministic from the seed; written through the store's bulk paths (members::insert_many,
//! multi-row INSERTs, one transaction per school), never through HTTP.

use jiaogong_domain::members::{Gender, MemberInput, MemberStatus, Post};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::district::generate::{insert, V};
use jiaogong_store::district::hierarchy;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::{members, new_id, now_ms, platform::tenancy, Store};

use crate::demo::{DemoAccount, Lcg, DEMO_PASSWORD};
use crate::demo_bulk_more::{books, care, delegates_vote};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: &[&str] = &[
    "丽", "芳", "静", "敏", "伟", "强", "磊", "军", "晓红", "秀英", "建国", "志强", "海燕", "文博", "子轩", "佳怡",
    "浩然", "雨萱",
];
const GROUPS: &[&str] = &["语文组", "数学组", "英语组", "理科组", "文科组", "音体美组", "行政后勤组", "退休组"];
const DISTRICTS_PER: usize = 50;
/// Schools whose closed vote is cast through the ballot box (sealed one by one, as members vote).
const VOTING_SCHOOLS: usize = 5;

fn t(s: impl Into<String>) -> V {
    V::T(s.into())
}

/// Creates the district and its schools; returns the accounts to print.
pub async fn create(store: &Store, schools: usize, per_school: usize, seed: u64) -> anyhow::Result<Vec<DemoAccount>> {
    let hash = accounts::hash_password(DEMO_PASSWORD)?;
    let mut tx = store.begin().await?;
    let city = hierarchy::create_district(&mut tx, None, "示范市教育工会", "demo-city").await?;
    let mut out = Vec::new();
    let mut subs = Vec::new();
    for k in 0..schools.div_ceil(DISTRICTS_PER) {
        let id = hierarchy::create_district(
            &mut tx,
            Some(&city),
            &format!("示范市第{}区教育工会", k + 1),
            &format!("demo-q{}", k + 1),
        )
        .await?;
        subs.push(id);
    }
    let district_user = |username: String, district: String, label: &'static str| (username, district, label);
    let mut users = vec![district_user("district".into(), city.clone(), "上级工会（市）")];
    if let Some(q1) = subs.first() {
        users.push(district_user("district-q1".into(), q1.clone(), "上级工会（第1区）"));
    }
    for (username, district, label) in &users {
        accounts::create_user(
            &mut tx,
            &NewUser {
                school_id: None,
                district_id: Some(district),
                username,
                display_name: label,
                password_hash: &hash,
                role: Role::District,
                member_id: None,
            },
        )
        .await?;
        out.push(DemoAccount { role: label, username: username.clone(), who: (*label).to_string() });
    }
    jiaogong_store::commit(tx).await?;
    let today = jiaogong_store::today_cn();
    let year = chrono::Datelike::year(&today);
    for i in 0..schools {
        let mut rng = Lcg(seed.wrapping_add((i as u64).wrapping_mul(1_000_003)));
        let district = &subs[i / DISTRICTS_PER];
        let code = format!("s{:04}", i + 1);
        let name = format!("示范市第{}学校", i + 1);
        let chair = if i == 0 { Some(hash.as_str()) } else { None };
        school(store, district, &code, &name, per_school, year, &mut rng, chair, i < VOTING_SCHOOLS).await?;
    }
    out.push(DemoAccount { role: "工会主席", username: "chair".into(), who: "示范市第1学校".into() });
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn school(
    store: &Store,
    district: &str,
    code: &str,
    name: &str,
    per_school: usize,
    year: i32,
    rng: &mut Lcg,
    chair_hash: Option<&str>,
    with_vote: bool,
) -> anyhow::Result<()> {
    let kind = store.kind;
    let now = now_ms();
    let mut tx = store.begin().await?;
    let school = tenancy::create_school(&mut tx, Some(district), name, code).await?;
    let mut groups = Vec::new();
    for g in GROUPS {
        groups.push(tenancy::create_group(&mut tx, &school, g, *g == "退休组").await?);
    }
    let dept = tenancy::department_id(&mut tx, &school, "教务处", true).await?;
    // Staff: most active, one in 40 not (yet) a member, the retirees' group retired.
    let rows: Vec<(MemberInput, Option<String>, Option<String>)> = (0..per_school)
        .map(|k| {
            let g = k % GROUPS.len();
            let retired = GROUPS[g] == "退休组";
            let status = if retired {
                MemberStatus::Retired
            } else if rng.next().is_multiple_of(40) {
                MemberStatus::NonMember
            } else {
                MemberStatus::Active
            };
            let gender = if rng.next() % 100 < 62 { Gender::Female } else { Gender::Male };
            let input = MemberInput {
                name: format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
                employee_no: format!("T{:05}", k + 1),
                gender: Some(gender),
                birth_date: chrono::NaiveDate::from_ymd_opt(
                    1965 + (rng.next() % 35) as i32,
                    1 + (rng.next() % 12) as u32,
                    1 + (rng.next() % 28) as u32,
                ),
                id_number: None,
                phone: None,
                department: Some("教务处".into()),
                post: Some(Post::Teacher),
                title: None,
                joined_school: chrono::NaiveDate::from_ymd_opt(2000 + (rng.next() % 25) as i32, 9, 1),
                joined_union: if status == MemberStatus::NonMember {
                    None
                } else {
                    chrono::NaiveDate::from_ymd_opt(2001 + (rng.next() % 24) as i32, 10, 8)
                },
                group: Some(GROUPS[g].to_string()),
                status,
                is_temporary: false,
                notes: None,
            };
            (input, Some(groups[g].clone()), dept.clone())
        })
        .collect();
    let active: Vec<bool> = rows.iter().map(|r| r.0.status == MemberStatus::Active).collect();
    let ids = members::insert_many(store, &mut tx, &school, &rows).await?;
    let active_ids: Vec<&String> = ids.iter().zip(&active).filter(|(_, a)| **a).map(|(id, _)| id).collect();

    // The congress: this year's session, every fifth active member a delegate.
    let term = jiaogong_store::congress::term(&mut tx, &school, 1, &format!("{}-09-01", year - 1)).await?;
    let session = jiaogong_store::congress::create_session(
        &mut tx,
        &school,
        &term,
        1,
        &format!("{year}年教职工代表大会"),
        &format!("{year}-03-{:02}", rng.range(5, 25)),
    )
    .await?;
    let delegates: Vec<Vec<V>> = active_ids
        .iter()
        .step_by(5)
        .map(|m| {
            vec![t(new_id()), t(&school), t(&term), t(m.as_str()), t("全体教职工"), t(format!("{}-09-01", year - 1))]
        })
        .collect();
    insert(
        &mut tx,
        kind,
        "delegates",
        &["id", "school_id", "term_id", "member_id", "constituency", "since"],
        delegates,
    )
    .await?;

    // Proposals: answered by the department, most on time.
    let n_props = 3 + (rng.next() % 6) as usize;
    let mut props = Vec::new();
    let mut replies = Vec::new();
    for p in 0..n_props {
        let id = new_id();
        let proposer = active_ids.get(p * 7 % active_ids.len().max(1)).map(|s| s.to_string()).unwrap_or_default();
        if proposer.is_empty() {
            break;
        }
        let due = format!("{year}-05-{:02}", 10 + p);
        let late = rng.next().is_multiple_of(5);
        let replied = format!("{year}-05-{:02}", if late { 25 } else { 5 + p });
        props.push(vec![
            t(&id),
            t(&school),
            t(&session),
            V::I(p as i64 + 1),
            t(format!("关于改进学校工作的提案{}", p + 1)),
            t("教职工反映较多。"),
            t("建议学校研究解决。"),
            t("teaching"),
            t(proposer),
            t("answered"),
            V::I(1),
            t("教务处"),
            t(&due),
            t(format!("{year}-03-20")),
            V::I(now),
            V::I(now),
        ]);
        replies.push(vec![
            t(new_id()),
            t(&id),
            t(&school),
            V::I(1),
            t("教务处"),
            t("solved"),
            t("已落实。"),
            t(""),
            t(&due),
            t(replied),
            t("demo"),
            V::I(now),
        ]);
    }
    insert(
        &mut tx,
        kind,
        "proposals",
        &[
            "id",
            "school_id",
            "session_id",
            "number",
            "title",
            "reason",
            "measures",
            "category",
            "proposer_id",
            "state",
            "round",
            "department",
            "due_on",
            "submitted_on",
            "created_at",
            "updated_at",
        ],
        props,
    )
    .await?;
    insert(
        &mut tx,
        kind,
        "proposal_replies",
        &[
            "id",
            "proposal_id",
            "school_id",
            "round",
            "department",
            "status",
            "measures",
            "reason",
            "due_on",
            "replied_on",
            "recorded_by",
            "created_at",
        ],
        replies,
    )
    .await?;

    // An activity with sign-ups of the first members.
    let activity = new_id();
    let starts = now - 20 * 86_400_000;
    insert(
        &mut tx,
        kind,
        "activities",
        &[
            "id",
            "school_id",
            "title",
            "kind",
            "created_by",
            "starts_at",
            "ends_at",
            "signup_deadline",
            "capacity",
            "audience",
            "seats_taken",
            "next_position",
            "checkin_secret",
            "created_at",
        ],
        vec![vec![
            t(&activity),
            t(&school),
            t("教职工趣味运动会"),
            t("sports_meet"),
            t("demo"),
            V::I(starts),
            V::I(starts + 3 * 3_600_000),
            V::I(starts - 86_400_000),
            V::NI,
            t("all"),
            V::I(0),
            V::I(0),
            t(new_id()),
            V::I(now),
        ]],
    )
    .await?;
    let signups: Vec<Vec<V>> = active_ids
        .iter()
        .take(40)
        .enumerate()
        .map(|(k, m)| {
            vec![
                t(&activity),
                t(m.as_str()),
                t(&school),
                V::I(k as i64 + 1),
                t("confirmed"),
                V::I(starts - 2 * 86_400_000),
            ]
        })
        .collect();
    insert(
        &mut tx,
        kind,
        "activity_signups",
        &["activity_id", "member_id", "school_id", "position", "state", "signed_at"],
        signups,
    )
    .await?;

    // 校务公开: two items, one with a decision after its period.
    let items = vec![
        vec![
            t(new_id()),
            t(&school),
            t("funds"),
            t(format!("{year}年上半年工会经费收支情况")),
            V::I(5),
            t(format!("{year}-07-06")),
            t(format!("{year}-07-10")),
            V::N,
            t("demo"),
            V::I(now),
        ],
        vec![
            t(new_id()),
            t(&school),
            t("selection"),
            t(format!("{year}年评优评先结果公示")),
            V::I(5),
            t(format!("{year}-06-01")),
            t(format!("{year}-06-05")),
            if rng.next().is_multiple_of(3) { t(format!("{year}-06-03")) } else { t(format!("{year}-06-08")) },
            t("demo"),
            V::I(now),
        ],
    ];
    insert(
        &mut tx,
        kind,
        "transparency_items",
        &[
            "id",
            "school_id",
            "category",
            "title",
            "working_days",
            "start_day",
            "end_day",
            "decision_day",
            "created_by",
            "created_at",
        ],
        items,
    )
    .await?;

    // The first half's finance disclosure, published in July (a few late, in August).
    let published = chrono::NaiveDate::from_ymd_opt(year, if rng.next().is_multiple_of(6) { 8 } else { 7 }, 15)
        .and_then(|d| d.and_hms_opt(2, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(now);
    insert(
        &mut tx,
        kind,
        "fin_disclosures",
        &[
            "id",
            "school_id",
            "period_from",
            "period_to",
            "title",
            "body",
            "state",
            "created_by",
            "created_at",
            "published_by",
            "published_at",
        ],
        vec![vec![
            t(new_id()),
            t(&school),
            t(format!("{year}-01-01")),
            t(format!("{year}-06-30")),
            t(format!("{year}-01-01 至 {year}-06-30 工会经费收支情况公开")),
            t("{}"),
            t("published"),
            t("demo"),
            V::I(published),
            t("demo"),
            V::I(published),
        ]],
    )
    .await?;

    let today = jiaogong_store::today_cn();
    let money_visits = care(&mut tx, kind, &school, &active_ids, today, rng).await?;
    books(&mut tx, kind, &school, active_ids.len(), &money_visits, today, rng).await?;

    if let (Some(hash), Some(chair)) = (chair_hash, active_ids.first()) {
        accounts::create_user(
            &mut tx,
            &NewUser {
                school_id: Some(&school),
                district_id: None,
                username: "chair",
                display_name: "工会主席",
                password_hash: hash,
                role: Role::Chair,
                member_id: Some(chair),
            },
        )
        .await?;
    }
    audit::append(
        &mut tx,
        &store.crypto,
        &Event::new(Some(&school), "demo", "demo.create", &school).detail(format!("{} members", ids.len())),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    if with_vote {
        let delegates: Vec<String> = active_ids.iter().step_by(5).map(|s| s.to_string()).collect();
        delegates_vote(store, &school, &delegates, rng).await?;
    }
    Ok(())
}

pub fn print_accounts(schools: usize, members: usize, accounts: &[DemoAccount]) {
    out!("示范市教育工会已生成：{schools} 所学校（学校代码 s0001 起），每校 {members} 名教职工。演示账号（密码均为 {DEMO_PASSWORD}）：");
    for a in accounts {
        out!("  {:<12} {:<22} {}", a.username, a.role, a.who);
    }
}
