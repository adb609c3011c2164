//! 送温暖 (care) on both databases: the school's rules per event type, life events and their
//! visit tasks (with inbox messages to the group leader and the 生活福利委员), visits with the
//! chair's approval above the standard or the annual cap, hardship files sealed with the store's
//! key, campaigns, health checks (attendance only), the women-staff protection checklist,
//! members' requests (anonymous ones with nothing that links them to the member) and the year
//! figures of the summary. The rules are the domain's (`jiaogong_domain::care`).

pub mod campaigns;
pub mod events;
pub mod figures;
pub mod hardship;
pub mod requests;
pub mod visits;

use chrono::NaiveDate;
use jiaogong_domain::care::{default_rules, CareError, Rule};
use jiaogong_domain::platform::money::Fen;
use sqlx::AnyConnection;

use crate::platform::audit::{self, Event};
use crate::{now_ms, Crypto, Store, StoreError, Tx};

/// A care step refused by a rule, or a database failure.
#[derive(Debug, thiserror::Error)]
pub enum CareFail {
    #[error("{}", .0.message())]
    Rule(CareError),
    #[error("{}", .0.message())]
    Step(jiaogong_domain::care::requests::NotAllowed),
    /// A message in Chinese saying what is wrong and how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CareFail {
    fn from(e: sqlx::Error) -> Self {
        CareFail::Store(StoreError::Db(e))
    }
}

impl From<CareError> for CareFail {
    fn from(e: CareError) -> Self {
        CareFail::Rule(e)
    }
}

impl From<CareFail> for StoreError {
    fn from(e: CareFail) -> Self {
        match e {
            CareFail::Store(s) => s,
            other => StoreError::Invalid(other.to_string()),
        }
    }
}

pub(crate) fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub use crate::today_cn;

/// The school's care settings: the province of the standards table and the local 低保 line per
/// head per month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub region: String,
    pub dibao: Fen,
}

pub async fn settings(store: &Store, school_id: &str) -> Result<Settings, StoreError> {
    let mut conn = store.read.acquire().await?;
    settings_conn(&mut conn, school_id).await
}

pub(crate) async fn settings_conn(conn: &mut AnyConnection, school_id: &str) -> Result<Settings, StoreError> {
    let row: Option<(String, i64)> = sqlx::query_as("SELECT region, dibao_fen FROM care_settings WHERE school_id = $1")
        .bind(school_id)
        .fetch_optional(&mut *conn)
        .await?;
    let (region, dibao) = row.unwrap_or_else(|| ("anhui".into(), 90_000));
    Ok(Settings { region, dibao: Fen(dibao) })
}

pub async fn set_settings(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    s: &Settings,
) -> Result<(), CareFail> {
    if !jiaogong_domain::care::standards::REGIONS.iter().any(|(r, _)| *r == s.region) {
        return Err(CareFail::Invalid("省份不在标准表中，请从列表中选择".into()));
    }
    if s.dibao.0 <= 0 {
        return Err(CareFail::Invalid("低保标准应大于0元".into()));
    }
    sqlx::query("DELETE FROM care_settings WHERE school_id = $1").bind(school_id).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO care_settings (school_id, region, dibao_fen, updated_at) VALUES ($1, $2, $3, $4)")
        .bind(school_id)
        .bind(&s.region)
        .bind(s.dibao.0)
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.settings", school_id).detail(format!("{} {}", s.region, s.dibao.0)),
    )
    .await?;
    Ok(())
}

type RuleRow = (String, String, i64, i64, i64, i64, i64, i64);

/// The school's rule per event type: the defaults, replaced and extended by its own rows.
pub async fn rules(store: &Store, school_id: &str) -> Result<Vec<Rule>, StoreError> {
    let mut conn = store.read.acquire().await?;
    rules_conn(&mut conn, school_id).await
}

pub(crate) async fn rules_conn(conn: &mut AnyConnection, school_id: &str) -> Result<Vec<Rule>, StoreError> {
    let rows: Vec<RuleRow> = sqlx::query_as(
        "SELECT code, name, must_visit, deadline_days, standard_fen, annual_cap_fen, notify_leader, notify_welfare \
         FROM care_rules WHERE school_id = $1 ORDER BY code",
    )
    .bind(school_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = default_rules();
    for (code, name, must, days, std, cap, leader, welfare) in rows {
        let r = Rule {
            code: code.clone(),
            name,
            must_visit: must != 0,
            deadline_days: days,
            standard: Fen(std),
            annual_cap: Fen(cap),
            notify_leader: leader != 0,
            notify_welfare: welfare != 0,
        };
        match out.iter_mut().find(|x| x.code == code) {
            Some(slot) => *slot = r,
            None => out.push(r),
        }
    }
    Ok(out)
}

/// Saves one type's rule (a built-in type's change, or a school's own type).
pub async fn set_rule(tx: &mut Tx, crypto: &Crypto, school_id: &str, actor: &str, r: &Rule) -> Result<(), CareFail> {
    if !jiaogong_domain::care::valid_type_code(&r.code) {
        return Err(CareFail::Invalid("类型代码应为2到32位小写字母、数字或下划线，以字母开头".into()));
    }
    if !(0..=366).contains(&r.deadline_days) {
        return Err(CareFail::Invalid("慰问期限应在0到366天之间".into()));
    }
    if r.standard.is_negative() || r.annual_cap.is_negative() {
        return Err(CareError::NegativeAmount.into());
    }
    let builtin = jiaogong_domain::care::BUILTIN_TYPES.contains(&r.code.as_str());
    if !builtin && r.name.trim().is_empty() {
        return Err(CareFail::Invalid("请填写自定义事件类型的名称".into()));
    }
    sqlx::query("DELETE FROM care_rules WHERE school_id = $1 AND code = $2")
        .bind(school_id)
        .bind(&r.code)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO care_rules (school_id, code, name, must_visit, deadline_days, standard_fen, annual_cap_fen, notify_leader, notify_welfare) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(school_id)
    .bind(&r.code)
    .bind(r.name.trim())
    .bind(i64::from(r.must_visit))
    .bind(r.deadline_days)
    .bind(r.standard.0)
    .bind(r.annual_cap.0)
    .bind(i64::from(r.notify_leader))
    .bind(i64::from(r.notify_welfare))
    .execute(&mut **tx)
    .await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "care.rule", &r.code).detail(format!(
            "must_visit={} days={} standard={} cap={}",
            r.must_visit, r.deadline_days, r.standard.0, r.annual_cap.0
        )),
    )
    .await?;
    Ok(())
}

/// The members of the school holding a role (with a member record), for the inbox.
pub(crate) async fn members_with_role(tx: &mut Tx, school_id: &str, role: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT member_id FROM users WHERE school_id = $1 AND role = $2 AND active = 1 AND member_id IS NOT NULL ORDER BY member_id",
    )
    .bind(school_id)
    .bind(role)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(m,)| m).collect())
}
