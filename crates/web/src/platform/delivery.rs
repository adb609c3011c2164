//! Delivery of the inbox beyond the page: email by SMTP (when the installation configures it)
//! under the digest rule of each member's frequency, and the group robots' queue within their
//! 20 messages a minute. One tick does both; it runs only on the app server holding the
//! `delivery` lease, so two servers never send the same email twice.

use jiaogong_domain::platform::digest::{self, Frequency, Waiting};
use jiaogong_store::platform::{inbox, lease, robots as queue};
use jiaogong_store::{now_ms, Store};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::platform::i18n::{Lang, Tr};
use crate::platform::robots::{self, Provider};
use crate::AppState;

/// The installation's SMTP settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// `smtp://user:pass@host:587?tls=required`, `smtps://host:465` or `smtp://host:25`.
    pub url: String,
    /// The sender, e.g. `教工之家 <union@school.example>`.
    pub from: String,
}

/// The lease every tick takes.
pub const LEASE: &str = "delivery";
/// How long a tick's lease lasts (longer than any tick; renewed every tick by its holder).
const LEASE_MS: i64 = 5 * 60_000;

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// This server held the lease.
    pub ran: bool,
    pub emails: usize,
    pub email_errors: usize,
    pub robot_sent: usize,
    pub robot_errors: usize,
}

/// A random name for this server in the lease table.
pub fn holder_id() -> String {
    format!("server-{}", &jiaogong_store::new_id()[..12])
}

/// One tick at `now`: emails that are due, then the robots' queue.
pub async fn tick(
    store: &Store,
    smtp: Option<&SmtpConfig>,
    origin: &str,
    holder: &str,
    now: i64,
) -> Result<Report, jiaogong_store::StoreError> {
    let mut report = Report::default();
    if !lease::acquire_at(store, LEASE, holder, LEASE_MS, now).await? {
        return Ok(report);
    }
    report.ran = true;
    if let Some(smtp) = smtp {
        emails(store, smtp, origin, now, &mut report).await?;
    }
    robot_queue(store, now, &mut report).await?;
    Ok(report)
}

async fn emails(
    store: &Store,
    smtp: &SmtpConfig,
    origin: &str,
    now: i64,
    report: &mut Report,
) -> Result<(), jiaogong_store::StoreError> {
    let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(&smtp.url) {
        Ok(b) => b.build(),
        Err(e) => {
            tracing::warn!("SMTP settings unusable: {e}");
            return Ok(());
        }
    };
    for c in inbox::email_candidates(store).await? {
        let freq = Frequency::from_code(&c.frequency).unwrap_or_default();
        let waiting = Some(Waiting { oldest_at: c.oldest_at, urgent: c.urgent == 1 });
        if !digest::email_due(freq, waiting, c.last_emailed_at, now) {
            continue;
        }
        let messages = inbox::unemailed(store, &c.member_id).await?;
        if messages.is_empty() {
            continue;
        }
        match send_digest(&transport, smtp, &c.email, origin, &messages).await {
            Ok(()) => {
                let ids: Vec<String> = messages.iter().map(|m| m.id.clone()).collect();
                inbox::mark_emailed(store, &c.member_id, &ids, now).await?;
                report.emails += 1;
            }
            Err(e) => {
                tracing::warn!(member = c.member_id, "email not sent: {e}");
                report.email_errors += 1;
            }
        }
    }
    Ok(())
}

/// One email with every waiting message: its title and the page to open.
async fn send_digest(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    smtp: &SmtpConfig,
    to: &str,
    origin: &str,
    messages: &[inbox::Message],
) -> Result<(), String> {
    let tr = Tr::new(Lang::ZhCn);
    let from: Mailbox = smtp.from.parse().map_err(|e| format!("from: {e}"))?;
    let to: Mailbox = to.parse().map_err(|e| format!("to: {e}"))?;
    let mut body = tr.t1("email-intro", "count", &messages.len().to_string());
    body.push_str("\n\n");
    for m in messages {
        body.push_str(&format!("· {}\n  {origin}{}\n", m.title, m.link));
    }
    body.push_str(&format!("\n{}\n", tr.t1("email-footer", "link", &format!("{origin}/notices#settings"))));
    let email = Message::builder()
        .from(from)
        .to(to)
        .subject(tr.t1("email-subject", "count", &messages.len().to_string()))
        .singlepart(
            SinglePart::builder().header(ContentType::TEXT_PLAIN).header(ContentTransferEncoding::Base64).body(body),
        )
        .map_err(|e| e.to_string())?;
    transport.send(email).await.map(|_| ()).map_err(|e| e.to_string())
}

async fn robot_queue(store: &Store, now: i64, report: &mut Report) -> Result<(), jiaogong_store::StoreError> {
    let client = match reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("http client: {e}");
            return Ok(());
        }
    };
    for school in queue::schools_waiting(store).await? {
        let Some(robot) = queue::robot(store, &school).await? else { continue };
        let Some(provider) = Provider::from_code(&robot.provider) else { continue };
        let sent = queue::sent_since(store, &school, now - 60_000).await?;
        let allowance = digest::robot_allowance(usize::try_from(sent).unwrap_or(usize::MAX));
        if allowance == 0 {
            continue;
        }
        for q in queue::next(store, &school, allowance as i64).await? {
            let (url, body) = robots::request(provider, &robot.url, &robot.secret, &q.text, now);
            let outcome = client.post(&url).json(&body).send().await;
            match outcome {
                Ok(r) if r.status().is_success() => {
                    queue::record(store, &q.id, Some(now), "").await?;
                    report.robot_sent += 1;
                }
                Ok(r) => {
                    queue::record(store, &q.id, None, &format!("HTTP {}", r.status().as_u16())).await?;
                    report.robot_errors += 1;
                }
                Err(e) => {
                    // The cause (refused, timed out …) is in the error's sources.
                    let mut why = e.to_string();
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        why.push_str(&format!(": {s}"));
                        source = s.source();
                    }
                    queue::record(store, &q.id, None, &why.chars().take(300).collect::<String>()).await?;
                    report.robot_errors += 1;
                }
            }
        }
    }
    Ok(())
}

/// Runs [`tick`] every `every` on this server (only the lease holder does the work).
pub fn spawn_delivery(st: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let holder = holder_id();
        let mut interval = tokio::time::interval(every);
        loop {
            interval.tick().await;
            let origin = st.config.origin();
            let r = tick(&st.store, st.config.smtp.as_ref(), &origin, &holder, now_ms()).await;
            crate::platform::metrics::scheduler_run("delivery", r.is_ok());
            if let Err(e) = r {
                tracing::warn!("delivery: {e:?}");
            }
        }
    })
}
