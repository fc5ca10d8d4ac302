//! The structure in JSON: networks, organisations, locations, wards.

use super::{created, no_content};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::{Check, Input};
use crate::pages::structure::{network_change, rename};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::validate;
use driehoek_storage::structure::{self as st, Location, Network, NodeKind, Organisation, Ward};

pub async fn networks(State(app): State<AppState>, me: Me) -> Result<Json<Vec<Network>>, AppError> {
    Ok(Json(st::networks(&app.db, me.tenant()).await?))
}

pub async fn network(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Network>, AppError> {
    Ok(Json(st::network(&app.db, me.tenant(), &id).await?))
}

pub async fn update_network(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<Network>, AppError> {
    st::network(&app.db, me.tenant(), &id).await?;
    st::update_network(
        &app.db,
        me.tenant(),
        &id,
        network_change(&input)?,
        me.email(),
    )
    .await?;
    Ok(Json(st::network(&app.db, me.tenant(), &id).await?))
}

pub async fn organisations(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Vec<Organisation>>, AppError> {
    Ok(Json(st::organisations(&app.db, me.tenant(), &id).await?))
}

pub async fn create_organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    st::network(&app.db, me.tenant(), &id).await?;
    let name = validate::name("name", input.get("name"))?;
    let org = st::create_organisation(&app.db, me.tenant(), &id, &name, me.email()).await?;
    Ok(created(&format!("/api/v1/organisations/{org}"), &org))
}

pub async fn organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Organisation>, AppError> {
    Ok(Json(st::organisation(&app.db, me.tenant(), &id).await?))
}

pub async fn rename_organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<Organisation>, AppError> {
    rename(&app, &me, NodeKind::Organisation, &id, &input).await?;
    Ok(Json(st::organisation(&app.db, me.tenant(), &id).await?))
}

pub async fn delete_organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    st::delete(
        &app.db,
        me.tenant(),
        NodeKind::Organisation,
        &id,
        me.email(),
    )
    .await?;
    Ok(no_content())
}

pub async fn locations(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Vec<Location>>, AppError> {
    Ok(Json(st::locations(&app.db, me.tenant(), &id).await?))
}

pub async fn create_location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    st::organisation(&app.db, me.tenant(), &id).await?;
    let mut c = Check::default();
    let name = c.field(validate::name("name", input.get("name")));
    let city = c.field(validate::text("city", input.get("city"), 120));
    c.done()?;
    let loc = st::create_location(
        &app.db,
        me.tenant(),
        &id,
        &name.unwrap_or_default(),
        &city.unwrap_or_default(),
        me.email(),
    )
    .await?;
    Ok(created(&format!("/api/v1/locations/{loc}"), &loc))
}

pub async fn location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Location>, AppError> {
    Ok(Json(st::location(&app.db, me.tenant(), &id).await?))
}

pub async fn rename_location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<Location>, AppError> {
    rename(&app, &me, NodeKind::Location, &id, &input).await?;
    Ok(Json(st::location(&app.db, me.tenant(), &id).await?))
}

pub async fn delete_location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    st::delete(&app.db, me.tenant(), NodeKind::Location, &id, me.email()).await?;
    Ok(no_content())
}

pub async fn wards(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Vec<Ward>>, AppError> {
    Ok(Json(st::wards(&app.db, me.tenant(), &id).await?))
}

pub async fn create_ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    st::location(&app.db, me.tenant(), &id).await?;
    let name = validate::name("name", input.get("name"))?;
    let ward = st::create_ward(&app.db, me.tenant(), &id, &name, me.email()).await?;
    Ok(created(&format!("/api/v1/wards/{ward}"), &ward))
}

pub async fn ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Ward>, AppError> {
    Ok(Json(st::ward(&app.db, me.tenant(), &id).await?))
}

pub async fn rename_ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<Ward>, AppError> {
    rename(&app, &me, NodeKind::Ward, &id, &input).await?;
    Ok(Json(st::ward(&app.db, me.tenant(), &id).await?))
}

pub async fn delete_ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    st::delete(&app.db, me.tenant(), NodeKind::Ward, &id, me.email()).await?;
    Ok(no_content())
}
