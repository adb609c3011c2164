//! Users, passwords, sessions, login throttling, setup links and API tokens.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jiaogong_domain::platform::roles::Role;

use crate::{hash_secret, new_id, new_secret, now_ms, Result, Store, StoreError, Tx};

/// Sessions end after 30 idle minutes.
pub const IDLE_TIMEOUT_MS: i64 = 30 * 60 * 1000;
/// Sessions end 12 hours after login, active or not.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
/// Failures within this window count towards throttling.
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_IP: i64 = 20;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A user as the web layer sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub school_id: Option<String>,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub member_id: Option<String>,
    pub district_id: Option<String>,
    pub locale: String,
    /// The short code of the user's school, for links.
    pub school_code: Option<String>,
}

impl User {
    pub fn role(&self) -> Role {
        Role::from_code(&self.role).unwrap_or(Role::Member)
    }
}

const USER_COLS: &str = "u.id, u.school_id, u.username, u.display_name, u.role, u.member_id, u.district_id, u.locale, sc.code AS school_code";
const USER_FROM: &str = "FROM users u LEFT JOIN schools sc ON sc.id = u.school_id";

/// Hashes a password with argon2id. CPU-heavy: call from a blocking task.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(e.to_string()))
}

/// Checks a password against a stored hash. CPU-heavy: call from a blocking task.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// What a new user is.
pub struct NewUser<'a> {
    pub school_id: Option<&'a str>,
    pub district_id: Option<&'a str>,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub member_id: Option<&'a str>,
}

pub async fn create_user(tx: &mut Tx, u: &NewUser<'_>) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO users (id, school_id, username, display_name, password_hash, role, member_id, district_id, locale, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'zh-CN', 1, $9)",
    )
    .bind(&id)
    .bind(u.school_id.map(str::to_string))
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.password_hash)
    .bind(u.role.code())
    .bind(u.member_id.map(str::to_string))
    .bind(u.district_id.map(str::to_string))
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        // Two unique constraints: the username, and one account per member.
        let member_taken = matches!(&e, sqlx::Error::Database(d) if d.message().contains("member"));
        crate::unique_as(if member_taken { "member" } else { "username" })(e)
    })?;
    Ok(id)
}

/// The username of the account linked to a member, if any (one account per member).
pub async fn account_of_member(store: &Store, school_id: &str, member_id: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT username FROM users WHERE school_id = $1 AND member_id = $2")
        .bind(school_id)
        .bind(member_id)
        .fetch_optional(&store.read)
        .await?;
    Ok(row.map(|(u,)| u))
}

pub async fn user_by_id(store: &Store, id: &str) -> Result<User> {
    sqlx::query_as(&format!("SELECT {USER_COLS} {USER_FROM} WHERE u.id = $1 AND u.active = 1"))
        .bind(id)
        .fetch_optional(&store.read)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn user_by_username(store: &Store, username: &str) -> Result<Option<(User, String)>> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE username = $1 AND active = 1")
        .bind(username)
        .fetch_optional(&store.read)
        .await?;
    let Some((id,)) = row else { return Ok(None) };
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE id = $1").bind(&id).fetch_one(&store.read).await?;
    Ok(Some((user_by_id(store, &id).await?, hash)))
}

pub async fn set_locale(store: &Store, user_id: &str, locale: &str) -> Result<()> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2").bind(locale).bind(user_id).execute(&store.write).await?;
    crate::platform::cache::bump_all();
    Ok(())
}

/// Changes the password and ends every session and API token of the user.
pub async fn set_password_hash(tx: &mut Tx, user_id: &str, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    end_credentials(tx, user_id).await
}

