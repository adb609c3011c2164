//! The roster import's two store calls: the school's members as the import plan compares them,
//! and applying a plan in one transaction (groups and departments it names, bulk inserts,
//! updates with their history lines, one audit record).

use std::collections::HashMap;

use jiaogong_domain::members::idcard::IdNumber;
use jiaogong_domain::members::phone::Phone;
use jiaogong_domain::members::{ExistingMember, Gender, ImportPlan, MemberEventKind, MemberInput, MemberStatus, Post};

use super::{insert_many, record_event, update};
use crate::platform::audit::{self, Event};
use crate::{platform::tenancy, Result, Store, Tx};

type ExistingRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
    Option<String>,
);

/// Every member of the school with its data in clear, in one query.
pub async fn import_existing(store: &Store, school_id: &str) -> Result<Vec<ExistingMember>> {
    let rows: Vec<ExistingRow> = sqlx::query_as(
        "SELECT m.id, m.employee_no, m.name, m.gender, m.birth_date, m.id_enc, m.phone_enc, d.name, m.post, m.title, \
         m.joined_school, m.joined_union, g.name, m.status, m.is_temporary, m.notes \
         FROM members m LEFT JOIN union_groups g ON g.id = m.group_id LEFT JOIN departments d ON d.id = m.department_id \
         WHERE m.school_id = $1",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?;
    let c = &store.crypto;
    let date = |s: Option<String>| s.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
    let mut out = Vec::with_capacity(rows.len());
    for (
        id,
        employee_no,
        name,
        gender,
        birth,
        id_enc,
        phone_enc,
        dept,
        post,
        title,
        js,
        ju,
        group,
        status,
        temp,
        notes,
    ) in rows
    {
        // A stored value that no longer parses is compared as absent: the row then updates it.
        let id_number = match id_enc {
            Some(s) => IdNumber::parse(&c.decrypt(&s)?).ok(),
            None => None,
        };
        let phone = match phone_enc {
            Some(s) => Phone::parse(&c.decrypt(&s)?).ok(),
            None => None,
        };
        out.push(ExistingMember {
            id,
            member: MemberInput {
                name,
                employee_no,
                gender: gender.as_deref().and_then(Gender::from_code),
                birth_date: date(birth),
                id_number,
                phone,
                department: dept,
                post: post.as_deref().and_then(Post::from_code),
                title,
                joined_school: date(js),
                joined_union: date(ju),
                group,
                status: MemberStatus::from_code(&status).unwrap_or(MemberStatus::Active),
                is_temporary: temp != 0,
                notes,
            },
        });
    }
    Ok(out)
}

/// Writes a plan's creates and updates in one transaction, with the groups and departments they
/// name, a history line per updated member, and one audit record with `rejected` rows counted.
pub async fn apply_import(store: &Store, school_id: &str, plan: &ImportPlan, actor: &str) -> Result<()> {
    let c = &store.crypto;
    let mut tx = store.begin().await?;
    let mut group_ids: HashMap<String, String> = HashMap::new();
    let mut dept_ids: HashMap<String, String> = HashMap::new();
    let mut rows = Vec::with_capacity(plan.creates.len());
    for m in &plan.creates {
        let (gid, did) = resolve(&mut tx, school_id, m, &mut group_ids, &mut dept_ids).await?;
        rows.push((m, gid, did));
    }
    // Created rows carry origin 'import'; their history line comes from that, not a row each.
    insert_many(store, &mut tx, school_id, &rows).await?;
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    for u in &plan.updates {
        let (gid, did) = resolve(&mut tx, school_id, &u.member, &mut group_ids, &mut dept_ids).await?;
        update(&mut tx, c, school_id, &u.id, &u.member, gid.as_deref(), did.as_deref()).await?;
        record_event(
            &mut tx,
            school_id,
            &u.id,
            MemberEventKind::Update,
            u.member.status,
            None,
            &today,
            "",
            "imported",
            actor,
        )
        .await?;
    }
    let detail = serde_json::json!({"created": plan.creates.len(), "updated": plan.updates.len(), "unchanged": plan.unchanged, "rejected": plan.rejected.len()}).to_string();
    audit::append(&mut tx, c, &Event::new(Some(school_id), actor, "member.import", school_id).detail(detail)).await?;
    crate::commit(tx).await
}

async fn resolve(
    tx: &mut Tx,
    school_id: &str,
    m: &MemberInput,
    group_ids: &mut HashMap<String, String>,
    dept_ids: &mut HashMap<String, String>,
) -> Result<(Option<String>, Option<String>)> {
    let gid = match &m.group {
        Some(g) => Some(group_id(tx, school_id, g, group_ids).await?),
        None => None,
    };
    let did = match &m.department {
        Some(d) => Some(dept_id(tx, school_id, d, dept_ids).await?),
        None => None,
    };
    Ok((gid, did))
}

async fn group_id(tx: &mut Tx, school: &str, name: &str, cache: &mut HashMap<String, String>) -> Result<String> {
    if let Some(id) = cache.get(name) {
        return Ok(id.clone());
    }
    let id = match tenancy::group_id_by_name(tx, school, name).await? {
        Some(id) => id,
        None => tenancy::create_group(tx, school, name, name.contains("退休")).await?,
    };
    cache.insert(name.to_string(), id.clone());
    Ok(id)
}

async fn dept_id(tx: &mut Tx, school: &str, name: &str, cache: &mut HashMap<String, String>) -> Result<String> {
    if let Some(id) = cache.get(name) {
        return Ok(id.clone());
    }
    let id = tenancy::department_id(tx, school, name, true).await?.unwrap_or_default();
    cache.insert(name.to_string(), id.clone());
    Ok(id)
}
