//! Notices and news: publishing (the audience is resolved to its members then, each gets an
//! inbox message, the school's robot an announcement, and the audit log a line, all in one
//! transaction), read receipts, attachments and photos, and the lists members and the committee
//! read.

use jiaogong_domain::activities::notices::{NewNotice, NoticeAudience, ReadCount, Reader};

use crate::platform::audit::{self, Event};
use crate::platform::notify::{self, NewNotification};
use crate::{new_id, now_ms, Crypto, Result, Store, StoreError, Tx};

/// A notice or news post.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Notice {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub body_html: String,
    pub audience: String,
    pub pinned: i64,
    pub needs_ack: i64,
    pub created_by: String,
    pub created_at: i64,
}

impl Notice {
    pub fn is_news(&self) -> bool {
        self.kind == "news"
    }
    pub fn pinned(&self) -> bool {
        self.pinned == 1
    }
    pub fn needs_ack(&self) -> bool {
        self.needs_ack == 1
    }
    pub fn link(&self) -> String {
        format!("/notices/{}", self.id)
    }
}

const COLS: &str = "n.id, n.kind, n.title, n.body_html, n.audience, n.pinned, n.needs_ack, n.created_by, n.created_at";

/// The members an audience reaches now: the audience rule over every member of the school.
pub async fn audience_members(tx: &mut Tx, school_id: &str, audience: &NoticeAudience) -> Result<Vec<String>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: String,
        status: String,
        gender: Option<String>,
        group_id: Option<String>,
        delegate: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.id, m.status, m.gender, m.group_id, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM delegates d JOIN congress_terms t ON t.id = d.term_id \
           WHERE d.member_id = m.id AND d.until IS NULL AND t.school_id = m.school_id \
           AND t.number = (SELECT MAX(t2.number) FROM congress_terms t2 WHERE t2.school_id = m.school_id)) \
         THEN 1 ELSE 0 END AS BIGINT) AS delegate \
         FROM members m WHERE m.school_id = $1 ORDER BY m.name_pinyin, m.id",
    )
    .bind(school_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            audience.includes(&Reader {
                status: r.status.clone(),
                female: r.gender.as_deref() == Some("F"),
                group_id: r.group_id.clone(),
                delegate: r.delegate == 1,
            })
        })
        .map(|r| r.id)
        .collect())
}

/// Publishes a checked notice: the notice, its readers, their inbox messages, the robot's
/// announcement and the audit line, in the caller's transaction. Returns (id, readers).
pub async fn publish(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    actor: &str,
    n: &NewNotice,
) -> Result<(String, usize)> {
    if let NoticeAudience::Group(g) = &n.audience {
        let found: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM union_groups WHERE school_id = $1 AND id = $2")
            .bind(school_id)
            .bind(g)
            .fetch_optional(&mut **tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::Invalid("group".into()));
        }
    }
    let id = new_id();
    let group = match &n.audience {
        NoticeAudience::Group(g) => Some(g.clone()),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO notices (id, school_id, kind, title, body_html, audience, group_id, pinned, needs_ack, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(school_id)
    .bind(n.kind.code())
    .bind(&n.title)
    .bind(&n.body_html)
    .bind(n.audience.code())
    .bind(group)
    .bind(i64::from(n.pinned))
    .bind(i64::from(n.needs_ack))
    .bind(actor)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    let readers = audience_members(tx, school_id, &n.audience).await?;
    let link = format!("/notices/{id}");
    let (kind, body) = if n.needs_ack { ("notice.to_read", "需确认已阅") } else { (n.kind_code(), "") };
    for m in &readers {
        sqlx::query("INSERT INTO notice_recipients (notice_id, member_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(m)
            .execute(&mut **tx)
            .await?;
        notify::send(
            tx,
            &NewNotification { school_id, member_id: m, kind, link: &link, title: &n.title, body, urgent: false },
        )
        .await?;
    }
    crate::platform::robots::enqueue(tx, school_id, &n.title).await?;
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, &format!("{}.publish", n.kind.code()), &id).detail(format!(
            "{} · {}",
            n.title,
            readers.len()
        )),
    )
    .await?;
    Ok((id, readers.len()))
}

/// The inbox kind of a post that asks for no acknowledgement.
trait KindCode {
    fn kind_code(&self) -> &'static str;
}
impl KindCode for NewNotice {
    fn kind_code(&self) -> &'static str {
        match self.kind {
            jiaogong_domain::activities::notices::PostKind::Notice => "notice.new",
            jiaogong_domain::activities::notices::PostKind::News => "news.new",
        }
    }
}

