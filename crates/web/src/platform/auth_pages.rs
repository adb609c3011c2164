//! Login, logout, the first-admin setup link, the home page with its to-do list, and the
//! profile (language, password, API tokens).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Form;
use jiaogong_domain::platform::roles::Role;
use jiaogong_domain::platform::text;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event};
use serde::Deserialize;

use crate::platform::ctx::{Ctx, SESSION_COOKIE};
use crate::platform::error::{AppError, AppResult};
use crate::platform::hashing;
use crate::platform::i18n::Lang;
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/login", get(login_page))
        .add("POST", "/login", post(login))
        .add("POST", "/logout", post(logout))
        .add("GET", "/setup/{token}", get(setup_page))
        .add("POST", "/setup/{token}", post(setup))
        .add("GET", "/", get(home))
        .add("GET", "/profile", get(profile))
        .add("POST", "/profile/locale", post(set_locale))
        .add("POST", "/profile/password", post(change_password))
        .add("POST", "/profile/tokens", post(create_token))
        .add("POST", "/profile/tokens/{id}/revoke", post(revoke_token))
}

/// The longest name of an API token.
pub const TOKEN_NAME_MAX: usize = 64;
/// The longest username.
pub const USERNAME_MAX: usize = 40;

#[derive(Template)]
#[template(path = "platform/login.html")]
struct LoginPage {
    c: Chrome,
    username: String,
    error: String,
}

async fn login_page(ctx: Ctx) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(see_other("/"));
    }
    let title = ctx.tr.t("login-title");
    render(&LoginPage { c: Chrome::new(&ctx, "login", title), username: String::new(), error: String::new() })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login(State(st): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> AppResult<Response> {
    let username = f.username.trim().to_string();
    let fail = |ctx: &Ctx, msg: String, status: StatusCode| {
        let title = ctx.tr.t("login-title");
        let mut r = render(&LoginPage { c: Chrome::new(ctx, "login", title), username: username.clone(), error: msg })?;
        *r.status_mut() = status;
        Ok::<Response, AppError>(r)
    };
    let (account, ip) = (accounts::account_subject(&username), accounts::ip_subject(&ctx.ip));
    let limits = [(account.as_str(), accounts::MAX_FAILURES_PER_ACCOUNT), (ip.as_str(), accounts::MAX_FAILURES_PER_IP)];
    // The attempt is counted before the password is checked (see `claim_attempt`).
    if !accounts::claim_attempt(&st.store, &limits).await? {
        let school = accounts::user_by_username(&st.store, &username).await?.and_then(|(u, _)| u.school_id);
        crate::platform::ctx::audit_anonymous(&st, &ctx, school.as_deref(), "login.throttled", &username).await;
        return fail(&ctx, ctx.tr.t("err-throttled"), StatusCode::TOO_MANY_REQUESTS);
    }
    let found = accounts::user_by_username(&st.store, &username).await?;
    // A failed login for an existing account shows in the audit log of its school.
    let school_of_account = found.as_ref().and_then(|(u, _)| u.school_id.clone());
    let checked = match found {
        Some((user, hash)) => hashing::verify(f.password, hash).await.map(|ok| ok.then_some(user)),
        // Spend the same time as a real check so usernames cannot be probed by timing.
        None => hashing::verify(f.password, dummy_hash().to_string()).await.map(|_| None),
    };
    let ok_user = match checked {
        Ok(u) => u,
        Err(hashing::Busy) => return fail(&ctx, ctx.tr.t("err-busy"), StatusCode::SERVICE_UNAVAILABLE),
    };
    let Some(user) = ok_user else {
        crate::platform::ctx::audit_anonymous(&st, &ctx, school_of_account.as_deref(), "login.failed", &username).await;
        return fail(&ctx, ctx.tr.t("login-failed"), StatusCode::UNAUTHORIZED);
    };
    if let Some(old) = &ctx.session_token {
        accounts::end_session(&st.store, old).await?;
    }
    accounts::attempt_succeeded(&st.store, &account, &ip).await?;
    let (token, _csrf) = accounts::create_session(&st.store, &user.id).await?;
    audit::record(
        &st.store,
        &Event::new(user.school_id.as_deref(), &user.username, "login.ok", &user.id).detail(ctx.ip.clone()),
    )
    .await?;
    let mut resp = see_other("/");
    resp.headers_mut().append(header::SET_COOKIE, session_cookie(&st, &ctx, &token, 12 * 3600)?);
    Ok(resp)
}

/// A real hash to verify against when the username is unknown (made once, on first use).
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| accounts::hash_password("not-a-real-password").unwrap_or_default())
}

