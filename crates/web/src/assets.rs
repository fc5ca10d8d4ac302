//! Static files, compiled into the binary: nothing is loaded from outside the server.

use crate::error::AppError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../assets/driehoek.css");
/// The public "jij zei, wij doen" page and the ward poster.
const PUBLIC_CSS: &str = include_str!("../assets/public.css");
const POSTER_CSS: &str = include_str!("../assets/poster.css");
/// htmx 2.0.4, vendored from the npm package `htmx.org` (pinned: htmx 4 changes error swapping).
const HTMX: &str = include_str!("../assets/htmx.min.js");
/// Keyboard coding (coding page).
const CODING_JS: &str = include_str!("../assets/coding.js");

pub async fn serve(Path(file): Path<String>) -> Result<Response, AppError> {
    let (body, kind) = match file.as_str() {
        "driehoek.css" => (CSS, "text/css; charset=utf-8"),
        "public.css" => (PUBLIC_CSS, "text/css; charset=utf-8"),
        "poster.css" => (POSTER_CSS, "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "coding.js" => (CODING_JS, "text/javascript; charset=utf-8"),
        _ => return Err(AppError::NotFound),
    };
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(res)
}
