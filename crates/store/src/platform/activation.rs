//! Accounts for the whole staff: the chair opens an account for every active member at once,
//! each with a one-time activation code; the member sets their own password with it.
//!
//! Only the SHA-256 of a code is stored. A code expires after [`VALID_MS`] and works once; a
//! new batch ends the earlier codes of the accounts it covers. An account waiting for its
//! activation has no password anyone can type ([`WAITING`] is not a password hash), so it cannot
//! be logged into until the member has chosen one.

use crate::{hash_secret, new_secret, now_ms, platform::accounts, Result, Store, Tx};
use jiaogong_domain::platform::roles::Role;

/// How long an activation code works: 30 days.
pub const VALID_MS: i64 = 30 * 24 * 60 * 60 * 1000;
/// The password hash of an account that waits for its member to activate it.
pub const WAITING: &str = "!activation";

/// One slip of the printed sheet: who it is for and the code (only here in clear).
#[derive(Debug, Clone)]
pub struct Slip {
    pub user_id: String,
    pub member_id: String,
    pub name: String,
    pub employee_no: String,
    pub group_name: Option<String>,
    pub username: String,
    pub code: String,
    pub expires_at: i64,
}

/// How many of a school's active members have no account yet, and how many accounts wait for
/// their member's activation.
pub async fn counts(store: &Store, school_id: &str) -> Result<(i64, i64)> {
    let (without,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM members m WHERE m.school_id = $1 AND m.status = 'active' \
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id)",
    )
    .bind(school_id)
    .fetch_one(&store.read)
    .await?;
    let (waiting,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE school_id = $1 AND password_hash = $2 AND active = 1")
            .bind(school_id)
            .bind(WAITING)
            .fetch_one(&store.read)
            .await?;
    Ok((without, waiting))
}

/// A login name no account has yet: `<school code>-<employee number>`, lower case, with `-2`,
/// `-3` … when taken.
async fn free_username(tx: &mut Tx, school_code: &str, employee_no: &str) -> Result<String> {
    let clean: String = employee_no
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let base = if clean.is_empty() { format!("{school_code}-member") } else { format!("{school_code}-{clean}") };
    for n in 1..1000 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1")
            .bind(&candidate)
            .fetch_optional(&mut **tx)
            .await?;
        if taken.is_none() {
            return Ok(candidate);
        }
    }
    Ok(format!("{base}-{}", &new_secret()[..8]))
}

/// In the caller's transaction: an account (role member, no password yet) for every active
/// member of the school without one, and a fresh code for every account still waiting for its
/// activation (their earlier codes end). Returns the slips, by group and employee number.
pub async fn issue_for_staff(tx: &mut Tx, school_id: &str, school_code: &str) -> Result<Vec<Slip>> {
    type Missing = (String, String, String);
    let missing: Vec<Missing> = sqlx::query_as(
        "SELECT m.id, m.name, m.employee_no FROM members m WHERE m.school_id = $1 AND m.status = 'active' \
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) ORDER BY m.employee_no",
    )
    .bind(school_id)
    .fetch_all(&mut **tx)
    .await?;
    for (member_id, name, employee_no) in &missing {
        let username = free_username(tx, school_code, employee_no).await?;
        accounts::create_user(
            tx,
            &accounts::NewUser {
                school_id: Some(school_id),
                district_id: None,
                username: &username,
                display_name: name,
                password_hash: WAITING,
                role: Role::Member,
                member_id: Some(member_id),
            },
        )
        .await?;
    }
    type Waiting = (String, String, String, String, Option<String>, String);
    let waiting: Vec<Waiting> = sqlx::query_as(
        "SELECT u.id, m.id, m.name, m.employee_no, g.name, u.username FROM users u \
         JOIN members m ON m.id = u.member_id LEFT JOIN union_groups g ON g.id = m.group_id \
         WHERE u.school_id = $1 AND u.password_hash = $2 AND u.active = 1 \
         ORDER BY g.name, m.employee_no",
    )
    .bind(school_id)
    .bind(WAITING)
    .fetch_all(&mut **tx)
    .await?;
    let now = now_ms();
    let expires_at = now + VALID_MS;
    let mut slips = Vec::with_capacity(waiting.len());
    for (user_id, member_id, name, employee_no, group_name, username) in waiting {
        sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(&user_id)
            .execute(&mut **tx)
            .await?;
        let code = new_secret().get(..32).unwrap_or_default().to_string();
        sqlx::query(
            "INSERT INTO activation_codes (code_hash, user_id, school_id, created_at, expires_at, used_at) \
             VALUES ($1, $2, $3, $4, $5, NULL)",
        )
        .bind(hash_secret(&code))
        .bind(&user_id)
        .bind(school_id)
        .bind(now)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
        slips.push(Slip { user_id, member_id, name, employee_no, group_name, username, code, expires_at });
    }
    Ok(slips)
}

/// The account a code opens, while it is unused and unexpired: (user id, name, login name,
/// school id).
pub async fn account_of_code(store: &Store, code: &str) -> Result<Option<(String, String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.display_name, u.username, c.school_id FROM activation_codes c JOIN users u ON u.id = c.user_id \
         WHERE c.code_hash = $1 AND c.used_at IS NULL AND c.expires_at > $2 AND u.active = 1",
    )
    .bind(hash_secret(code))
    .bind(now_ms())
    .fetch_optional(&store.read)
    .await?)
}

/// Uses a code (once, before it expires) and sets the account's password, in the caller's
/// transaction; the user id, or `None` when the code is unknown, used or expired.
pub async fn activate(tx: &mut Tx, code: &str, password_hash: &str) -> Result<Option<String>> {
    let now = now_ms();
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE activation_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id",
    )
    .bind(now)
    .bind(hash_secret(code))
    .fetch_optional(&mut **tx)
    .await?;
    let Some((user_id,)) = row else { return Ok(None) };
    accounts::set_password_hash(tx, &user_id, password_hash).await?;
    Ok(Some(user_id))
}
