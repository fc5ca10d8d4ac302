//! The JSON API under `/api/v1`. Authenticate with a personal API token
//! (`Authorization: Bearer …`) or a session cookie plus the `x-csrf-token` header. Errors are
//! RFC 9457 problem documents (see `error.rs`).

pub mod act;
pub mod listen;
pub mod openapi;
pub mod rounds;
pub mod structure;
pub mod users;

use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::pages::audit::{AuditQuery, may_read};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use driehoek_storage::audit;
use serde_json::json;

/// Answers 200 when the database answers, 503 otherwise.
pub async fn healthz(State(app): State<AppState>) -> Response {
    if app.db.ping().await {
        (StatusCode::OK, Json(json!({"status": "ok"}))).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "database unavailable"})),
        )
            .into_response()
    }
}

pub async fn me(me: Me) -> Json<serde_json::Value> {
    let grants: Vec<_> = me
        .tenant()
        .grants
        .iter()
        .map(|g| {
            json!({
                "role": g.role.key(),
                "network_id": g.path.network,
                "organisation_id": g.path.organisation,
                "location_id": g.path.location,
                "ward_id": g.path.ward,
            })
        })
        .collect();
    let u = &me.0.user;
    Json(json!({
        "id": u.id, "email": u.email, "display_name": u.display_name, "language": me.1.lang.code(),
        "network_id": u.network_id, "organisation_id": u.organisation_id, "roles": grants,
    }))
}

pub async fn audit(
    State(app): State<AppState>,
    me: Me,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<audit::AuditRow>>, AppError> {
    if !may_read(&me) {
        return Err(AppError::Forbidden);
    }
    let (filter, page) = q.filter();
    Ok(Json(
        audit::list(&app.db, me.tenant(), &filter, page * audit::PAGE).await?,
    ))
}

/// 201 with the new resource's id and location.
pub fn created(location: &str, id: &str) -> Response {
    let mut res = (StatusCode::CREATED, Json(json!({"id": id}))).into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(location) {
        res.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    res
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
