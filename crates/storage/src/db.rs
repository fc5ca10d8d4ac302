//! Connection pools for both databases and the small macros that run one query on either.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// Errors of the storage layer. `Invalid` and `Conflict` are the user's to fix; the others are ours.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Visible to the user but not theirs to change.
    #[error("forbidden")]
    Forbidden,
    /// A uniqueness rule: the message key says which, for the interface to translate.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("invalid database url: {0}")]
    BadUrl(String),
    #[error("migration failed: {0}")]
    Migration(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to a conflict with a message key; other errors stay.
    #[must_use]
    pub fn unique_as(self, key: &'static str) -> StoreError {
        match &self {
            StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                StoreError::Conflict(key)
            }
            _ => self,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// The database. For SQLite, writes go through a pool of one connection so that writers queue in
/// the process instead of failing with SQLITE_BUSY; reads use a larger pool (WAL mode lets them
/// run beside the writer).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// Runs `$body` with `$c` bound to the reading pool of either database.
#[macro_export]
macro_rules! read {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite { read: $c, .. } => $body,
            $crate::Db::Postgres($c) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the writing pool of either database.
#[macro_export]
macro_rules! write {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite { write: $c, .. } => $body,
            $crate::Db::Postgres($c) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the open transaction's connection.
#[macro_export]
macro_rules! in_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// A write transaction on either database. Dropping it without [`Tx::commit`] rolls back, so an
/// error half-way saves nothing.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The default database: `driehoek.db` in the current folder.
pub const DEFAULT_URL: &str = "sqlite://driehoek.db";

impl Db {
    /// Opens (and for SQLite creates) the database at `url`: `sqlite://PATH` or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//");
            if path.is_empty() {
                return Err(StoreError::BadUrl(format!(
                    "{url}: name a file, for example sqlite://driehoek.db"
                )));
            }
            let opts = if path == ":memory:" {
                SqliteConnectOptions::from_str("sqlite::memory:")?
            } else {
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
            }
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
            // No ping before each use: a SQLite connection is a file handle that cannot go
            // stale, and the ping is a round trip to the connection's thread, as dear as a
            // small query.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(opts.clone())
                .await?;
            let read = if path == ":memory:" {
                // A private in-memory database exists once per connection: share the writer.
                write.clone()
            } else {
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .test_before_acquire(false)
                    .connect_with(opts.read_only(true))
                    .await?
            };
            Ok(Db::Sqlite { read, write })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(format!("{url}: {e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::BadUrl(format!(
                "{url}: use sqlite://PATH or postgres://USER@HOST/DATABASE"
            )))
        }
    }

    pub fn kind(&self) -> DbKind {
        match self {
            Db::Sqlite { .. } => DbKind::Sqlite,
            Db::Postgres(_) => DbKind::Postgres,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so another process that writes at the same time waits instead of failing half-way.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        let r: Result<i64, sqlx::Error> =
            read!(self, |c| sqlx::query_scalar("SELECT CAST(1 AS BIGINT)")
                .fetch_one(c)
                .await);
        if let Err(e) = &r {
            tracing::warn!(%e, "health check failed");
        }
        r.is_ok()
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// A new id: a UUIDv7 (time-ordered, so indexes stay compact) as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current time in UTC as fixed-width RFC 3339 text, which sorts as time does.
pub fn now() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

pub fn format_time(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// The time `hours` from now, in the stored format.
pub fn in_hours(hours: i64) -> String {
    format_time(time::OffsetDateTime::now_utc() + time::Duration::hours(hours))
}

/// Writes a consistent copy of a running SQLite database to `target` (`VACUUM INTO` reads one
/// snapshot, so writers may go on meanwhile).
pub async fn backup_sqlite(db: &Db, target: &str) -> Result<(), StoreError> {
    match db {
        Db::Sqlite { write, .. } => {
            sqlx::query("VACUUM INTO $1")
                .bind(target)
                .execute(write)
                .await?;
            Ok(())
        }
        Db::Postgres(_) => Err(StoreError::BadUrl(
            "backup_sqlite needs an SQLite database".into(),
        )),
    }
}
