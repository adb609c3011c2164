//! The demo school: about 120 staff in nine union groups with realistic names, a few retirees and
//! temporary hires, valid (made-up) ID numbers, dues for the school year so far, and one account
//! per role. Deterministic, so every newcomer sees the same school.

use chrono::Datelike;
use jiaogong_domain::members::dues::MonthKey;
use jiaogong_domain::members::idcard::{check_char, IdNumber};
use jiaogong_domain::members::phone::Phone;
use jiaogong_domain::members::{Gender, MemberEventKind, MemberInput, MemberStatus, Post};
use jiaogong_domain::platform::money::{Fen, Rate};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::{members, members::dues, platform::tenancy, Store};

use crate::demo_congress::{demo_congress, demo_polls, demo_session_vote, demo_sessions, CANDIDATES};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "jiaogong-demo";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "潘", "袁", "蔡",
    "蒋", "余",
];
const GIVEN_F: &[&str] = &[
    "丽", "芳", "静", "敏", "燕", "艳", "娟", "霞", "婷", "雪", "慧", "琳", "晓红", "秀英", "玉兰", "桂芳", "海燕",
    "春梅", "小琴", "佳怡", "雨萱", "梦瑶", "欣然", "思琪",
];
const GIVEN_M: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "建国", "志强", "海峰", "文博", "子轩",
    "浩然", "俊杰", "国庆", "晓东", "宏伟", "立新", "振华",
];
const GROUPS: &[(&str, usize, &str)] = &[
    ("语文组", 16, "中学一级教师"),
    ("数学组", 16, "中学一级教师"),
    ("英语组", 14, "中学二级教师"),
    ("理化生组", 15, "中学高级教师"),
    ("政史地组", 13, "中学一级教师"),
    ("音体美组", 11, "中学二级教师"),
    ("信息技术组", 7, "中学二级教师"),
    ("行政后勤组", 18, ""),
    ("退休组", 8, "中学高级教师"),
];
/// The other schools of a district demo: primary schools, smaller, with their own groups.
const PRIMARY_GROUPS: &[(&str, usize, &str)] = &[
    ("语文组", 9, "小学一级教师"),
    ("数学组", 8, "小学一级教师"),
    ("英语组", 5, "小学二级教师"),
    ("科学组", 4, "小学一级教师"),
    ("音体美组", 6, "小学二级教师"),
    ("综合组", 4, "小学二级教师"),
    ("行政后勤组", 16, ""),
    ("退休组", 5, "小学高级教师"),
];
const DEPTS: &[&str] = &["教务处", "德育处", "总务处", "办公室", "教科室"];

/// The first school's seed; school `i` of a district demo uses its own, so its people differ.
const SEED: u64 = 20260901;

fn seed_of(index: usize) -> u64 {
    SEED.wrapping_add((index as u64).wrapping_mul(1_000_003))
}

/// The demo's deterministic random numbers (a linear congruential generator).
pub(crate) struct Lcg(pub(crate) u64);
impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() as usize) % xs.len()]
    }
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// A valid made-up ID number for a birth date and gender.
fn id_number(rng: &mut Lcg, birth: chrono::NaiveDate, gender: Gender) -> Option<IdNumber> {
    let seq = rng.range(10, 99);
    let g = rng.range(0, 4) * 2 + if gender == Gender::Male { 1 } else { 0 };
    let body = format!("330106{}{seq:02}{g}", birth.format("%Y%m%d"));
    let check = check_char(&body)?;
    IdNumber::parse(&format!("{body}{check}")).ok()
}

/// One printed demo account.
pub struct DemoAccount {
    pub role: &'static str,
    pub username: String,
    pub who: String,
}

/// One member of the generated staff: (member id, name, gender, status).
type Staff = (String, String, Gender, MemberStatus);

