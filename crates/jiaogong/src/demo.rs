//! The demo school: about 120 staff in nine union groups with realistic names, a few retirees and
//! temporary hires, valid (made-up) ID numbers, dues for the school year so far, and one account
//! per role. Deterministic, so every newcomer sees the same school.

use jiaogong_domain::congress::ballots::PollStatus;
use jiaogong_domain::members::dues::MonthKey;
use jiaogong_domain::members::idcard::{check_char, IdNumber};
use jiaogong_domain::members::phone::Phone;
use jiaogong_domain::members::{Gender, MemberEventKind, MemberInput, MemberStatus, Post};
use jiaogong_domain::platform::money::{Fen, Rate};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::{members, members::dues, platform::tenancy, Store};

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

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() as usize) % xs.len()]
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
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
    let roles: [(&'static str, Role, &str, Option<usize>); 7] = [
        ("系统管理员", Role::Admin, "admin", None),
        ("工会主席", Role::Chair, "chair", Some(100)),
        ("组织委员", Role::OrgCommittee, "org", Some(20)),
        ("工会小组长（语文组）", Role::GroupLeader, "leader", Some(0)),
        ("会员", Role::Member, "member", Some(3)),
        ("经审委员", Role::Auditor, "auditor", Some(101)),
        ("上级工会", Role::District, "district", None),
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
    // Evaluations and selections.
    crate::demo_evalsel::create(store, school, &congress).await?;
    // The resource library.
    crate::demo_library::create(store, school).await?;
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
    let this_month = MonthKey::of((chrono::Utc::now() + chrono::Duration::hours(8)).date_naive());
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

use chrono::Datelike;

/// Votes of the school year so far outside the congress: a closed committee election (members'
/// assembly) and an open poll the demo member can vote in. Returns their ids in that order.
/// The first school's committee election candidates.
const CANDIDATES: [&str; 9] = ["何丽", "吴秀英", "潘芳", "田春梅", "王国庆", "李建国", "张海燕", "刘志强", "陈晓东"];

async fn demo_polls(
    store: &Store,
    school: &str,
    active: &[String],
    candidates: &[String],
    rng: &mut Lcg,
) -> anyhow::Result<Vec<String>> {
    use jiaogong_store::congress::polls;
    let election = serde_json::json!({"title": "第五届工会委员会委员选举", "kind": "election",
        "electorate": active.len(), "present": 0, "ballots_issued": 0, "seats": 7,
        "candidates": candidates, "allow_write_in": true, "rules": {"quorum": "2/3", "threshold": "1/2", "base": "present"}});
    let open = serde_json::json!({"title": "关于调整教职工体检项目的意见征集", "kind": "resolution",
        "electorate": active.len(), "present": 0, "ballots_issued": 0, "rules": {"threshold": "1/2", "base": "valid"}});
    let mut ids = Vec::new();
    for def in [&election, &open] {
        let mut tx = store.begin().await?;
        let title = def["title"].as_str().unwrap_or_default();
        let kind = def["kind"].as_str().unwrap_or_default();
        let id = polls::create(&mut tx, school, kind, title, &def.to_string(), active, "demo").await?;
        polls::set_status(&mut tx, school, &id, PollStatus::Draft, PollStatus::Open).await?;
        jiaogong_store::commit(tx).await?;
        ids.push(id);
    }
    // About 85 % turn out in the two closed votes.
    let mut tasks = Vec::new();
    for member in active {
        if rng.next() % 100 >= 85 {
            continue;
        }
        // This draw once chose a resolution ballot (that vote is now the session's, among its
        // delegates: `demo_session_vote`); it stays so the election's ballots are unchanged.
        let _ = rng.next();
        let marks: serde_json::Map<String, serde_json::Value> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.to_string(),
                    serde_json::json!(if (rng.next() % 100) < [92, 88, 85, 80, 72, 60, 55, 40, 30][i] {
                        "yes"
                    } else {
                        "no"
                    }),
                )
            })
            .collect();
        let yes = marks.values().filter(|v| v.as_str() == Some("yes")).count();
        // Keep ballots within the seats, as the voting page does.
        let marks: serde_json::Map<String, serde_json::Value> = if yes > 7 {
            marks
                .into_iter()
                .enumerate()
                .map(|(i, (k, v))| (k, if i >= 7 { serde_json::json!("no") } else { v }))
                .collect()
        } else {
            marks
        };
        let (store, poll, member) = (store.clone(), ids[0].clone(), member.clone());
        let content = serde_json::json!({"marks": marks}).to_string();
        tasks.push(tokio::spawn(async move { store.ballot_box().cast(&poll, &member, content).await }));
    }
    for t in tasks {
        t.await?.map_err(|e| anyhow::anyhow!("demo ballot: {e:?}"))?;
    }
    for id in &ids[..1] {
        let poll = polls::get(store, school, id).await?;
        let (_, voted) = polls::turnout(store, id).await?;
        let mut def: serde_json::Value = serde_json::from_str(&poll.definition)?;
        def["present"] = serde_json::json!(voted);
        def["ballots_issued"] = serde_json::json!(voted);
        let mut tx = store.begin().await?;
        polls::set_definition(&mut tx, id, &def.to_string()).await?;
        polls::set_status(&mut tx, school, id, PollStatus::Open, PollStatus::Closed).await?;
        jiaogong_store::commit(tx).await?;
    }
    Ok(ids)
}