pub(crate) fn session_cookie(st: &AppState, ctx: &Ctx, token: &str, max_age: i64) -> AppResult<header::HeaderValue> {
    let secure = if crate::platform::ctx::secure_cookies(st, ctx) { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
        .parse()
        .map_err(|_| AppError::Internal("cookie".into()))
}

async fn logout(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let Some(t) = &ctx.session_token {
        accounts::end_session(&st.store, t).await?;
    }
    let mut resp = see_other("/login");
    resp.headers_mut().append(header::SET_COOKIE, session_cookie(&st, &ctx, "", 0)?);
    Ok(resp)
}

#[derive(Template)]
#[template(path = "platform/setup.html")]
struct SetupPage {
    c: Chrome,
    token: String,
    username: String,
    error: String,
}

async fn setup_page(State(st): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    if !accounts::setup_token_valid(&st.store, &token).await? {
        return Err(AppError::NotFound);
    }
    let title = ctx.tr.t("setup-title");
    render(&SetupPage { c: Chrome::new(&ctx, "setup", title), token, username: String::new(), error: String::new() })
}

#[derive(Deserialize)]
struct SetupForm {
    username: String,
    display_name: String,
    password: String,
    password2: String,
}

/// Checks a new password against the policy; the message is in the caller's language.
pub(crate) fn check_new_password(ctx: &Ctx, p: &str, p2: &str) -> Result<(), String> {
    if p.chars().count() < accounts::MIN_PASSWORD_CHARS {
        return Err(ctx.tr.t1("err-password-short", "min", &accounts::MIN_PASSWORD_CHARS.to_string()));
    }
    if p != p2 {
        return Err(ctx.tr.t("err-password-mismatch"));
    }
    Ok(())
}

async fn setup(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> AppResult<Response> {
    let username = f.username.trim().to_string();
    let names = text::line(&f.username, USERNAME_MAX).and_then(|u| Ok((u, text::line(&f.display_name, 40)?)));
    let problem = match &names {
        Err(e) => Some(ctx.tr.validation(e)),
        Ok((u, _)) if u.contains(char::is_whitespace) => Some(ctx.tr.t("err-username")),
        Ok(_) => check_new_password(&ctx, &f.password, &f.password2).err(),
    };
    let page = |error: String| {
        let title = ctx.tr.t("setup-title");
        render(&SetupPage {
            c: Chrome::new(&ctx, "setup", title),
            token: token.clone(),
            username: username.clone(),
            error,
        })
    };
    let (username, display_name) = match (problem, names) {
        (None, Ok(n)) => n,
        (Some(error), _) => return page(error),
        (None, Err(e)) => return page(ctx.tr.validation(&e)),
    };
    let hash = match hashing::hash(f.password).await {
        Ok(h) => h?,
        Err(hashing::Busy) => return page(ctx.tr.t("err-busy")),
    };
    let mut tx = st.store.begin().await?;
    if !accounts::consume_setup_token(&mut tx, &token).await? {
        return Err(AppError::NotFound);
    }
    let id = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: None,
            district_id: None,
            username: &username,
            display_name: &display_name,
            password_hash: &hash,
            role: Role::Admin,
            member_id: None,
        },
    )
    .await?;
    audit::append(&mut tx, &st.store.crypto, &Event::new(None, &username, "user.create_first_admin", &id)).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/login"))
}

/// One line of the to-do list.
pub struct Todo {
    pub text: String,
    pub href: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "platform/home.html")]
struct HomePage {
    c: Chrome,
    todos: Vec<Todo>,
    stats: Vec<(String, i64)>,
    school_name: String,
    /// Activities the member may still sign up for: (id, title, when, deadline).
    activities: Vec<(String, String, String, String)>,
}

