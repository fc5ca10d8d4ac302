//! Coding in the database (method.md §2 step 7): fragments proposed from a checked transcript,
//! valence and themes per fragment, merge and split, progress per conversation and round.
//!
//! A fragment counts as coded when `coded_at` is set, or when its conversation has status
//! `coded` (demo data and imports arrive coded). Before anyone changes a `coded` conversation its
//! fragments are stamped, so the two rules never disagree; when every fragment of a `checked`
//! conversation is coded, the conversation becomes `coded`, and a split makes it `checked` again.
//!
//! Every entry point checks the conversation's ward with [`structure::ward`] and
//! [`driehoek_domain::coding::may_code`]; NotFound otherwise.

use crate::audit::{self, Entry};
use crate::bulk::{Val, insert_many};
use crate::db::{Db, StoreError, Tx, new_id, now};
use crate::second_coding::{self, Blind};
use crate::structure::{self, Ward};
use crate::{in_tx, read};
use driehoek_domain::Valence;
use driehoek_domain::access::Tenant;
use driehoek_domain::coding::{Code, may_code};
use driehoek_domain::segment::{merge, segment, split_at};
use serde::Serialize;

/// A conversation as the coding page needs it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CodingConversation {
    pub id: String,
    pub perspective: String,
    pub status: String,
    pub triad_id: String,
    pub triad_code: String,
    pub ward_id: String,
    pub round_id: String,
    pub round_name: String,
    pub theme_set_id: String,
}

/// A conversation the tenant may code; NotFound otherwise.
pub async fn conversation(
    db: &Db,
    tenant: &Tenant,
    id: &str,
) -> Result<(Ward, CodingConversation), StoreError> {
    let c: Option<CodingConversation> = read!(db, |c| {
        sqlx::query_as(
        "SELECT c.id, c.perspective, c.status, t.id AS triad_id, t.code AS triad_code, t.ward_id,
                r.id AS round_id, r.name AS round_name, r.theme_set_id
         FROM conversations c JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id
         WHERE c.id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await
    })?;
    let c = c.ok_or(StoreError::NotFound)?;
    let ward = structure::ward(db, tenant, &c.ward_id).await?;
    if !may_code(tenant, &ward.path()) {
        return Err(StoreError::NotFound);
    }
    Ok((ward, c))
}

/// A ward the tenant may code on; NotFound otherwise.
pub async fn coding_ward(db: &Db, tenant: &Tenant, ward_id: &str) -> Result<Ward, StoreError> {
    let ward = structure::ward(db, tenant, ward_id).await?;
    if !may_code(tenant, &ward.path()) {
        return Err(StoreError::NotFound);
    }
    Ok(ward)
}

/// One fragment on the coding page.
#[derive(Debug, Clone, Serialize)]
pub struct Fragment {
    pub id: String,
    pub position: i64,
    pub speaker: String,
    pub text: String,
    /// `positive`, `negative` or `none`.
    pub valence: String,
    pub coded: bool,
    /// Keys of its themes, in theme-set order.
    pub themes: Vec<String>,
}

/// The fragments of a conversation in order, with their codes.
pub async fn fragments(db: &Db, conversation_id: &str) -> Result<Vec<Fragment>, StoreError> {
    type Row = (
        String,
        i64,
        String,
        String,
        Option<String>,
        bool,
        Option<String>,
    );
    let rows: Vec<Row> = read!(db, |c| sqlx::query_as(
        "SELECT f.id, f.position, f.speaker, f.text, f.valence,
                (f.coded_at IS NOT NULL OR c.status = 'coded') AS coded, th.key
         FROM fragments f
         JOIN conversations c ON c.id = f.conversation_id
         LEFT JOIN fragment_themes ft ON ft.fragment_id = f.id
         LEFT JOIN themes th ON th.id = ft.theme_id
         WHERE f.conversation_id = $1
         ORDER BY f.position, th.position"
    )
    .bind(conversation_id)
    .fetch_all(c)
    .await)?;
    let mut out: Vec<Fragment> = Vec::new();
    for (id, position, speaker, text, valence, coded, theme) in rows {
        if out.last().is_none_or(|f| f.id != id) {
            out.push(Fragment {
                id,
                position,
                speaker,
                text,
                valence: valence.unwrap_or_else(|| "none".into()),
                coded,
                themes: Vec::new(),
            });
        }
        if let (Some(theme), Some(last)) = (theme, out.last_mut()) {
            last.themes.push(theme);
        }
    }
    Ok(out)
}

/// Conversations in these statuses have a checked, pseudonymised transcript and may be coded.
pub const CODABLE: [&str; 2] = ["checked", "coded"];

/// Opens a conversation for coding: checks access and status, proposes fragments from the
/// transcript the first time, writes `transcript-read` to the audit log, and returns the
/// fragments. Conflict `coding-not-checked` before the transcript is checked, and
/// `coding-blind-second` for the conversation's blind second coder.
pub async fn open(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    id: &str,
) -> Result<(Ward, CodingConversation, Vec<Fragment>), StoreError> {
    second_coding::check_blind(db, &tenant.user_id, Blind::Conversation(id)).await?;
    open_unchecked(db, tenant, actor, id).await
}

/// [`open`] without the blindness check: for the second coding page, which hides the codes itself.
pub(crate) async fn open_unchecked(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    id: &str,
) -> Result<(Ward, CodingConversation, Vec<Fragment>), StoreError> {
    let (ward, conv) = conversation(db, tenant, id).await?;
    if !CODABLE.contains(&conv.status.as_str()) {
        return Err(StoreError::Conflict("coding-not-checked"));
    }
    let mut tx = db.begin().await?;
    let existing: i64 = in_tx!(&mut tx, |c| sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM fragments WHERE conversation_id = $1"
    )
    .bind(id)
    .fetch_one(c)
    .await)?;
    if existing == 0 {
        let transcript: Option<String> = in_tx!(&mut tx, |c| sqlx::query_scalar(
            "SELECT transcript FROM conversations WHERE id = $1"
        )
        .bind(id)
        .fetch_one(c)
        .await)?;
        for (pos, f) in segment(transcript.as_deref().unwrap_or(""))
            .into_iter()
            .enumerate()
        {
            in_tx!(&mut tx, |c| {
                sqlx::query(
                "INSERT INTO fragments (id, conversation_id, position, speaker, text, valence) VALUES ($1, $2, $3, $4, $5, NULL)"
            )
            .bind(new_id())
            .bind(id)
            .bind(pos as i64)
            .bind(f.speaker.key())
            .bind(&f.text)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
            })?;
        }
    }
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "transcript-read")
            .at_path(&ward.path())
            .subject(&format!("{} {}", conv.triad_code, conv.perspective))
            .detail("coding"),
    )
    .await?;
    tx.commit().await?;
    let list = fragments(db, id).await?;
    Ok((ward, conv, list))
}

