//! What the ward report and the triad page read: a round as seen from a ward, the round's themes,
//! the coded fragments with their themes, and one triad's fragments. The scores themselves come
//! from [`crate::rounds::scored_triads`]; the small-group rule is applied by the caller with
//! [`driehoek_domain::suppress`].
//!
//! Every function checks the ward with [`structure::ward`] first (NotFound outside the tenant) and
//! that the tenant may read results there (NotFound otherwise: interviewers, students and support
//! services never learn that a report exists).

use crate::db::{Db, StoreError};
use crate::read;
use crate::rounds::Round;
use crate::structure::{self, Ward};
use driehoek_domain::access::Tenant;
use serde::Serialize;

/// The ward, checked: the tenant sees it and may read its results.
pub async fn results_ward(db: &Db, tenant: &Tenant, ward_id: &str) -> Result<Ward, StoreError> {
    let ward = structure::ward(db, tenant, ward_id).await?;
    if !tenant.reads_results(&ward.path()) {
        return Err(StoreError::NotFound);
    }
    Ok(ward)
}

/// The minimum group size of a network (method.md §5).
pub async fn min_group_size(db: &Db, network_id: &str) -> Result<i64, StoreError> {
    let n: Option<i64> = read!(db, |c| sqlx::query_scalar(
        "SELECT min_group_size FROM networks WHERE id = $1"
    )
    .bind(network_id)
    .fetch_optional(c)
    .await)?;
    n.ok_or(StoreError::NotFound)
}

const ROUND_COLUMNS: &str = "r.id, r.organisation_id, r.name, r.period_start, r.period_end, r.status, r.theme_set_id, r.created_at";

/// A round of the ward's organisation; NotFound for a round of another organisation.
pub async fn ward_round(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
    round_id: &str,
) -> Result<(Ward, Round), StoreError> {
    let ward = results_ward(db, tenant, ward_id).await?;
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ROUND_COLUMNS} FROM rounds r WHERE r.id = $1 AND r.organisation_id = $2"
    ));
    let round: Option<Round> = read!(db, |c| sqlx::query_as(sql)
        .bind(round_id)
        .bind(&ward.organisation_id)
        .fetch_optional(c)
        .await)?;
    round.map(|r| (ward, r)).ok_or(StoreError::NotFound)
}

/// The ward's round before this one (by start of period) that has triads on the ward.
pub async fn previous_round(
    db: &Db,
    ward_id: &str,
    round: &Round,
) -> Result<Option<Round>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ROUND_COLUMNS} FROM rounds r
         WHERE r.organisation_id = $1 AND r.period_start < $2
           AND r.id IN (SELECT t.round_id FROM triads t WHERE t.ward_id = $3)
         ORDER BY r.period_start DESC LIMIT 1"
    ));
    Ok(read!(db, |c| sqlx::query_as(sql)
        .bind(&round.organisation_id)
        .bind(&round.period_start)
        .bind(ward_id)
        .fetch_optional(c)
        .await)?)
}

/// A theme of a set, with its names in both languages.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ThemeInfo {
    pub id: String,
    pub key: String,
    pub name_nl: String,
    pub name_en: String,
    pub support_services: String,
}

impl ThemeInfo {
    pub fn name(&self, english: bool) -> &str {
        if english {
            &self.name_en
        } else {
            &self.name_nl
        }
    }
}

/// The themes of a theme set in their order.
pub async fn themes_of_set(db: &Db, theme_set_id: &str) -> Result<Vec<ThemeInfo>, StoreError> {
    Ok(read!(db, |c| {
        sqlx::query_as(
        "SELECT id, key, name_nl, name_en, support_services FROM themes WHERE theme_set_id = $1 ORDER BY position"
    )
    .bind(theme_set_id)
    .fetch_all(c)
    .await
    })?)
}

/// One coded (positive or negative) fragment on one theme; a fragment with two themes is two rows.
/// [`themed_fragments`] reads it from a JSON array in this field order.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, serde::Deserialize)]
pub struct ThemedFragment {
    pub fragment_id: String,
    pub theme_id: String,
    pub triad_id: String,
    pub triad_code: String,
    pub perspective: String,
    pub position: i64,
    pub valence: String,
    pub text: String,
}

/// The positive and negative fragments with a theme of one round on one ward, in triad, then
/// conversation order. The caller has checked the ward with [`ward_round`].
///
/// A ward's round has a couple of thousand such rows, and the sqlx SQLite driver hands every
/// row from its worker thread to the caller one at a time, which cost more than the query
/// itself (7.8 ms for 1,315 rows, against about 1 ms in the SQLite shell). So the database
/// folds the rows into one JSON array (`json_group_array` / `json_agg`) and they are unpacked
/// here. They are sorted here too: an ordered aggregate makes the database sort every row with
/// its text, while the rows mostly arrive in this order already (the indexes' order).
pub async fn themed_fragments(
    db: &Db,
    ward_id: &str,
    round_id: &str,
) -> Result<Vec<ThemedFragment>, StoreError> {
    let json: Option<String> = match db {
        Db::Sqlite { read, .. } => sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT json_group_array(json_array(f.id, ft.theme_id, t.id, t.code, c.perspective, f.position, f.valence, f.text)) {THEMED_FROM}"
        )))
        .bind(ward_id)
        .bind(round_id)
        .fetch_one(read)
        .await?,
        Db::Postgres(pool) => sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT CAST(json_agg(json_build_array(f.id, ft.theme_id, t.id, t.code, c.perspective, f.position, f.valence, f.text)) AS TEXT) {THEMED_FROM}"
        )))
        .bind(ward_id)
        .bind(round_id)
        .fetch_one(pool)
        .await?,
    };
    // A struct deserialises from an array in field order.
    let mut rows: Vec<ThemedFragment> = serde_json::from_str(json.as_deref().unwrap_or("[]"))
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    rows.sort_by(|a, b| {
        (&a.triad_code, &a.perspective, a.position, &a.theme_id).cmp(&(
            &b.triad_code,
            &b.perspective,
            b.position,
            &b.theme_id,
        ))
    });
    Ok(rows)
}