/// The past session's resolution (票决), voted as any session vote is: the electorate is the
/// term's delegates (应到), the delegates signed in at the session are 实到, only they vote; quorum
/// two thirds, passed by more than half of all delegates. Returns the poll id.
async fn demo_session_vote(store: &Store, school: &str, congress: &DemoCongress) -> anyhow::Result<String> {
    use jiaogong_store::{congress as repo, congress::polls};
    let delegates = repo::current_delegate_ids(store, &congress.term).await?;
    let session = repo::session(store, school, &congress.past_session).await?;
    let def = serde_json::json!({"title": "关于《学校绩效工资分配方案（修订稿）》的表决", "kind": "resolution",
        "electorate": delegates.len(), "present": 0, "ballots_issued": 0,
        "rules": {"quorum": "2/3", "threshold": "1/2", "base": "electorate"}});
    let mut tx = store.begin().await?;
    let id = polls::create(
        &mut tx,
        school,
        "resolution",
        "关于《学校绩效工资分配方案（修订稿）》的表决",
        &def.to_string(),
        &delegates,
        "demo",
    )
    .await?;
    polls::set_session(&mut tx, &id, &session.id).await?;
    // Every delegate but one in eleven signs in; each of them votes in the hall.
    let present: Vec<&String> = delegates.iter().enumerate().filter(|(i, _)| i % 11 != 5).map(|(_, d)| d).collect();
    for d in &present {
        repo::check_in(&mut tx, &session, d, "clerk").await?;
    }
    polls::set_status(&mut tx, school, &id, PollStatus::Draft, PollStatus::Open).await?;
    jiaogong_store::commit(tx).await?;
    let mut rng = Lcg(20251120);
    let mut tasks = Vec::new();
    for d in &present {
        let r = rng.next() % 100;
        let choice = if r < 80 {
            "yes"
        } else if r < 92 {
            "no"
        } else {
            "abstain"
        };
        let (store, poll, member) = (store.clone(), id.clone(), (*d).clone());
        let content = serde_json::json!({"choice": choice}).to_string();
        tasks.push(tokio::spawn(async move { store.ballot_box().cast(&poll, &member, content).await }));
    }
    for t in tasks {
        t.await?.map_err(|e| anyhow::anyhow!("demo ballot: {e:?}"))?;
    }
    // Closed as the committee's page closes a session vote: 实到 = signed in, issued = voted.
    let poll = polls::get(store, school, &id).await?;
    let (_, voted) = polls::turnout(store, &id).await?;
    let mut def: serde_json::Value = serde_json::from_str(&poll.definition)?;
    def["present"] = serde_json::json!(present.len());
    def["ballots_issued"] = serde_json::json!(voted);
    let mut tx = store.begin().await?;
    polls::set_definition(&mut tx, &id, &def.to_string()).await?;
    polls::set_status(&mut tx, school, &id, PollStatus::Open, PollStatus::Closed).await?;
    jiaogong_store::commit(tx).await?;
    Ok(id)
}

/// The ids of the demo congress: its term, the session held last school year and the coming one.
#[derive(Debug, Clone)]
#[allow(dead_code)] // the proposal, evaluation and selection demo data read these
pub struct DemoCongress {
    pub term: String,
    pub past_session: String,
    pub coming_session: String,
}

