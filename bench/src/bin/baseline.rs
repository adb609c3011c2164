//! The baselines of scenario 1, on the same database file as the real server:
//! `GET /hello` (bare axum hello world) and `GET /json` (the roster page's own query,
//! `members::list` of 50 rows, returned as JSON: no session, no access check, no template).
//!
//! `baseline --data DIR --bind 127.0.0.1:PORT [--school demo]`

use std::path::PathBuf;

use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use bench::{arg, open_store, req_arg};
use jiaogong_store::members::{self, Filter};
use jiaogong_store::{platform::tenancy, Store};

#[derive(Clone)]
struct St {
    store: Store,
    school_id: String,
}

async fn hello() -> &'static str {
    "Hello, World!"
}

async fn json(State(st): State<St>) -> Result<Json<serde_json::Value>, StatusCode> {
    let (rows, total) = members::list(&st.store, &st.school_id, &Filter::default(), 0, 50)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(serde_json::json!({ "total": total, "rows": rows })))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(req_arg("--data")?);
    let bind = req_arg("--bind")?;
    let code = arg("--school").unwrap_or_else(|| "demo".into());
    let store = open_store(&data).await?;
    let school = tenancy::school(&store, &code).await.with_context(|| format!("school {code}"))?;
    let app = Router::new()
        .route("/hello", get(hello))
        .route("/json", get(json))
        .with_state(St { store, school_id: school.id });
    let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("bind {bind}"))?;
    println!("baseline listening on http://{bind}/");
    axum::serve(listener, app).await?;
    Ok(())
}