/// Positive and negative fragments per theme and perspective, with the number of distinct triads
/// behind them, of several rounds of one ward in one query: what
/// [`driehoek_domain::report::tally`] makes of each round's [`themed_fragments`]. By theme key,
/// since a later round may use a new version of the theme set; only themes of the round's own
/// set count. Read from the cells per ward, round, theme and perspective that the database keeps
/// from its per-conversation theme tallies (migrations 0008 and 0010), so comparing with earlier
/// rounds reads some sixty rows per round instead of every fragment or tally. Keys are unique
/// within a set, so each group holds one theme's cell.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RoundThemeCell {
    pub round_id: String,
    pub theme_key: String,
    pub perspective: String,
    pub positive: i64,
    pub negative: i64,
    pub triads: i64,
}

pub async fn theme_cells_of_rounds(
    db: &Db,
    ward_id: &str,
    round_ids: &[&str],
) -> Result<Vec<RoundThemeCell>, StoreError> {
    if round_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..round_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "SELECT w.round_id, th.key AS theme_key, w.perspective,
                CAST(SUM(w.positive) AS BIGINT) AS positive,
                CAST(SUM(w.negative) AS BIGINT) AS negative,
                CAST(SUM(w.triads) AS BIGINT) AS triads
         FROM ward_theme_cells w
         JOIN rounds r ON r.id = w.round_id
         JOIN themes th ON th.id = w.theme_id AND th.theme_set_id = r.theme_set_id
         WHERE w.ward_id = $1 AND w.round_id IN ({}) AND w.positive + w.negative > 0
         GROUP BY w.round_id, th.key, w.perspective",
        placeholders.join(", ")
    );
    Ok(read!(db, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(ward_id);
        for id in round_ids {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?)
}

const THEMED_FROM: &str = "FROM triads t
         JOIN conversations c ON c.triad_id = t.id
         JOIN fragments f ON f.conversation_id = c.id
         JOIN fragment_themes ft ON ft.fragment_id = f.id
         WHERE t.ward_id = $1 AND t.round_id = $2 AND f.valence IN ('positive', 'negative')";

/// A triad as its page shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct TriadInfo {
    pub id: String,
    pub code: String,
    pub round_id: String,
    pub round_name: String,
    pub ward_id: String,
    pub resident_takes_part: bool,
}

/// A triad whose ward the tenant reads results of; NotFound otherwise.
pub async fn triad(db: &Db, tenant: &Tenant, id: &str) -> Result<(Ward, TriadInfo), StoreError> {
    let t: Option<TriadInfo> = read!(db, |c| {
        sqlx::query_as(
        "SELECT t.id, t.code, t.round_id, r.name AS round_name, t.ward_id, t.resident_takes_part
         FROM triads t JOIN rounds r ON r.id = t.round_id WHERE t.id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await
    })?;
    let t = t.ok_or(StoreError::NotFound)?;
    let ward = results_ward(db, tenant, &t.ward_id).await?;
    Ok((ward, t))
}

/// Triads of a round on a ward (the group the triad page's suppression looks at).
pub async fn triad_count(db: &Db, ward_id: &str, round_id: &str) -> Result<i64, StoreError> {
    Ok(read!(db, |c| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM triads WHERE ward_id = $1 AND round_id = $2"
    )
    .bind(ward_id)
    .bind(round_id)
    .fetch_one(c)
    .await)?)
}

/// One fragment of a triad's conversation, with the keys of its themes.
#[derive(Debug, Clone, Serialize)]
pub struct TriadFragment {
    pub id: String,
    pub perspective: String,
    pub position: i64,
    pub speaker: String,
    pub text: String,
    pub valence: Option<String>,
    pub theme_ids: Vec<String>,
}

/// Every fragment of a triad's conversations, by perspective and position. The caller has
/// checked the triad with [`triad`].
pub async fn triad_fragments(db: &Db, triad_id: &str) -> Result<Vec<TriadFragment>, StoreError> {
    type Row = (
        String,
        String,
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = read!(db, |c| sqlx::query_as(
        "SELECT f.id, c.perspective, f.position, f.speaker, f.text, f.valence, ft.theme_id
         FROM conversations c
         JOIN fragments f ON f.conversation_id = c.id
         LEFT JOIN fragment_themes ft ON ft.fragment_id = f.id
         WHERE c.triad_id = $1
         ORDER BY c.perspective, f.position, ft.theme_id"
    )
    .bind(triad_id)
    .fetch_all(c)
    .await)?;
    let mut out: Vec<TriadFragment> = Vec::new();
    for (id, perspective, position, speaker, text, valence, theme) in rows {
        if out.last().is_none_or(|f| f.id != id) {
            out.push(TriadFragment {
                id,
                perspective,
                position,
                speaker,
                text,
                valence,
                theme_ids: Vec::new(),
            });
        }
        if let (Some(theme), Some(last)) = (theme, out.last_mut()) {
            last.theme_ids.push(theme);
        }
    }
    Ok(out)
}
