//! Theme sets in the database. The built-in sets ship as data in the domain crate and are copied
//! in once; a network's own sets come later (coding issue).

use crate::db::{Db, StoreError, new_id, now};
use crate::{in_tx, read};
use driehoek_domain::themes::builtin_theme_sets;

/// Copies the built-in theme sets in (once) and returns the id of the Driehoek default set.
pub async fn ensure_builtin(db: &Db) -> Result<String, StoreError> {
    let mut default_id = None;
    for set in builtin_theme_sets() {
        let existing: Option<String> = read!(db, |c| sqlx::query_scalar(
            "SELECT id FROM theme_sets WHERE network_id IS NULL AND key = $1 AND version = $2"
        )
        .bind(&set.key)
        .bind(i64::from(set.version))
        .fetch_optional(c)
        .await)?;
        let id = if let Some(id) = existing {
            id
        } else {
            let id = new_id();
            let mut tx = db.begin().await?;
            in_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO theme_sets (id, network_id, key, version, name_nl, name_en, created_at) VALUES ($1, NULL, $2, $3, $4, $5, $6)"
            )
            .bind(&id)
            .bind(&set.key)
            .bind(i64::from(set.version))
            .bind(&set.name.nl)
            .bind(&set.name.en)
            .bind(now())
            .execute(c)
            .await.map(|r| r.rows_affected())
            })?;
            for (pos, t) in set.themes.iter().enumerate() {
                let services = t
                    .support_services
                    .iter()
                    .map(|s| s.key())
                    .collect::<Vec<_>>()
                    .join(",");
                in_tx!(&mut tx, |c| {
                    sqlx::query(
                    "INSERT INTO themes (id, theme_set_id, key, name_nl, name_en, support_services, position) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                )
                .bind(new_id())
                .bind(&id)
                .bind(&t.key)
                .bind(&t.name.nl)
                .bind(&t.name.en)
                .bind(&services)
                .bind(pos as i64)
                .execute(c)
                .await.map(|r| r.rows_affected())
                })?;
            }
            tx.commit().await?;
            id
        };
        if set.key == driehoek_domain::themes::DEFAULT_THEME_SET_KEY {
            default_id = Some(id);
        }
    }
    default_id.ok_or(StoreError::NotFound)
}

/// (key, id) of every theme of a set.
pub async fn theme_ids(db: &Db, theme_set_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    Ok(read!(db, |c| sqlx::query_as(
        "SELECT key, id FROM themes WHERE theme_set_id = $1 ORDER BY position"
    )
    .bind(theme_set_id)
    .fetch_all(c)
    .await)?)
}