/// The conversation id of a fragment, unchecked: callers pass it to [`conversation`].
pub async fn conversation_of_fragment(
    db: &Db,
    fragment_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(read!(db, |c| sqlx::query_scalar(
        "SELECT conversation_id FROM fragments WHERE id = $1"
    )
    .bind(fragment_id)
    .fetch_optional(c)
    .await)?)
}

/// Stamps the fragments of a `coded` conversation, so that the status rule and the stamps agree
/// before the coding changes.
async fn stamp_if_coded(tx: &mut Tx, conv: &CodingConversation) -> Result<(), StoreError> {
    if conv.status == "coded" {
        in_tx!(tx, |c| sqlx::query(
            "UPDATE fragments SET coded_at = $1 WHERE conversation_id = $2 AND coded_at IS NULL"
        )
        .bind(now())
        .bind(&conv.id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Sets the conversation's status from its fragments: `coded` when all are coded, else `checked`.
/// Returns the conversation's coding progress.
async fn settle_status(tx: &mut Tx, conversation_id: &str) -> Result<Progress, StoreError> {
    let (total, open): (i64, i64) = in_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN coded_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM fragments WHERE conversation_id = $1"
    )
    .bind(conversation_id)
    .fetch_one(c)
    .await
    })?;
    let status = if open == 0 { "coded" } else { "checked" };
    in_tx!(tx, |c| sqlx::query(
        "UPDATE conversations SET status = $1 WHERE id = $2 AND status IN ('checked', 'coded')"
    )
    .bind(status)
    .bind(conversation_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(Progress {
        coded: total - open,
        total,
    })
}

/// How many fragments of a conversation are coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub coded: i64,
    pub total: i64,
}

/// A fragment about to be coded, read once with everything that coding it needs.
#[derive(Debug, Clone)]
pub struct CodingTarget {
    pub ward: Ward,
    pub conv: CodingConversation,
    pub fragment_id: String,
    pub position: i64,
    pub speaker: String,
    pub text: String,
    /// (key, id) of the round's themes, in theme-set order.
    pub themes: Vec<(String, String)>,
    /// The user who read it is the conversation's blind second coder (and may not code it).
    pub blind: bool,
}

impl CodingTarget {
    /// The keys of the round's themes, in theme-set order.
    pub fn theme_keys(&self) -> Vec<&str> {
        self.themes.iter().map(|(k, _)| k.as_str()).collect()
    }
}

/// The fragment, its conversation, ward and themes, when the tenant may code it: NotFound
/// otherwise, Conflict `coding-not-checked` before the transcript is checked.
pub async fn target(
    db: &Db,
    tenant: &Tenant,
    fragment_id: &str,
) -> Result<CodingTarget, StoreError> {
    // One query for what three would read (fragment, ward, themes): it runs on every save.
    let themes = match db {
        Db::Sqlite { .. } => {
            "SELECT json_group_array(json_array(th.key, th.id) ORDER BY th.position) FROM themes th WHERE th.theme_set_id = r.theme_set_id"
        }
        Db::Postgres(_) => {
            "SELECT CAST(json_agg(json_build_array(th.key, th.id) ORDER BY th.position) AS TEXT) FROM themes th WHERE th.theme_set_id = r.theme_set_id"
        }
    };
    // The user is `$2` (see [`second_coding::blind_in`]).
    let blind = second_coding::blind_in("$2");
    let sql = format!(
        "SELECT f.position, f.speaker, f.text, c.id, c.perspective, c.status, t.id AS triad_id,
                t.code AS triad_code, t.ward_id, r.id AS round_id, r.name AS round_name, r.theme_set_id,
                w.location_id, l.organisation_id, o.network_id, w.name AS ward_name,
                w.created_at AS ward_created_at, ({themes}) AS themes,
                ({blind}) AS blind
         FROM fragments f JOIN conversations c ON c.id = f.conversation_id
         JOIN triads t ON t.id = c.triad_id JOIN rounds r ON r.id = t.round_id
         JOIN wards w ON w.id = t.ward_id JOIN locations l ON l.id = w.location_id
         JOIN organisations o ON o.id = l.organisation_id
         WHERE f.id = $1"
    );
    let row: Option<TargetRow> = read!(db, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(fragment_id)
            .bind(&tenant.user_id)
            .fetch_optional(c)
            .await
    })?;
    let row = row.ok_or(StoreError::NotFound)?;
    let ward = Ward {
        id: row.conv.ward_id.clone(),
        location_id: row.location_id,
        organisation_id: row.organisation_id,
        network_id: row.network_id,
        name: row.ward_name,
        created_at: row.ward_created_at,
    };
    if !tenant.sees(&ward.path()) || !may_code(tenant, &ward.path()) {
        return Err(StoreError::NotFound);
    }
    if !CODABLE.contains(&row.conv.status.as_str()) {
        return Err(StoreError::Conflict("coding-not-checked"));
    }
    let themes: Vec<(String, String)> = serde_json::from_str(row.themes.as_deref().unwrap_or("[]"))
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    Ok(CodingTarget {
        ward,
        conv: row.conv,
        fragment_id: fragment_id.to_string(),
        position: row.position,
        speaker: row.speaker,
        text: row.text,
        themes,
        blind: row.blind,
    })
}

/// The columns [`target`] reads: the fragment and its conversation as [`conversation`] has it,
/// its ward, and its round's themes as a JSON array of [key, id] pairs.
#[derive(sqlx::FromRow)]
struct TargetRow {
    position: i64,
    speaker: String,
    text: String,
    #[sqlx(flatten)]
    conv: CodingConversation,
    location_id: String,
    organisation_id: String,
    network_id: String,
    ward_name: String,
    ward_created_at: String,
    themes: Option<String>,
    blind: bool,
}

/// The (key, id) pairs of the themes of a set.
pub async fn theme_keys(db: &Db, theme_set_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    crate::themes::theme_ids(db, theme_set_id).await
}

/// Saves a fragment's code (validated by the caller with
/// [`driehoek_domain::coding::validate_code`] against `target`'s theme keys). Returns the
/// conversation's progress. Conflict `coding-blind-second` for its blind second coder.
pub async fn save_code(
    db: &Db,
    user_id: &str,
    target: &CodingTarget,
    code: &Code,
) -> Result<Progress, StoreError> {
    let conv = &target.conv;
    if target.blind {
        return Err(StoreError::Conflict("coding-blind-second"));
    }
    let mut theme_ids = Vec::with_capacity(code.themes.len());
    for key in &code.themes {
        let Some((_, id)) = target.themes.iter().find(|(k, _)| k == key) else {
            return Err(StoreError::Conflict("coding-unknown-theme"));
        };
        theme_ids.push(id.as_str());
    }
    let fragment_id = target.fragment_id.as_str();
    let valence = (code.valence != Valence::None).then(|| code.valence.key());
    if let Db::Sqlite { write, .. } = db {
        let themes = serde_json::to_string(&theme_ids)
            .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
        let save = SqliteSave {
            now: now(),
            conversation_id: conv.id.clone(),
            valence: valence.map(str::to_owned),
            user_id: user_id.to_owned(),
            fragment_id: fragment_id.to_owned(),
            themes,
            stamp_all: conv.status == "coded",
        };
        // Its own task: once begun, the save ends in a commit or a rollback even when the
        // request that asked for it goes away (a dropped future would leave the transaction
        // open on the one writing connection).
        let (total, open) = tokio::spawn(save.run(write.clone()))
            .await
            .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e.to_string())))??;
        return Ok(Progress {
            coded: total - open,
            total,
        });
    }
    let mut tx = db.begin().await?;
    stamp_if_coded(&mut tx, conv).await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE fragments SET valence = $1, coded_at = $2, coded_by = $3 WHERE id = $4"
    )
    .bind(valence)
    .bind(now())
    .bind(user_id)
    .bind(fragment_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM fragment_themes WHERE fragment_id = $1"
    )
    .bind(fragment_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    insert_many(
        &mut tx,
        "INSERT INTO fragment_themes (fragment_id, theme_id)",
        &theme_ids,
        |id| [Val::Text(fragment_id), Val::Text(id)],
    )
    .await?;
    let progress = settle_status(&mut tx, &conv.id).await?;
    tx.commit().await?;
    Ok(progress)
}

