//! The member's iCalendar feed (RFC 5545): a secret URL per member, shown once when made and
//! revoked by making a new one, listing the activities they hold a seat for and the congress
//! sessions they attend. The `icalendar` crate writes it: text escaped, lines folded at 75
//! bytes on character boundaries, and `REFRESH-INTERVAL` (RFC 7986) asking clients to refresh
//! every few hours (Google refreshes subscriptions only every 8–24 hours whatever we ask; the
//! page says so).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use jiaogong_store::activities::{self as repo, FeedItem};

use super::{member_of, my_school};
use crate::platform::ctx::Ctx;
use crate::platform::error::{AppError, AppResult};
use crate::platform::pages::{render, Chrome};
use crate::{AppState, Routes};

pub fn routes(r: Routes) -> Routes {
    r.add("GET", "/me/calendar", get(page)).add("POST", "/me/calendar/rotate", post(rotate)).add(
        "GET",
        "/calendar/{file}",
        get(feed),
    )
}

/// How often clients are asked to refresh.
const REFRESH_HOURS: i64 = 4;

/// The feed as iCalendar text.
pub fn write_ics(items: &[FeedItem], origin: &str, name: &str) -> String {
    let mut cal = Calendar::new();
    cal.name(name).ttl(&chrono::Duration::hours(REFRESH_HOURS));
    for it in items {
        let mut ev = Event::new();
        ev.uid(&format!("{}@jiaogong", it.uid)).summary(&it.title);
        if !it.place.is_empty() {
            ev.location(&it.place);
        }
        if !it.description.is_empty() {
            ev.description(&it.description);
        }
        if !it.link.is_empty() {
            ev.url(&format!("{origin}{}", it.link));
        }
        match (it.starts_at, it.ends_at, &it.date) {
            (Some(s), Some(e), _) => {
                if let (Some(s), Some(e)) =
                    (DateTime::<Utc>::from_timestamp_millis(s), DateTime::<Utc>::from_timestamp_millis(e))
                {
                    ev.starts(s).ends(e);
                }
            }
            (_, _, Some(d)) => {
                if let Ok(d) = NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    ev.all_day(d);
                }
            }
            _ => continue,
        }
        cal.push(ev.done());
    }
    cal.done().to_string()
}

#[derive(Template)]
#[template(path = "activities/feed.html")]
struct FeedPage {
    c: Chrome,
    has_feed: bool,
    url: String,
    webcal: String,
}

async fn page(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    my_school(&st, &ctx).await?;
    let me = member_of(&ctx).ok_or(AppError::NotFound)?;
    let has_feed = repo::has_feed(&st.store, &me).await?;
    render(&FeedPage {
        c: Chrome::new(&ctx, "me", ctx.tr.t("act-feed-title")),
        has_feed,
        url: String::new(),
        webcal: String::new(),
    })
}

async fn rotate(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let school = my_school(&st, &ctx).await?;
    let me = member_of(&ctx).ok_or(AppError::NotFound)?;
    let mut tx = st.store.begin().await?;
    let token = repo::rotate_feed(&mut tx, &st.store.crypto, &school.id, &ctx.actor(), &me).await?;
    jiaogong_store::commit(tx).await?;
    let url = format!("{}/calendar/{token}.ics", ctx.origin);
    let webcal = url.replacen("https://", "webcal://", 1).replacen("http://", "webcal://", 1);
    render(&FeedPage { c: Chrome::new(&ctx, "me", ctx.tr.t("act-feed-title")), has_feed: true, url, webcal })
}

async fn feed(State(st): State<AppState>, ctx: Ctx, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let Some((school_id, member_id)) = repo::feed_member(&st.store, token).await? else {
        return Err(AppError::NotFound);
    };
    let items = repo::feed_items(&st.store, &school_id, &member_id).await?;
    let body = write_ics(&items, &ctx.origin, &ctx.tr.t("act-feed-name"));
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8"), (header::CACHE_CONTROL, "private, max-age=900")],
        body,
    )
        .into_response())
}