async fn home(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let title = ctx.tr.t("nav-home");
    let mut todos = Vec::new();
    let mut stats = Vec::new();
    let mut school_name = String::new();
    let mut activities = Vec::new();
    if let Some(school_id) = &user.school_id {
        let school = jiaogong_store::platform::tenancy::school(&st.store, school_id).await?;
        school_name = school.name.clone();
        let role = user.role();
        if crate::platform::access::ROSTER_READERS.contains(&role) {
            for (status, n) in jiaogong_store::members::count_by_status(&st.store, school_id).await? {
                stats.push((ctx.tr.t(&format!("status-{}", status.replace('_', "-"))), n));
            }
        }
        if crate::platform::access::ROSTER_EDITORS.contains(&role) {
            let open = jiaogong_store::members::corrections(&st.store, school_id, None, true).await?.len() as i64;
            if open > 0 {
                todos.push(Todo {
                    text: ctx.tr.t("todo-corrections"),
                    // The open requests it counts, not the handled ones too.
                    href: format!("/s/{}/corrections?open=1", school.code),
                    count: open,
                });
            }
            let month = crate::members::dues::current_month();
            let arrears = match crate::members::dues::arrears_count(&st.store, &school, &month).await {
                Ok(n) => n,
                // A wrong stored amount must not take the home page down: the to-do leads to the
                // month sheet, which says what is wrong and how to fix it.
                Err(crate::platform::error::AppError::MoneyOverflow) => 1,
                Err(e) => return Err(e),
            };
            if arrears > 0 {
                todos.push(Todo {
                    text: ctx.tr.t1("todo-dues-arrears", "month", &month.to_string()),
                    // The month sheet filtered to the members it counts.
                    href: format!("/s/{}/dues?month={month}&only_arrears=1", school.code),
                    count: arrears,
                });
            }
        }
        if crate::platform::access::PROPOSAL_COMMITTEE.contains(&role) {
            let late = jiaogong_store::congress::proposals::overdue_count(
                &st.store,
                school_id,
                crate::congress::proposals::today(),
            )
            .await?;
            if late > 0 {
                todos.push(Todo {
                    text: ctx.tr.t("todo-proposals-overdue"),
                    // The list it counts: overdue proposals of every session.
                    href: format!("/s/{}/proposals/overdue", school.code),
                    count: late,
                });
            }
        }
        crate::care::home_todo(&st, &ctx, &school, role, &mut todos).await?;
        crate::plans::home_todo(&st, &ctx, &school, &mut todos).await?;
        crate::district::submissions::home_todo(&st, &ctx, &school, &mut todos).await?;
        if let Some(member_id) = &user.member_id {
            crate::activities::notices::home_todo(&st, &ctx, school_id, member_id, &mut todos).await?;
            let to_sign =
                jiaogong_store::congress::proposals::awaiting_cosign_count(&st.store, school_id, member_id).await?;
            if to_sign > 0 {
                todos.push(Todo {
                    text: ctx.tr.t("todo-proposals-cosign"),
                    href: format!("/s/{}/proposals/mine", school.code),
                    count: to_sign,
                });
            }
            let waiting = jiaogong_store::congress::polls::open_for_member(&st.store, school_id, member_id)
                .await?
                .iter()
                .filter(|(_, voted)| !voted)
                .count() as i64;
            if waiting > 0 {
                todos.push(Todo { text: ctx.tr.t("todo-open-polls"), href: "/polls".into(), count: waiting });
            }
            let now = jiaogong_store::now_ms();
            let open = jiaogong_store::activities::open_for(&st.store, school_id, member_id, now).await?;
            for l in open.iter().filter(|l| l.my_state.as_deref() == Some("offered")) {
                todos.push(Todo {
                    text: ctx.tr.t("act-home-offered"),
                    href: format!("/activities/{}", l.a.id),
                    count: 0,
                });
            }
            activities = open
                .iter()
                .filter(|l| l.my_state.is_none())
                .take(5)
                .map(|l| {
                    (l.a.id.clone(), l.a.title.clone(), ctx.tr.when(l.a.starts_at), ctx.tr.when(l.a.signup_deadline))
                })
                .collect();
            let mine =
                jiaogong_store::members::corrections(&st.store, school_id, Some(member_id), true).await?.len() as i64;
            if mine > 0 {
                todos.push(Todo { text: ctx.tr.t("todo-my-corrections"), href: "/me".into(), count: mine });
            }
            // A leader being evaluated writes the 述职报告 until the evaluation closes.
            for ev in jiaogong_store::congress::evaluations::led_by(&st.store, school_id, member_id).await? {
                if !ev.status.is_closed() {
                    let text = ctx.tr.t1("eval-todo-report", "title", &ev.title);
                    todos.push(Todo { text, href: format!("/evaluations/{}/report", ev.id), count: 0 });
                }
            }
        }
        crate::finance::home_todo(&st, &ctx, &school, &mut todos).await?;
    } else if user.role() == Role::Admin {
        todos.push(Todo { text: ctx.tr.t("todo-schools"), href: "/admin/schools".into(), count: 0 });
        todos.push(Todo { text: ctx.tr.t("todo-district"), href: "/district".into(), count: 0 });
    } else if user.role() == Role::District {
        todos.push(Todo { text: ctx.tr.t("todo-district"), href: "/district".into(), count: 0 });
    }
    render(&HomePage { c: Chrome::new(&ctx, "home", title), todos, stats, school_name, activities })
}

