//! Double coding (method.md §2 step 7): a round asks a share of its conversations to be coded a
//! second time, blind. Second codes are stored apart (`second_codes`); the agreement page compares
//! them with the main codes (Cohen's kappa) and a consensus decision updates the main code.

use crate::coding::{self, CodingConversation, Fragment};
use crate::db::{Db, StoreError, now};
use crate::structure::{self, Ward};
use crate::{audit, in_tx, read};
use driehoek_domain::Valence;
use driehoek_domain::access::Tenant;
use driehoek_domain::coding::{Code, picked_for_double_coding};
use serde::Serialize;

/// The double-coding share of a round (0–100).
pub async fn percent(db: &Db, round_id: &str) -> Result<i64, StoreError> {
    let p: Option<i64> = read!(db, |c| sqlx::query_scalar(
        "SELECT double_coding_percent FROM rounds WHERE id = $1"
    )
    .bind(round_id)
    .fetch_optional(c)
    .await)?;
    p.ok_or(StoreError::NotFound)
}

/// Sets the share; only for users who manage the round's organisation (quality officers,
/// coordinators). The caller checked the ward and round.
pub async fn set_percent(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    ward: &Ward,
    round_id: &str,
    percent: i64,
) -> Result<(), StoreError> {
    structure::check_manages(tenant, &ward.path())?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE rounds SET double_coding_percent = $1 WHERE id = $2 AND organisation_id = $3"
    )
    .bind(percent)
    .bind(round_id)
    .bind(&ward.organisation_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        audit::Entry::by(tenant, actor, "double-coding-set")
            .at_path(&ward.path())
            .subject(round_id)
            .detail(&format!("{percent}%")),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A second code of a fragment.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SecondCode {
    pub valence: String,
    pub themes: Vec<String>,
    pub consensus: bool,
}

fn split_themes(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Opens a conversation for blind second coding: it must be picked for double coding, and the
/// user must not have coded any of its fragments. Returns the fragments WITHOUT their main codes
/// (valence "none", no themes) paired with the user's own second codes. The read is audited.
pub async fn open(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
) -> Result<
    (
        Ward,
        CodingConversation,
        Vec<(Fragment, Option<SecondCode>)>,
    ),
    StoreError,
> {
    let (ward, conv) = coding::conversation(db, tenant, conversation_id).await?;
    check_second_coder(db, tenant, &conv).await?;
    let (_, conv, list) = coding::open_unchecked(db, tenant, actor, conversation_id).await?;
    let seconds = second_codes(db, conversation_id).await?;
    let blind = list
        .into_iter()
        .map(|mut f| {
            f.valence = "none".into();
            f.themes.clear();
            f.coded = false;
            let own = seconds
                .iter()
                .find(|(id, _, _)| *id == f.id)
                .map(|(_, s, _)| s.clone());
            (f, own)
        })
        .collect();
    Ok((ward, conv, blind))
}

async fn check_second_coder(
    db: &Db,
    tenant: &Tenant,
    conv: &CodingConversation,
) -> Result<(), StoreError> {
    let p = percent(db, &conv.round_id).await?;
    if !picked_for_double_coding(&conv.id, p) {
        return Err(StoreError::Conflict("second-not-picked"));
    }
    let own: i64 = read!(db, |c| {
        sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM fragments WHERE conversation_id = $1 AND coded_by = $2"
    )
    .bind(&conv.id)
    .bind(&tenant.user_id)
    .fetch_one(c)
    .await
    })?;
    if own > 0 {
        return Err(StoreError::Conflict("second-same-coder"));
    }
    Ok(())
}

/// What a blind second coder might look at.
#[derive(Debug, Clone, Copy)]
pub enum Blind<'a> {
    /// One conversation (its coding page, saving a main code).
    Conversation(&'a str),
    /// The three conversations of a triad (its fragments page).
    Triad(&'a str),
    /// A round on a ward (the ward report, the exports).
    WardRound { ward: &'a str, round: &'a str },
}

/// SQL that is true when the user (the placeholder `user`) is the blind second coder of the one
/// conversation `c` a query is about ([`check_blind`] for a conversation, as a condition inside a
/// query that reads more): they gave second codes in it and some participant fragment still has
/// none. Cheap for one conversation: its fragments, or the user's second codes.
pub(crate) fn blind_in(user: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM second_codes bs JOIN fragments bf ON bf.id = bs.fragment_id
                 WHERE bs.coder_id = {user} AND bf.conversation_id = c.id)
         AND EXISTS (SELECT 1 FROM fragments uf LEFT JOIN second_codes us ON us.fragment_id = uf.id
                     WHERE uf.conversation_id = c.id AND uf.speaker = 'participant' AND us.fragment_id IS NULL)"
    )
}