/// The term's delegates, the session held last school year and the coming session.
async fn demo_congress(
    store: &Store,
    school: &str,
    active: &[String],
    also: &[String],
) -> anyhow::Result<DemoCongress> {
    use jiaogong_store::congress;
    let mut tx = store.begin().await?;
    let term = congress::term(&mut tx, school, 5, "2024-09-01").await?;
    let past =
        congress::create_session(&mut tx, school, &term, 1, "第五届教职工代表大会第一次会议", "2025-11-20").await?;
    let held = (chrono::Utc::now() + chrono::Duration::days(26)).date_naive().format("%Y-%m-%d").to_string();
    let coming = congress::create_session(&mut tx, school, &term, 2, "第五届教职工代表大会第二次会议", &held).await?;
    // Every third active member stands for their group: about 36 delegates.
    for member in active.iter().step_by(3).chain(also) {
        congress::add_delegate(&mut tx, school, &term, member, "2024-09-01").await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(DemoCongress { term, past_session: past, coming_session: coming })
}

/// What the two sessions deliberate: agenda, documents and attendees; the past session's
/// resolution with its officials and its implementation so far; the election's officials.
/// `officials`: two scrutineers (监票人) and two counters (计票人), in that order.
async fn demo_sessions(
    store: &Store,
    school: &str,
    congress: &DemoCongress,
    polls: &[String],
    officials: &[String],
) -> anyhow::Result<()> {
    use jiaogong_store::{congress::agenda, congress::paper, congress::polls as repo};
    let mut tx = store.begin().await?;
    let past: [(&str, &str, &str); 9] = [
        ("agenda", "听取和审议校长《学校工作报告》", ""),
        ("agenda", "听取和审议《学校财务工作报告》", ""),
        ("agenda", "听取提案工作报告", ""),
        ("agenda", "表决《学校绩效工资分配方案（修订稿）》", ""),
        ("document", "学校工作报告", "一、过去一年的主要工作\n学校坚持立德树人，稳步推进课程改革，高考本科上线率比上年提高 3.2 个百分点。\n二、存在的问题\n青年教师培养体系仍不完善，部分功能室设备老化。\n三、新一年的工作思路\n推进“双减”落地，完善教师专业发展机制，改善教职工工作和生活条件。"),
        ("document", "学校财务工作报告", "一、收入情况：财政拨款收入 2,860 万元。\n二、支出情况：人员经费 2,140 万元，公用经费 560 万元，项目支出 160 万元。\n三、绩效工资：按区核定总量发放，考核方案经教代会审议。"),
        ("document", "学校绩效工资分配方案（修订稿）", "第一条 为体现多劳多得、优绩优酬……\n第二条 奖励性绩效工资占绩效工资总量的 30%……"),
        ("attendee", "周国平", "退休教师代表"),
        ("attendee", "林晓燕", "家长委员会代表"),
    ];
    let coming: [(&str, &str, &str); 4] = [
        ("agenda", "听取和审议校长《学校工作报告》", ""),
        ("agenda", "听取上次会议决议落实情况报告", ""),
        ("agenda", "审议《学校章程（修订草案）》", ""),
        (
            "document",
            "学校章程（修订草案）",
            "第一章 总则\n第一条 为规范学校办学行为，依据《中华人民共和国教育法》等法律法规，制定本章程。",
        ),
    ];
    for (session, items) in [(&congress.past_session, &past[..]), (&congress.coming_session, &coming[..])] {
        for (kind, title, body) in items {
            agenda::add_item(&mut tx, school, session, kind, title, body).await?;
        }
    }
    if let [resolution, election, ..] = polls {
        repo::set_session(&mut tx, resolution, &congress.past_session).await?;
        for poll in [resolution, election] {
            let (scrutineers, counters) = officials.split_at(officials.len().min(2));
            paper::set_officials(&mut tx, poll, "scrutineer", scrutineers).await?;
            paper::set_officials(&mut tx, poll, "counter", counters).await?;
        }
        agenda::add_progress(
            &mut tx,
            school,
            resolution,
            "in_progress",
            "校务会研究制定实施细则，已在全校公示。",
            "2025-12-15",
            "demo",
        )
        .await?;
        agenda::add_progress(
            &mut tx,
            school,
            resolution,
            "done",
            "新方案自 2026 年 1 月起执行，首次发放已完成。",
            "2026-02-28",
            "demo",
        )
        .await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(())
}
