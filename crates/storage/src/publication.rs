//! The ward's public "jij zei, wij doen" page (method.md §2 steps 10–11, §5): whether the ward
//! published it and under which unguessable id, and what the page may show — aggregated themes of
//! the latest reported round (the small-group rule is applied by the caller with
//! [`driehoek_domain::suppress`]), the actions the ward marked public, and quotes only from
//! fragments marked publishable whose conversation has (unwithdrawn) consent for quotes.
//!
//! The page itself has no user: [`public_ward`] finds a ward only by its public id and only while
//! published. Everything else takes the tenant like every repository call.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, now};
use crate::reports;
use crate::rounds::Round;
use crate::structure::Ward;
use crate::{read, write};
use driehoek_domain::access::Tenant;
use serde::Serialize;

/// A ward's publication settings.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Publication {
    pub ward_id: String,
    pub public_id: String,
    pub published: i64,
}

impl Publication {
    pub fn is_published(&self) -> bool {
        self.published != 0
    }
}

/// May this user publish the ward's page and choose what it shows? Quality officers and
/// coordinators above the ward, and the ward's own team leader.
pub fn may_publish(tenant: &Tenant, ward: &Ward) -> bool {
    tenant.acts_on(&ward.path())
}

/// The ward (checked: the tenant reads its results) and its publication, if any.
pub async fn of_ward(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
) -> Result<(Ward, Option<Publication>), StoreError> {
    let ward = reports::results_ward(db, tenant, ward_id).await?;
    let p = publication_row(db, ward_id).await?;
    Ok((ward, p))
}

async fn publication_row(db: &Db, ward_id: &str) -> Result<Option<Publication>, StoreError> {
    Ok(read!(db, |c| sqlx::query_as(
        "SELECT ward_id, public_id, published FROM ward_publications WHERE ward_id = $1"
    )
    .bind(ward_id)
    .fetch_optional(c)
    .await)?)
}

