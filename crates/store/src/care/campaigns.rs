//! Campaigns (春节送温暖 …): recipients chosen from the hardship files, the retirees or the sick,
//! each with a visitor and a task; health-check campaigns of the women staff (who is scheduled,
//! who attended — never a result); the special-protection checklist (孕期/产期/哺乳期).

use chrono::NaiveDate;
use jiaogong_domain::care::women;

use super::events::insert_task;
use super::{date, iso, members_with_role, CareFail};
use crate::platform::audit::{self, Event};
use crate::platform::notify::{self, NewNotification};
use crate::{new_id, now_ms, Crypto, Store, StoreError, Tx};

/// The school's members in office or retired, for pickers: (id, name).
pub async fn members_list(store: &Store, school_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, name FROM members WHERE school_id = $1 AND status IN ('active', 'retired') ORDER BY name_pinyin, id LIMIT 5000",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}

/// The visitor a campaign's task was given to.
pub async fn visitor_of(store: &Store, task_id: &str) -> Result<Option<String>, StoreError> {
    let r: Option<(Option<String>,)> = sqlx::query_as("SELECT visitor_member_id FROM care_tasks WHERE id = $1")
        .bind(task_id)
        .fetch_optional(&store.read)
        .await?;
    Ok(r.and_then(|(v,)| v))
}

/// Where recipients are suggested from.
pub const SOURCES: [&str; 3] = ["hardship", "retirees", "sick"];

/// Members suggested as recipients: (id, name).
pub async fn suggest(
    store: &Store,
    school_id: &str,
    source: &str,
    today: NaiveDate,
) -> Result<Vec<(String, String)>, StoreError> {
    let sql = match source {
        "hardship" => {
            "SELECT DISTINCT m.id, m.name FROM care_hardship_files f JOIN members m ON m.id = f.member_id \
             WHERE f.school_id = $1 AND f.closed_on IS NULL AND ($2 = $2) ORDER BY m.name"
        }
        "retirees" => {
            "SELECT id, name FROM members WHERE school_id = $1 AND status = 'retired' AND ($2 = $2) ORDER BY name"
        }
        // Reported in hospital or seriously ill within the last 180 days.
        _ => {
            "SELECT DISTINCT m.id, m.name FROM care_events e JOIN members m ON m.id = e.member_id \
             WHERE e.school_id = $1 AND e.kind = 'hospitalised' AND e.event_date >= $2 ORDER BY m.name"
        }
    };
    let since = today.checked_sub_days(chrono::Days::new(180)).unwrap_or(today);
    Ok(sqlx::query_as(sql).bind(school_id).bind(iso(since)).fetch_all(&store.read).await?)
}

/// Creates a campaign with its recipients (member, visitor); each gets a festival event and a
/// task due on `due`, and each visitor a message.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    title: &str,
    on: NaiveDate,
    due: NaiveDate,
    recipients: &[(String, Option<String>)],
) -> Result<String, CareFail> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(CareFail::Invalid("请填写活动名称（最多100字）".into()));
    }
    if due < on {
        return Err(CareFail::Invalid("完成期限不能早于开始日期".into()));
    }
    if recipients.is_empty() {
        return Err(CareFail::Invalid("请至少选择一位慰问对象".into()));
    }
    let id = new_id();
    sqlx::query("INSERT INTO care_campaigns (id, school_id, title, kind, due, created_by, created_at) VALUES ($1, $2, $3, 'festival', $4, $5, $6)")
        .bind(&id)
        .bind(school_id)
        .bind(title)
        .bind(iso(due))
        .bind(actor)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    for (member, visitor) in recipients {
        for m in std::iter::once(member).chain(visitor.iter()) {
            let ok: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM members WHERE school_id = $1 AND id = $2")
                .bind(school_id)
                .bind(m)
                .fetch_optional(&mut **tx)
                .await?;
            if ok.is_none() {
                return Err(CareFail::Invalid("慰问对象或慰问人不是本校会员，请从名单中选择".into()));
            }
        }
        let dup: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM care_events WHERE school_id = $1 AND member_id = $2 AND kind = 'festival' AND event_date = $3",
        )
        .bind(school_id)
        .bind(member)
        .bind(iso(on))
        .fetch_optional(&mut **tx)
        .await?;
        if dup.is_some() {
            continue;
        }
        let ev = new_id();
        sqlx::query(
            "INSERT INTO care_events (id, school_id, member_id, kind, event_date, note, source, reported_by, created_at) \
             VALUES ($1, $2, $3, 'festival', $4, $5, 'campaign', $6, $7)",
        )
        .bind(&ev)
        .bind(school_id)
        .bind(member)
        .bind(iso(on))
        .bind(title)
        .bind(actor)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
        let task =
            insert_task(tx, school_id, &ev, member, "festival", on, due, false, Some(&id), visitor.as_deref()).await?;
        if let Some(v) = visitor {
            let link = format!("/care/tasks/{task}");
            let t = format!("{title}：请于{}前完成走访", iso(due));
            notify::send(
                tx,
                &NewNotification {
                    school_id,
                    member_id: v,
                    kind: "care.task",
                    link: &link,
                    title: &t,
                    body: "",
                    urgent: false,
                },
            )
            .await?;
        }
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.campaign.create", &id).detail(title.to_string()),
    )
    .await?;
    Ok(id)
}

