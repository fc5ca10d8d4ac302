//! Conversation guides: versioned text with topics. The built-in default belongs to no network;
//! a network's coordinator saves new versions for the network.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, new_id, now};
use crate::structure::{self, check_manages};
use crate::{in_tx, read};
use driehoek_domain::access::Tenant;
use driehoek_domain::listen::guide::{GuideText, Topic, default_guide};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Guide {
    pub id: String,
    pub network_id: Option<String>,
    pub version: i64,
    pub title_nl: String,
    pub title_en: String,
    pub intro_nl: String,
    pub intro_en: String,
    pub guidance_nl: String,
    pub guidance_en: String,
    pub created_by: String,
    pub created_at: String,
    #[sqlx(skip)]
    pub topics: Vec<Topic>,
}

const GUIDE_SQL: &str = "SELECT id, network_id, version, title_nl, title_en, intro_nl, intro_en,
    guidance_nl, guidance_en, created_by, created_at FROM conversation_guides";

/// Copies the default guide in (once) and returns its id.
pub async fn ensure_default(db: &Db) -> Result<String, StoreError> {
    let existing: Option<String> = read!(db, |c| sqlx::query_scalar(
        "SELECT id FROM conversation_guides WHERE network_id IS NULL AND version = 1"
    )
    .fetch_optional(c)
    .await)?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    insert(&mut tx, &id, None, 1, &default_guide(), "Driehoek").await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(
    tx: &mut crate::Tx,
    id: &str,
    network: Option<&str>,
    version: i64,
    g: &GuideText,
    by: &str,
) -> Result<(), StoreError> {
    in_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO conversation_guides (id, network_id, version, title_nl, title_en, intro_nl, intro_en, guidance_nl, guidance_en, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(id)
    .bind(network)
    .bind(version)
    .bind(&g.title_nl)
    .bind(&g.title_en)
    .bind(&g.intro_nl)
    .bind(&g.intro_en)
    .bind(&g.guidance_nl)
    .bind(&g.guidance_en)
    .bind(by)
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    for (pos, t) in g.topics.iter().enumerate() {
        in_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO guide_topics (id, guide_id, position, title_nl, title_en, prompts_nl, prompts_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        .bind(new_id())
        .bind(id)
        .bind(pos as i64)
        .bind(&t.title_nl)
        .bind(&t.title_en)
        .bind(&t.prompts_nl)
        .bind(&t.prompts_en)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

async fn with_topics(db: &Db, mut g: Guide) -> Result<Guide, StoreError> {
    let rows: Vec<(String, String, String, String)> = read!(db, |c| {
        sqlx::query_as(
        "SELECT title_nl, title_en, prompts_nl, prompts_en FROM guide_topics WHERE guide_id = $1 ORDER BY position"
    )
    .bind(&g.id)
    .fetch_all(c)
    .await
    })?;
    g.topics = rows
        .into_iter()
        .map(|(title_nl, title_en, prompts_nl, prompts_en)| Topic {
            title_nl,
            title_en,
            prompts_nl,
            prompts_en,
        })
        .collect();
    Ok(g)
}

/// A guide the tenant may read: the built-in one, or one of their network.
pub async fn guide(db: &Db, tenant: &Tenant, id: &str) -> Result<Guide, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{GUIDE_SQL} WHERE id = $1"));
    let g: Option<Guide> = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    let g = g
        .filter(|g| {
            g.network_id
                .as_deref()
                .is_none_or(|n| tenant.networks().contains(&n))
        })
        .ok_or(StoreError::NotFound)?;
    with_topics(db, g).await
}

/// The guides a network may use (built-in and its own), newest version first.
pub async fn guides(db: &Db, tenant: &Tenant, network_id: &str) -> Result<Vec<Guide>, StoreError> {
    structure::network(db, tenant, network_id).await?;
    ensure_default(db).await?;
    let sql = sqlx::AssertSqlSafe(format!(
        "{GUIDE_SQL} WHERE network_id IS NULL OR network_id = $1 ORDER BY network_id IS NULL, version DESC"
    ));
    let list: Vec<Guide> = read!(db, |c| sqlx::query_as(sql)
        .bind(network_id)
        .fetch_all(c)
        .await)?;
    let mut out = Vec::new();
    for g in list {
        out.push(with_topics(db, g).await?);
    }
    Ok(out)
}

/// Saves a new version of the network's guide (coordinator). Returns its id.
pub async fn save(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    network_id: &str,
    g: &GuideText,
) -> Result<String, StoreError> {
    let n = structure::network(db, tenant, network_id).await?;
    check_manages(tenant, &n.path())?;
    let last: Option<i64> = read!(db, |c| {
        sqlx::query_scalar(
        "SELECT MAX(version) FROM conversation_guides WHERE network_id = $1 OR network_id IS NULL"
    )
    .bind(network_id)
    .fetch_one(c)
    .await
    })?;
    let version = last.unwrap_or(0) + 1;
    let id = new_id();
    let mut tx = db.begin().await?;
    insert(&mut tx, &id, Some(network_id), version, g, actor).await?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "guide-saved")
            .network(network_id)
            .subject(&g.title_nl)
            .detail(&version.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The guide of a conversation's round (the default when the round names none).
pub async fn for_conversation(
    db: &Db,
    tenant: &Tenant,
    conversation_id: &str,
) -> Result<Guide, StoreError> {
    let (c, _) = super::conversation(db, tenant, conversation_id).await?;
    let id = match c.guide_id {
        Some(id) => id,
        None => ensure_default(db).await?,
    };
    let sql = sqlx::AssertSqlSafe(format!("{GUIDE_SQL} WHERE id = $1"));
    let g: Guide = read!(db, |x| sqlx::query_as(sql)
        .bind(&id)
        .fetch_optional(x)
        .await)?
    .ok_or(StoreError::NotFound)?;
    with_topics(db, g).await
}
