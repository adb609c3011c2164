//! Administration: schools (system admin), the working-day calendar (system admin), and the
//! accounts of a school (its admin and chair).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Form};
use jiaogong_domain::platform::calendar::{CalendarEntry, DayKind};
use jiaogong_domain::platform::roles::Role;
use jiaogong_domain::{platform::text, ValidationError};
use jiaogong_store::platform::accounts::{self, AccountRow, NewUser};
use jiaogong_store::platform::audit::{self, Event};
use jiaogong_store::platform::tenancy::{self, School, SchoolSummary};
use serde::Deserialize;

use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, see_other, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/admin/schools", get(schools))
        .add("POST", "/admin/schools", post(create_school))
        .add("GET", "/admin/calendar", get(calendar))
        .add("POST", "/admin/calendar", post(add_day))
        .add("POST", "/admin/calendar/{day}/delete", post(remove_day))
        .add("GET", "/s/{school}/accounts", get(accounts_page))
        .add("POST", "/s/{school}/accounts", post(create_account))
        .add("POST", "/s/{school}/accounts/{id}", post(change_account))
}

/// Only an admin without a school (the installation's admin) manages schools and the calendar.
fn system_admin(ctx: &Ctx) -> AppResult<()> {
    let u = ctx.user()?;
    if u.role() == Role::Admin && u.school_id.is_none() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "platform/admin/schools.html")]
struct SchoolsPage {
    c: Chrome,
    schools: Vec<SchoolSummary>,
    error: String,
}

async fn schools_page(st: &AppState, ctx: &Ctx, error: String) -> AppResult<Response> {
    system_admin(ctx)?;
    let schools = tenancy::school_summaries(&st.store, None).await?;
    let title = ctx.tr.t("admin-schools");
    render(&SchoolsPage { c: Chrome::new(ctx, "schools", title), schools, error })
}

async fn schools(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    schools_page(&st, &ctx, String::new()).await
}

#[derive(Deserialize)]
struct SchoolForm {
    name: String,
    code: String,
}

async fn create_school(State(st): State<AppState>, ctx: Ctx, Form(f): Form<SchoolForm>) -> AppResult<Response> {
    system_admin(&ctx)?;
    let name = match text::line(&f.name, 60) {
        Ok(n) => n,
        Err(e @ ValidationError::ControlChars) => return schools_page(&st, &ctx, ctx.tr.validation(&e)).await,
        Err(_) => return schools_page(&st, &ctx, ctx.tr.t("err-school-form")).await,
    };
    let code = text::normalize(&f.code).to_ascii_lowercase();
    let code_ok = !code.is_empty() && code.len() <= 30 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !code_ok {
        return schools_page(&st, &ctx, ctx.tr.t("err-school-form")).await;
    }
    let mut tx = st.store.begin().await?;
    match tenancy::create_school(&mut tx, None, &name, &code).await {
        Ok(id) => {
            audit::append(
                &mut tx,
                &st.store.crypto,
                &Event::new(Some(&id), &ctx.actor(), "school.create", &id).detail(code),
            )
            .await?;
            jiaogong_store::commit(tx).await?;
            Ok(see_other("/admin/schools"))
        }
        Err(e) if e.is_unique_violation() => schools_page(&st, &ctx, ctx.tr.t("err-school-code-taken")).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "platform/admin/calendar.html")]
struct CalendarPage {
    c: Chrome,
    entries: Vec<(String, String, String)>,
    error: String,
}

async fn calendar_page(st: &AppState, ctx: &Ctx, error: String) -> AppResult<Response> {
    system_admin(ctx)?;
    let entries = jiaogong_store::platform::calendar::entries(&st.store).await?;
    let title = ctx.tr.t("admin-calendar");
    render(&CalendarPage { c: Chrome::new(ctx, "calendar", title), entries, error })
}

async fn calendar(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    calendar_page(&st, &ctx, String::new()).await
}

#[derive(Deserialize)]
struct DayForm {
    date: String,
    kind: String,
    name: String,
}

async fn add_day(State(st): State<AppState>, ctx: Ctx, Form(f): Form<DayForm>) -> AppResult<Response> {
    system_admin(&ctx)?;
    let date = match jiaogong_domain::platform::dates::parse_date(&f.date) {
        Ok(d) => d,
        Err(e) => return calendar_page(&st, &ctx, ctx.tr.validation(&e)).await,
    };
    let Some(kind) = DayKind::from_code(&f.kind) else {
        return calendar_page(&st, &ctx, ctx.tr.t("err-bad-value")).await;
    };
    let name = match text::line(&f.name, 30) {
        Ok(n) => n,
        Err(e) => return calendar_page(&st, &ctx, ctx.tr.validation(&e)).await,
    };
    let mut tx = st.store.begin().await?;
    jiaogong_store::platform::calendar::upsert(&mut tx, &CalendarEntry { date, kind, name: name.clone() }).await?;
    audit::append(
        &mut tx,
        &st.store.crypto,
        &Event::new(None, &ctx.actor(), "calendar.set", &date.to_string()).detail(name),
    )
    .await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/admin/calendar"))
}

