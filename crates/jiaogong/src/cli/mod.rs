//! Command line (API.md). Exit codes: 0 success, 1 a check failed, 2 bad input or usage.

use std::io::{BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::platform::audit::{self, Event, Verdict};
use jiaogong_store::{Crypto, Store};

mod import;
mod tally;

use import::import;
use tally::tally;

#[derive(Parser)]
#[command(name = "jiaogong", version, about = "教工之家 — school trade union system")]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone)]
pub struct Global {
    /// Data directory (SQLite database, key file).
    #[arg(long, global = true, env = "JIAOGONG_DATA", default_value = "./data")]
    pub data: PathBuf,
    /// Database URL (postgres://… or sqlite:…); default: SQLite under --data.
    #[arg(long, global = true, env = "JIAOGONG_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Master key as 64 hex digits; default: the key file under --data (created on first run).
    #[arg(long, global = true, env = "JIAOGONG_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Log lines as text or as JSON objects (one per line, for a log collector).
    #[arg(long, global = true, env = "JIAOGONG_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Where a backup is written before migrations change a database that holds data
    /// (default: backups/ under --data).
    #[arg(long, global = true, env = "JIAOGONG_MIGRATION_BACKUP_DIR")]
    pub migration_backup_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the web server.
    Serve {
        #[arg(long, env = "JIAOGONG_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Fill an empty database with the demo school and print the demo accounts.
        #[arg(long, env = "JIAOGONG_DEMO")]
        demo: bool,
        /// Cookies only over HTTPS.
        #[arg(long, env = "JIAOGONG_SECURE_COOKIES")]
        secure_cookies: bool,
        /// The address members use to reach the server, e.g. https://union.school.cn (links in
        /// QR codes; https also marks cookies Secure). Default: http:// and the bind address.
        #[arg(long, env = "JIAOGONG_PUBLIC_URL")]
        public_url: Option<String>,
        /// Seconds a client has to send a request's headers; also how long an idle kept-alive
        /// connection stays open.
        #[arg(long, env = "JIAOGONG_HEADER_TIMEOUT_SECS", default_value_t = 10)]
        header_timeout_secs: u64,
        /// Connections served at once; more clients wait until one closes.
        #[arg(long, env = "JIAOGONG_MAX_CONNECTIONS", default_value_t = 512)]
        max_connections: usize,
        /// SMTP server for email notifications, e.g. smtp://user:pass@mail.school.cn:587?tls=required
        /// (without it, notifications stay in the inbox).
        #[arg(long, env = "JIAOGONG_SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender of notification emails, e.g. "教工之家 <union@school.cn>".
        #[arg(long, env = "JIAOGONG_SMTP_FROM", default_value = "教工之家 <noreply@localhost>")]
        smtp_from: String,
        #[command(flatten)]
        ops: ServeOps,
    },
    /// Create demo data without serving.
    Demo {
        #[arg(long, default_value_t = 1)]
        schools: usize,
        /// Members per school: builds a district at scale through the bulk paths (a city union,
        /// a 区 union per 50 schools, every school with its own generated year).
        #[arg(long)]
        members: Option<usize>,
        /// The seed of the generated data (same seed, same data).
        #[arg(long, default_value_t = 20260901)]
        seed: u64,
    },
    /// Administrators.
    Admin {
        #[command(subcommand)]
        cmd: AdminCmd,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        cmd: TokenCmd,
    },
    /// Members.
    Members {
        #[command(subcommand)]
        cmd: MembersCmd,
    },
    /// Consistent online backup to a file.
    Backup { out: PathBuf },
    /// Restore a backup into an empty database.
    Restore { input: PathBuf },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// Recompute a ballot result from a published bulletin (ballots.md); prints the result JSON.
    /// A weighted selection round: the bulletin of each electorate, `--weights` in the same order
    /// and `--top`; prints the round's ranking and who advances.
    Tally {
        #[arg(required = true)]
        bulletins: Vec<PathBuf>,
        /// Weighted selection round: one weight per bulletin, in order (e.g. 3,2).
        #[arg(long, value_delimiter = ',')]
        weights: Vec<u64>,
        /// Weighted selection round: how many nominees advance.
        #[arg(long)]
        top: Option<u64>,
    },
    /// Exit 0 when the server answers /healthz.
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
    },
}

