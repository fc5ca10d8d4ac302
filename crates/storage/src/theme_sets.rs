//! Theme sets as a network sees them: the built-in sets and the network's own, versioned. Editing
//! a set stores a new version (same key, version + 1); older rounds keep the version they used.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, new_id, now};
use crate::reports::ThemeInfo;
use crate::structure;
use crate::{in_tx, read};
use driehoek_domain::access::Tenant;
use driehoek_domain::themes::ThemeSet;
use serde::Serialize;

/// A theme set with its themes.
#[derive(Debug, Clone, Serialize)]
pub struct SetView {
    pub id: String,
    pub builtin: bool,
    pub key: String,
    pub version: i64,
    pub name_nl: String,
    pub name_en: String,
    /// True for the newest version of its key.
    pub latest: bool,
    pub themes: Vec<ThemeInfo>,
}

/// The built-in sets and the network's own (all versions, newest first per key).
pub async fn list(db: &Db, tenant: &Tenant, network_id: &str) -> Result<Vec<SetView>, StoreError> {
    structure::network(db, tenant, network_id).await?;
    let sets: Vec<(String, Option<String>, String, i64, String, String)> = read!(db, |c| {
        sqlx::query_as(
            "SELECT id, network_id, key, version, name_nl, name_en FROM theme_sets
         WHERE network_id IS NULL OR network_id = $1
         ORDER BY network_id IS NOT NULL, key, version DESC",
        )
        .bind(network_id)
        .fetch_all(c)
        .await
    })?;
    let mut out: Vec<SetView> = Vec::new();
    for (id, network, key, version, name_nl, name_en) in sets {
        let latest = !out
            .iter()
            .any(|s| s.key == key && s.builtin == network.is_none());
        let themes = crate::reports::themes_of_set(db, &id).await?;
        out.push(SetView {
            id,
            builtin: network.is_none(),
            key,
            version,
            name_nl,
            name_en,
            latest,
            themes,
        });
    }
    Ok(out)
}

/// Stores a network's set as the next version of its key (version 1 for a new key). Only for
/// those who manage the network (coordinators). Returns (id, version).
pub async fn save(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    network_id: &str,
    set: &ThemeSet,
) -> Result<(String, i64), StoreError> {
    let network = structure::network(db, tenant, network_id).await?;
    structure::check_manages(tenant, &network.path())?;
    let mut tx = db.begin().await?;
    let current: Option<i64> = in_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT MAX(version) FROM theme_sets WHERE network_id = $1 AND key = $2"
    )
    .bind(network_id)
    .bind(&set.key)
    .fetch_one(c)
    .await)?;
    let version = current.unwrap_or(0) + 1;
    let id = new_id();
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO theme_sets (id, network_id, key, version, name_nl, name_en, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(&id)
    .bind(network_id)
    .bind(&set.key)
    .bind(version)
    .bind(&set.name.nl)
    .bind(&set.name.en)
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    for (pos, t) in set.themes.iter().enumerate() {
        let services: Vec<&str> = t.support_services.iter().map(|s| s.key()).collect();
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO themes (id, theme_set_id, key, name_nl, name_en, support_services, position) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(new_id())
        .bind(&id)
        .bind(&t.key)
        .bind(&t.name.nl)
        .bind(&t.name.en)
        .bind(services.join(","))
        .bind(pos as i64)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "theme-set-saved")
            .network(network_id)
            .subject(&set.key)
            .detail(&format!("version {version}")),
    )
    .await?;
    tx.commit().await?;
    Ok((id, version))
}