/// A coding save on SQLite, in one trip to the writing connection's thread. SQLite has one
/// writer: each statement would be a trip while the other saves wait for the write lock, so
/// begin, the changes, the progress and the commit go as one batch (sqlx binds `$n` in every
/// statement of it). PostgreSQL runs the same steps as separate statements in [`save_code`].
struct SqliteSave {
    now: String,
    conversation_id: String,
    valence: Option<String>,
    user_id: String,
    fragment_id: String,
    /// The theme ids as a JSON array.
    themes: String,
    /// The conversation was `coded`: stamp its fragments first (see [`stamp_if_coded`]).
    stamp_all: bool,
}

impl SqliteSave {
    /// (fragments, of which uncoded) of the conversation after the save.
    async fn run(self, write: sqlx::SqlitePool) -> Result<(i64, i64), StoreError> {
        let mut conn = write.acquire().await?;
        // All rows are read (`fetch_all`): the driver stops a batch at the first row otherwise,
        // before its COMMIT.
        let done: Result<Vec<(i64, i64)>, sqlx::Error> = sqlx::query_as(
            "BEGIN IMMEDIATE;
             UPDATE fragments SET coded_at = $1
               WHERE $7 AND conversation_id = $2 AND coded_at IS NULL;
             UPDATE fragments SET valence = $3, coded_at = $1, coded_by = $4 WHERE id = $5;
             DELETE FROM fragment_themes WHERE fragment_id = $5;
             INSERT INTO fragment_themes (fragment_id, theme_id)
               SELECT $5, value FROM json_each($6) WHERE true;
             UPDATE conversations SET status = CASE WHEN EXISTS (
                 SELECT 1 FROM fragments WHERE conversation_id = $2 AND coded_at IS NULL)
               THEN 'checked' ELSE 'coded' END
               WHERE id = $2 AND status IN ('checked', 'coded');
             SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(CASE WHEN coded_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)
               FROM fragments WHERE conversation_id = $2;
             COMMIT",
        )
        .bind(&self.now)
        .bind(&self.conversation_id)
        .bind(&self.valence)
        .bind(&self.user_id)
        .bind(&self.fragment_id)
        .bind(&self.themes)
        .bind(self.stamp_all)
        .fetch_all(&mut *conn)
        .await;
        match done {
            Ok(rows) => rows.first().copied().ok_or(StoreError::NotFound),
            Err(e) => {
                // A statement failed inside the transaction: nothing of it may stay. Should the
                // rollback fail too, the connection is not given back but closed.
                if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                    conn.close_on_drop();
                }
                Err(e.into())
            }
        }
    }
}

