//! Who is asking: sessions (cookie), personal API tokens (bearer), CSRF, language, and the login
//! rate limit.
//!
//! Session and API tokens are random 256-bit values; the database stores only their SHA-256, so a
//! copy of the database cannot be used to log in. Every state-changing request that is not a
//! bearer-token API call must carry the CSRF token (form field `csrf`, header `x-csrf-token`, or
//! query parameter `csrf` for uploads), which must equal the `driehoek_csrf` cookie and, when
//! signed in, the session's own token.

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use driehoek_storage::Tenant;
use driehoek_storage::accounts::{self, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "driehoek_session";
pub const CSRF_COOKIE: &str = "driehoek_csrf";
pub const LANG_COOKIE: &str = "driehoek_lang";
pub const SESSION_HOURS: i64 = 12;
/// Largest urlencoded form the CSRF check will read (uploads use multipart and the header/query).
const FORM_LIMIT: usize = 1024 * 1024;

/// A signed-in user and what they may see.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: User,
    pub tenant: Tenant,
    /// The SHA-256 of the session token; `None` for API tokens.
    pub session_hash: Option<String>,
}

/// Everything about the request that pages and handlers need, set by [`context`].
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub csrf: String,
    pub auth: Option<Arc<Authed>>,
    pub csrf_ok: bool,
    pub path: String,
    /// The client's address, for the login rate limit only (never stored).
    pub client: String,
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub fn sha256(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

pub fn cookies(req: &Parts) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for v in req.headers.get_all(header::COOKIE) {
        if let Ok(s) = v.to_str() {
            for pair in s.split(';') {
                if let Some((k, v)) = pair.trim().split_once('=') {
                    out.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    out
}

/// A cookie for the whole site; `secure` when Driehoek runs behind HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        let _ = write!(s, "; Max-Age={age}");
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).expect("cookie values are hex or fixed words")
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Resolves the user, language and CSRF state of every request, and checks the CSRF token.
pub async fn context(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let jar = cookies(&parts);
    let mut auth = None;
    let mut bearer = false;
    if let Some(token) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        bearer = true;
        if let Ok(Some(user_id)) = accounts::token_user(&app.db, &sha256(token.trim())).await
            && let Ok((user, tenant)) = accounts::account(&app.db, &user_id).await
        {
            let authed = Authed {
                user,
                tenant,
                session_hash: None,
            };
            auth = Some((authed, None));
        }
    } else if let Some(token) = jar.get(SESSION_COOKIE) {
        let hash = sha256(token);
        if let Ok(Some((user, tenant, csrf))) = accounts::session_account(&app.db, &hash).await {
            let authed = Authed {
                user,
                tenant,
                session_hash: Some(hash),
            };
            auth = Some((authed, Some(csrf)));
        }
    }
    let session_csrf = auth
        .as_ref()
        .and_then(|a: &(Authed, Option<String>)| a.1.clone());
    let cookie_csrf = jar.get(CSRF_COOKIE).filter(|c| c.len() == 64).cloned();
    let (csrf, new_cookie) = match (&session_csrf, &cookie_csrf) {
        (Some(s), Some(c)) if s == c => (s.clone(), false),
        (Some(s), _) => (s.clone(), true),
        (None, Some(c)) => (c.clone(), false),
        (None, None) => (random_token(), true),
    };
    let lang = auth
        .as_ref()
        .and_then(|(a, _)| a.user.language.as_deref().and_then(Lang::parse))
        .or_else(|| jar.get(LANG_COOKIE).and_then(|l| Lang::parse(l)))
        .unwrap_or_else(|| {
            Lang::from_accept_language(
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        });

    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut body = body;
    let mut csrf_ok = true;
    if unsafe_method && !bearer {
        let mut sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| query_param(parts.uri.query().unwrap_or(""), "csrf"));
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if sent.is_none() && is_form {
            match axum::body::to_bytes(body, FORM_LIMIT).await {
                Ok(bytes) => {
                    sent = form_field(&bytes, "csrf");
                    body = Body::from(bytes);
                }
                Err(_) => {
                    body = Body::empty();
                }
            }
        }
        // The cookie must exist and match (double submit), and a signed-in request must also
        // match its session's own token.
        csrf_ok = match (&sent, &cookie_csrf) {
            (Some(s), Some(c)) => {
                constant_time_eq(s, c)
                    && session_csrf
                        .as_ref()
                        .is_none_or(|sc| constant_time_eq(s, sc))
            }
            _ => false,
        };
    }
    let ctx = Ctx {
        lang,
        csrf: csrf.clone(),
        auth: auth.map(|(a, _)| Arc::new(a)),
        csrf_ok,
        path: parts.uri.path().to_string(),
        client: parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "local".to_string(), |c| c.0.ip().to_string()),
    };
    parts.extensions.insert(ctx);
    let cookieless = cookieless(parts.uri.path());
    let mut res = next.run(Request::from_parts(parts, body)).await;
    if new_cookie && !cookieless && !res.headers().contains_key("x-driehoek-session-set") {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &csrf, None, app.config.secure_cookies),
        );
    }
    res.headers_mut().remove("x-driehoek-session-set");
    res
}

