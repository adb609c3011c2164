//! Scheduled backups with retention (`serve --backup-dir DIR --backup-keep N`, ADR 037): every
//! interval, one backup file into the directory, then all but the newest N scheduled files are
//! deleted. A server that starts with no backup younger than the interval takes one at once.
//! Configure it on one server of a group (the files land on that server's disk).

use std::path::PathBuf;
use std::time::Duration;

use jiaogong_store::platform::scheduled_backup;

use crate::AppState;

/// What the scheduled backups need.
#[derive(Debug, Clone)]
pub struct BackupSchedule {
    pub dir: PathBuf,
    pub keep: usize,
    pub every: Duration,
}

/// One scheduled run: a backup, then the pruning. Returns the new file.
pub async fn run_once(st: &AppState, s: &BackupSchedule) -> Result<PathBuf, jiaogong_store::StoreError> {
    let (path, rows) = scheduled_backup::write_backup(&st.store, &s.dir).await?;
    let removed = scheduled_backup::prune(&s.dir, s.keep)?;
    jiaogong_store::platform::audit::record(
        &st.store,
        &jiaogong_store::platform::audit::Event::new(None, "scheduler", "backup", &path.display().to_string())
            .detail(rows.to_string()),
    )
    .await?;
    tracing::info!("backup {} ({rows} rows); {} old backup(s) removed", path.display(), removed.len());
    Ok(path)
}

/// Runs [`run_once`] on the schedule until the process ends.
pub fn spawn_backups(st: AppState, s: BackupSchedule) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = s.every.max(Duration::from_secs(60));
        let first = match scheduled_backup::newest_age(&s.dir) {
            Some(age) if age < every => every - age,
            _ => Duration::ZERO,
        };
        tokio::time::sleep(first).await;
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let ok = match run_once(&st, &s).await {
                Ok(_) => true,
                Err(e) => {
                    tracing::error!("scheduled backup into {} failed: {e}", s.dir.display());
                    false
                }
            };
            crate::platform::metrics::scheduler_run("backup", ok);
        }
    })
}
