//! Reading activities: one activity with its counts, the month's or the upcoming list with the
//! reader's own state, the sign-ups in arrival order, and the facts the audience rule needs.
//! Counts are correlated subqueries of the page's rows, never a query per row.

use jiaogong_domain::activities::{Audience, Kind, MemberFacts, Promotion};

use super::{audience_of, kind_of};
use crate::{Result, Store, StoreError};

/// One activity with its sign-up counts.
#[derive(Debug, Clone)]
pub struct Activity {
    pub id: String,
    pub school_id: String,
    pub title: String,
    pub kind: Kind,
    pub organiser_member_id: Option<String>,
    pub organiser_name: Option<String>,
    pub organiser_group_id: Option<String>,
    pub organiser_group: Option<String>,
    pub place: String,
    pub description: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub signup_deadline: i64,
    pub capacity: Option<i64>,
    pub audience: Audience,
    pub audience_group: Option<String>,
    pub cost_fen: i64,
    pub promotion: Promotion,
    pub checkin_secret: String,
    pub confirmed: i64,
    pub offered: i64,
    pub waitlist: i64,
    pub attended: i64,
}

const COLS: &str =
    "a.id, a.school_id, a.title, a.kind, a.organiser_member_id, om.name, a.organiser_group_id, og.name, \
    a.place, a.description, a.starts_at, a.ends_at, a.signup_deadline, a.capacity, a.audience, ag.name, a.cost_fen, \
    a.hold_hours, a.checkin_secret, \
    (SELECT COUNT(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.state = 'confirmed'), \
    (SELECT COUNT(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.state = 'offered'), \
    (SELECT COUNT(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.state = 'waitlisted'), \
    (SELECT COUNT(*) FROM activity_attendance t WHERE t.activity_id = a.id)";
const FROM: &str = "FROM activities a LEFT JOIN members om ON om.id = a.organiser_member_id \
    LEFT JOIN union_groups og ON og.id = a.organiser_group_id \
    LEFT JOIN union_groups ag ON a.audience = 'group:' || ag.id";

fn from_row(r: &sqlx::any::AnyRow) -> std::result::Result<Activity, sqlx::Error> {
    use sqlx::Row as _;
    let kind: String = r.try_get(3)?;
    let audience: String = r.try_get(14)?;
    let hold: i64 = r.try_get(17)?;
    Ok(Activity {
        id: r.try_get(0)?,
        school_id: r.try_get(1)?,
        title: r.try_get(2)?,
        kind: kind_of(&kind),
        organiser_member_id: r.try_get(4)?,
        organiser_name: r.try_get(5)?,
        organiser_group_id: r.try_get(6)?,
        organiser_group: r.try_get(7)?,
        place: r.try_get(8)?,
        description: r.try_get(9)?,
        starts_at: r.try_get(10)?,
        ends_at: r.try_get(11)?,
        signup_deadline: r.try_get(12)?,
        capacity: r.try_get(13)?,
        audience: audience_of(&audience),
        audience_group: r.try_get(15)?,
        cost_fen: r.try_get(16)?,
        promotion: Promotion::from_hours(hold),
        checkin_secret: r.try_get(18)?,
        confirmed: r.try_get(19)?,
        offered: r.try_get(20)?,
        waitlist: r.try_get(21)?,
        attended: r.try_get(22)?,
    })
}

/// One activity of a school (another school's id is not found).
pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Activity> {
    let sql = format!("SELECT {COLS} {FROM} WHERE a.id = $1 AND a.school_id = $2 AND a.cancelled = 0");
    let row = sqlx::query(&sql).bind(id).bind(school_id).fetch_optional(store.reader()).await?;
    match row {
        Some(r) => Ok(from_row(&r)?),
        None => Err(StoreError::NotFound),
    }
}

/// An activity in a list, with the reader's own sign-up state (`None`: not signed up).
#[derive(Debug, Clone)]
pub struct Line {
    pub a: Activity,
    pub my_state: Option<String>,
    pub attended: bool,
}