/// A notice of the school.
pub async fn get(store: &Store, school_id: &str, id: &str) -> Result<Notice> {
    sqlx::query_as(&format!("SELECT {COLS} FROM notices n WHERE n.school_id = $1 AND n.id = $2"))
        .bind(school_id)
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A notice in a member's list.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MyNotice {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub n: Notice,
    pub read_at: Option<i64>,
}

impl MyNotice {
    /// Waits for this member's acknowledgement.
    pub fn awaits_ack(&self) -> bool {
        self.n.needs_ack() && self.read_at.is_none()
    }
}

/// The notices a member received, unread first, then pinned, then newest.
pub async fn for_member(store: &Store, school_id: &str, member_id: &str, limit: i64) -> Result<Vec<MyNotice>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS}, r.read_at FROM notices n JOIN notice_recipients r ON r.notice_id = n.id \
         WHERE n.school_id = $1 AND r.member_id = $2 AND n.kind = 'notice' \
         ORDER BY CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END, n.pinned DESC, n.created_at DESC, n.id LIMIT $3"
    ))
    .bind(school_id)
    .bind(member_id)
    .bind(limit)
    .fetch_all(&store.read)
    .await?)
}

/// Whether the member received the notice, and when they read it.
pub async fn receipt(store: &Store, notice_id: &str, member_id: &str) -> Result<Option<Option<i64>>> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT read_at FROM notice_recipients WHERE notice_id = $1 AND member_id = $2")
            .bind(notice_id)
            .bind(member_id)
            .fetch_optional(&store.read)
            .await?;
    Ok(row.map(|r| r.0))
}

/// How many notices wait for the member's acknowledgement (the home page's line).
pub async fn to_acknowledge(store: &Store, school_id: &str, member_id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM notices n JOIN notice_recipients r ON r.notice_id = n.id \
         WHERE n.school_id = $1 AND r.member_id = $2 AND n.needs_ack = 1 AND r.read_at IS NULL",
    )
    .bind(school_id)
    .bind(member_id)
    .fetch_one(&store.read)
    .await?;
    Ok(n)
}

/// Records that the member read (acknowledged) the notice; false when they already had. A
/// member who is not among its readers gets `NotFound`. Audited when it asked for acknowledgement.
pub async fn acknowledge(
    tx: &mut Tx,
    crypto: &Crypto,
    school_id: &str,
    notice_id: &str,
    member_id: &str,
    actor: &str,
) -> Result<bool> {
    let row: Option<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT r.read_at, n.needs_ack FROM notice_recipients r JOIN notices n ON n.id = r.notice_id \
         WHERE n.school_id = $1 AND r.notice_id = $2 AND r.member_id = $3",
    )
    .bind(school_id)
    .bind(notice_id)
    .bind(member_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (read_at, needs_ack) = row.ok_or(StoreError::NotFound)?;
    if read_at.is_some() {
        return Ok(false);
    }
    let r = sqlx::query(
        "UPDATE notice_recipients SET read_at = $1 WHERE notice_id = $2 AND member_id = $3 AND read_at IS NULL",
    )
    .bind(now_ms())
    .bind(notice_id)
    .bind(member_id)
    .execute(&mut **tx)
    .await?;
    crate::platform::inbox::mark_link_read(tx, school_id, member_id, &format!("/notices/{notice_id}")).await?;
    if r.rows_affected() == 1 && needs_ack == 1 {
        audit::append(tx, crypto, &Event::new(Some(school_id), actor, "notice.read", notice_id)).await?;
    }
    Ok(r.rows_affected() == 1)
}

/// A notice in the committee's list, with its read count.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Summary {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub n: Notice,
    pub readers: i64,
    pub read: i64,
}

impl Summary {
    pub fn count(&self) -> ReadCount {
        ReadCount { read: self.read, total: self.readers }
    }
}

/// The school's notices and news, pinned first, newest first.
pub async fn for_school(store: &Store, school_id: &str, limit: i64) -> Result<Vec<Summary>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS}, \
         (SELECT COUNT(*) FROM notice_recipients r WHERE r.notice_id = n.id) AS readers, \
         (SELECT COUNT(*) FROM notice_recipients r WHERE r.notice_id = n.id AND r.read_at IS NOT NULL) AS read \
         FROM notices n WHERE n.school_id = $1 ORDER BY n.pinned DESC, n.created_at DESC, n.id LIMIT $2"
    ))
    .bind(school_id)
    .bind(limit)
    .fetch_all(&store.read)
    .await?)
}

/// The read count of one notice.
pub async fn count(store: &Store, notice_id: &str) -> Result<ReadCount> {
    let (total, read): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at IS NULL THEN 0 ELSE 1 END), 0) FROM notice_recipients WHERE notice_id = $1",
    )
    .bind(notice_id)
    .fetch_one(&store.read)
    .await?;
    Ok(ReadCount { read, total })
}

