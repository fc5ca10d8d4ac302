//! The one error type of the web layer.
//!
//! Policy: handlers return [`AppError`]; it never carries internal details to the client. The
//! response first carries the error as an extension; [`render_errors`] (a middleware that knows
//! the request's language and whether it is an API call) turns it into an HTML page or an
//! RFC 9457 problem document. Internal causes are logged, and the client sees a generic text.

use crate::i18n::Tr;
use crate::pages::Layout;
use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use driehoek_domain::validate::Problem;
use driehoek_storage::StoreError;

#[derive(Debug, Clone)]
pub enum AppError {
    NotFound,
    Forbidden,
    /// Not signed in: pages redirect to the login, the API answers 401.
    Unauthenticated,
    /// The CSRF token is missing or wrong.
    BadCsrf,
    /// Input that fails validation, one problem per field.
    Invalid(Vec<Problem>),
    /// A rule of the data that the user can fix; the key names the message.
    Conflict(&'static str),
    TooManyRequests {
        minutes: u64,
    },
    /// Our fault. The text goes to the log only.
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Conflict(k) => AppError::Conflict(k),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<Problem> for AppError {
    fn from(p: Problem) -> Self {
        AppError::Invalid(vec![p])
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::BadCsrf => StatusCode::FORBIDDEN,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            AppError::NotFound => "not-found",
            AppError::Forbidden => "forbidden",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCsrf => "csrf",
            AppError::Invalid(_) => "invalid-input",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::Internal(_) => "internal",
        }
    }

    /// Title and one-line explanation in the user's language.
    pub fn texts(&self, tr: &Tr) -> (String, String) {
        match self {
            AppError::NotFound => (tr.t("error-not-found-title"), tr.t("error-not-found")),
            AppError::Forbidden => (tr.t("error-forbidden-title"), tr.t("error-forbidden")),
            AppError::Unauthenticated => (tr.t("error-login-title"), tr.t("error-login")),
            AppError::BadCsrf => (tr.t("error-csrf-title"), tr.t("error-csrf")),
            AppError::Invalid(_) => (tr.t("error-invalid-title"), tr.t("error-invalid")),
            AppError::Conflict(k) => (tr.t("error-conflict-title"), tr.t(k)),
            AppError::TooManyRequests { minutes } => (
                tr.t("error-too-many-title"),
                tr.f("error-too-many", &[("minutes", &minutes.to_string())]),
            ),
            AppError::Internal(_) => (tr.t("error-internal-title"), tr.t("error-internal")),
        }
    }
}

/// One field problem in words: "Naam: mag niet leeg zijn."
pub fn problem_text(tr: &Tr, p: &Problem) -> (String, String) {
    let field = tr.t(&format!("field-{}", p.field));
    let limit = p.limit.map(|n| n.to_string()).unwrap_or_default();
    (field, tr.f(p.key, &[("limit", &limit)]))
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let mut res = self.status().into_response();
        res.extensions_mut().insert(self);
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    title: String,
    message: String,
    problems: Vec<(String, String)>,
}

/// Renders errors that handlers (or extractors, or axum itself) produced, in the request's
/// language and format.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let layout = Layout::from_request(&req);
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let err = match res.extensions().get::<AppError>() {
        Some(e) => e.clone(),
        None if res.status() == StatusCode::NOT_FOUND
            && res.headers().get(header::CONTENT_TYPE).is_none() =>
        {
            AppError::NotFound
        }
        None if res.status() == StatusCode::METHOD_NOT_ALLOWED => AppError::NotFound,
        None => return res,
    };
    let tr = layout.tr;
    if matches!(err, AppError::Unauthenticated) && !api {
        let next = percent_encoding::utf8_percent_encode(&path, percent_encoding::NON_ALPHANUMERIC);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let (title, message) = err.texts(&tr);
    let problems: Vec<(String, String)> = match &err {
        AppError::Invalid(ps) => ps.iter().map(|p| problem_text(&tr, p)).collect(),
        _ => Vec::new(),
    };
    let status = err.status();
    let mut out = if api {
        let body = serde_json::json!({
            "type": format!("/problems/{}", err.slug()),
            "title": title,
            "status": status.as_u16(),
            "detail": message,
            "errors": match &err {
                AppError::Invalid(ps) => ps.iter().zip(&problems).map(|(p, (_, m))| serde_json::json!({
                    "field": p.field, "code": p.key, "message": m,
                })).collect::<Vec<_>>(),
                _ => Vec::new(),
            },
        });
        let mut r = (status, body.to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    } else {
        let page = ErrorPage {
            layout,
            title,
            message,
            problems,
        };
        match page.render() {
            Ok(html) => (status, axum::response::Html(html)).into_response(),
            Err(e) => {
                tracing::error!(%e, "error page failed to render");
                (status, "error").into_response()
            }
        }
    };
    if let Some(v) = res.headers().get(header::SET_COOKIE) {
        out.headers_mut().insert(header::SET_COOKIE, v.clone());
    }
    if let AppError::TooManyRequests { minutes } = err {
        out.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(minutes * 60));
    }
    out
}