async fn remove_day(State(st): State<AppState>, ctx: Ctx, Path(day): Path<String>) -> AppResult<Response> {
    system_admin(&ctx)?;
    let mut tx = st.store.begin().await?;
    jiaogong_store::platform::calendar::remove(&mut tx, &day).await?;
    audit::append(&mut tx, &st.store.crypto, &Event::new(None, &ctx.actor(), "calendar.remove", &day)).await?;
    jiaogong_store::commit(tx).await?;
    Ok(see_other("/admin/calendar"))
}

/// Roles a user may hand out: a school admin any school role, a chair any role below admin.
fn assignable(by: Role) -> Vec<Role> {
    let below_chair = [
        Role::Chair,
        Role::OrgCommittee,
        Role::GroupLeader,
        Role::Member,
        Role::Auditor,
        Role::Finance,
        Role::Welfare,
        Role::WomenCommittee,
        Role::Supervisor,
    ];
    match by {
        Role::Admin => std::iter::once(Role::Admin).chain(below_chair).collect(),
        Role::Chair => below_chair.to_vec(),
        _ => Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "platform/admin/accounts.html")]
struct AccountsPage {
    c: Chrome,
    school: School,
    accounts: Vec<AccountRow>,
    roles: Vec<(&'static str, String)>,
    created: String,
    error: String,
    /// Active members without an account, and accounts waiting for their activation.
    without: i64,
    waiting: i64,
}

impl AccountsPage {
    fn role_key(&self, code: &str) -> String {
        format!("role-{}", code.replace('_', "-"))
    }
}

async fn accounts_with(
    st: &AppState,
    ctx: &Ctx,
    school: School,
    created: String,
    error: String,
) -> AppResult<Response> {
    let accounts = accounts::accounts_of_school(&st.store, &school.id).await?;
    let roles = assignable(ctx.user()?.role())
        .into_iter()
        .map(|r| (r.code(), ctx.tr.t(&format!("role-{}", r.code().replace('_', "-")))))
        .collect();
    let title = ctx.tr.t("admin-accounts");
    let (without, waiting) = jiaogong_store::platform::activation::counts(&st.store, &school.id).await?;
    render(&AccountsPage {
        c: Chrome::new(ctx, "accounts", title),
        school,
        accounts,
        roles,
        created,
        error,
        without,
        waiting,
    })
}

async fn accounts_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
) -> AppResult<Response> {
    accounts_with(&st, &ctx, school, String::new(), String::new()).await
}

#[derive(Deserialize)]
struct AccountForm {
    username: String,
    #[serde(default)]
    employee_no: String,
    role: String,
}

fn initial_password() -> String {
    // 12 characters from an alphabet without look-alikes, easy to read out over the phone.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let secret = jiaogong_store::new_secret();
    secret
        .as_bytes()
        .chunks(2)
        .take(12)
        .map(|c| ALPHABET[(usize::from(c[0]) * 7 + usize::from(c[1])) % ALPHABET.len()] as char)
        .collect()
}