/// Ends every session and revokes every API token of a user: whoever held the old password
/// may have made either. The commit (`crate::commit`) drops the cached ones.
async fn end_credentials(tx: &mut Tx, user_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn password_hash_of(store: &Store, user_id: &str) -> Result<String> {
    let (h,): (String,) =
        sqlx::query_as("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_one(&store.read).await?;
    Ok(h)
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    /// The member's unread inbox messages (the badge on the 通知 tab), read with the session.
    pub unread: i64,
}

/// Starts a new session (always a new id, so a fixated id is useless) and returns its token.
pub async fn create_session(store: &Store, user_id: &str) -> Result<(String, String)> {
    let token = new_secret();
    let csrf = new_secret();
    let now = now_ms();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)")
        .bind(hash_secret(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(now)
        .execute(&store.write)
        .await?;
    Ok((token, csrf))
}

/// Finds a session by token, enforcing the idle and absolute timeouts. Touches `last_seen` at
/// most once a minute to keep writes off the hot path.
pub async fn session(store: &Store, token: &str) -> Result<Option<Session>> {
    let found = session_once(store, token).await?;
    if found.is_none() && store.reader().replica().is_some() && crate::platform::replica::reading_replica_allowed() {
        // A session made on another server a moment ago may not have reached the replica yet.
        return crate::platform::replica::on_primary(session_once(store, token)).await;
    }
    Ok(found)
}

async fn session_once(store: &Store, token: &str) -> Result<Option<Session>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        csrf: String,
        created_at: i64,
        last_seen: i64,
        id: String,
        school_id: Option<String>,
        username: String,
        display_name: String,
        role: String,
        member_id: Option<String>,
        district_id: Option<String>,
        locale: String,
        school_code: Option<String>,
        unread: i64,
    }
    let th = hash_secret(token);
    let gen = crate::platform::cache::read_gen();
    let now = now_ms();
    if let Some(c) = store.caches.sessions.get(&th, gen) {
        // Timeouts are checked on every request; the touch of last_seen goes to the database.
        if now - c.last_seen <= 60_000 && now - c.created_at <= ABSOLUTE_TIMEOUT_MS {
            return Ok(Some(c.session));
        }
    }
    // One round trip for the session and its user: this runs on every request.
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.csrf, s.created_at, s.last_seen, u.id, u.school_id, u.username, u.display_name, u.role, u.member_id, u.district_id, u.locale, sc.code AS school_code, \
         (SELECT COUNT(*) FROM notifications n WHERE n.school_id = u.school_id AND n.member_id = u.member_id AND n.read_at IS NULL) AS unread \
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN schools sc ON sc.id = u.school_id WHERE s.token_hash = $1 AND u.active = 1",
    )
    .bind(&th)
    .fetch_optional(&store.read)
    .await?;
    let Some(r) = row else { return Ok(None) };
    if now - r.last_seen > IDLE_TIMEOUT_MS || now - r.created_at > ABSOLUTE_TIMEOUT_MS {
        end_session(store, token).await?;
        return Ok(None);
    }
    let mut last_seen = r.last_seen;
    if now - r.last_seen > 60_000 {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&th)
            .execute(&store.write)
            .await?;
        last_seen = now;
    }
    let user = User {
        id: r.id,
        school_id: r.school_id,
        username: r.username,
        display_name: r.display_name,
        role: r.role,
        member_id: r.member_id,
        district_id: r.district_id,
        locale: r.locale,
        school_code: r.school_code,
    };
    let session = Session { user, csrf: r.csrf, unread: r.unread };
    let cached = CachedSession { session: session.clone(), created_at: r.created_at, last_seen };
    store.caches.sessions.put(th, gen, cached);
    Ok(Some(session))
}

/// A session as the cache keeps it, with the times its timeouts are measured from.
#[derive(Debug, Clone)]
pub struct CachedSession {
    session: Session,
    created_at: i64,
    last_seen: i64,
}

pub async fn end_session(store: &Store, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash_secret(token)).execute(&store.write).await?;
    crate::platform::cache::bump_all();
    Ok(())
}

/// The throttling subject of an account name.
pub fn account_subject(account: &str) -> String {
    format!("user:{account}")
}

/// The throttling subject of a client address.
pub fn ip_subject(ip: &str) -> String {
    format!("ip:{ip}")
}

/// The throttling subject of a user's old-password check (changing the password).
pub fn password_subject(user_id: &str) -> String {
    format!("password:{user_id}")
}

