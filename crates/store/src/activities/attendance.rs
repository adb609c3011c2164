//! Attendance (签到): a member checked in once per activity, by scanning the organiser's code or
//! ticked by the organiser; the figures per activity, per member (我参加的活动) and per group
//! (the participation rate used for 文明组室).

use crate::platform::audit::{self, Event};
use crate::{now_ms, Crypto, Result, Store, StoreError, Tx};

/// Whether a check-in was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinOutcome {
    CheckedIn,
    AlreadyIn,
}

/// Records that `member_id` attended (`how`: `qr` or `ticked`); once per activity.
pub async fn check_in(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    member_id: &str,
    how: &str,
) -> Result<CheckinOutcome> {
    let known: Option<(i64,)> = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM members m WHERE m.id = $2 AND m.school_id = $3) FROM activities a WHERE a.id = $1 AND a.school_id = $3",
    )
    .bind(activity_id)
    .bind(member_id)
    .bind(school_id)
    .fetch_optional(&mut **tx)
    .await?;
    if known.is_none_or(|(n,)| n == 0) {
        return Err(StoreError::NotFound);
    }
    let done = sqlx::query(
        "INSERT INTO activity_attendance (activity_id, member_id, school_id, how, at) \
         SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS \
         (SELECT 1 FROM activity_attendance WHERE activity_id = $1 AND member_id = $2)",
    )
    .bind(activity_id)
    .bind(member_id)
    .bind(school_id)
    .bind(how)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as("attendance"));
    let inserted = match done {
        Ok(r) => r.rows_affected() == 1,
        Err(StoreError::Conflict(_)) => false,
        Err(e) => return Err(e),
    };
    if !inserted {
        return Ok(CheckinOutcome::AlreadyIn);
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "activity.checkin", activity_id).detail(format!("{member_id} {how}")),
    )
    .await?;
    Ok(CheckinOutcome::CheckedIn)
}

/// Takes back a tick set by mistake.
pub async fn untick(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    activity_id: &str,
    member_id: &str,
) -> Result<()> {
    let done =
        sqlx::query("DELETE FROM activity_attendance WHERE activity_id = $1 AND member_id = $2 AND school_id = $3")
            .bind(activity_id)
            .bind(member_id)
            .bind(school_id)
            .execute(&mut **tx)
            .await?;
    if done.rows_affected() == 1 {
        audit::append(
            tx,
            crypto,
            &Event::new(Some(school_id), actor, "activity.untick", activity_id).detail(member_id.to_string()),
        )
        .await?;
    }
    Ok(())
}

/// Who attended an activity.
#[derive(Debug, Clone)]
pub struct AttendanceLine {
    pub member_id: String,
    pub name: String,
    pub group: Option<String>,
    pub how: String,
    pub at: i64,
}

pub async fn attendance(store: &Store, school_id: &str, activity_id: &str) -> Result<Vec<AttendanceLine>> {
    let rows: Vec<(String, String, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT t.member_id, m.name, g.name, t.how, t.at FROM activity_attendance t JOIN members m ON m.id = t.member_id \
         LEFT JOIN union_groups g ON g.id = m.group_id WHERE t.activity_id = $1 AND t.school_id = $2 ORDER BY t.at, m.name_pinyin",
    )
    .bind(activity_id)
    .bind(school_id)
    .fetch_all(store.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, name, group, how, at)| AttendanceLine { member_id, name, group, how, at })
        .collect())
}

/// An activity a member attended.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    pub activity_id: String,
    pub title: String,
    pub kind: String,
    pub starts_at: i64,
    pub place: String,
}

/// 我参加的活动: the activities a member attended, latest first.
pub async fn history(store: &Store, school_id: &str, member_id: &str) -> Result<Vec<HistoryLine>> {
    let rows: Vec<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT a.id, a.title, a.kind, a.starts_at, a.place FROM activity_attendance t JOIN activities a ON a.id = t.activity_id \
         WHERE t.member_id = $1 AND t.school_id = $2 ORDER BY a.starts_at DESC",
    )
    .bind(member_id)
    .bind(school_id)
    .fetch_all(store.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(activity_id, title, kind, starts_at, place)| HistoryLine { activity_id, title, kind, starts_at, place })
        .collect())
}

/// A group's participation in a period.
#[derive(Debug, Clone)]
pub struct GroupRate {
    pub group: String,
    /// Active members of the group now.
    pub members: i64,
    /// Of them, how many attended at least one activity in the period.
    pub participants: i64,
    /// Attendances of the group's members in the period.
    pub attendances: i64,
}

impl GroupRate {
    /// Participants per hundred members, rounded down (integer arithmetic).
    pub fn percent(&self) -> i64 {
        if self.members <= 0 {
            0
        } else {
            self.participants.saturating_mul(100) / self.members
        }
    }
}

/// Participation per group for activities starting in `[from, to)`.
pub async fn group_rates(store: &Store, school_id: &str, from: i64, to: i64) -> Result<Vec<GroupRate>> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT g.name, \
         (SELECT COUNT(*) FROM members m WHERE m.group_id = g.id AND m.status = 'active'), \
         (SELECT COUNT(DISTINCT t.member_id) FROM activity_attendance t JOIN members m ON m.id = t.member_id \
            JOIN activities a ON a.id = t.activity_id WHERE m.group_id = g.id AND m.status = 'active' AND a.starts_at >= $2 AND a.starts_at < $3), \
         (SELECT COUNT(*) FROM activity_attendance t JOIN members m ON m.id = t.member_id \
            JOIN activities a ON a.id = t.activity_id WHERE m.group_id = g.id AND a.starts_at >= $2 AND a.starts_at < $3) \
         FROM union_groups g WHERE g.school_id = $1 ORDER BY g.name",
    )
    .bind(school_id)
    .bind(from)
    .bind(to)
    .fetch_all(store.reader())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(group, members, participants, attendances)| GroupRate { group, members, participants, attendances })
        .collect())
}

/// A member's attendances in a period.
#[derive(Debug, Clone)]
pub struct MemberCount {
    pub name: String,
    pub group: Option<String>,
    pub attendances: i64,
}

/// Every active member with the number of activities starting in `[from, to)` they attended,
/// by group and name.
pub async fn member_counts(store: &Store, school_id: &str, from: i64, to: i64) -> Result<Vec<MemberCount>> {
    let rows: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT m.name, g.name, (SELECT COUNT(*) FROM activity_attendance t JOIN activities a ON a.id = t.activity_id \
            WHERE t.member_id = m.id AND a.starts_at >= $2 AND a.starts_at < $3) \
         FROM members m LEFT JOIN union_groups g ON g.id = m.group_id \
         WHERE m.school_id = $1 AND m.status = 'active' ORDER BY g.name, m.name_pinyin",
    )
    .bind(school_id)
    .bind(from)
    .bind(to)
    .fetch_all(store.reader())
    .await?;
    Ok(rows.into_iter().map(|(name, group, attendances)| MemberCount { name, group, attendances }).collect())
}