/// Scale-out and operations settings of `serve` (docs/deploy/README.md).
#[derive(Args, Clone, Debug)]
struct ServeOps {
    /// A PostgreSQL streaming replica (postgres://…) for read-only pages and reports; writes
    /// and the pages right after a write stay on the primary.
    #[arg(long, env = "JIAOGONG_READ_DATABASE_URL", hide_env_values = true)]
    read_database_url: Option<String>,
    /// Replay lag (milliseconds) above which reads go back to the primary.
    #[arg(long, env = "JIAOGONG_REPLICA_MAX_LAG_MS", default_value_t = 5000)]
    replica_max_lag_ms: u64,
    /// Seconds after a write during which that browser reads from the primary.
    #[arg(long, env = "JIAOGONG_REPLICA_STICKY_SECS", default_value_t = 10)]
    replica_sticky_secs: u64,
    /// Serve Prometheus metrics at /metrics to requests bearing this token
    /// (`Authorization: Bearer …`); without it /metrics is not served.
    #[arg(long, env = "JIAOGONG_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Write a backup into this directory on a schedule (files 0600).
    #[arg(long, env = "JIAOGONG_BACKUP_DIR")]
    backup_dir: Option<PathBuf>,
    /// How many scheduled backups to keep; older ones are deleted.
    #[arg(long, env = "JIAOGONG_BACKUP_KEEP", default_value_t = 14)]
    backup_keep: usize,
    /// Hours between scheduled backups.
    #[arg(long, env = "JIAOGONG_BACKUP_INTERVAL_HOURS", default_value_t = 24)]
    backup_interval_hours: u64,
}

