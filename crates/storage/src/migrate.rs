//! Schema migrations. Each migration has one file per dialect with the same name; the list below
//! names each once, so the two folders cannot drift apart in which files they hold (and the
//! schema-parity test checks that they build the same tables and columns).

use crate::db::{Db, StoreError, now};
use crate::{in_tx, read};

macro_rules! migrations {
    ($($name:literal),* $(,)?) => {
        &[$(Migration {
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }),*]
    };
}

pub struct Migration {
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = migrations![
    "0001_platform",
    "0002_listen",
    "0003_coding",
    "0004_tallies",
    "0005_double_coding",
    "0006_act",
    "0007_indexes",
    "0008_tallies_at_scale",
    "0009_fragment_themes_without_rowid",
    "0010_ward_theme_cells"
];

/// Applies every migration not yet applied, each in its own transaction. Returns the names applied.
pub async fn run(db: &Db) -> Result<Vec<&'static str>, StoreError> {
    let create = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL)";
    crate::write!(db, |c| sqlx::query(create)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    let done: Vec<String> = read!(db, |c| sqlx::query_scalar(
        "SELECT name FROM schema_migrations"
    )
    .fetch_all(c)
    .await)?;
    let mut applied = Vec::new();
    for m in MIGRATIONS {
        if done.iter().any(|d| d == m.name) {
            continue;
        }
        let mut tx = db.begin().await?;
        let sql = match &tx {
            crate::Tx::Sqlite(_) => m.sqlite,
            crate::Tx::Postgres(_) => m.postgres,
        };
        in_tx!(&mut tx, |c| sqlx::raw_sql(sql)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(|e| StoreError::Migration(format!("{}: {e}", m.name)))?;
        in_tx!(&mut tx, |c| sqlx::query(
            "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)"
        )
        .bind(m.name)
        .bind(now())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        applied.push(m.name);
    }
    Ok(applied)
}

/// The schema as (table, column, type, nullable), sorted, for the parity test and diagnostics.
pub async fn describe(db: &Db) -> Result<Vec<(String, String, String, bool)>, StoreError> {
    let mut cols: Vec<(String, String, String, bool)> =
        match db {
            Db::Sqlite { read, .. } => {
                sqlx::query_as(
                    "SELECT m.name, p.name, lower(p.type), p.\"notnull\" = 0 AND p.pk = 0
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(read)
                .await?
            }
            Db::Postgres(p) => sqlx::query_as(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'YES'
                 FROM information_schema.columns WHERE table_schema = current_schema()",
            )
            .fetch_all(p)
            .await?,
        };
    cols.sort();
    Ok(cols)
}
