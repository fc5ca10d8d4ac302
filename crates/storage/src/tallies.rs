//! The counts the database keeps per conversation (migrations 0004 and 0008): positive and
//! negative fragments, and the same per theme. Triggers keep them row by row. A writer that
//! inserts a million fragments at once (the import) pauses the insert triggers, counts what it
//! inserts itself, and adds those counts in a few statements before it commits.

use crate::bulk::{Val, upsert_many};
use crate::db::{StoreError, Tx};
use driehoek_domain::Valence;
use std::collections::BTreeMap;

/// The insert triggers a bulk writer pauses.
const INSERT_TRIGGERS: &str = "'fragment_tally_insert', 'fragment_theme_tally_insert'";

/// A pause of the counting of inserted rows, from [`pause`] to [`resume`]: on SQLite the
/// `CREATE TRIGGER` statements to put back.
#[must_use = "a pause ends with resume"]
pub struct Paused(Vec<String>);

/// Pauses the counting of inserted fragments and fragment themes until [`resume`], for this
/// transaction only. On SQLite the two insert triggers are dropped inside the transaction and made
/// again by [`resume`]: no other writer runs meanwhile (the write lock), readers see the committed
/// schema, and a rollback brings them back too. Their row-by-row calls, even as a no-op, were
/// 17 % of a million-row import (8.0 → 6.6 s without them); since migration 0009 they no longer
/// look for a pause on SQLite. On PostgreSQL a row in `tally_pause`,
/// which only this transaction sees, turns them into a no-op (disabling a trigger there would
/// lock the table against readers).
pub async fn pause(tx: &mut Tx) -> Result<Paused, StoreError> {
    match tx {
        Tx::Sqlite(t) => {
            let triggers: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({INSERT_TRIGGERS}) ORDER BY name"
            )))
            .fetch_all(&mut **t)
            .await?;
            for (name, _) in &triggers {
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {name}")))
                    .execute(&mut **t)
                    .await?;
            }
            Ok(Paused(triggers.into_iter().map(|(_, sql)| sql).collect()))
        }
        Tx::Postgres(t) => {
            sqlx::query("INSERT INTO tally_pause (paused) VALUES (1)")
                .execute(&mut **t)
                .await?;
            Ok(Paused(Vec::new()))
        }
    }
}

/// What a paused writer inserted: positive and negative fragments per conversation, and per
/// conversation and theme.
#[derive(Debug, Default)]
pub struct Inserted<'a> {
    conversations: BTreeMap<&'a str, (i64, i64)>,
    themes: BTreeMap<(&'a str, &'a str), (i64, i64)>,
}

impl<'a> Inserted<'a> {
    /// One inserted fragment with its (distinct) themes.
    pub fn fragment(&mut self, conversation: &'a str, valence: Valence, themes: &[&'a str]) {
        let (p, n) = match valence {
            Valence::Positive => (1, 0),
            Valence::Negative => (0, 1),
            Valence::None => return,
        };
        let c = self.conversations.entry(conversation).or_default();
        *c = (c.0 + p, c.1 + n);
        for theme in themes {
            let t = self.themes.entry((conversation, theme)).or_default();
            *t = (t.0 + p, t.1 + n);
        }
    }
}

/// (conversation, theme) with its positive and negative count.
type ThemeCount<'a> = ((&'a str, &'a str), (i64, i64));

/// Adds what was inserted to the kept counts and ends the pause.
pub async fn resume(
    tx: &mut Tx,
    paused: Paused,
    inserted: &Inserted<'_>,
) -> Result<(), StoreError> {
    let conversations: Vec<(&&str, &(i64, i64))> = inserted.conversations.iter().collect();
    upsert_many(
        tx,
        "INSERT INTO conversation_tallies (conversation_id, positive, negative)",
        " ON CONFLICT (conversation_id) DO UPDATE SET
            positive = conversation_tallies.positive + excluded.positive,
            negative = conversation_tallies.negative + excluded.negative",
        &conversations,
        |(id, (p, n))| [Val::Text(id), Val::Int(*p), Val::Int(*n)],
    )
    .await?;
    let themes: Vec<ThemeCount> = inserted.themes.iter().map(|(k, v)| (*k, *v)).collect();
    upsert_many(
        tx,
        "INSERT INTO conversation_theme_tallies (conversation_id, theme_id, positive, negative)",
        " ON CONFLICT (conversation_id, theme_id) DO UPDATE SET
            positive = conversation_theme_tallies.positive + excluded.positive,
            negative = conversation_theme_tallies.negative + excluded.negative",
        &themes,
        |((c, t), (p, n))| [Val::Text(c), Val::Text(t), Val::Int(*p), Val::Int(*n)],
    )
    .await?;
    match tx {
        Tx::Sqlite(t) => {
            for create in paused.0 {
                sqlx::query(sqlx::AssertSqlSafe(create))
                    .execute(&mut **t)
                    .await?;
            }
        }
        Tx::Postgres(t) => {
            sqlx::query("DELETE FROM tally_pause")
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}