/// Creates the district and `schools` schools, each with its own staff in union groups and
/// departments, a school year of dues, votes, a congress term with delegates and sessions,
/// proposals, an evaluation and a selection. The first school (`demo`) has the demo accounts
/// of every role; each other school its chair (`chair2`, `chair3` …).
pub async fn create(store: &Store, schools: usize) -> anyhow::Result<Vec<DemoAccount>> {
    let hash = accounts::hash_password(DEMO_PASSWORD)?;
    let mut tx = store.begin().await?;
    let district = tenancy::create_district(&mut tx, "示范区教育工会", "demo-district").await?;
    let school = tenancy::create_school(&mut tx, Some(&district), "示范区第一中学", "demo").await?;
    let mut others = Vec::new();
    for i in 1..schools {
        let id = tenancy::create_school(
            &mut tx,
            Some(&district),
            &format!("示范区第{}小学", i + 1),
            &format!("demo{}", i + 1),
        )
        .await?;
        others.push(id);
    }
    let mut rng = Lcg(SEED);
    let staff = staff_and_dues(&mut tx, store, &school, GROUPS, &mut rng).await?;
    let person = |i: usize| staff.get(i).map(|s| (s.0.clone(), s.1.clone())).unwrap_or_default();
    // The women staff committee member is a woman.
    let women = (80..staff.len()).find(|&i| staff.get(i).is_some_and(|s| s.2 == Gender::Female)).unwrap_or(80);
    let roles: [(&'static str, Role, &str, Option<usize>); 11] = [
        ("系统管理员", Role::Admin, "admin", None),
        ("工会主席", Role::Chair, "chair", Some(100)),
        ("组织委员", Role::OrgCommittee, "org", Some(20)),
        ("工会小组长（语文组）", Role::GroupLeader, "leader", Some(0)),
        ("会员", Role::Member, "member", Some(3)),
        ("经审委员", Role::Auditor, "auditor", Some(101)),
        ("上级工会", Role::District, "district", None),
        ("财务委员", Role::Finance, "finance", Some(40)),
        ("生活福利委员", Role::Welfare, "welfare", Some(60)),
        ("女工委员", Role::WomenCommittee, "women", Some(women)),
        ("校务公开监督小组成员", Role::Supervisor, "supervisor", Some(90)),
    ];
    let mut out = Vec::new();
    for (label, role, username, who) in roles {
        let (member_id, name) = match who {
            Some(i) => {
                let (id, n) = person(i);
                (Some(id), n)
            }
            None => (None, label.to_string()),
        };
        let (school_id, district_id) = match role {
            Role::District => (None, Some(district.as_str())),
            _ => (Some(school.as_str()), None),
        };
        accounts::create_user(
            &mut tx,
            &NewUser {
                school_id,
                district_id,
                username,
                display_name: &name,
                password_hash: &hash,
                role,
                member_id: member_id.as_deref(),
            },
        )
        .await?;
        out.push(DemoAccount { role: label, username: username.to_string(), who: name });
    }
    audit::append(
        &mut tx,
        &store.crypto,
        &Event::new(Some(&school), "demo", "demo.create", &school).detail(format!("{} members", staff.len())),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    let candidates: Vec<String> = CANDIDATES.iter().map(|c| c.to_string()).collect();
    let officials: Vec<String> = ["何丽", "田春梅", "潘芳", "刘志强"].iter().map(|c| c.to_string()).collect();
    school_life(store, &school, &staff, &[person(20).0], &candidates, &officials, &mut rng).await?;

    for (k, other) in others.iter().enumerate() {
        let index = k + 1;
        let mut rng = Lcg(seed_of(index));
        let mut tx = store.begin().await?;
        let staff = staff_and_dues(&mut tx, store, other, PRIMARY_GROUPS, &mut rng).await?;
        // The chair: the school's first leader in 行政后勤组 (the staff lists it after the teachers).
        let leader_at =
            PRIMARY_GROUPS.iter().take_while(|(g, _, _)| *g != "行政后勤组").map(|(_, n, _)| n).sum::<usize>();
        let (chair_id, chair_name) = staff.get(leader_at).map(|s| (s.0.clone(), s.1.clone())).unwrap_or_default();
        let username = format!("chair{}", index + 1);
        accounts::create_user(
            &mut tx,
            &NewUser {
                school_id: Some(other),
                district_id: None,
                username: &username,
                display_name: &chair_name,
                password_hash: &hash,
                role: Role::Chair,
                member_id: Some(&chair_id),
            },
        )
        .await?;
        out.push(DemoAccount {
            role: "工会主席", username, who: format!("{chair_name}（示范区第{}小学）", index + 1)
        });
        audit::append(
            &mut tx,
            &store.crypto,
            &Event::new(Some(other), "demo", "demo.create", other).detail(format!("{} members", staff.len())),
        )
        .await?;
        jiaogong_store::commit(tx).await?;
        // Candidates and the election's officials from the school's own active staff.
        let active: Vec<&Staff> = staff.iter().filter(|s| s.3 == MemberStatus::Active).collect();
        let names: Vec<String> = active.iter().step_by(3).map(|s| s.1.clone()).collect();
        let candidates: Vec<String> = names.iter().take(9).cloned().collect();
        let officials: Vec<String> = names.iter().skip(9).take(4).cloned().collect();
        let org = active.get(1).map(|s| s.0.clone()).unwrap_or_default();
        school_life(store, other, &staff, &[org], &candidates, &officials, &mut rng).await?;
    }
    Ok(out)
}

/// A school's year: votes, the congress with its sessions, proposals, an evaluation and a
/// selection. `also` sit in the congress beside every third active member.
async fn school_life(
    store: &Store,
    school: &str,
    staff: &[Staff],
    also: &[String],
    candidates: &[String],
    officials: &[String],
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    let active: Vec<String> = staff.iter().filter(|s| s.3 == MemberStatus::Active).map(|s| s.0.clone()).collect();
    let polls = demo_polls(store, school, &active, candidates, rng).await?;
    let congress = demo_congress(store, school, &active, also).await?;
    let resolution = demo_session_vote(store, school, &congress).await?;
    demo_sessions(store, school, &congress, &[resolution, polls[0].clone()], officials).await?;
    // Proposals of the past session.
    crate::demo_proposals::create(store, school, &congress, also).await?;
    // Activities: past ones with attendance, upcoming ones, one full with a waiting list. The
    // demo member's account (the fourth of the staff) is left free to sign up.
    let groups: Vec<(String, String)> =
        tenancy::groups(store, school).await?.into_iter().map(|g| (g.id, g.name)).collect();
    let skip: Vec<String> = staff.get(3).map(|s| s.0.clone()).into_iter().collect();
    crate::demo_activities::create(store, school, staff, &groups, &skip).await?;
    // Evaluations and selections.
    crate::demo_evalsel::create(store, school, &congress).await?;
    // Notices (one awaiting acknowledgement) and news.
    crate::demo_notices::create(store, school, active.len() / 2).await?;
    // The resource library.
    crate::demo_library::create(store, school).await?;
    crate::demo_care::create(store, school, staff).await?;
    crate::demo_finance::create(store, school).await?;
    // 校务公开, this year's and last year's plans and last year's summary.
    crate::demo_plans::create(store, school, &crate::demo_transparency::create(store, school, &active).await?).await?;
    Ok(())
}

/// The staff of a school in its union groups and departments, a few retirees, temporary hires
/// and one transfer out, with salaries and the school year's dues so far.
async fn staff_and_dues(
    tx: &mut jiaogong_store::Tx,
    store: &Store,
    school: &str,
    groups: &[(&str, usize, &str)],
    rng: &mut Lcg,
) -> anyhow::Result<Vec<Staff>> {
    let mut retired_group = String::new();
    let mut group_ids = Vec::new();
    for (name, _, _) in groups {
        let id = tenancy::create_group(tx, school, name, *name == "退休组").await?;
        if *name == "退休组" {
            retired_group = id.clone();
        }
        group_ids.push(id);
    }
    let this_month = MonthKey::of(jiaogong_store::today_cn());
    let months = jiaogong_domain::members::dues::school_year_months(this_month);
    let mut staff: Vec<(String, String, Gender, MemberStatus)> = Vec::new();
    let mut employee = 1;
    let mut used = std::collections::HashSet::new();
    for (gi, (group, count, title)) in groups.iter().enumerate() {
        for k in 0..*count {
            let gender = if rng.next() % 100 < 62 { Gender::Female } else { Gender::Male };
            let name = loop {
                let n = format!(
                    "{}{}",
                    rng.pick(SURNAMES),
                    if gender == Gender::Female { rng.pick(GIVEN_F) } else { rng.pick(GIVEN_M) }
                );
                if used.insert(n.clone()) {
                    break n;
                }
            };
            let retired = *group == "退休组";
            let age_years = if retired { rng.range(61, 75) } else { rng.range(24, 58) };
            let birth = chrono::NaiveDate::from_ymd_opt(
                2026 - age_years as i32,
                rng.range(1, 12) as u32,
                rng.range(1, 28) as u32,
            )
            .unwrap_or_default();
            let joined_school =
                chrono::NaiveDate::from_ymd_opt((2026 - age_years as i32 + 23).min(2025), 9, 1).unwrap_or_default();
            let temporary = *group == "行政后勤组" && k >= 15;
            let post = match *group {
                "行政后勤组" if k < 3 => Some(Post::SchoolLeader),
                "行政后勤组" if k < 8 => Some(Post::MiddleManager),
                "行政后勤组" if k < 13 => Some(Post::Staff),
                "行政后勤组" if temporary => None,
                "行政后勤组" => Some(Post::Worker),
                _ => Some(Post::Teacher),
            };
            let status = if retired {
                MemberStatus::Retired
            } else if k == 5 && gi == 2 {
                MemberStatus::NonMember
            } else {
                MemberStatus::Active
            };
            let phone = Phone::parse(&format!(
                "1{}{:08}",
                rng.pick(&["38", "39", "58", "59", "86", "87", "35"]),
                rng.range(0, 99_999_999)
            ))
            .ok();
            let input = MemberInput {
                name: name.clone(),
                employee_no: format!("T{employee:04}"),
                gender: Some(gender),
                birth_date: Some(birth),
                id_number: id_number(rng, birth, gender),
                phone,
                department: Some(if *group == "行政后勤组" {
                    rng.pick(DEPTS).to_string()
                } else {
                    "教务处".to_string()
                }),
                post,
                title: if title.is_empty() { None } else { Some(title.to_string()) },
                joined_school: Some(joined_school),
                joined_union: if status == MemberStatus::NonMember {
                    None
                } else {
                    joined_school.checked_add_days(chrono::Days::new(45))
                },
                group: Some(group.to_string()),
                status,
                is_temporary: temporary,
                notes: if temporary { Some("临时聘用，2025年入会".to_string()) } else { None },
            };
            employee += 1;
            let dept =
                tenancy::department_id(&mut *tx, school, input.department.as_deref().unwrap_or("教务处"), true).await?;
            let id =
                members::insert(&mut *tx, &store.crypto, school, &input, Some(&group_ids[gi]), dept.as_deref()).await?;
            let joined = input
                .joined_union
                .or(input.joined_school)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let kind = if status == MemberStatus::NonMember { MemberEventKind::Update } else { MemberEventKind::Join };
            members::record_event(
                &mut *tx,
                school,
                &id,
                kind,
                status,
                None,
                &joined,
                "",
                if status == MemberStatus::NonMember { "created" } else { "" },
                "demo",
            )
            .await?;
            if retired {
                let d = birth.with_year(birth.year() + 60).unwrap_or(birth).format("%Y-%m-%d").to_string();
                members::record_event(
                    &mut *tx,
                    school,
                    &id,
                    MemberEventKind::Retire,
                    MemberStatus::Retired,
                    Some(&retired_group),
                    &d,
                    "到龄退休",
                    "",
                    "demo",
                )
                .await?;
            }
            // Base salary and payments: most paid every month, a few behind.
            let base = Fen(if retired { 0 } else { rng.range(4200, 9800) as i64 * 100 });
            if !retired && status == MemberStatus::Active {
                dues::set_standing_salary(&mut *tx, school, &id, base.0).await?;
                let behind = rng.next() % 100 < 8;
                for (mi, m) in months.iter().enumerate() {
                    let last = mi + 1 == months.len();
                    if behind && last {
                        continue;
                    }
                    let due = jiaogong_domain::members::dues::monthly_dues(base, Rate::DEFAULT_DUES);
                    let paid_on = m.first_day().map(|d| d.format("%Y-%m-10").to_string()).unwrap_or_default();
                    dues::record_payment(
                        &mut *tx,
                        school,
                        &dues::Payment {
                            member_id: &id,
                            month: &m.to_string(),
                            amount_fen: due.0,
                            paid_on: &paid_on,
                            is_back_payment: false,
                            recorded_by: "demo",
                            request_key: None,
                        },
                    )
                    .await?;
                }
            }
            staff.push((id, name, gender, status));
        }
    }
    // A transfer out and a temporary hire who joined, for the history pages.
    if let Some((id, _, _, _)) = staff.get(40) {
        members::record_event(
            &mut *tx,
            school,
            id,
            MemberEventKind::TransferOut,
            MemberStatus::TransferredOut,
            None,
            "2026-08-20",
            "调往区实验中学",
            "",
            "demo",
        )
        .await?;
    }
    Ok(staff)
}

pub fn print_accounts(accounts: &[DemoAccount]) {
    out!("演示学校“示范区第一中学”（代码 demo）已创建。演示账号（密码均为 {DEMO_PASSWORD}）：");
    for a in accounts {
        out!("  {:<10} {:<22} {}", a.username, a.role, a.who);
    }
}
