//! The user's own account: language, password, personal API tokens.

use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::{self, Ctx, LANG_COOKIE, Me};
use crate::error::AppError;
use crate::input::Input;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use driehoek_domain::validate::{self, Problem};
use driehoek_storage::accounts::{self, ApiToken};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
}

pub async fn show(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let tokens = accounts::tokens(&app.db, me.tenant()).await?;
    render(&AccountPage {
        layout: Layout::new(&me.1),
        email: me.email().to_string(),
        tokens,
        new_token: None,
    })
}

/// Switches the language: remembered in a cookie, and on the account when signed in.
pub async fn switch_language(
    State(app): State<AppState>,
    ctx: Ctx,
    input: Input,
) -> Result<Response, AppError> {
    let lang = crate::i18n::Lang::parse(input.get("language"))
        .ok_or(Problem::new("language", "error-language"))?;
    if let Some(a) = &ctx.auth {
        accounts::set_language(&app.db, &a.tenant, lang.code()).await?;
    }
    let back = input.get("back");
    let back = if back.starts_with('/') && !back.starts_with("//") && !back.starts_with("/\\") {
        back
    } else {
        "/"
    };
    let mut res = see_other(back);
    res.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(
            LANG_COOKIE,
            lang.code(),
            Some(365 * 24 * 3600),
            app.config.secure_cookies,
        ),
    );
    Ok(res)
}

pub async fn change_password(
    State(app): State<AppState>,
    me: Me,
    input: Input,
) -> Result<Response, AppError> {
    let found = accounts::login_lookup(&app.db, me.email()).await?;
    let current_ok =
        auth::verify_password(input.get("current").to_string(), found.map(|(_, h)| h)).await;
    if !current_ok {
        return Err(Problem::new("current", "error-current-password").into());
    }
    let pw = validate::new_password("password", input.get("password"))?;
    let hash = auth::hash_password(pw).await?;
    let id = me.tenant().user_id.clone();
    // Ends every session, this one too: log in again with the new password.
    accounts::reset_password(&app.db, me.tenant(), me.email(), &id, &hash).await?;
    Ok(see_other("/login"))
}

pub async fn create_token(
    State(app): State<AppState>,
    me: Me,
    input: Input,
) -> Result<Response, AppError> {
    let name = validate::name("name", input.get("name"))?;
    let token = auth::random_token();
    accounts::create_token(
        &app.db,
        me.tenant(),
        me.email(),
        &name,
        &auth::sha256(&token),
    )
    .await?;
    let tokens = accounts::tokens(&app.db, me.tenant()).await?;
    // Shown once, never stored in the clear.
    render(&AccountPage {
        layout: Layout::new(&me.1),
        email: me.email().to_string(),
        tokens,
        new_token: Some(token),
    })
}

pub async fn revoke_token(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    accounts::revoke_token(&app.db, me.tenant(), me.email(), &id).await?;
    Ok(see_other("/account"))
}
