//! Databases for tests: a fresh SQLite file and, when PostgreSQL is reachable, a fresh schema in
//! it. `DRIEHOEK_TEST_DATABASE_URL` names the PostgreSQL database (default
//! `postgres://postgres@127.0.0.1:5432/test`); with `DRIEHOEK_REQUIRE_POSTGRES=1` (as in CI) a
//! missing PostgreSQL fails the test instead of skipping it.

use crate::db::{Db, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;

pub const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database for one test, with a label for messages. Files and schemas are left for the OS /
/// the next run to clean up: they are unique per test.
pub struct TestDb {
    pub label: &'static str,
    pub db: Db,
    pub url: String,
}

fn required() -> bool {
    std::env::var("DRIEHOEK_REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v == "true")
}

/// An empty SQLite database in a fresh temporary file, migrated.
pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join("driehoek-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.db", uuid::Uuid::now_v7()));
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect(&url).await.expect("sqlite opens");
    crate::migrate::run(&db).await.expect("sqlite migrates");
    TestDb {
        label: "sqlite",
        db,
        url,
    }
}

/// An empty PostgreSQL schema, migrated; `None` when PostgreSQL is not reachable and not required.
pub async fn postgres() -> Option<TestDb> {
    let base =
        std::env::var("DRIEHOEK_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_PG.to_string());
    match try_postgres(&base).await {
        Ok(t) => Some(t),
        Err(e) if required() => {
            panic!("PostgreSQL is required (DRIEHOEK_REQUIRE_POSTGRES=1) but {base} failed: {e}")
        }
        Err(e) => {
            eprintln!(
                "note: PostgreSQL at {base} not reachable ({e}); this test ran on SQLite only"
            );
            None
        }
    }
}

async fn try_postgres(base: &str) -> Result<TestDb, StoreError> {
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let opts = PgConnectOptions::from_str(base).map_err(|e| StoreError::BadUrl(e.to_string()))?;
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_secs(3))
        .connect_with(opts.clone())
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(opts.options([("search_path", schema.as_str())]))
        .await?;
    let db = Db::Postgres(pool);
    crate::migrate::run(&db).await?;
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    Ok(TestDb {
        label: "postgres",
        db,
        url,
    })
}

/// SQLite and (when reachable) PostgreSQL, both empty and migrated.
pub async fn databases() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    v.extend(postgres().await);
    v
}