/// Paths that never set a cookie: the public pages residents and families open from a poster
/// (method.md §5: no tracking) and the static files they load.
pub fn cookieless(path: &str) -> bool {
    path.starts_with("/p/") || path.starts_with("/assets/")
}

pub fn query_param(query: &str, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

fn form_field(bytes: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// Rejects state-changing requests without a valid CSRF token. Runs inside the error renderer.
pub async fn require_csrf(req: Request, next: Next) -> Response {
    match req.extensions().get::<Ctx>() {
        Some(ctx) if !ctx.csrf_ok => axum::response::IntoResponse::into_response(AppError::BadCsrf),
        _ => next.run(req).await,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(AppError::Internal("context middleware missing".into()))
    }
}

/// The signed-in user; extracting it from an anonymous request answers "please log in".
#[derive(Debug, Clone)]
pub struct Me(pub Arc<Authed>, pub Ctx);

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, s).await?;
        let a = ctx.auth.clone().ok_or(AppError::Unauthenticated)?;
        Ok(Me(a, ctx))
    }
}

impl Me {
    pub fn tenant(&self) -> &Tenant {
        &self.0.tenant
    }
    pub fn email(&self) -> &str {
        &self.0.user.email
    }
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Verifies a password; with no stored hash, verifies against a dummy so that the answer takes
/// as long for an unknown account as for a wrong password.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let h = hash.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| password_auth::generate_hash("not a password"))
                .clone()
        });
        password_auth::verify_password(password, &h).is_ok() && known
    })
    .await
    .unwrap_or(false)
}

/// Failed logins per e-mail address and per client address within a window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

pub const LOGIN_WINDOW: Duration = Duration::from_mins(15);
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
pub const MAX_FAILURES_PER_CLIENT: usize = 20;

impl LoginLimiter {
    /// Minutes to wait when the limit is reached for this address or client.
    pub fn blocked(&self, email: &str, client: &str) -> Option<u64> {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let mut wait = None;
        for (key, max) in [
            (format!("e:{email}"), MAX_FAILURES_PER_ACCOUNT),
            (format!("c:{client}"), MAX_FAILURES_PER_CLIENT),
        ] {
            if let Some(v) = map.get_mut(&key) {
                v.retain(|t| now.duration_since(*t) < LOGIN_WINDOW);
                if v.len() >= max {
                    let left = LOGIN_WINDOW.saturating_sub(now.duration_since(v[0]));
                    wait = Some(left.as_secs().div_ceil(60).max(1));
                }
            }
        }
        wait
    }

    pub fn fail(&self, email: &str, client: &str) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        map.entry(format!("e:{email}")).or_default().push(now);
        map.entry(format!("c:{client}")).or_default().push(now);
        // Keep memory bounded under a flood of made-up addresses.
        if map.len() > 100_000 {
            map.retain(|_, v| {
                v.last()
                    .is_some_and(|t| now.duration_since(*t) < LOGIN_WINDOW)
            });
        }
    }

    pub fn succeed(&self, email: &str) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(&format!("e:{email}"));
    }
}
