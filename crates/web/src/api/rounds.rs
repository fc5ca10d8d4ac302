//! Rounds in JSON: the scores of a round's triads.

use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use axum::Json;
use axum::extract::{Path, State};
use driehoek_storage::rounds::{self, TriadScoreRow};

/// `GET /api/v1/rounds/{round}/scores`: the scores of the round's triads that the user may read
/// results of, sorted by ward, then triad code. 404 for a round the user does not see or whose
/// results they may not read.
pub async fn scores(
    State(app): State<AppState>,
    me: Me,
    Path(round): Path<String>,
) -> Result<Json<Vec<TriadScoreRow>>, AppError> {
    Ok(Json(
        rounds::round_scores(&app.db, me.tenant(), &round).await?,
    ))
}
