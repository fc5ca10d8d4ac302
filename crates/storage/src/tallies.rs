//! The counts the database keeps per conversation (migrations 0004 and 0008): positive and
//! negative fragments, and the same per theme. Triggers keep them row by row. A writer that
//! inserts a million fragments at once (the import) pauses the insert triggers, counts what it
//! inserts itself, and adds those counts in a few statements before it commits.

use crate::bulk::{Val, upsert_many};
use crate::db::{StoreError, Tx};
use crate::in_tx;
use driehoek_domain::Valence;
use std::collections::BTreeMap;

/// Pauses the counting of inserted fragments and fragment themes until [`resume`], for this
/// transaction only (other writers do not see the uncommitted pause).
pub async fn pause(tx: &mut Tx) -> Result<(), StoreError> {
    in_tx!(tx, |c| sqlx::query(
        "INSERT INTO tally_pause (paused) VALUES (1)"
    )
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
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
pub async fn resume(tx: &mut Tx, inserted: &Inserted<'_>) -> Result<(), StoreError> {
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
    in_tx!(tx, |c| sqlx::query("DELETE FROM tally_pause")
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}
