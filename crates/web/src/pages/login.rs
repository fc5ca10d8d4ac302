//! Logging in and out.

use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::{self, CSRF_COOKIE, Ctx, Me, SESSION_COOKIE, SESSION_HOURS};
use crate::error::AppError;
use crate::input::Input;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use driehoek_storage::accounts;
use driehoek_storage::audit::{self, Entry};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    failed: bool,
}

#[derive(serde::Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only same-site paths, so a crafted link cannot send a user elsewhere after login.
fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.contains("://")
    {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub async fn form(ctx: Ctx, Query(q): Query<Next>) -> Result<Response, AppError> {
    if ctx.auth.is_some() {
        return Ok(see_other("/"));
    }
    render(&LoginPage {
        layout: Layout::new(&ctx),
        email: String::new(),
        next: safe_next(q.next.as_deref().unwrap_or("/")),
        failed: false,
    })
}

pub async fn submit(
    State(app): State<AppState>,
    ctx: Ctx,
    input: Input,
) -> Result<Response, AppError> {
    let email = input.get("email").trim().to_lowercase();
    let password = input.get("password").to_string();
    let next = safe_next(input.get("next"));
    let client = ctx.client.clone();
    if let Some(minutes) = app.limiter.blocked(&email, &client) {
        return Err(AppError::TooManyRequests { minutes });
    }
    let found = accounts::login_lookup(&app.db, &email).await?;
    let ok = auth::verify_password(password, found.as_ref().map(|(_, h)| h.clone())).await;
    let Some((user, _)) = found.filter(|_| ok) else {
        app.limiter.fail(&email, &client);
        let entry = Entry::system(&email, "login-failed");
        let entry = match accounts::login_lookup(&app.db, &email).await? {
            Some((u, _)) => entry.at_path(&u.home()),
            None => entry,
        };
        audit::record(&app.db, entry).await?;
        let page = LoginPage {
            layout: Layout::new(&ctx),
            email,
            next,
            failed: true,
        };
        let mut res = render(&page)?;
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(res);
    };
    app.limiter.succeed(&email);
    // A new session token and CSRF token at every login (no session fixation); any session the
    // browser had is ended.
    if let Some(old) = ctx.auth.as_ref().and_then(|a| a.session_hash.clone()) {
        accounts::end_session(&app.db, &old).await?;
    }
    let token = auth::random_token();
    let csrf = auth::random_token();
    let expires = driehoek_storage::db_time_in_hours(SESSION_HOURS);
    accounts::create_session(&app.db, &auth::sha256(&token), &user.id, &csrf, &expires).await?;
    audit::record(
        &app.db,
        Entry::system(&user.email, "login").at_path(&user.home()),
    )
    .await?;
    let mut res = see_other(&next);
    let secure = app.config.secure_cookies;
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, &token, Some(SESSION_HOURS * 3600), secure),
    );
    h.append(
        header::SET_COOKIE,
        auth::set_cookie(CSRF_COOKIE, &csrf, None, secure),
    );
    h.insert("x-driehoek-session-set", HeaderValue::from_static("1"));
    Ok(res)
}

pub async fn logout(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    if let Some(hash) = &me.0.session_hash {
        accounts::end_session(&app.db, hash).await?;
    }
    audit::record(
        &app.db,
        Entry::by(me.tenant(), me.email(), "logout").at_path(&me.0.user.home()),
    )
    .await?;
    let mut res = see_other("/login");
    let secure = app.config.secure_cookies;
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", Some(0), secure),
    );
    h.append(
        header::SET_COOKIE,
        auth::set_cookie(CSRF_COOKIE, "", Some(0), secure),
    );
    h.insert("x-driehoek-session-set", HeaderValue::from_static("1"));
    Ok(res.into_response())
}