/// A campaign's progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CampaignLine {
    pub id: String,
    pub title: String,
    pub due: String,
    pub recipients: i64,
    pub visited: i64,
}

pub async fn campaigns(store: &Store, school_id: &str) -> Result<Vec<CampaignLine>, StoreError> {
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT c.id, c.title, c.due, COUNT(t.id), COUNT(t.visited_on) FROM care_campaigns c LEFT JOIN care_tasks t ON t.campaign_id = c.id \
         WHERE c.school_id = $1 GROUP BY c.id, c.title, c.due ORDER BY c.due DESC, c.id",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, due, recipients, visited)| CampaignLine { id, title, due, recipients, visited })
        .collect())
}

// --- women staff --------------------------------------------------------------------------

/// The women members (active or retired): (id, name, status, birth date).
pub async fn women_staff(
    store: &Store,
    school_id: &str,
) -> Result<Vec<(String, String, String, Option<String>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, name, status, birth_date FROM members WHERE school_id = $1 AND gender = 'F' AND status IN ('active', 'retired') ORDER BY name_pinyin",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}

/// A health-check campaign of a year for the listed members (each with the day they are scheduled).
pub async fn create_checkup(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    year: i64,
    title: &str,
    people: &[(String, NaiveDate)],
) -> Result<String, CareFail> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(CareFail::Invalid("请填写体检名称（最多100字）".into()));
    }
    if !(2000..=2100).contains(&year) {
        return Err(CareFail::Invalid("年度应在2000到2100之间".into()));
    }
    let id = new_id();
    sqlx::query("INSERT INTO care_checkups (id, school_id, year, title, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(school_id)
        .bind(year)
        .bind(title)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    for (m, on) in people {
        let ok: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM members WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(m)
            .fetch_optional(&mut **tx)
            .await?;
        if ok.is_none() {
            return Err(CareFail::Invalid("体检名单中有非本校会员，请从名单中选择".into()));
        }
        sqlx::query(
            "INSERT INTO care_checkup_people (checkup_id, member_id, school_id, scheduled_on) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(m)
        .bind(school_id)
        .bind(iso(*on))
        .execute(&mut **tx)
        .await
        .map_err(crate::unique_as("checkup_person"))?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.checkup.create", &id).detail(title.to_string()),
    )
    .await?;
    Ok(id)
}

/// Marks attendance (attended or not); no result is ever stored.
pub async fn mark_attended(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    checkup_id: &str,
    member_id: &str,
    attended: bool,
) -> Result<(), CareFail> {
    let r = sqlx::query(
        "UPDATE care_checkup_people SET attended = $1 WHERE school_id = $2 AND checkup_id = $3 AND member_id = $4",
    )
    .bind(i64::from(attended))
    .bind(school_id)
    .bind(checkup_id)
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound.into());
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.checkup.attend", checkup_id)
            .detail(format!("{member_id} {attended}")),
    )
    .await?;
    Ok(())
}

/// A health-check campaign with its counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckupLine {
    pub id: String,
    pub year: i64,
    pub title: String,
    pub scheduled: i64,
    pub attended: i64,
}

pub async fn checkups(store: &Store, school_id: &str) -> Result<Vec<CheckupLine>, StoreError> {
    let rows: Vec<(String, i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT c.id, c.year, c.title, COUNT(p.member_id), CAST(SUM(p.attended) AS BIGINT) FROM care_checkups c \
         LEFT JOIN care_checkup_people p ON p.checkup_id = c.id WHERE c.school_id = $1 GROUP BY c.id, c.year, c.title ORDER BY c.year DESC, c.id",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, year, title, scheduled, attended)| CheckupLine {
            id,
            year,
            title,
            scheduled,
            attended: attended.unwrap_or(0),
        })
        .collect())
}