#[derive(Template)]
#[template(path = "platform/profile.html")]
struct ProfilePage {
    c: Chrome,
    langs: Vec<(&'static str, &'static str, bool)>,
    tokens: Vec<accounts::ApiToken>,
    new_token: String,
    message: String,
    error: String,
}

async fn profile_with(
    st: &AppState,
    ctx: &Ctx,
    new_token: String,
    message: String,
    error: String,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let tokens = accounts::list_api_tokens(&st.store, &user.id).await?;
    let langs = Lang::ALL
        .iter()
        .map(|l| {
            (
                l.code(),
                match l {
                    Lang::ZhCn => "简体中文",
                    Lang::ZhTw => "繁體中文",
                    Lang::En => "English",
                },
                *l == ctx.tr.lang,
            )
        })
        .collect();
    let title = ctx.tr.t("nav-settings");
    render(&ProfilePage { c: Chrome::new(ctx, "profile", title), langs, tokens, new_token, message, error })
}

async fn profile(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    profile_with(&st, &ctx, String::new(), String::new(), String::new()).await
}

#[derive(Deserialize)]
struct LocaleForm {
    locale: String,
}

async fn set_locale(State(st): State<AppState>, ctx: Ctx, Form(f): Form<LocaleForm>) -> AppResult<Response> {
    let user = ctx.user()?;
    let lang = Lang::from_code(&f.locale).ok_or_else(|| AppError::bad("bad_locale", ctx.tr.t("err-bad-value")))?;
    accounts::set_locale(&st.store, &user.id, lang.code()).await?;
    Ok(see_other("/profile"))
}

#[derive(Deserialize)]
struct PasswordForm {
    old: String,
    new: String,
    new2: String,
}

async fn change_password(State(st): State<AppState>, ctx: Ctx, Form(f): Form<PasswordForm>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    // A stolen session must not become a way to guess the password: the old-password check is
    // throttled like a login.
    let subject = accounts::password_subject(&user.id);
    if !accounts::claim_attempt(&st.store, &[(&subject, accounts::MAX_FAILURES_PER_ACCOUNT)]).await? {
        audit::record(
            &st.store,
            &Event::new(user.school_id.as_deref(), &user.username, "user.password_throttled", &user.id),
        )
        .await?;
        let mut r = profile_with(&st, &ctx, String::new(), String::new(), ctx.tr.t("err-password-throttled")).await?;
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(r);
    }
    let busy = |ctx: &Ctx| ctx.tr.t("err-busy");
    let hash = accounts::password_hash_of(&st.store, &user.id).await?;
    match hashing::verify(f.old, hash).await {
        Ok(true) => {}
        Ok(false) => return profile_with(&st, &ctx, String::new(), String::new(), ctx.tr.t("err-old-password")).await,
        Err(hashing::Busy) => return profile_with(&st, &ctx, String::new(), String::new(), busy(&ctx)).await,
    }
    accounts::clear_attempts(&st.store, &subject).await?;
    if let Err(e) = check_new_password(&ctx, &f.new, &f.new2) {
        return profile_with(&st, &ctx, String::new(), String::new(), e).await;
    }
    let new_hash = match hashing::hash(f.new).await {
        Ok(h) => h?,
        Err(hashing::Busy) => return profile_with(&st, &ctx, String::new(), String::new(), busy(&ctx)).await,
    };
    let mut tx = st.store.begin().await?;
    accounts::set_password_hash(&mut tx, &user.id, &new_hash).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(user.school_id.as_deref(), &user.username, "user.password_changed", &user.id),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    // Every session and API token ended with the change, this session too: log in again.
    Ok(see_other("/login"))
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

async fn create_token(State(st): State<AppState>, ctx: Ctx, Form(f): Form<TokenForm>) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let name = match text::line(&f.name, TOKEN_NAME_MAX) {
        Ok(n) => n,
        Err(e) => return profile_with(&st, &ctx, String::new(), String::new(), ctx.tr.validation(&e)).await,
    };
    let name = name.as_str();
    let mut tx = st.store.begin().await?;
    let secret = accounts::create_api_token(&mut tx, &user.id, name).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(user.school_id.as_deref(), &user.username, "token.create", name),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    profile_with(&st, &ctx, secret, ctx.tr.t("token-created"), String::new()).await
}

async fn revoke_token(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<impl IntoResponse> {
    let user = ctx.user()?.clone();
    let mut tx = st.store.begin().await?;
    if !accounts::revoke_api_token(&mut tx, &user.id, &id).await? {
        return Err(AppError::NotFound);
    }
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(user.school_id.as_deref(), &user.username, "token.revoke", &id),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/profile"))
}
