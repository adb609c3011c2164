//! Files that hold the union's data are private to the account that runs the server: the data
//! directory is 0700, the SQLite database (and so its `-wal` and `-shm`, which SQLite creates with
//! the database file's mode) and backups are 0600. Files from an older, looser install are
//! tightened when they are opened.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates `dir` (and its parents) as 0700, or tightens an existing one that others can read.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    b.mode(0o700);
    b.create(dir)?;
    tighten(dir, 0o700)
}

/// Creates (or truncates) a file readable and writable by its owner only.
pub fn private_file(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    o.mode(0o600);
    let f = o.open(path)?;
    tighten(path, 0o600)?;
    Ok(f)
}

/// Removes the group and other bits from an existing file or directory.
fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        let meta = std::fs::metadata(path)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// The file of a `sqlite:` URL, unless it is an in-memory database.
pub(crate) fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.split('&').any(|p| p == "mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// Before SQLite opens the database: create it as an empty 0600 file (SQLite takes an empty
/// file as a new database and gives its journal files the same mode), and tighten the files of
/// an existing database.
pub(crate) fn secure_sqlite(db: &Path) -> io::Result<()> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            private_dir(dir)?;
        }
    }
    if !db.exists() {
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        o.mode(0o600);
        match o.open(db) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            tighten(&p, 0o600)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file_and_memory_has_none() {
        assert_eq!(sqlite_path("sqlite:///var/lib/j/jiaogong.db"), Some(PathBuf::from("/var/lib/j/jiaogong.db")));
        assert_eq!(sqlite_path("sqlite://data/j.db?mode=rwc"), Some(PathBuf::from("data/j.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("sqlite://x?mode=memory&cache=shared"), None);
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }
}