/// The people of a checkup: (member id, name, scheduled on, attended).
pub async fn checkup_people(
    store: &Store,
    school_id: &str,
    checkup_id: &str,
) -> Result<Vec<(String, String, String, bool)>, StoreError> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT p.member_id, m.name, p.scheduled_on, p.attended FROM care_checkup_people p JOIN members m ON m.id = p.member_id \
         WHERE p.school_id = $1 AND p.checkup_id = $2 ORDER BY p.scheduled_on, m.name_pinyin",
    )
    .bind(school_id)
    .bind(checkup_id)
    .fetch_all(&store.read)
    .await?;
    Ok(rows.into_iter().map(|(a, b, c, d)| (a, b, c, d != 0)).collect())
}

/// Adds a woman member's protection checklist; the 女工委员 get its dates in their inbox.
#[allow(clippy::too_many_arguments)]
pub async fn add_protection(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    member_id: &str,
    expected: NaiveDate,
    born: Option<NaiveDate>,
    difficult: bool,
    babies: u32,
) -> Result<String, CareFail> {
    if !(1..=5).contains(&babies) {
        return Err(CareFail::Invalid("胎数应在1到5之间".into()));
    }
    let gender: Option<(Option<String>,)> =
        sqlx::query_as("SELECT gender FROM members WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(member_id)
            .fetch_optional(&mut **tx)
            .await?;
    match gender {
        None => return Err(StoreError::NotFound.into()),
        Some((Some(g),)) if g == "F" => {}
        Some(_) => return Err(CareFail::Invalid("特殊保护清单只适用于女职工".into())),
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO care_protections (id, school_id, member_id, expected, born, difficult, babies, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(member_id)
    .bind(iso(expected))
    .bind(born.map(iso))
    .bind(i64::from(difficult))
    .bind(i64::from(babies))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    let dates: Vec<String> = women::checklist(expected, born, difficult, babies)
        .iter()
        .map(|(item, d)| format!("{} {}", item_zh(*item), iso(*d)))
        .collect();
    let body = dates.join("；");
    for m in members_with_role(tx, school_id, "women_committee").await? {
        notify::send(
            tx,
            &NewNotification {
                school_id,
                member_id: &m,
                kind: "care.protection",
                link: "/care/women",
                title: "女职工特殊保护提醒日期",
                body: &body,
                urgent: false,
            },
        )
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.protection.add", &id).detail(member_id.to_string()),
    )
    .await?;
    Ok(id)
}

pub fn item_zh(i: women::Item) -> &'static str {
    match i {
        women::Item::SeventhMonth => "怀孕满7个月（不安排加班和夜班，产检算劳动时间）",
        women::Item::LeaveStarts => "产假开始",
        women::Item::LeaveEnds => "产假结束",
        women::Item::NursingEnds => "哺乳期结束（婴儿满1周岁）",
    }
}

/// One checklist with its dates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProtectionLine {
    pub id: String,
    pub member_id: String,
    pub member_name: String,
    pub expected: String,
    pub born: Option<String>,
    pub leave_days: u32,
    /// (item code, what, date).
    pub dates: Vec<(String, String, String)>,
}

type ProtectionRow = (String, String, String, String, Option<String>, i64, i64);

pub async fn protections(store: &Store, school_id: &str) -> Result<Vec<ProtectionLine>, StoreError> {
    let rows: Vec<ProtectionRow> = sqlx::query_as(
        "SELECT p.id, p.member_id, m.name, p.expected, p.born, p.difficult, p.babies FROM care_protections p \
         JOIN members m ON m.id = p.member_id WHERE p.school_id = $1 ORDER BY p.expected DESC, p.id",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?;
    let mut out = Vec::new();
    for (id, member_id, member_name, expected, born, difficult, babies) in rows {
        let Some(exp) = date(&expected) else { continue };
        let babies = u32::try_from(babies).unwrap_or(1);
        let list = women::checklist(exp, born.as_deref().and_then(date), difficult != 0, babies);
        out.push(ProtectionLine {
            id,
            member_id,
            member_name,
            expected,
            born,
            leave_days: women::maternity_leave_days(difficult != 0, babies),
            dates: list.into_iter().map(|(i, d)| (i.code().to_string(), item_zh(i).to_string(), iso(d))).collect(),
        })
    }
    Ok(out)
}