/// The second coder works blind: while they have started but not finished the second coding of a
/// conversation in `scope` (some participant fragment still has no second code), the first
/// coding there (coding page, triad, report, exports) stays hidden from them. Once finished they
/// may compare on the agreement page. Conflict `coding-blind-second` while unfinished.
pub async fn check_blind(db: &Db, user_id: &str, scope: Blind<'_>) -> Result<(), StoreError> {
    // Driven by the coder's own second codes (index second_codes_coder): for nearly every user
    // there are none, and the answer costs one index probe. (For one conversation whose row is
    // at hand, [`blind_in`] asks the same.)
    const OPEN: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM conversations c \
        JOIN triads t ON t.id = c.triad_id \
        WHERE c.id IN (SELECT f.conversation_id FROM second_codes s \
                       JOIN fragments f ON f.id = s.fragment_id WHERE s.coder_id = $1) \
        AND EXISTS (SELECT 1 FROM fragments f LEFT JOIN second_codes s ON s.fragment_id = f.id \
                    WHERE f.conversation_id = c.id AND f.speaker = 'participant' \
                    AND s.fragment_id IS NULL)";
    let (filter, a, b) = match scope {
        Blind::Conversation(id) => ("AND c.id = $2", id, None),
        Blind::Triad(id) => ("AND t.id = $2", id, None),
        Blind::WardRound { ward, round } => {
            ("AND t.ward_id = $2 AND t.round_id = $3", ward, Some(round))
        }
    };
    let sql = sqlx::AssertSqlSafe(format!("{OPEN} {filter}"));
    let open: i64 = read!(db, |c| {
        let q = sqlx::query_scalar(sql).bind(user_id).bind(a);
        match b {
            Some(b) => q.bind(b),
            None => q,
        }
        .fetch_one(c)
        .await
    })?;
    if open > 0 {
        return Err(StoreError::Conflict("coding-blind-second"));
    }
    Ok(())
}

/// (fragment id, second code, coder id) of a conversation's second codes.
async fn second_codes(
    db: &Db,
    conversation_id: &str,
) -> Result<Vec<(String, SecondCode, Option<String>)>, StoreError> {
    type Row = (String, String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = read!(db, |c| {
        sqlx::query_as(
            "SELECT s.fragment_id, s.valence, s.themes, s.consensus_at, s.coder_id FROM second_codes s
         JOIN fragments f ON f.id = s.fragment_id WHERE f.conversation_id = $1",
        )
        .bind(conversation_id)
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, valence, themes, consensus, coder)| {
            (
                id,
                SecondCode {
                    valence,
                    themes: split_themes(&themes),
                    consensus: consensus.is_some(),
                },
                coder,
            )
        })
        .collect())
}