/// One reader of a notice as the committee sees them.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct ReaderRow {
    pub member_id: String,
    pub name: String,
    pub group_name: String,
    pub read_at: Option<i64>,
}

/// Every reader of a notice: who has not read first (by group and name), then who has.
pub async fn readers(store: &Store, school_id: &str, notice_id: &str) -> Result<Vec<ReaderRow>> {
    Ok(sqlx::query_as(
        "SELECT m.id AS member_id, m.name, COALESCE(g.name, '') AS group_name, r.read_at \
         FROM notice_recipients r JOIN notices n ON n.id = r.notice_id JOIN members m ON m.id = r.member_id \
         LEFT JOIN union_groups g ON g.id = m.group_id \
         WHERE n.school_id = $1 AND r.notice_id = $2 \
         ORDER BY CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END, group_name, m.name_pinyin, m.id",
    )
    .bind(school_id)
    .bind(notice_id)
    .fetch_all(&store.read)
    .await?)
}

/// Sends every reader who has not read the notice a reminder in their inbox (urgent: it goes by
/// email at once to those who want email); returns how many were reminded. Audited.
pub async fn remind(tx: &mut Tx, crypto: &Crypto, school_id: &str, notice: &Notice, actor: &str) -> Result<usize> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT member_id FROM notice_recipients WHERE notice_id = $1 AND read_at IS NULL")
            .bind(&notice.id)
            .fetch_all(&mut **tx)
            .await?;
    let link = notice.link();
    for (m,) in &rows {
        notify::send(
            tx,
            &NewNotification {
                school_id,
                member_id: m,
                kind: "notice.reminder",
                link: &link,
                title: &notice.title,
                body: "请确认已阅",
                urgent: true,
            },
        )
        .await?;
    }
    audit::append(
        tx,
        crypto,
        &Event::new(Some(school_id), actor, "notice.remind", &notice.id).detail(rows.len().to_string()),
    )
    .await?;
    Ok(rows.len())
}

/// A file attached to a notice (a photo of a news post is a file too).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct NoticeFile {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub photo: i64,
}

/// Attaches a file (checked by the caller) to a notice.
pub async fn add_file(
    tx: &mut Tx,
    notice_id: &str,
    file_name: &str,
    content_type: &str,
    photo: bool,
    bytes: &[u8],
) -> Result<String> {
    use base64::Engine;
    let id = new_id();
    sqlx::query(
        "INSERT INTO notice_files (id, notice_id, file_name, content_type, size, photo, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(notice_id)
    .bind(file_name)
    .bind(content_type)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(i64::from(photo))
    .bind(base64::engine::general_purpose::STANDARD.encode(bytes))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// The files of a notice, oldest first.
pub async fn files(store: &Store, notice_id: &str) -> Result<Vec<NoticeFile>> {
    Ok(sqlx::query_as(
        "SELECT id, file_name, content_type, size, photo FROM notice_files WHERE notice_id = $1 ORDER BY created_at, id",
    )
    .bind(notice_id)
    .fetch_all(&store.read)
    .await?)
}

/// One file of a notice with its bytes.
pub async fn file(store: &Store, notice_id: &str, id: &str) -> Result<(NoticeFile, Vec<u8>)> {
    use base64::Engine;
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        f: NoticeFile,
        data: String,
    }
    let row: Row = sqlx::query_as(
        "SELECT id, file_name, content_type, size, photo, data FROM notice_files WHERE notice_id = $1 AND id = $2",
    )
    .bind(notice_id)
    .bind(id)
    .fetch_optional(&store.read)
    .await?
    .ok_or(StoreError::NotFound)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(row.data).map_err(|_| StoreError::NotFound)?;
    Ok((row.f, bytes))
}

/// A news post in the feed, with its first photo.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct NewsItem {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub n: Notice,
    pub photo_id: Option<String>,
}

/// The school's news feed (工会动态), newest first.
pub async fn news(store: &Store, school_id: &str, limit: i64) -> Result<Vec<NewsItem>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLS}, (SELECT f.id FROM notice_files f WHERE f.notice_id = n.id AND f.photo = 1 \
         ORDER BY f.created_at, f.id LIMIT 1) AS photo_id \
         FROM notices n WHERE n.school_id = $1 AND n.kind = 'news' ORDER BY n.pinned DESC, n.created_at DESC, n.id LIMIT $2"
    ))
    .bind(school_id)
    .bind(limit)
    .fetch_all(&store.read)
    .await?)
}
