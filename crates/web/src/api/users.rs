//! Accounts and roles in JSON.

use super::{created, no_content};
use crate::AppState;
use crate::auth::{self, Me};
use crate::error::AppError;
use crate::input::Input;
use crate::pages::users::{create_account, new_account, role_input};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::validate;
use driehoek_storage::accounts::{self, RoleRow, User};
use serde::Serialize;

#[derive(Serialize)]
pub struct UserWithRoles {
    #[serde(flatten)]
    user: User,
    roles: Vec<RoleRow>,
}

pub async fn list(
    State(app): State<AppState>,
    me: Me,
) -> Result<Json<Vec<UserWithRoles>>, AppError> {
    let users = accounts::users(&app.db, me.tenant()).await?;
    Ok(Json(
        users
            .into_iter()
            .map(|(user, roles)| UserWithRoles { user, roles })
            .collect(),
    ))
}

pub async fn show(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<UserWithRoles>, AppError> {
    let user = accounts::user(&app.db, me.tenant(), &id).await?;
    let roles = accounts::roles_of(&app.db, me.tenant(), &id).await?;
    Ok(Json(UserWithRoles { user, roles }))
}

pub async fn create(
    State(app): State<AppState>,
    me: Me,
    input: Input,
) -> Result<Response, AppError> {
    let a = new_account(&app.db, me.tenant(), &input).await?;
    let id = create_account(&app, &me, a).await?;
    Ok(created(&format!("/api/v1/users/{id}"), &id))
}

pub async fn delete(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    accounts::delete_user(&app.db, me.tenant(), me.email(), &id).await?;
    Ok(no_content())
}

pub async fn grant_role(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    accounts::user(&app.db, me.tenant(), &id).await?;
    let (role, node) = role_input(&app.db, me.tenant(), &input).await?;
    let rid = accounts::grant_role(&app.db, me.tenant(), me.email(), &id, role, &node).await?;
    Ok(created(&format!("/api/v1/users/{id}"), &rid))
}

pub async fn revoke_role(
    State(app): State<AppState>,
    me: Me,
    Path((id, role)): Path<(String, String)>,
) -> Result<Response, AppError> {
    accounts::revoke_role(&app.db, me.tenant(), me.email(), &id, &role).await?;
    Ok(no_content())
}

pub async fn reset_password(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    accounts::user(&app.db, me.tenant(), &id).await?;
    let pw = validate::new_password("password", input.get("password"))?;
    let hash = auth::hash_password(pw).await?;
    accounts::reset_password(&app.db, me.tenant(), me.email(), &id, &hash).await?;
    Ok(no_content())
}
