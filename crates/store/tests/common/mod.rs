//! One story of tests for every database: SQLite always, PostgreSQL when `JIAOGONG_TEST_PG`
//! holds a connection URL (each test makes its own database and drops it).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use jiaogong_domain::members::{validate_member, Field, MemberInput, RawMember};
use jiaogong_store::{platform::tenancy, Crypto, Store};

pub struct TestDb {
    pub name: &'static str,
    pub store: Store,
    pub sqlite_path: Option<std::path::PathBuf>,
    pg_admin: Option<(String, String)>,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);
impl TempDir {
    pub fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!("jg-test-{}", jiaogong_store::new_id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn crypto() -> Crypto {
    Crypto::new([42u8; 32])
}

pub async fn sqlite() -> TestDb {
    let dir = TempDir::new();
    let path = dir.0.join("test.db");
    let store = Store::open(&format!("sqlite://{}", path.display()), crypto()).await.unwrap();
    TestDb { name: "sqlite", store, sqlite_path: Some(path), pg_admin: None, _dir: Some(dir) }
}

pub async fn postgres() -> Option<TestDb> {
    let base = std::env::var("JIAOGONG_TEST_PG").ok()?;
    sqlx::any::install_default_drivers();
    let db = format!("jg_test_{}", &jiaogong_store::new_id()[..16]);
    let admin = sqlx::AnyPool::connect(&base).await.expect("JIAOGONG_TEST_PG is set but PostgreSQL does not answer");
    sqlx::query(&format!("CREATE DATABASE {db}")).execute(&admin).await.unwrap();
    admin.close().await;
    let mut url = url::Url::parse(&base).unwrap();
    url.set_path(&format!("/{db}"));
    let store = Store::open(url.as_str(), crypto()).await.unwrap();
    Some(TestDb { name: "postgres", store, sqlite_path: None, pg_admin: Some((base, db)), _dir: None })
}

/// Every database this run can test.
pub async fn all() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    match postgres().await {
        Some(pg) => v.push(pg),
        None => eprintln!("SKIPPED on PostgreSQL: set JIAOGONG_TEST_PG=postgres://… to include it"),
    }
    v
}

impl TestDb {
    /// A second store on the same database, as a second server would open it.
    pub async fn second_server(&self) -> Store {
        let url = match (&self.sqlite_path, &self.pg_admin) {
            (Some(path), _) => format!("sqlite://{}", path.display()),
            (None, Some((base, db))) => {
                let mut url = url::Url::parse(base).unwrap();
                url.set_path(&format!("/{db}"));
                url.to_string()
            }
            (None, None) => unreachable!("a test database is SQLite or PostgreSQL"),
        };
        Store::open(&url, crypto()).await.unwrap()
    }

    pub async fn drop_db(self) {
        self.store.close().await;
        if let Some((base, db)) = &self.pg_admin {
            let admin = sqlx::AnyPool::connect(base).await.unwrap();
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&admin).await.unwrap();
            admin.close().await;
        }
    }
}

/// Runs `body` on every database.
#[macro_export]
macro_rules! on_every_db {
    ($name:ident, |$store:ident, $db:ident| $body:block) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for $db in common::all().await {
                let $store = $db.store.clone();
                eprintln!("{} on {}", stringify!($name), $db.name);
                $body
                $db.drop_db().await;
            }
        }
    };
}

pub fn member(name: &str, no: &str, id: Option<&str>, phone: Option<&str>, group: Option<&str>) -> MemberInput {
    let mut raw = RawMember::new().with(Field::Name, name).with(Field::EmployeeNo, no);
    if let Some(i) = id {
        raw = raw.with(Field::IdNumber, i);
    }
    if let Some(p) = phone {
        raw = raw.with(Field::Phone, p);
    }
    if let Some(g) = group {
        raw = raw.with(Field::Group, g);
    }
    validate_member(&raw).unwrap()
}

pub async fn school(store: &Store, code: &str) -> String {
    let mut tx = store.begin().await.unwrap();
    let id = tenancy::create_school(&mut tx, None, &format!("学校{code}"), code).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    id
}