/// The activities of a school starting in `[from, to)`, in time order, with `member`'s state.
pub async fn list(store: &Store, school_id: &str, from: i64, to: i64, member: Option<&str>) -> Result<Vec<Line>> {
    let sql = format!(
        "SELECT {COLS}, ms.state, (SELECT COUNT(*) FROM activity_attendance t2 WHERE t2.activity_id = a.id AND t2.member_id = $4) \
         {FROM} LEFT JOIN activity_signups ms ON ms.activity_id = a.id AND ms.member_id = $4 \
         WHERE a.school_id = $1 AND a.cancelled = 0 AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at, a.id"
    );
    use sqlx::Row as _;
    let rows = sqlx::query(&sql)
        .bind(school_id)
        .bind(from)
        .bind(to)
        .bind(member.unwrap_or(""))
        .fetch_all(store.reader())
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let n: i64 = r.try_get(24)?;
        out.push(Line { a: from_row(r)?, my_state: r.try_get(23)?, attended: n > 0 });
    }
    Ok(out)
}

/// The upcoming activities `member` may sign up for now (deadline not passed, audience admits
/// them), with their state.
pub async fn open_for(store: &Store, school_id: &str, member: &str, now: i64) -> Result<Vec<Line>> {
    let mut conn = store.reader().acquire().await?;
    let Some(facts) = member_facts(&mut conn, school_id, member).await? else { return Ok(Vec::new()) };
    drop(conn);
    let lines = list(store, school_id, now, i64::MAX, Some(member)).await?;
    Ok(lines.into_iter().filter(|l| l.a.signup_deadline >= now && l.a.audience.admits(&facts)).collect())
}

/// What the audience rule needs to know about a member of the school.
pub async fn member_facts(
    conn: &mut sqlx::AnyConnection,
    school_id: &str,
    member_id: &str,
) -> Result<Option<MemberFacts>> {
    let row: Option<(String, Option<String>, Option<String>, i64)> = sqlx::query_as(
        "SELECT m.status, m.gender, m.group_id, \
         (SELECT COUNT(*) FROM delegates d WHERE d.member_id = m.id AND d.until IS NULL) \
         FROM members m WHERE m.id = $1 AND m.school_id = $2",
    )
    .bind(member_id)
    .bind(school_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(status, gender, group_id, delegate)| MemberFacts {
        status,
        female: gender.as_deref() == Some("F"),
        group_id,
        delegate: delegate > 0,
    }))
}

/// A sign-up as the organiser sees it.
#[derive(Debug, Clone)]
pub struct SignupLine {
    pub member_id: String,
    pub name: String,
    pub group: Option<String>,
    pub position: i64,
    pub state: String,
    pub offer_until: Option<i64>,
    pub attended: bool,
}

/// (member, name, group, position, state, offer until, attendances) of one sign-up.
type SignupRow = (String, String, Option<String>, i64, String, Option<i64>, i64);

/// The sign-ups of an activity in arrival order.
pub async fn signups(store: &Store, school_id: &str, activity_id: &str) -> Result<Vec<SignupLine>> {
    let rows: Vec<SignupRow> = sqlx::query_as(
        "SELECT s.member_id, m.name, g.name, s.position, s.state, s.offer_until, \
         (SELECT COUNT(*) FROM activity_attendance t WHERE t.activity_id = s.activity_id AND t.member_id = s.member_id) \
         FROM activity_signups s JOIN members m ON m.id = s.member_id LEFT JOIN union_groups g ON g.id = m.group_id \
         WHERE s.activity_id = $1 AND s.school_id = $2 ORDER BY s.position",
    )
    .bind(activity_id)
    .bind(school_id)
    .fetch_all(store.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, name, group, position, state, offer_until, n)| SignupLine {
            member_id,
            name,
            group,
            position,
            state,
            offer_until,
            attended: n > 0,
        })
        .collect())
}

/// The groups a school's activity may be organised by or open to: (id, name, leader member).
pub async fn organiser_choices(store: &Store, school_id: &str) -> Result<Vec<(String, String, Option<String>)>> {
    Ok(sqlx::query_as("SELECT id, name, leader_member_id FROM union_groups WHERE school_id = $1 ORDER BY name")
        .bind(school_id)
        .fetch_all(store.reader())
        .await?)
}