/// Counts one attempt against each (subject, limit) and says whether the attempt may go ahead:
/// true when no subject has had more than its limit of attempts in the current window.
///
/// The count and the decision are one statement per subject (an upsert returning the new
/// count) in one transaction, so parallel attempts, also from two servers sharing the
/// database, are counted before any of them is checked: of 60 parallel guesses only the limit's
/// worth reach the password check. A successful login gives its attempt back
/// ([`attempt_succeeded`]); a window starts with its first attempt and lasts
/// [`THROTTLE_WINDOW_MS`].
pub async fn claim_attempt(store: &Store, limits: &[(&str, i64)]) -> Result<bool> {
    let now = now_ms();
    let expired = now - THROTTLE_WINDOW_MS;
    let mut tx = store.begin().await?;
    let mut allowed = true;
    for (subject, max) in limits {
        let (attempts,): (i64,) = sqlx::query_as(
            "INSERT INTO login_throttle (subject, window_start, attempts) VALUES ($1, $2, 1) \
             ON CONFLICT (subject) DO UPDATE SET \
             attempts = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.attempts + 1 END, \
             window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 ELSE login_throttle.window_start END \
             RETURNING attempts",
        )
        .bind(*subject)
        .bind(now)
        .bind(expired)
        .fetch_one(&mut *tx)
        .await?;
        allowed &= attempts <= *max;
    }
    sqlx::query("DELETE FROM login_throttle WHERE window_start <= $1").bind(expired).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(allowed)
}

/// A login succeeded: the account's count starts again, and the address gets its attempt back
/// (many teachers log in from one school address).
pub async fn attempt_succeeded(store: &Store, account_subject: &str, ip_subject: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM login_throttle WHERE subject = $1").bind(account_subject).execute(&mut *tx).await?;
    sqlx::query("UPDATE login_throttle SET attempts = attempts - 1 WHERE subject = $1 AND attempts > 0")
        .bind(ip_subject)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets the attempts of one subject (a password check that succeeded).
pub async fn clear_attempts(store: &Store, subject: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_throttle WHERE subject = $1").bind(subject).execute(&store.write).await?;
    Ok(())
}

/// Creates the one-time link for the first admin; returns the secret for the URL.
pub async fn create_setup_token(store: &Store) -> Result<String> {
    let token = new_secret();
    sqlx::query("INSERT INTO setup_tokens (token_hash, created_at, used) VALUES ($1, $2, 0)")
        .bind(hash_secret(&token))
        .bind(now_ms())
        .execute(&store.write)
        .await?;
    Ok(token)
}

/// Marks a setup token used; false when unknown or already used.
pub async fn consume_setup_token(tx: &mut Tx, token: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE setup_tokens SET used = 1 WHERE token_hash = $1 AND used = 0")
        .bind(hash_secret(token))
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn setup_token_valid(store: &Store, token: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT used FROM setup_tokens WHERE token_hash = $1")
        .bind(hash_secret(token))
        .fetch_optional(&store.read)
        .await?;
    Ok(matches!(row, Some((0,))))
}

/// An API token as listed on the profile page (never the secret).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// Creates a bearer token; the secret is returned once and only its hash is kept.
pub async fn create_api_token(tx: &mut Tx, user_id: &str, name: &str) -> Result<String> {
    let secret = format!("jg_{}", new_secret());
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, revoked) VALUES ($1, $2, $3, $4, $5, 0)",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(name)
    .bind(hash_secret(&secret))
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(secret)
}

/// The user of a bearer token (cached like sessions, `cache.rs`; a revocation is a committed
/// write, so it takes effect at once on this server).
pub async fn user_by_api_token(store: &Store, secret: &str) -> Result<Option<User>> {
    let th = hash_secret(secret);
    let gen = crate::platform::cache::read_gen();
    if let Some(user) = store.caches.tokens.get(&th, gen) {
        return Ok(Some(user));
    }
    let lookups = store.token_lookups.get_or_init(|| TokenLookups::start(store.clone()));
    let user = lookups.lookup(th.clone()).await?;
    if let Some(u) = &user {
        store.caches.tokens.put(th, gen, u.clone());
    }
    Ok(user)
}

struct Lookup {
    token_hash: String,
    reply: tokio::sync::oneshot::Sender<std::result::Result<Option<User>, String>>,
}

/// API token lookups, coalesced: a lookup that arrives while another statement runs waits for it
/// and then goes with every other waiting lookup in one `IN (…)` statement. Alone, a lookup is
/// one statement as before; when a thousand phones' first requests arrive together, a few
/// statements answer them all instead of a thousand round trips through the pool.
#[derive(Clone)]
pub struct TokenLookups {
    tx: tokio::sync::mpsc::Sender<Lookup>,
}

impl std::fmt::Debug for TokenLookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenLookups")
    }
}