async fn create_account(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Form(f): Form<AccountForm>,
) -> AppResult<Response> {
    let by = ctx.user()?.role();
    let Some(role) = Role::from_code(&f.role).filter(|r| assignable(by).contains(r)) else {
        return Err(AppError::Forbidden);
    };
    let username = match text::line(&f.username, crate::platform::auth_pages::USERNAME_MAX) {
        Ok(u) if !u.contains(char::is_whitespace) => u,
        Err(e @ ValidationError::ControlChars) => {
            return accounts_with(&st, &ctx, school, String::new(), ctx.tr.validation(&e)).await
        }
        _ => return accounts_with(&st, &ctx, school, String::new(), ctx.tr.t("err-username")).await,
    };
    let (member_id, display) = if f.employee_no.trim().is_empty() {
        (None, username.clone())
    } else {
        let no = jiaogong_domain::platform::text::normalize(&f.employee_no);
        let numbers = jiaogong_store::members::dues::employee_numbers(&st.store, &school.id).await?;
        match numbers.get(&no) {
            Some(id) => {
                // One account per member (a unique index backs this check against races).
                if let Some(existing) = accounts::account_of_member(&st.store, &school.id, id).await? {
                    let msg = ctx.tr.t1("err-member-has-account", "username", &existing);
                    return accounts_with(&st, &ctx, school, String::new(), msg).await;
                }
                (Some(id.clone()), jiaogong_store::members::get(&st.store, &school.id, id).await?.name)
            }
            None => {
                return accounts_with(
                    &st,
                    &ctx,
                    school,
                    String::new(),
                    ctx.tr.t1("err-unknown-employee-no", "employee_no", &no),
                )
                .await
            }
        }
    };
    let password = initial_password();
    let hash = match crate::platform::hashing::hash(password.clone()).await {
        Ok(h) => h?,
        Err(crate::platform::hashing::Busy) => {
            return accounts_with(&st, &ctx, school, String::new(), ctx.tr.t("err-busy")).await
        }
    };
    let mut tx = st.store.begin().await?;
    let created = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&school.id),
            district_id: None,
            username: &username,
            display_name: &display,
            password_hash: &hash,
            role,
            member_id: member_id.as_deref(),
        },
    )
    .await;
    match created {
        Ok(id) => {
            audit::append(
                &mut tx,
                &st.store.crypto,
                &Event::new(Some(&school.id), &ctx.actor(), "user.create", &id)
                    .detail(format!("{username} {}", role.code())),
            )
            .await?;
            jiaogong_store::commit(tx).await?;
            let msg = ctx.tr.ta("account-created", &[("username", username), ("password", password)]);
            accounts_with(&st, &ctx, school, msg, String::new()).await
        }
        Err(jiaogong_store::StoreError::Conflict(what)) if what == "member" => {
            drop(tx);
            let member = member_id.as_deref().unwrap_or_default();
            let existing = accounts::account_of_member(&st.store, &school.id, member).await?.unwrap_or_default();
            let msg = ctx.tr.t1("err-member-has-account", "username", &existing);
            accounts_with(&st, &ctx, school, String::new(), msg).await
        }
        Err(e) if e.is_unique_violation() => {
            accounts_with(&st, &ctx, school, String::new(), ctx.tr.t("err-username-taken")).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ChangeForm {
    action: String,
    #[serde(default)]
    role: String,
}

async fn change_account(
    State(st): State<AppState>,
    ctx: Ctx,
    Extension(school): Extension<School>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ChangeForm>,
) -> AppResult<Response> {
    let me = ctx.user()?.clone();
    let target = accounts::accounts_of_school(&st.store, &school.id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    let target_role = Role::from_code(&target.role).unwrap_or(Role::Member);
    // Nobody changes an account above what they could have created, nor their own.
    if !assignable(me.role()).contains(&target_role) || target.id == me.id {
        return Err(AppError::Forbidden);
    }
    let mut tx = st.store.begin().await?;
    let msg = match f.action.as_str() {
        "role" => {
            let Some(role) = Role::from_code(&f.role).filter(|r| assignable(me.role()).contains(r)) else {
                return Err(AppError::Forbidden);
            };
            accounts::set_role_and_active(&mut tx, &school.id, &id, role, target.active == 1).await?;
            audit::append(
                &mut tx,
                &st.store.crypto,
                &Event::new(Some(&school.id), &me.username, "user.role", &id).detail(role.code()),
            )
            .await?;
            String::new()
        }
        "disable" | "enable" => {
            let active = f.action == "enable";
            accounts::set_role_and_active(&mut tx, &school.id, &id, target_role, active).await?;
            audit::append(
                &mut tx,
                &st.store.crypto,
                &Event::new(Some(&school.id), &me.username, &format!("user.{}", f.action), &id),
            )
            .await?;
            String::new()
        }
        "reset" => {
            let password = initial_password();
            let hash = match crate::platform::hashing::hash(password.clone()).await {
                Ok(h) => h?,
                Err(crate::platform::hashing::Busy) => {
                    return accounts_with(&st, &ctx, school, String::new(), ctx.tr.t("err-busy")).await
                }
            };
            accounts::reset_password(&mut tx, &school.id, &id, &hash).await?;
            audit::append(
                &mut tx,
                &st.store.crypto,
                &Event::new(Some(&school.id), &me.username, "user.password_reset", &id),
            )
            .await?;
            ctx.tr.ta("account-password-reset", &[("username", target.username.clone()), ("password", password)])
        }
        _ => return Err(AppError::bad("bad_action", ctx.tr.t("err-bad-value"))),
    };
    jiaogong_store::commit(tx).await?;
    if msg.is_empty() {
        Ok(see_other(&format!("/s/{}/accounts", school.code)))
    } else {
        accounts_with(&st, &ctx, school, msg, String::new()).await
    }
}
