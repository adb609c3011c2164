//! Backups into a directory on a schedule, with retention (`serve --backup-dir … --backup-keep N`),
//! and the backup taken before migrations run. Files are written under a temporary name and
//! renamed when complete, so a half-written file never counts as a backup; they are 0600 (they
//! hold the union's records) and named so that their names sort by time.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Result, Store};

/// Scheduled backups: `jiaogong-YYYYMMDD-HHMMSS.backup`. Only these are pruned.
pub const PREFIX: &str = "jiaogong-";
/// Before a migration: `pre-migration-<level>-YYYYMMDD-HHMMSS.backup`, never pruned.
pub const MIGRATION_PREFIX: &str = "pre-migration-";
pub const SUFFIX: &str = ".backup";

fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f").to_string().replace('.', "-")
}

/// Writes one backup of `store` to `dir/<name>`; returns its path and row count.
async fn write_to(store: &Store, dir: &Path, name: &str) -> Result<(PathBuf, u64)> {
    crate::platform::files::private_dir(dir)?;
    let path = dir.join(name);
    let tmp = dir.join(format!("{name}.partial"));
    let f = crate::platform::files::private_file(&tmp)?;
    let mut w = std::io::BufWriter::new(f);
    let n = match crate::platform::backup::backup(store, &mut w).await {
        Ok(n) => n,
        Err(e) => {
            drop(w);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    w.flush()?;
    w.get_ref().sync_all()?;
    drop(w);
    std::fs::rename(&tmp, &path)?;
    Ok((path, n))
}

/// A scheduled backup into `dir`; returns its path and row count.
pub async fn write_backup(store: &Store, dir: &Path) -> Result<(PathBuf, u64)> {
    write_to(store, dir, &format!("{PREFIX}{}{SUFFIX}", stamp())).await
}

/// The backup taken before migrating a database at level `from`.
pub(crate) async fn write_before_migration(store: &Store, dir: &Path, from: i64) -> Result<PathBuf> {
    Ok(write_to(store, dir, &format!("{MIGRATION_PREFIX}{from}-{}{SUFFIX}", stamp())).await?.0)
}

/// The scheduled backups in `dir`, oldest first.
pub fn scheduled_backups(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    v.sort();
    Ok(v)
}

/// Deletes all but the newest `keep` scheduled backups (at least one is always kept); returns
/// the files deleted. Other files in the directory are never touched.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let all = scheduled_backups(dir)?;
    let keep = keep.max(1);
    let cut = all.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for p in all.into_iter().take(cut) {
        std::fs::remove_file(&p)?;
        removed.push(p);
    }
    Ok(removed)
}

/// Age of the newest scheduled backup in `dir`, if any.
pub fn newest_age(dir: &Path) -> Option<std::time::Duration> {
    let newest = scheduled_backups(dir).ok()?.pop()?;
    std::fs::metadata(newest).ok()?.modified().ok()?.elapsed().ok()
}
