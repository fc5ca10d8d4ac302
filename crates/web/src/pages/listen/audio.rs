//! Audio of a conversation: streamed to a file in the audio folder chunk by chunk (never held in
//! memory whole), refused beyond the size limit (the partial file is deleted), only with consent
//! for a recording. Deleted when the transcript is checked, on withdrawal, and by the sweep after
//! the configured number of days.

use super::super::see_other;
use crate::auth::Me;
use crate::error::AppError;
use crate::{AppState, Config};
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Response};
use driehoek_domain::validate::Problem;
use driehoek_storage::listen::transcripts;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt as _;

/// Extensions of audio files accepted.
const AUDIO_TYPES: [&str; 8] = ["mp3", "m4a", "wav", "ogg", "oga", "webm", "aac", "flac"];

pub fn dir(config: &Config) -> PathBuf {
    if config.audio_dir.as_os_str().is_empty() {
        PathBuf::from("audio")
    } else {
        config.audio_dir.clone()
    }
}

pub fn max_bytes(config: &Config) -> u64 {
    if config.audio_max_bytes == 0 {
        500 * 1024 * 1024
    } else {
        config.audio_max_bytes
    }
}

pub fn keep_days(config: &Config) -> i64 {
    if config.audio_keep_days == 0 {
        30
    } else {
        i64::from(config.audio_keep_days)
    }
}

/// A stored file name is ours (`<uuid>.<ext>`), never a path.
fn safe(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !name.starts_with('.')
}

/// Deletes an audio file from the folder; a missing file is no error.
pub async fn delete_file(app: &AppState, name: &str) {
    if !safe(name) {
        return;
    }
    let path = dir(&app.config).join(name);
    if let Err(e) = tokio::fs::remove_file(&path).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(%e, file = %path.display(), "audio file could not be deleted");
    }
}

fn too_large(limit: u64) -> AppError {
    AppError::Invalid(vec![Problem::with_limit(
        "audio",
        "error-audio-too-large",
        (limit / (1024 * 1024)) as usize,
    )])
}

/// Receives the `audio` field of a multipart form and streams it to disk.
pub async fn upload(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, AppError> {
    transcripts::check_audio_allowed(&app.db, me.tenant(), &id).await?;
    let api = req.uri().path().starts_with("/api/");
    let limit = max_bytes(&app.config);
    if req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit + 64 * 1024)
    {
        return Err(too_large(limit));
    }
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|_| AppError::Invalid(vec![Problem::new("audio", "error-form")]))?;
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|_| AppError::Invalid(vec![Problem::new("audio", "error-form")]))?
    {
        if field.name() != Some("audio") {
            continue;
        }
        let ext = field
            .file_name()
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if !AUDIO_TYPES.contains(&ext.as_str()) {
            return Err(AppError::Invalid(vec![Problem::new(
                "audio",
                "error-audio-type",
            )]));
        }
        let folder = dir(&app.config);
        tokio::fs::create_dir_all(&folder)
            .await
            .map_err(|e| AppError::Internal(format!("audio folder: {e}")))?;
        let name = format!("{}.{ext}", driehoek_storage::new_id());
        let path = folder.join(&name);
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| AppError::Internal(format!("audio file: {e}")))?;
        let mut total: u64 = 0;
        let outcome: Result<(), AppError> = async {
            while let Some(chunk) = field
                .chunk()
                .await
                .map_err(|_| AppError::Invalid(vec![Problem::new("audio", "error-form")]))?
            {
                total += chunk.len() as u64;
                if total > limit {
                    return Err(too_large(limit));
                }
                file.write_all(&chunk)
                    .await
                    .map_err(|e| AppError::Internal(format!("audio write: {e}")))?;
            }
            file.flush()
                .await
                .map_err(|e| AppError::Internal(format!("audio write: {e}")))?;
            if total == 0 {
                return Err(AppError::Invalid(vec![Problem::new(
                    "audio",
                    "error-empty",
                )]));
            }
            Ok(())
        }
        .await;
        drop(file);
        if let Err(e) = outcome {
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e);
        }
        match transcripts::set_audio(&app.db, me.tenant(), me.email(), &id, &name).await {
            Ok(Some(previous)) => delete_file(&app, &previous).await,
            Ok(None) => {}
            Err(e) => {
                let _ = tokio::fs::remove_file(&path).await;
                return Err(e.into());
            }
        }
        return Ok(if api {
            (
                axum::http::StatusCode::CREATED,
                axum::Json(serde_json::json!({"bytes": total})),
            )
                .into_response()
        } else {
            see_other(&format!("/conversations/{id}"))
        });
    }
    Err(AppError::Invalid(vec![Problem::new(
        "audio",
        "error-empty",
    )]))
}

/// Deletes audio older than the configured number of days. Returns how many files went.
pub async fn sweep(app: &AppState) -> usize {
    let before = driehoek_storage::db_time_in_hours(-24 * keep_days(&app.config));
    let expired = match transcripts::expired_audio(&app.db, &before).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(%e, "audio sweep failed");
            return 0;
        }
    };
    let mut n = 0;
    for (conversation, file) in expired {
        delete_file(app, &file).await;
        match transcripts::forget_audio(&app.db, &conversation).await {
            Ok(()) => n += 1,
            Err(e) => tracing::warn!(%e, "audio sweep could not update a conversation"),
        }
    }
    n
}