/// Saves the user's second code of a fragment. Returns the conversation id.
pub async fn save(
    db: &Db,
    tenant: &Tenant,
    fragment_id: &str,
    code: &Code,
) -> Result<String, StoreError> {
    let conv_id = coding::conversation_of_fragment(db, fragment_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let (_, conv) = coding::conversation(db, tenant, &conv_id).await?;
    check_second_coder(db, tenant, &conv).await?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM second_codes WHERE fragment_id = $1"
    )
    .bind(fragment_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO second_codes (fragment_id, coder_id, valence, themes, coded_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(fragment_id)
    .bind(&tenant.user_id)
    .bind(code.valence.key())
    .bind(code.themes.join(","))
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    tx.commit().await?;
    Ok(conv.id)
}

/// A fragment coded twice: its text, the main code and the second code.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub fragment_id: String,
    pub conversation_id: String,
    pub triad_code: String,
    pub perspective: String,
    pub text: String,
    pub first: SecondCode,
    pub second: SecondCode,
}

impl Pair {
    pub fn agrees(&self) -> bool {
        self.first.valence == self.second.valence && self.first.themes == self.second.themes
    }
}

/// Every fragment of a round on a ward that has a second code, with both codes (theme keys in
/// theme-set order). The caller checked the ward with [`coding::coding_ward`].
pub async fn pairs(db: &Db, ward_id: &str, round_id: &str) -> Result<Vec<Pair>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = read!(db, |c| {
        sqlx::query_as(
        "SELECT f.id, c.id, t.code, c.perspective, f.text, f.valence, s.valence, s.themes, s.consensus_at, th.key,
                s.first_valence, s.first_themes
         FROM second_codes s
         JOIN fragments f ON f.id = s.fragment_id
         JOIN conversations c ON c.id = f.conversation_id
         JOIN triads t ON t.id = c.triad_id
         LEFT JOIN fragment_themes ft ON ft.fragment_id = f.id
         LEFT JOIN themes th ON th.id = ft.theme_id
         WHERE t.ward_id = $1 AND t.round_id = $2
         ORDER BY t.code, c.perspective, f.position, th.position"
    )
    .bind(ward_id)
    .bind(round_id)
    .fetch_all(c)
    .await
    })?;
    let mut out: Vec<Pair> = Vec::new();
    for (
        id,
        conv,
        code,
        perspective,
        text,
        valence,
        s_valence,
        s_themes,
        consensus,
        theme,
        first_valence,
        first_themes,
    ) in rows
    {
        if out.last().is_none_or(|p| p.fragment_id != id) {
            // After a consensus the main code is the decision; compare with the code it replaced.
            let snapshot =
                first_valence.map(|v| (v, split_themes(first_themes.as_deref().unwrap_or(""))));
            out.push(Pair {
                fragment_id: id,
                conversation_id: conv,
                triad_code: code,
                perspective,
                text,
                first: SecondCode {
                    valence: snapshot.as_ref().map_or_else(
                        || {
                            valence
                                .clone()
                                .unwrap_or_else(|| Valence::None.key().into())
                        },
                        |s| s.0.clone(),
                    ),
                    themes: snapshot.as_ref().map_or_else(Vec::new, |s| s.1.clone()),
                    consensus: snapshot.is_some(),
                },
                second: SecondCode {
                    valence: s_valence,
                    themes: split_themes(&s_themes),
                    consensus: consensus.is_some(),
                },
            });
        }
        if let (Some(theme), Some(last)) = (theme, out.last_mut())
            && !last.first.consensus
        {
            last.first.themes.push(theme);
        }
    }
    Ok(out)
}

/// Records the consensus decision for a fragment: it becomes the main code (and the second code
/// is marked as settled). Returns the conversation id.
pub async fn consensus(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    fragment_id: &str,
    code: &Code,
) -> Result<String, StoreError> {
    // Checked before anything is written: a conversation that may not be coded gets no
    // half-recorded consensus.
    let target = coding::target(db, tenant, fragment_id).await?;
    let current = coding::fragments(db, &target.conv.id)
        .await?
        .into_iter()
        .find(|f| f.id == fragment_id)
        .ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let n = in_tx!(&mut tx, |c| {
        sqlx::query(
        "UPDATE second_codes SET consensus_at = $1, first_valence = COALESCE(first_valence, $2), first_themes = COALESCE(first_themes, $3)
         WHERE fragment_id = $4"
    )
    .bind(now())
    .bind(&current.valence)
    .bind(current.themes.join(","))
    .bind(fragment_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record_tx(
        &mut tx,
        audit::Entry::by(tenant, actor, "coding-consensus")
            .at_path(&target.ward.path())
            .subject(fragment_id),
    )
    .await?;
    tx.commit().await?;
    coding::save_code(db, &tenant.user_id, &target, code).await?;
    Ok(target.conv.id)
}

/// Which conversations of a round on a ward are picked for double coding.
pub async fn picked(
    db: &Db,
    ward_id: &str,
    round_id: &str,
) -> Result<Vec<coding::ConversationProgress>, StoreError> {
    let p = percent(db, round_id).await?;
    Ok(coding::round_progress(db, ward_id, round_id)
        .await?
        .into_iter()
        .filter(|c| picked_for_double_coding(&c.id, p))
        .collect())
}