#[derive(Subcommand)]
enum AdminCmd {
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        school: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum TokenCmd {
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum MembersCmd {
    /// Roster import from .xlsx (members.md).
    Import {
        file: PathBuf,
        #[arg(long)]
        school: String,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        all_or_nothing: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    Verify,
}

/// An error that is the user's to fix (exit 2) rather than a failed check (exit 1).
#[derive(Debug)]
struct Usage(String);
impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Usage {}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("JIAOGONG_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    match cli.global.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
    }
    // A panic (inside a parser, say) is one log line, not a backtrace on standard error.
    crate::panic_log::install();
    // The tally needs no database, key or runtime: anyone with the bulletin can run it.
    if let Cmd::Tally { bulletins, weights, top } = &cli.cmd {
        return tally(bulletins, weights, *top);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            if e.downcast_ref::<Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Usage(msg.into()))
}

/// The master key: from configuration, else the key file (created with 0600 on first run).
pub fn load_crypto(g: &Global) -> anyhow::Result<Crypto> {
    if let Some(k) = &g.secret_key {
        return Crypto::from_hex(k).map_err(|_| usage("JIAOGONG_SECRET_KEY 必须是 64 位十六进制数"));
    }
    private_data_dir(g)?;
    let path = g.data.join("secret.key");
    if !path.exists() {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&path).with_context(|| format!("无法写入密钥文件 {}", path.display()))?;
        writeln!(f, "{}", Crypto::generate_hex())?;
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("无法读取密钥文件 {}", path.display()))?;
    Crypto::from_hex(&text).map_err(|_| usage(format!("密钥文件 {} 已损坏（应为 64 位十六进制数）", path.display())))
}

/// The data directory, created (or tightened) to 0700: it holds the database and the key.
fn private_data_dir(g: &Global) -> anyhow::Result<()> {
    jiaogong_store::platform::files::private_dir(&g.data)
        .with_context(|| format!("无法创建数据目录 {}", g.data.display()))
}

pub fn database_url(g: &Global) -> anyhow::Result<String> {
    match &g.database_url {
        Some(u) => Ok(u.clone()),
        None => {
            private_data_dir(g)?;
            Ok(format!("sqlite://{}", g.data.join("jiaogong.db").display()))
        }
    }
}

pub async fn open(g: &Global) -> anyhow::Result<Store> {
    open_with(g, jiaogong_store::OpenOptions::default()).await
}

/// Opens the store with a read replica; migrations back the database up first.
pub async fn open_with(g: &Global, mut options: jiaogong_store::OpenOptions) -> anyhow::Result<Store> {
    let crypto = load_crypto(g)?;
    let url = database_url(g)?;
    options.migration_backup_dir = Some(g.migration_backup_dir.clone().unwrap_or_else(|| g.data.join("backups")));
    let store = Store::open_with(&url, crypto, options).await.map_err(|e| match e {
        jiaogong_store::StoreError::Invalid(m) => usage(format!("无法打开数据库：{m}")),
        other => anyhow::Error::new(other).context("无法打开数据库"),
    })?;
    jiaogong_store::platform::calendar::preload(&store).await?;
    Ok(store)
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let g = cli.global.clone();
    match cli.cmd {
        Cmd::Serve {
            bind,
            demo,
            secure_cookies,
            public_url,
            header_timeout_secs,
            max_connections,
            smtp_url,
            smtp_from,
            ops,
        } => {
            let limits = jiaogong_web::platform::server::Limits {
                header_timeout: std::time::Duration::from_secs(header_timeout_secs.max(1)),
                max_connections: max_connections.max(1),
            };
            let smtp =
                smtp_url.filter(|u| !u.trim().is_empty()).map(|url| jiaogong_web::SmtpConfig { url, from: smtp_from });
            serve(&g, &bind, demo, secure_cookies, public_url.as_deref(), limits, smtp, ops).await
        }
        Cmd::Demo { schools, members, seed } => {
            let store = open(&g).await?;
            if store.is_empty().await? {
                match members {
                    Some(m) => {
                        let accounts = crate::demo_bulk::create(&store, schools.max(1), m.max(1), seed).await?;
                        crate::demo_bulk::print_accounts(schools.max(1), m.max(1), &accounts);
                    }
                    None => crate::demo::print_accounts(&crate::demo::create(&store, schools.max(1)).await?),
                }
            } else {
                out!("数据库已有数据，未改动。");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Admin { cmd: AdminCmd::Create { username, school, password_stdin } } => {
            let store = open(&g).await?;
            let password = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s)?;
                s.trim_end_matches(['\r', '\n']).to_string()
            } else {
                let a = rpassword::prompt_password("密码：")?;
                let b = rpassword::prompt_password("再次输入：")?;
                if a != b {
                    return Err(usage("两次输入的密码不一致"));
                }
                a
            };
            if password.chars().count() < accounts::MIN_PASSWORD_CHARS {
                return Err(usage(format!("密码至少 {} 个字符", accounts::MIN_PASSWORD_CHARS)));
            }
            let school_id = match &school {
                Some(s) => Some(
                    jiaogong_store::platform::tenancy::school(&store, s)
                        .await
                        .map_err(|_| usage(format!("找不到学校 {s}")))?
                        .id,
                ),
                None => None,
            };
            let hash = accounts::hash_password(&password)?;
            let mut tx = store.begin().await?;
            let id = accounts::create_user(
                &mut tx,
                &NewUser {
                    school_id: school_id.as_deref(),
                    district_id: None,
                    username: &username,
                    display_name: &username,
                    password_hash: &hash,
                    role: Role::Admin,
                    member_id: None,
                },
            )
            .await
            .map_err(|e| {
                if e.is_unique_violation() {
                    usage(format!("用户名 {username} 已存在"))
                } else {
                    e.into()
                }
            })?;
            audit::append(
                &mut tx,
                &store.crypto,
                &Event::new(school_id.as_deref(), "cli", "user.create_admin", &id).detail(username.clone()),
            )
            .await?;
            jiaogong_store::commit(tx).await?;
            out!("已创建管理员 {username}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Token { cmd: TokenCmd::Create { username, name } } => {
            let store = open(&g).await?;
            let (user, _) = accounts::user_by_username(&store, &username)
                .await?
                .ok_or_else(|| usage(format!("找不到用户 {username}")))?;
            let mut tx = store.begin().await?;
            let secret = accounts::create_api_token(&mut tx, &user.id, &name).await?;
            audit::append(
                &mut tx,
                &store.crypto,
                &Event::new(user.school_id.as_deref(), "cli", "token.create", &name).detail(username),
            )
            .await?;
            jiaogong_store::commit(tx).await?;
            out!("{secret}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Members { cmd: MembersCmd::Import { file, school, dry_run, all_or_nothing, json } } => {
            import(&g, &file, &school, dry_run, all_or_nothing, json).await
        }
        Cmd::Backup { out } => {
            let store = open(&g).await?;
            let tmp = out.with_extension("partial");
            let f = jiaogong_store::platform::files::private_file(&tmp)
                .with_context(|| format!("无法写入 {}", tmp.display()))?;
            let mut w = std::io::BufWriter::new(f);
            let n = jiaogong_store::platform::backup::backup(&store, &mut w).await?;
            w.flush()?;
            drop(w);
            std::fs::rename(&tmp, &out)?;
            audit::record(&store, &Event::new(None, "cli", "backup", &out.display().to_string()).detail(n.to_string()))
                .await?;
            out!("已备份 {n} 行到 {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Restore { input } => {
            let store = open(&g).await?;
            let f = std::fs::File::open(&input).map_err(|e| usage(format!("无法读取 {}：{e}", input.display())))?;
            let mut r = BufReader::new(f);
            let n = jiaogong_store::platform::backup::restore(&store, &mut r).await.map_err(|e| match e {
                jiaogong_store::StoreError::Invalid(m) => usage(format!("无法恢复：{m}")),
                other => other.into(),
            })?;
            out!("已恢复 {n} 行");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Audit { cmd: AuditCmd::Verify } => {
            let store = open(&g).await?;
            match audit::verify(&store).await? {
                Verdict::Intact { entries } => {
                    out!("审计日志完整：{entries} 条");
                    Ok(ExitCode::SUCCESS)
                }
                Verdict::Broken { seq, reason } => {
                    out!("审计日志在第 {seq} 条处被破坏：{reason}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Tally { bulletins, weights, top } => Ok(tally(&bulletins, &weights, top)),
        Cmd::Healthcheck { url } => {
            let url = format!("{}/healthz", url.trim_end_matches('/'));
            match reqwest::Client::new().get(&url).timeout(std::time::Duration::from_secs(5)).send().await {
                Ok(r) if r.status().is_success() => {
                    out!("ok");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(r) => {
                    out!("服务器返回 {}", r.status());
                    Ok(ExitCode::from(1))
                }
                Err(e) => {
                    out!("无法连接 {url}：{e}");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn serve(
    g: &Global,
    bind: &str,
    demo: bool,
    secure_cookies: bool,
    public_url: Option<&str>,
    limits: jiaogong_web::platform::server::Limits,
    smtp: Option<jiaogong_web::SmtpConfig>,
    ops: ServeOps,
) -> anyhow::Result<ExitCode> {
    let addr: SocketAddr = bind.parse().map_err(|_| usage(format!("--bind 地址无效：{bind}（例：127.0.0.1:8080）")))?;
    if let Some(u) = public_url {
        let ok = url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https") && p.host().is_some());
        if !ok {
            return Err(usage(format!("--public-url 无效：{u}（例：https://union.school.cn）")));
        }
    }
    let read_url = ops.read_database_url.filter(|u| !u.trim().is_empty());
    if let Some(u) = &read_url {
        if !u.starts_with("postgres") {
            return Err(usage("--read-database-url 必须是 PostgreSQL 流复制备库的 postgres://… 地址"));
        }
    }
    let backups = match ops.backup_dir {
        Some(dir) => {
            if ops.backup_keep == 0 {
                return Err(usage("--backup-keep 至少为 1（保留最近几份备份）"));
            }
            jiaogong_store::platform::files::private_dir(&dir)
                .map_err(|e| usage(format!("无法创建备份目录 {}：{e}", dir.display())))?;
            Some(jiaogong_web::BackupSchedule {
                dir,
                keep: ops.backup_keep,
                every: std::time::Duration::from_secs(ops.backup_interval_hours.max(1) * 3600),
            })
        }
        None => None,
    };
    let store = open_with(
        g,
        jiaogong_store::OpenOptions {
            read_url,
            replica_max_lag: Some(std::time::Duration::from_millis(ops.replica_max_lag_ms.max(100))),
            migration_backup_dir: None,
        },
    )
    .await?;
    let _replica_check =
        jiaogong_store::platform::replica::spawn_health_check(&store, std::time::Duration::from_secs(1));
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| usage(format!("无法监听 {addr}：{e}")))?;
    let addr = listener.local_addr().unwrap_or(addr);
    if store.is_empty().await? {
        if demo {
            let accounts = crate::demo::create(&store, 1).await?;
            crate::demo::print_accounts(&accounts);
        } else {
            let token = accounts::create_setup_token(&store).await?;
            out!("新数据库：请打开下面的一次性链接创建第一个管理员：");
            out!("  http://{addr}/setup/{token}");
        }
    } else if demo {
        out!("数据库已有数据，未重新生成演示数据。演示账号见首次启动时的输出（密码 {}）。", crate::demo::DEMO_PASSWORD);
    }
    let public_url = public_url.map(str::to_string).unwrap_or_else(|| format!("http://{addr}"));
    let config = jiaogong_web::WebConfig {
        secure_cookies,
        smtp,
        metrics_token: ops.metrics_token.filter(|t| !t.trim().is_empty()),
        sticky_secs: ops.replica_sticky_secs.max(1),
        ..jiaogong_web::WebConfig::with_public_url(&public_url)
    };
    let state = jiaogong_web::AppState { store, config: Arc::new(config) };
    // Polls with a closing time are closed by whichever server's tick comes first (ADR 021).
    let _closer = jiaogong_web::spawn_closer(state.clone(), std::time::Duration::from_secs(15));
    // Email digests and group robots: the server holding the delivery lease sends.
    let _delivery = jiaogong_web::spawn_delivery(state.clone(), std::time::Duration::from_secs(30));
    let _figures = jiaogong_web::spawn_refresher(state.clone());
    // Held activity places lapse to the next in line (each lapse once, under the activity's lock).
    let _offers = jiaogong_web::activities::spawn_offer_expiry(state.clone(), std::time::Duration::from_secs(60));
    let _backups = backups.map(|b| jiaogong_web::spawn_backups(state.clone(), b));
    let state_replica = state.store.reader().replica().is_some();
    let app = jiaogong_web::app(state);
    out!("教工之家已启动：http://{addr}/");
    tracing::info!(address = %addr, version = jiaogong_store::APP_VERSION, replica = state_replica, "serving");
    jiaogong_web::platform::server::serve(listener, app, limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
