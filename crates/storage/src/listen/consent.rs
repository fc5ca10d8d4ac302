//! Consent per conversation (method §2 step 4, §5): who gave it, when, for what. Withdrawal
//! deletes the conversation's transcript, fragments (with their themes), checklist and audio for
//! real; the audit log records only that it happened.

use super::{Consent, conversation_to_work_on};
use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, now};
use crate::{in_tx, read};
use driehoek_domain::access::Tenant;
use driehoek_domain::listen::{ConsentGiver, ConsentScope, ConversationStatus};

/// The consent of a conversation, if recorded.
pub async fn of(db: &Db, conversation_id: &str) -> Result<Option<Consent>, StoreError> {
    Ok(read!(db, |c| sqlx::query_as(
        "SELECT conversation_id, given_by, given_on, for_conversation, for_audio, for_quotes,
                recorded_by, recorded_at, withdrawn_at
         FROM consents WHERE conversation_id = $1"
    )
    .bind(conversation_id)
    .fetch_optional(c)
    .await)?)
}

/// Records (or corrects) the consent of a conversation: by whoever manages the ward or the
/// assigned interviewer. Not after withdrawal.
pub async fn record(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
    given_by: ConsentGiver,
    given_on: &str,
    scope: ConsentScope,
) -> Result<(), StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    if c.status() == ConversationStatus::Withdrawn {
        return Err(StoreError::Conflict("error-withdrawn"));
    }
    if c.status().is_held() && !scope.conversation {
        // Taking back consent for a held conversation is a withdrawal, which has its own button.
        return Err(StoreError::Conflict("error-use-withdraw"));
    }
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| sqlx::query(
        "DELETE FROM consents WHERE conversation_id = $1"
    )
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |x| {
        sqlx::query(
        "INSERT INTO consents (conversation_id, given_by, given_on, for_conversation, for_audio, for_quotes, recorded_by, recorded_at, withdrawn_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)"
    )
    .bind(conversation_id)
    .bind(given_by.key())
    .bind(given_on)
    .bind(scope.conversation)
    .bind(scope.audio)
    .bind(scope.quotes)
    .bind(actor)
    .bind(now())
    .execute(x)
    .await
    .map(|r| r.rows_affected())
    })?;
    let what: Vec<&str> = [
        (scope.conversation, "conversation"),
        (scope.audio, "audio"),
        (scope.quotes, "quotes"),
    ]
    .into_iter()
    .filter_map(|(on, k)| on.then_some(k))
    .collect();
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "consent-recorded")
            .at_path(&c.path())
            .subject(&c.subject())
            .detail(&what.join(",")),
    )
    .await?;
    tx.commit().await
}

/// Withdraws consent: deletes the transcript, the fragments and their themes, the adherence
/// checklist and the audio reference (DELETE, not a flag), and marks the conversation withdrawn.
/// Returns the audio file name, which the caller deletes from disk.
pub async fn withdraw(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
) -> Result<Option<String>, StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    if c.status() == ConversationStatus::Withdrawn {
        return Err(StoreError::Conflict("error-withdrawn"));
    }
    let audio: Option<String> = read!(db, |x| sqlx::query_scalar(
        "SELECT audio_file FROM conversations WHERE id = $1"
    )
    .bind(conversation_id)
    .fetch_one(x)
    .await)?;
    let mut tx = db.begin().await?;
    for sql in [
        "DELETE FROM fragment_themes WHERE fragment_id IN (SELECT id FROM fragments WHERE conversation_id = $1)",
        "DELETE FROM fragments WHERE conversation_id = $1",
        "DELETE FROM adherence_checklists WHERE conversation_id = $1",
        "UPDATE conversations SET transcript = NULL, audio_file = NULL, audio_uploaded_at = NULL,
                checked_at = NULL, status = 'withdrawn' WHERE id = $1",
        "UPDATE consents SET for_conversation = FALSE, for_audio = FALSE, for_quotes = FALSE
         WHERE conversation_id = $1",
    ] {
        in_tx!(&mut tx, |x| sqlx::query(sql)
            .bind(conversation_id)
            .execute(x)
            .await
            .map(|r| r.rows_affected()))?;
    }
    let at = now();
    in_tx!(&mut tx, |x| sqlx::query(
        "UPDATE consents SET withdrawn_at = $1 WHERE conversation_id = $2"
    )
    .bind(&at)
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "consent-withdrawn")
            .at_path(&c.path())
            .subject(&c.subject()),
    )
    .await?;
    tx.commit().await?;
    Ok(audio)
}
