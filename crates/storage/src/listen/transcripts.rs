//! Transcripts and audio. Only pseudonymised text reaches this module (the raw text stays in the
//! review form); every read of a transcript is written to the audit log. Audio files live on
//! disk (the web layer streams them there); the database holds the file name, and the audio
//! goes when the transcript is checked or when it is too old.

use super::{conversation, conversation_to_work_on};
use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, now};
use crate::{in_tx, read};
use driehoek_domain::access::Tenant;
use driehoek_domain::listen::{check_audio_upload, check_mark_checked, check_transcript_upload};

/// Stores the pseudonymised transcript; the conversation becomes transcribed.
pub async fn save(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
    pseudonymised: &str,
    replacements: usize,
) -> Result<(), StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    check_transcript_upload(c.status())?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| sqlx::query(
        "UPDATE conversations SET transcript = $1, status = 'transcribed' WHERE id = $2"
    )
    .bind(pseudonymised)
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "transcript-saved")
            .at_path(&c.path())
            .subject(&c.subject())
            .detail(&replacements.to_string()),
    )
    .await?;
    tx.commit().await
}

/// Reads the (pseudonymised) transcript and writes the read to the audit log.
pub async fn read(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
) -> Result<Option<String>, StoreError> {
    let (c, _) = conversation(db, tenant, conversation_id).await?;
    let text: Option<String> = read!(db, |x| sqlx::query_scalar(
        "SELECT transcript FROM conversations WHERE id = $1"
    )
    .bind(conversation_id)
    .fetch_one(x)
    .await)?;
    if text.is_some() {
        audit::record(
            db,
            Entry::by(tenant, actor, "transcript-read")
                .at_path(&c.path())
                .subject(&c.subject()),
        )
        .await?;
    }
    Ok(text)
}

/// Marks the transcript checked. Returns the audio file to delete (the audio goes now).
pub async fn mark_checked(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
) -> Result<Option<String>, StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    check_mark_checked(c.status())?;
    let audio = audio_file(db, conversation_id).await?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| {
        sqlx::query(
        "UPDATE conversations SET status = 'checked', checked_at = $1, audio_file = NULL, audio_uploaded_at = NULL WHERE id = $2"
    )
    .bind(now())
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected())
    })?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "transcript-checked")
            .at_path(&c.path())
            .subject(&c.subject()),
    )
    .await?;
    if audio.is_some() {
        audit::record_tx(
            &mut tx,
            Entry::by(tenant, actor, "audio-deleted")
                .at_path(&c.path())
                .subject(&c.subject()),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(audio)
}

async fn audio_file(db: &Db, conversation_id: &str) -> Result<Option<String>, StoreError> {
    Ok(read!(db, |x| sqlx::query_scalar(
        "SELECT audio_file FROM conversations WHERE id = $1"
    )
    .bind(conversation_id)
    .fetch_optional(x)
    .await)?
    .flatten())
}

/// Checks, before any byte is received, that audio may be uploaded for this conversation.
pub async fn check_audio_allowed(
    db: &Db,
    tenant: &Tenant,
    conversation_id: &str,
) -> Result<(), StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    check_audio_upload(c.status(), c.consent_scope())?;
    Ok(())
}

/// Records an uploaded audio file. Returns the previous file, which the caller deletes.
pub async fn set_audio(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
    file: &str,
) -> Result<Option<String>, StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    check_audio_upload(c.status(), c.consent_scope())?;
    let previous = audio_file(db, conversation_id).await?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| sqlx::query(
        "UPDATE conversations SET audio_file = $1, audio_uploaded_at = $2 WHERE id = $3"
    )
    .bind(file)
    .bind(now())
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "audio-uploaded")
            .at_path(&c.path())
            .subject(&c.subject()),
    )
    .await?;
    tx.commit().await?;
    Ok(previous)
}

/// Audio uploaded before `before` (stored time format): (conversation id, file name).
pub async fn expired_audio(db: &Db, before: &str) -> Result<Vec<(String, String)>, StoreError> {
    Ok(read!(db, |x| {
        sqlx::query_as(
        "SELECT id, audio_file FROM conversations WHERE audio_file IS NOT NULL AND audio_uploaded_at < $1"
    )
    .bind(before)
    .fetch_all(x)
    .await
    })?)
}

/// Forgets the audio of a conversation after the sweep deleted the file.
pub async fn forget_audio(db: &Db, conversation_id: &str) -> Result<(), StoreError> {
    let c = super::load(db, conversation_id).await?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| sqlx::query(
        "UPDATE conversations SET audio_file = NULL, audio_uploaded_at = NULL WHERE id = $1"
    )
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::system("audio sweep", "audio-deleted")
            .at_path(&c.path())
            .subject(&c.subject())
            .detail("expired"),
    )
    .await?;
    tx.commit().await
}