/// The most lookups one statement answers.
const MAX_LOOKUPS: usize = 256;

/// A token with its (active) user: the row of a coalesced lookup.
#[derive(sqlx::FromRow)]
struct TokenUser {
    token_hash: String,
    #[sqlx(flatten)]
    user: User,
}

impl TokenLookups {
    fn start(store: Store) -> TokenLookups {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Lookup>(4096);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_LOOKUPS {
                    match rx.try_recv() {
                        Ok(l) => batch.push(l),
                        Err(_) => break,
                    }
                }
                let hashes: Vec<&str> = batch.iter().map(|l| l.token_hash.as_str()).collect();
                match users_of_token_hashes(&store, &hashes).await {
                    Ok(found) => {
                        for l in batch {
                            let _ = l.reply.send(Ok(found.get(&l.token_hash).cloned()));
                        }
                    }
                    Err(e) => {
                        let msg = e.to_string();
                        for l in batch {
                            let _ = l.reply.send(Err(msg.clone()));
                        }
                    }
                }
            }
        });
        TokenLookups { tx }
    }

    async fn lookup(&self, token_hash: String) -> Result<Option<User>> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        let stopped = || StoreError::Invalid("token lookups stopped".into());
        self.tx.send(Lookup { token_hash, reply }).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?.map_err(StoreError::Invalid)
    }
}

/// The active users of the given (unrevoked) token hashes, in one statement.
async fn users_of_token_hashes(store: &Store, hashes: &[&str]) -> Result<std::collections::HashMap<String, User>> {
    let list: Vec<String> = (1..=hashes.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT t.token_hash, {USER_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN schools sc ON sc.id = u.school_id \
         WHERE t.token_hash IN ({}) AND t.revoked = 0 AND u.active = 1",
        list.join(", ")
    );
    let mut q = sqlx::query_as::<_, TokenUser>(&sql);
    for h in hashes {
        q = q.bind(*h);
    }
    Ok(q.fetch_all(&store.read).await?.into_iter().map(|r| (r.token_hash, r.user)).collect())
}

pub async fn list_api_tokens(store: &Store, user_id: &str) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(
        "SELECT id, name, created_at FROM api_tokens WHERE user_id = $1 AND revoked = 0 ORDER BY created_at",
    )
    .bind(user_id)
    .fetch_all(&store.read)
    .await?)
}

pub async fn revoke_api_token(tx: &mut Tx, user_id: &str, token_id: &str) -> Result<bool> {
    let r = sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND user_id = $2")
        .bind(token_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Users of a school (account management).
pub async fn users_of_school(store: &Store, school_id: &str) -> Result<Vec<User>> {
    Ok(sqlx::query_as(&format!("SELECT {USER_COLS} {USER_FROM} WHERE u.school_id = $1 ORDER BY u.username"))
        .bind(school_id)
        .fetch_all(&store.read)
        .await?)
}

/// Users of a school with the member they are linked to (account management page).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub member_id: Option<String>,
    pub active: i64,
}

pub async fn accounts_of_school(store: &Store, school_id: &str) -> Result<Vec<AccountRow>> {
    Ok(sqlx::query_as(
        "SELECT id, username, display_name, role, member_id, active FROM users WHERE school_id = $1 ORDER BY role, username",
    )
    .bind(school_id)
    .fetch_all(&store.read)
    .await?)
}

/// Changes role or active flag of a user of this school; ends their sessions when deactivated.
pub async fn set_role_and_active(tx: &mut Tx, school_id: &str, user_id: &str, role: Role, active: bool) -> Result<()> {
    let r = sqlx::query("UPDATE users SET role = $1, active = $2 WHERE id = $3 AND school_id = $4")
        .bind(role.code())
        .bind(i64::from(active))
        .bind(user_id)
        .bind(school_id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Sets a new password for a user of this school (reset by the chair or admin).
pub async fn reset_password(tx: &mut Tx, school_id: &str, user_id: &str, hash: &str) -> Result<()> {
    let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND school_id = $3")
        .bind(hash)
        .bind(user_id)
        .bind(school_id)
        .execute(&mut **tx)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    end_credentials(tx, user_id).await
}
