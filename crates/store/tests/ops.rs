//! Migrations and versions: a database written by a newer version is refused; migrating a
//! database that holds data takes a backup first. SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{OpenOptions, Store, StoreError};

async fn reopen(store: &Store, backup_dir: Option<std::path::PathBuf>) -> Result<Store, StoreError> {
    Store::open_with(
        &store.url,
        common::crypto(),
        OpenOptions { migration_backup_dir: backup_dir, ..OpenOptions::default() },
    )
    .await
}

on_every_db!(a_database_written_by_a_newer_version_is_refused, |store, db| {
    let (v,): (String,) =
        sqlx::query_as("SELECT value FROM app_meta WHERE key = 'app_version'").fetch_one(store.reader()).await.unwrap();
    assert_eq!(v, jiaogong_store::APP_VERSION, "the version is recorded on open");
    reopen(&store, None).await.expect("the same version opens");

    // A newer program recorded its version.
    sqlx::query("UPDATE app_meta SET value = '999.0.0' WHERE key = 'app_version'")
        .execute(store.reader())
        .await
        .unwrap();
    match reopen(&store, None).await {
        Err(StoreError::Invalid(m)) => assert!(m.contains("更新版本") && m.contains("999.0.0"), "{m}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    sqlx::query("UPDATE app_meta SET value = $1 WHERE key = 'app_version'")
        .bind(jiaogong_store::APP_VERSION)
        .execute(store.reader())
        .await
        .unwrap();

    // A migration this program does not know.
    sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)")
        .execute(store.reader())
        .await
        .unwrap();
    match reopen(&store, None).await {
        Err(StoreError::Invalid(m)) => assert!(m.contains("迁移 9999"), "{m}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM schema_migrations").fetch_one(store.reader()).await.unwrap();
    assert!(n > 1, "nothing was changed by the refusal");
});

on_every_db!(migrating_a_database_with_data_takes_a_backup_first, |store, db| {
    let dir = common::TempDir::new();
    // An empty database migrates without a backup.
    sqlx::query("DELETE FROM schema_migrations WHERE version = 43").execute(store.reader()).await.unwrap();
    sqlx::query("DROP TABLE app_meta").execute(store.reader()).await.unwrap();
    let s = reopen(&store, Some(dir.0.clone())).await.unwrap();
    s.close().await;
    assert_eq!(std::fs::read_dir(&dir.0).unwrap().count(), 0, "nothing to back up");

    // With data, as an older version left it: backup, then migration.
    let school = common::school(&store, "s1").await;
    let mut tx = store.begin().await.unwrap();
    accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: Some(&school),
            district_id: None,
            username: "chair",
            display_name: "主席",
            password_hash: "x",
            role: Role::Chair,
            member_id: None,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    sqlx::query("DELETE FROM schema_migrations WHERE version = 43").execute(store.reader()).await.unwrap();
    sqlx::query("DROP TABLE app_meta").execute(store.reader()).await.unwrap();
    let (level,): (i64,) =
        sqlx::query_as("SELECT MAX(version) FROM schema_migrations").fetch_one(store.reader()).await.unwrap();
    let s = reopen(&store, Some(dir.0.clone())).await.unwrap();
    s.close().await;
    let files: Vec<_> = std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(name.starts_with(&format!("pre-migration-{level}-")) && name.ends_with(".backup"), "{name}");
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("\"table\":\"users\"") && text.contains("\"chair\""), "the backup holds the data");
    assert!(!text.contains("\"table\":\"app_meta\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM app_meta").fetch_one(store.reader()).await.unwrap();
    assert_eq!(n, 2, "migrated after the backup");
});