/// A new unguessable public id: 128 random bits (UUIDv4), hex without dashes.
fn public_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Publishes or withdraws the ward's page (audited). The public id is made on first publication
/// and kept, so a printed poster keeps working after a withdrawal and a new publication.
pub async fn set_published(
    db: &Db,
    tenant: &Tenant,
    actor_email: &str,
    ward_id: &str,
    published: bool,
) -> Result<Publication, StoreError> {
    let (ward, existing) = of_ward(db, tenant, ward_id).await?;
    if !may_publish(tenant, &ward) {
        return Err(StoreError::Forbidden);
    }
    let flag = i64::from(published);
    match &existing {
        Some(_) => {
            write!(db, |c| sqlx::query(
                "UPDATE ward_publications SET published = $1, updated_at = $2 WHERE ward_id = $3"
            )
            .bind(flag)
            .bind(now())
            .bind(ward_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        None => {
            write!(db, |c| {
                sqlx::query(
                "INSERT INTO ward_publications (ward_id, public_id, published, updated_at) VALUES ($1, $2, $3, $4)"
            )
            .bind(ward_id)
            .bind(public_id())
            .bind(flag)
            .bind(now())
            .execute(c)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
    }
    audit::record(
        db,
        Entry::by(
            tenant,
            actor_email,
            if published {
                "ward-page-published"
            } else {
                "ward-page-withdrawn"
            },
        )
        .at_path(&ward.path())
        .subject(&ward.name),
    )
    .await?;
    publication_row(db, ward_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A fragment that may be offered for the public page: coded positive or negative, in a
/// conversation whose consent covers quotes.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct QuoteCandidate {
    pub fragment_id: String,
    pub perspective: String,
    pub valence: String,
    pub text: String,
    pub publishable: i64,
}

/// The quotable fragments of one round on the ward (consent for quotes, not withdrawn), in
/// perspective and position order. The caller has checked the ward.
pub async fn quote_candidates(
    db: &Db,
    ward_id: &str,
    round_id: &str,
) -> Result<Vec<QuoteCandidate>, StoreError> {
    Ok(read!(db, |c| sqlx::query_as(
        "SELECT f.id AS fragment_id, c.perspective, f.valence, f.text, f.publishable
         FROM triads t
         JOIN conversations c ON c.triad_id = t.id
         JOIN consents k ON k.conversation_id = c.id
         JOIN fragments f ON f.conversation_id = c.id
         WHERE t.ward_id = $1 AND t.round_id = $2 AND f.valence IN ('positive', 'negative')
           AND f.speaker <> 'interviewer'
           AND k.for_quotes AND k.withdrawn_at IS NULL
         ORDER BY c.perspective, t.code, f.position"
    )
    .bind(ward_id)
    .bind(round_id)
    .fetch_all(c)
    .await)?)
}

/// Marks which fragments of the ward's round may be quoted on the public page (audited): exactly
/// `chosen` of the round's quotable fragments become publishable, the others not. A fragment
/// without consent for quotes can never be chosen (it is not a candidate).
pub async fn set_publishable_quotes(
    db: &Db,
    tenant: &Tenant,
    actor_email: &str,
    ward_id: &str,
    round_id: &str,
    chosen: &[String],
) -> Result<usize, StoreError> {
    let (ward, _) = reports::ward_round(db, tenant, ward_id, round_id).await?;
    if !may_publish(tenant, &ward) {
        return Err(StoreError::Forbidden);
    }
    let candidates = quote_candidates(db, ward_id, round_id).await?;
    let mut tx = db.begin().await?;
    let mut count = 0;
    for cand in &candidates {
        let on = chosen.contains(&cand.fragment_id);
        count += usize::from(on);
        if (cand.publishable != 0) != on {
            crate::in_tx!(&mut tx, |c| sqlx::query(
                "UPDATE fragments SET publishable = $1 WHERE id = $2"
            )
            .bind(i64::from(on))
            .bind(&cand.fragment_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
        }
    }
    // Anything publishable on this round that lost its consent in the meantime is switched off.
    crate::in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE fragments SET publishable = 0
         WHERE publishable <> 0 AND conversation_id IN (
            SELECT c.id FROM conversations c JOIN triads t ON t.id = c.triad_id
            LEFT JOIN consents k ON k.conversation_id = c.id
            WHERE t.ward_id = $1 AND t.round_id = $2
              AND (k.conversation_id IS NULL OR NOT k.for_quotes OR k.withdrawn_at IS NOT NULL))"
    )
    .bind(ward_id)
    .bind(round_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    audit::record(
        db,
        Entry::by(tenant, actor_email, "public-quotes-chosen")
            .at_path(&ward.path())
            .subject(&ward.name)
            .detail(&format!("{count}")),
    )
    .await?;
    Ok(count)
}

/// What the public page shows of a ward: names of the ward, location and organisation (no
/// person), the minimum group size.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PublicWard {
    pub ward_id: String,
    pub public_id: String,
    pub ward_name: String,
    pub location_name: String,
    pub organisation_name: String,
    pub min_group_size: i64,
}

/// The ward published under `public_id`; NotFound when there is none or it is not published.
pub async fn public_ward(db: &Db, public_id: &str) -> Result<PublicWard, StoreError> {
    let w: Option<PublicWard> = read!(db, |c| sqlx::query_as(
        "SELECT w.id AS ward_id, p.public_id, w.name AS ward_name, l.name AS location_name,
                o.name AS organisation_name, n.min_group_size
         FROM ward_publications p
         JOIN wards w ON w.id = p.ward_id
         JOIN locations l ON l.id = w.location_id
         JOIN organisations o ON o.id = l.organisation_id
         JOIN networks n ON n.id = o.network_id
         WHERE p.public_id = $1 AND p.published <> 0"
    )
    .bind(public_id)
    .fetch_optional(c)
    .await)?;
    w.ok_or(StoreError::NotFound)
}

const ROUND_COLUMNS: &str = "r.id, r.organisation_id, r.name, r.period_start, r.period_end, r.status, r.theme_set_id, r.created_at";

/// The ward's latest round that has reached the report (status reporting or closed).
pub async fn latest_reported_round(db: &Db, ward_id: &str) -> Result<Option<Round>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ROUND_COLUMNS} FROM rounds r
         WHERE r.status IN ('reporting', 'closed')
           AND EXISTS (SELECT 1 FROM triads t WHERE t.round_id = r.id AND t.ward_id = $1)
         ORDER BY r.period_start DESC, r.created_at DESC LIMIT 1"
    ));
    Ok(read!(db, |c| sqlx::query_as(sql)
        .bind(ward_id)
        .fetch_optional(c)
        .await)?)
}

/// An action the ward marked public.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PublicAction {
    pub id: String,
    pub title: String,
    pub status: String,
    pub due_on: Option<String>,
    pub updated_at: String,
}

/// The ward's public actions, open ones first, then by last change.
pub async fn public_actions(db: &Db, ward_id: &str) -> Result<Vec<PublicAction>, StoreError> {
    Ok(read!(db, |c| sqlx::query_as(
        "SELECT id, title, status, due_on, updated_at FROM actions
         WHERE ward_id = $1 AND public <> 0 AND status <> 'dropped'
         ORDER BY CASE WHEN status = 'done' THEN 1 ELSE 0 END, updated_at DESC"
    )
    .bind(ward_id)
    .fetch_all(c)
    .await)?)
}

/// The theme keys of the ward's public actions: (action id, theme key).
pub async fn public_action_themes(
    db: &Db,
    ward_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(read!(db, |c| sqlx::query_as(
        "SELECT at.action_id, at.theme_key FROM action_themes at
         JOIN actions a ON a.id = at.action_id
         WHERE a.ward_id = $1 AND a.public <> 0"
    )
    .bind(ward_id)
    .fetch_all(c)
    .await)?)
}

/// A quote the public page may show: publishable, consent for quotes still in force, from a
/// round on this ward with at least `min_group_size` triads (the small-group rule).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PublicQuote {
    pub text: String,
    pub perspective: String,
    pub valence: String,
    pub theme_set_id: String,
    pub theme_ids: Option<String>,
}

pub async fn public_quotes(
    db: &Db,
    ward_id: &str,
    min_group_size: i64,
) -> Result<Vec<PublicQuote>, StoreError> {
    type Row = (String, String, String, String, String, Option<String>);
    let rows: Vec<Row> = read!(db, |c| {
        sqlx::query_as(
        "SELECT f.id, f.text, c.perspective, f.valence, r.theme_set_id, ft.theme_id
         FROM fragments f
         JOIN conversations c ON c.id = f.conversation_id
         JOIN consents k ON k.conversation_id = c.id
         JOIN triads t ON t.id = c.triad_id
         JOIN rounds r ON r.id = t.round_id
         LEFT JOIN fragment_themes ft ON ft.fragment_id = f.id
         WHERE t.ward_id = $1 AND f.publishable <> 0
           AND k.for_quotes AND k.withdrawn_at IS NULL
           AND f.speaker <> 'interviewer'
           AND (SELECT COUNT(*) FROM triads t2 WHERE t2.ward_id = t.ward_id AND t2.round_id = t.round_id) >= $2
         ORDER BY r.period_start DESC, c.perspective, f.id"
    )
    .bind(ward_id)
    .bind(min_group_size.max(1))
    .fetch_all(c)
    .await
    })?;
    let mut out: Vec<(String, PublicQuote)> = Vec::new();
    for (id, text, perspective, valence, theme_set_id, theme) in rows {
        if let Some((last_id, q)) = out.last_mut()
            && *last_id == id
        {
            if let Some(t) = theme {
                let ids = q.theme_ids.get_or_insert_with(String::new);
                ids.push(' ');
                ids.push_str(&t);
            }
            continue;
        }
        out.push((
            id,
            PublicQuote {
                text,
                perspective,
                valence,
                theme_set_id,
                theme_ids: theme,
            },
        ));
    }
    Ok(out.into_iter().map(|(_, q)| q).take(12).collect())
}

/// Publishes the ward's page without the audit trail (keeping an existing public id), for tests
/// and the demo; returns the public id.
pub async fn publish_unchecked(db: &Db, ward_id: &str) -> Result<String, StoreError> {
    write!(db, |c| {
        sqlx::query(
        "INSERT INTO ward_publications (ward_id, public_id, published, updated_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (ward_id) DO UPDATE SET published = 1, updated_at = $3"
    )
    .bind(ward_id)
    .bind(public_id())
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    publication_row(db, ward_id)
        .await?
        .map(|p| p.public_id)
        .ok_or(StoreError::NotFound)
}