/// Merges a fragment with the next one of its conversation: one text, the union of their themes,
/// the valence when both agree; the result needs coding again. Conflict `coding-no-next` for the
/// last fragment. Returns (conversation id, merged fragment id).
pub async fn merge_with_next(
    db: &Db,
    tenant: &Tenant,
    fragment_id: &str,
) -> Result<(String, String), StoreError> {
    type Row = (String, String, Option<String>);
    let CodingTarget { conv, position, .. } = target(db, tenant, fragment_id).await?;
    let mut tx = db.begin().await?;
    stamp_if_coded(&mut tx, &conv).await?;
    let pair: Vec<Row> = in_tx!(&mut tx, |c| {
        sqlx::query_as(
        "SELECT id, text, valence FROM fragments WHERE conversation_id = $1 AND position >= $2 ORDER BY position LIMIT 2"
    )
    .bind(&conv.id)
    .bind(position)
    .fetch_all(c)
    .await
    })?;
    let [first, second] =
        <[Row; 2]>::try_from(pair).map_err(|_| StoreError::Conflict("coding-no-next"))?;
    let valence = if first.2 == second.2 {
        first.2.clone()
    } else {
        None
    };
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "UPDATE fragments SET text = $1, valence = $2, coded_at = NULL, coded_by = NULL WHERE id = $3"
    )
    .bind(merge(&first.1, &second.1))
    .bind(valence)
    .bind(&first.0)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    in_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO fragment_themes (fragment_id, theme_id)
         SELECT $1, theme_id FROM fragment_themes WHERE fragment_id = $2
           AND theme_id NOT IN (SELECT theme_id FROM fragment_themes WHERE fragment_id = $1)"
    )
    .bind(&first.0)
    .bind(&second.0)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM fragments WHERE id = $1"
    )
    .bind(&second.0)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    settle_status(&mut tx, &conv.id).await?;
    tx.commit().await?;
    Ok((conv.id, first.0))
}

