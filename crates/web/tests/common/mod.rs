//! A test app without a socket: a temporary SQLite store, two schools, one user per role.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response};
use axum::Router;
use jiaogong_domain::members::{validate_member, Field, RawMember};
use jiaogong_domain::platform::roles::Role;
use jiaogong_store::platform::accounts::{self, NewUser};
use jiaogong_store::{members, platform::tenancy, Crypto, Store};
use jiaogong_web::{AppState, WebConfig};
use tower::ServiceExt;

pub struct TestApp {
    pub app: Router,
    pub store: Store,
    pub school_a: String,
    pub school_b: String,
    pub member_a: String,
    pub member_b: String,
    /// role code → (session token, csrf) in school A; "district" and "sysadmin" have no school.
    pub sessions: HashMap<&'static str, (String, String)>,
    /// A chair of school B.
    pub chair_b: (String, String),
    _dir: TempDir,
}

pub struct TempDir(pub std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn user(
    store: &Store,
    school: Option<&str>,
    district: Option<&str>,
    name: &str,
    role: Role,
    member: Option<&str>,
) -> (String, String) {
    let mut tx = store.begin().await.unwrap();
    let id = accounts::create_user(
        &mut tx,
        &NewUser {
            school_id: school,
            district_id: district,
            username: name,
            display_name: name,
            password_hash: "unused",
            role,
            member_id: member,
        },
    )
    .await
    .unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    accounts::create_session(store, &id).await.unwrap()
}

pub async fn app() -> TestApp {
    app_with(WebConfig::default()).await
}

/// The test app with the given web settings.
pub async fn app_with(config: WebConfig) -> TestApp {
    let dir = TempDir(std::env::temp_dir().join(format!("jg-web-{}", jiaogong_store::new_id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let store =
        Store::open(&format!("sqlite://{}", dir.0.join("t.db").display()), Crypto::new([9u8; 32])).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let district = tenancy::create_district(&mut tx, "测试区", "d1").await.unwrap();
    let a = tenancy::create_school(&mut tx, Some(&district), "甲校", "a").await.unwrap();
    let b = tenancy::create_school(&mut tx, None, "乙校", "b").await.unwrap();
    let ga = tenancy::create_group(&mut tx, &a, "语文组", false).await.unwrap();
    tenancy::create_group(&mut tx, &b, "数学组", false).await.unwrap();
    let m = |name: &str, no: &str| {
        validate_member(
            &RawMember::new()
                .with(Field::Name, name)
                .with(Field::EmployeeNo, no)
                .with(Field::IdNumber, "11010519491231002X")
                .with(Field::Phone, "13800138000"),
        )
        .unwrap()
    };
    let member_a = members::insert(&mut tx, &store.crypto, &a, &m("甲一", "A1"), Some(&ga), None).await.unwrap();
    let member_b = members::insert(&mut tx, &store.crypto, &b, &m("乙一", "B1"), None, None).await.unwrap();
    jiaogong_store::commit(tx).await.unwrap();
    let mut sessions = HashMap::new();
    for role in Role::ALL {
        let (school, dist) = match role {
            Role::District => (None, Some(district.as_str())),
            _ => (Some(a.as_str()), None),
        };
        let member = if role == Role::Member { Some(member_a.as_str()) } else { None };
        sessions.insert(role.code(), user(&store, school, dist, &format!("u-{}", role.code()), role, member).await);
    }
    sessions.insert("sysadmin", user(&store, None, None, "sysadmin", Role::Admin, None).await);
    let chair_b = user(&store, Some(&b), None, "chair-b", Role::Chair, None).await;
    let app = jiaogong_web::app(AppState { store: store.clone(), config: Arc::new(config) });
    TestApp { app, store, school_a: a, school_b: b, member_a, member_b, sessions, chair_b, _dir: dir }
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.app.clone().oneshot(req).await.unwrap()
    }

    /// A request as a logged-in user (cookie + CSRF header).
    pub fn req(
        &self,
        method: &str,
        uri: &str,
        who: Option<&(String, String)>,
        body: Body,
        content_type: Option<&str>,
    ) -> Request<Body> {
        let mut r = Request::builder().method(method).uri(uri);
        if let Some((token, csrf)) = who {
            r = r.header("cookie", format!("jg_session={token}")).header("x-csrf-token", csrf.as_str());
        }
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        r.body(body).unwrap()
    }

    pub fn as_role(&self, role: &str) -> &(String, String) {
        &self.sessions[role]
    }
}

pub async fn body_text(r: Response<Body>) -> String {
    let bytes = axum::body::to_bytes(r.into_body(), 64 * 1024 * 1024).await.unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A login form post from `ip` with the pre-login CSRF token, as a browser sends it.
pub fn login(username: &str, password: &str, ip: &str) -> Request<Body> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("_csrf", "pre")
        .append_pair("username", username)
        .append_pair("password", password)
        .finish();
    let mut r = Request::builder()
        .method("POST")
        .uri("/login")
        .header("cookie", "jg_pre=pre")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
    r.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    r
}