/// Splits a fragment at a character position into two; both keep the code but need coding
/// again. Conflict `coding-bad-split` when a half would be empty. Returns (conversation id, id of
/// the new second fragment).
pub async fn split(
    db: &Db,
    tenant: &Tenant,
    fragment_id: &str,
    at_char: usize,
) -> Result<(String, String), StoreError> {
    let CodingTarget { conv, position, .. } = target(db, tenant, fragment_id).await?;
    let mut tx = db.begin().await?;
    stamp_if_coded(&mut tx, &conv).await?;
    let (speaker, text, valence): (String, String, Option<String>) = in_tx!(&mut tx, |c| {
        sqlx::query_as("SELECT speaker, text, valence FROM fragments WHERE id = $1")
            .bind(fragment_id)
            .fetch_one(c)
            .await
    })?;
    let (a, b) = split_at(&text, at_char).ok_or(StoreError::Conflict("coding-bad-split"))?;
    // Make room after the fragment: via negative positions, so no unique check trips half-way.
    for sql in [
        "UPDATE fragments SET position = -(position + 2) WHERE conversation_id = $1 AND position > $2",
        "UPDATE fragments SET position = -position - 1 WHERE conversation_id = $1 AND position < 0",
    ] {
        in_tx!(&mut tx, |c| sqlx::query(sql)
            .bind(&conv.id)
            .bind(position)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    let new = new_id();
    in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE fragments SET text = $1, coded_at = NULL, coded_by = NULL WHERE id = $2"
    )
    .bind(&a)
    .bind(fragment_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO fragments (id, conversation_id, position, speaker, text, valence) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(&new)
    .bind(&conv.id)
    .bind(position + 1)
    .bind(&speaker)
    .bind(&b)
    .bind(&valence)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO fragment_themes (fragment_id, theme_id) SELECT $1, theme_id FROM fragment_themes WHERE fragment_id = $2"
    )
    .bind(&new)
    .bind(fragment_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    settle_status(&mut tx, &conv.id).await?;
    tx.commit().await?;
    Ok((conv.id, new))
}

/// Coding progress of one conversation on a round's coding list.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationProgress {
    pub id: String,
    pub triad_code: String,
    pub perspective: String,
    pub status: String,
    pub coded: i64,
    pub total: i64,
}

/// Every conversation of a round on a ward with its coding progress, by triad and perspective.
/// The caller has checked the ward with [`coding_ward`] or a results check.
pub async fn round_progress(
    db: &Db,
    ward_id: &str,
    round_id: &str,
) -> Result<Vec<ConversationProgress>, StoreError> {
    type Row = (String, String, String, String, i64, i64);
    let rows: Vec<Row> = read!(db, |c| {
        sqlx::query_as(
        "SELECT c.id, t.code, c.perspective, c.status,
                CAST(COALESCE(SUM(CASE WHEN f.id IS NOT NULL AND (f.coded_at IS NOT NULL OR c.status = 'coded') THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COUNT(f.id) AS BIGINT)
         FROM triads t JOIN conversations c ON c.triad_id = t.id
         LEFT JOIN fragments f ON f.conversation_id = c.id
         WHERE t.ward_id = $1 AND t.round_id = $2
         GROUP BY c.id, t.code, c.perspective, c.status
         ORDER BY t.code, c.perspective"
    )
    .bind(ward_id)
    .bind(round_id)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, triad_code, perspective, status, coded, total)| ConversationProgress {
                id,
                triad_code,
                perspective,
                status,
                coded,
                total,
            },
        )
        .collect())
}

/// A coded fragment of a network, to learn code suggestions from.
#[derive(Debug, Clone)]
pub struct Learned {
    pub text: String,
    pub valence: Valence,
    pub themes: Vec<String>,
}

/// Every coded participant fragment of a network with its valence and theme keys: what the
/// suggestions learn from (method: the network's own coding, nobody else's).
pub async fn learned(db: &Db, network_id: &str) -> Result<Vec<Learned>, StoreError> {
    type Row = (String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = read!(db, |c| sqlx::query_as(
        "SELECT f.id, f.text, f.valence, th.key
         FROM fragments f
         JOIN conversations c ON c.id = f.conversation_id
         JOIN triads t ON t.id = c.triad_id
         JOIN rounds r ON r.id = t.round_id
         JOIN organisations o ON o.id = r.organisation_id
         LEFT JOIN fragment_themes ft ON ft.fragment_id = f.id
         LEFT JOIN themes th ON th.id = ft.theme_id
         WHERE o.network_id = $1 AND f.speaker = 'participant'
           AND (f.coded_at IS NOT NULL OR c.status = 'coded')
         ORDER BY f.id"
    )
    .bind(network_id)
    .fetch_all(c)
    .await)?;
    let mut out: Vec<(String, Learned)> = Vec::new();
    for (id, text, valence, theme) in rows {
        if out.last().is_none_or(|(last, _)| *last != id) {
            let valence = valence
                .as_deref()
                .and_then(Valence::parse)
                .unwrap_or(Valence::None);
            out.push((
                id,
                Learned {
                    text,
                    valence,
                    themes: Vec::new(),
                },
            ));
        }
        if let (Some(theme), Some((_, last))) = (theme, out.last_mut()) {
            last.themes.push(theme);
        }
    }
    Ok(out.into_iter().map(|(_, l)| l).collect())
}
