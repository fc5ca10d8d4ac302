//! Driehoek's web layer: server-rendered pages (askama) and the JSON API under `/api/v1`.
//!
//! Every route is listed once in [`routes`] with its method and path; the router is built from
//! that list, and the tenancy test walks the same list, so a new route cannot escape the test.

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod input;
pub mod pages;
pub mod pdf;
pub mod qr;

use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use driehoek_storage::Db;
use std::sync::Arc;

/// Settings of a running server.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark cookies `Secure` (set when Driehoek runs behind HTTPS).
    pub secure_cookies: bool,
    /// Folder for conversation audio (empty: `./audio`).
    pub audio_dir: std::path::PathBuf,
    /// Largest audio upload in bytes (0: 500 MiB).
    pub audio_max_bytes: u64,
    /// Audio is deleted at the latest this many days after upload (0: 30).
    pub audio_keep_days: u32,
    /// The address the public pages are reached at (for QR codes on posters), e.g.
    /// `https://zorg.example.nl`; `None`: taken from the request's Host header.
    pub public_url: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub limiter: Arc<auth::LoginLimiter>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        AppState {
            db,
            config: Arc::new(config),
            limiter: Arc::default(),
        }
    }
}

/// One route: method, path (with `{param}` segments) and whether it answers without login.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub public: bool,
}

/// One entry of the route list: `route!(get, "/path", handler)`, or `route!(public, …)` for
/// routes that answer without login.
macro_rules! route {
    (public, $m:ident, $path:literal, $h:expr) => {
        (
            RouteSpec {
                method: method_named(stringify!($m)),
                path: $path,
                public: true,
            },
            axum::routing::$m($h),
        )
    };
    ($m:ident, $path:literal, $h:expr) => {
        (
            RouteSpec {
                method: method_named(stringify!($m)),
                path: $path,
                public: false,
            },
            axum::routing::$m($h),
        )
    };
}

/// The audio upload: streamed to disk by its handler, so the request-wide body limit does not
/// apply (the handler enforces the configured audio limit itself).
fn audio_route(path: &'static str) -> (RouteSpec, MethodRouter<AppState>) {
    (
        RouteSpec {
            method: Method::POST,
            path,
            public: false,
        },
        axum::routing::post(pages::listen::audio::upload)
            .layer(axum::extract::DefaultBodyLimit::disable()),
    )
}

fn method_named(m: &str) -> Method {
    match m {
        "post" => Method::POST,
        "put" => Method::PUT,
        "delete" => Method::DELETE,
        _ => Method::GET,
    }
}

/// Every route of the application.
pub fn routes() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use pages as p;
    vec![
        route!(public, get, "/healthz", api::healthz),
        route!(public, get, "/api/openapi.json", api::openapi::document),
        route!(public, get, "/assets/{file}", assets::serve),
        route!(public, get, "/login", p::login::form),
        route!(public, post, "/login", p::login::submit),
        route!(public, post, "/language", p::account::switch_language),
        route!(post, "/logout", p::login::logout),
        route!(get, "/", p::structure::home),
        route!(get, "/networks/{network}", p::structure::network),
        route!(post, "/networks/{network}", p::structure::update_network),
        route!(
            post,
            "/networks/{network}/organisations",
            p::structure::create_organisation
        ),
        route!(
            get,
            "/organisations/{organisation}",
            p::structure::organisation
        ),
        route!(
            post,
            "/organisations/{organisation}",
            p::structure::rename_organisation
        ),
        route!(
            post,
            "/organisations/{organisation}/delete",
            p::structure::delete_organisation
        ),
        route!(
            post,
            "/organisations/{organisation}/locations",
            p::structure::create_location
        ),
        route!(get, "/locations/{location}", p::structure::location),
        route!(post, "/locations/{location}", p::structure::rename_location),
        route!(
            post,
            "/locations/{location}/delete",
            p::structure::delete_location
        ),
        route!(
            post,
            "/locations/{location}/wards",
            p::structure::create_ward
        ),
        route!(get, "/wards/{ward}", p::structure::ward),
        route!(post, "/wards/{ward}", p::structure::rename_ward),
        route!(post, "/wards/{ward}/delete", p::structure::delete_ward),
        route!(get, "/users", p::users::list),
        route!(post, "/users", p::users::create),
        route!(get, "/users/{user}", p::users::show),
        route!(post, "/users/{user}/roles", p::users::grant_role),
        route!(
            post,
            "/users/{user}/roles/{role}/delete",
            p::users::revoke_role
        ),
        route!(post, "/users/{user}/password", p::users::reset_password),
        route!(post, "/users/{user}/delete", p::users::delete),
        route!(get, "/audit", p::audit::list),
        route!(get, "/account", p::account::show),
        route!(post, "/account/password", p::account::change_password),
        route!(post, "/account/tokens", p::account::create_token),
        route!(
            post,
            "/account/tokens/{token}/delete",
            p::account::revoke_token
        ),
        route!(get, "/api/v1/me", api::me),
        route!(get, "/api/v1/networks", api::structure::networks),
        route!(get, "/api/v1/networks/{network}", api::structure::network),
        route!(
            put,
            "/api/v1/networks/{network}",
            api::structure::update_network
        ),
        route!(
            get,
            "/api/v1/networks/{network}/organisations",
            api::structure::organisations
        ),
        route!(
            post,
            "/api/v1/networks/{network}/organisations",
            api::structure::create_organisation
        ),
        route!(
            get,
            "/api/v1/organisations/{organisation}",
            api::structure::organisation
        ),
        route!(
            put,
            "/api/v1/organisations/{organisation}",
            api::structure::rename_organisation
        ),
        route!(
            delete,
            "/api/v1/organisations/{organisation}",
            api::structure::delete_organisation
        ),
        route!(
            get,
            "/api/v1/organisations/{organisation}/locations",
            api::structure::locations
        ),
        route!(
            post,
            "/api/v1/organisations/{organisation}/locations",
            api::structure::create_location
        ),
        route!(
            get,
            "/api/v1/locations/{location}",
            api::structure::location
        ),
        route!(
            put,
            "/api/v1/locations/{location}",
            api::structure::rename_location
        ),
        route!(
            delete,
            "/api/v1/locations/{location}",
            api::structure::delete_location
        ),
        route!(
            get,
            "/api/v1/locations/{location}/wards",
            api::structure::wards
        ),
        route!(
            post,
            "/api/v1/locations/{location}/wards",
            api::structure::create_ward
        ),
        route!(get, "/api/v1/wards/{ward}", api::structure::ward),
        route!(put, "/api/v1/wards/{ward}", api::structure::rename_ward),
        route!(delete, "/api/v1/wards/{ward}", api::structure::delete_ward),
        route!(get, "/api/v1/users", api::users::list),
        route!(post, "/api/v1/users", api::users::create),
        route!(get, "/api/v1/users/{user}", api::users::show),
        route!(delete, "/api/v1/users/{user}", api::users::delete),
        route!(post, "/api/v1/users/{user}/roles", api::users::grant_role),
        route!(
            delete,
            "/api/v1/users/{user}/roles/{role}",
            api::users::revoke_role
        ),
        route!(
            post,
            "/api/v1/users/{user}/password",
            api::users::reset_password
        ),
        route!(get, "/api/v1/audit", api::audit),
        // --- Listen: rounds, triads, consent, interviewers, transcripts (add below) ---
        route!(get, "/rounds", p::listen::rounds::list),
        route!(post, "/rounds", p::listen::rounds::create),
        route!(get, "/rounds/{round}", p::listen::rounds::show),
        route!(
            post,
            "/rounds/{round}/status",
            p::listen::rounds::set_status
        ),
        route!(post, "/rounds/{round}/triads", p::listen::rounds::add_triad),
        route!(get, "/triads/{triad}", p::listen::rounds::triad),
        route!(
            post,
            "/triads/{triad}/resident-absent",
            p::listen::rounds::resident_absent
        ),
        route!(
            get,
            "/conversations/{conversation}",
            p::listen::conversations::show
        ),
        route!(
            post,
            "/conversations/{conversation}/interviewer",
            p::listen::conversations::assign
        ),
        route!(
            post,
            "/conversations/{conversation}/interviewer/delete",
            p::listen::conversations::unassign
        ),
        route!(
            post,
            "/conversations/{conversation}/consent",
            p::listen::conversations::record_consent
        ),
        route!(
            post,
            "/conversations/{conversation}/consent/withdraw",
            p::listen::conversations::withdraw
        ),
        route!(
            post,
            "/conversations/{conversation}/schedule",
            p::listen::conversations::set_schedule
        ),
        route!(
            post,
            "/conversations/{conversation}/adherence",
            p::listen::conversations::save_adherence
        ),
        route!(
            get,
            "/conversations/{conversation}/guide",
            p::listen::guides::for_conversation
        ),
        route!(
            post,
            "/conversations/{conversation}/transcript",
            p::listen::transcripts::upload
        ),
        route!(
            post,
            "/conversations/{conversation}/transcript/review",
            p::listen::transcripts::review
        ),
        route!(
            get,
            "/conversations/{conversation}/transcript",
            p::listen::transcripts::show
        ),
        route!(
            post,
            "/conversations/{conversation}/checked",
            p::listen::transcripts::mark_checked
        ),
        audio_route("/conversations/{conversation}/audio"),
        route!(get, "/my/conversations", p::listen::interviewers::mine),
        route!(
            get,
            "/my/conversations.ics",
            p::listen::interviewers::calendar
        ),
        route!(get, "/interviewers", p::listen::interviewers::list),
        route!(
            post,
            "/interviewers/{user}/training",
            p::listen::interviewers::set_training
        ),
        route!(get, "/networks/{network}/guide", p::listen::guides::list),
        route!(post, "/networks/{network}/guide", p::listen::guides::save),
        route!(get, "/api/v1/rounds", api::listen::rounds),
        route!(post, "/api/v1/rounds", api::listen::create_round),
        route!(get, "/api/v1/rounds/{round}", api::listen::round),
        route!(
            put,
            "/api/v1/rounds/{round}/status",
            api::listen::set_round_status
        ),
        route!(
            post,
            "/api/v1/rounds/{round}/triads",
            api::listen::add_triad
        ),
        route!(get, "/api/v1/triads/{triad}", api::listen::triad),
        route!(
            get,
            "/api/v1/conversations/{conversation}",
            api::listen::conversation
        ),
        route!(
            get,
            "/api/v1/conversations/{conversation}/interviewers",
            api::listen::candidates
        ),
        route!(
            put,
            "/api/v1/conversations/{conversation}/interviewer",
            api::listen::assign
        ),
        route!(
            put,
            "/api/v1/conversations/{conversation}/consent",
            api::listen::record_consent
        ),
        route!(
            post,
            "/api/v1/conversations/{conversation}/consent/withdraw",
            api::listen::withdraw
        ),
        route!(
            put,
            "/api/v1/conversations/{conversation}/schedule",
            api::listen::set_schedule
        ),
        route!(
            put,
            "/api/v1/conversations/{conversation}/adherence",
            api::listen::save_adherence
        ),
        route!(
            get,
            "/api/v1/conversations/{conversation}/guide",
            api::listen::guide
        ),
        route!(
            post,
            "/api/v1/conversations/{conversation}/transcript/proposal",
            api::listen::propose
        ),
        route!(
            put,
            "/api/v1/conversations/{conversation}/transcript",
            api::listen::save_transcript
        ),
        route!(
            get,
            "/api/v1/conversations/{conversation}/transcript",
            api::listen::transcript
        ),
        route!(
            post,
            "/api/v1/conversations/{conversation}/checked",
            api::listen::mark_checked
        ),
        audio_route("/api/v1/conversations/{conversation}/audio"),
        route!(get, "/api/v1/my/conversations", api::listen::mine),
        route!(get, "/api/v1/interviewers", api::listen::interviewers),
        route!(
            put,
            "/api/v1/interviewers/{user}/training",
            api::listen::set_training
        ),
        route!(
            get,
            "/api/v1/networks/{network}/guides",
            api::listen::guides
        ),
        route!(
            post,
            "/api/v1/networks/{network}/guides",
            api::listen::save_guide
        ),
        // --- Coding, scores, reports (add below) ---
        route!(
            get,
            "/wards/{ward}/rounds/{round}/report",
            p::report::ward_report
        ),
        route!(get, "/triads/{triad}/fragments", p::report::triad),
        route!(get, "/wards/{ward}/rounds/{round}/coding", p::coding::round),
        route!(
            get,
            "/conversations/{conversation}/coding",
            p::coding::conversation
        ),
        route!(post, "/fragments/{fragment}/code", p::coding::save),
        route!(post, "/fragments/{fragment}/merge", p::coding::merge),
        route!(post, "/fragments/{fragment}/split", p::coding::split),
        route!(
            get,
            "/api/v1/conversations/{conversation}/fragments",
            p::coding::api_fragments
        ),
        route!(put, "/api/v1/fragments/{fragment}", p::coding::api_save),
        route!(
            get,
            "/wards/{ward}/rounds/{round}/agreement",
            p::second_coding::agreement
        ),
        route!(
            post,
            "/wards/{ward}/rounds/{round}/double-coding",
            p::second_coding::set_percent
        ),
        route!(
            get,
            "/conversations/{conversation}/second-coding",
            p::second_coding::conversation
        ),
        route!(
            post,
            "/fragments/{fragment}/second-code",
            p::second_coding::save
        ),
        route!(
            post,
            "/fragments/{fragment}/consensus",
            p::second_coding::consensus
        ),
        route!(get, "/networks/{network}/theme-sets", p::theme_sets::list),
        route!(
            get,
            "/wards/{ward}/rounds/{round}/export",
            p::exports::export
        ),
        route!(post, "/networks/{network}/theme-sets", p::theme_sets::save),
        route!(get, "/api/v1/rounds/{round}/scores", api::rounds::scores),
        // --- Act: evaluation meetings, improvement actions, boards (pages/act, api/act) ---
        route!(
            get,
            "/wards/{ward}/rounds/{round}/meeting",
            p::act::meeting::page
        ),
        route!(
            post,
            "/wards/{ward}/rounds/{round}/meeting",
            p::act::meeting::save
        ),
        route!(
            post,
            "/wards/{ward}/rounds/{round}/meeting/agreements",
            p::act::meeting::add_agreement
        ),
        route!(
            get,
            "/wards/{ward}/rounds/{round}/story-cards",
            p::act::meeting::cards
        ),
        route!(get, "/wards/{ward}/actions", p::act::actions::ward_board),
        route!(post, "/wards/{ward}/actions", p::act::actions::create),
        route!(get, "/wards/{ward}/actions/new", p::act::actions::new_form),
        route!(get, "/actions/{action}", p::act::actions::show),
        route!(post, "/actions/{action}", p::act::actions::update),
        route!(
            post,
            "/actions/{action}/status",
            p::act::actions::set_status
        ),
        route!(post, "/actions/{action}/notes", p::act::actions::add_note),
        route!(
            get,
            "/locations/{location}/actions",
            p::act::actions::location_board
        ),
        route!(
            get,
            "/organisations/{organisation}/actions",
            p::act::actions::organisation_board
        ),
        route!(get, "/my/actions", p::act::actions::mine),
        route!(get, "/users/{user}/services", p::act::services::page),
        route!(post, "/users/{user}/services", p::act::services::save),
        route!(put, "/api/v1/actions/{action}/status", api::act::set_status),
        route!(
            get,
            "/api/v1/wards/{ward}/rounds/{round}/meeting",
            api::act::meeting
        ),
        route!(
            put,
            "/api/v1/wards/{ward}/rounds/{round}/meeting",
            api::act::save_meeting
        ),
        route!(
            post,
            "/api/v1/wards/{ward}/rounds/{round}/meeting/agreements",
            api::act::add_agreement
        ),
        route!(get, "/api/v1/wards/{ward}/actions", api::act::ward_actions),
        route!(
            post,
            "/api/v1/wards/{ward}/actions",
            api::act::create_action
        ),
        route!(get, "/api/v1/actions/{action}", api::act::action),
        route!(put, "/api/v1/actions/{action}", api::act::update_action),
        route!(post, "/api/v1/actions/{action}/notes", api::act::add_note),
        // --- Act: public ward page, poster, kwaliteitsbeeld ---
        route!(public, get, "/p/{public_id}", p::publication::public_page),
        route!(get, "/wards/{ward}/public", p::publication::settings),
        route!(post, "/wards/{ward}/public", p::publication::set_published),
        route!(
            post,
            "/wards/{ward}/public/quotes",
            p::publication::set_quotes
        ),
        route!(get, "/wards/{ward}/poster", p::publication::poster),
        route!(
            get,
            "/locations/{location}/quality-picture",
            p::quality_picture::location_page
        ),
        route!(
            get,
            "/locations/{location}/quality-picture.pdf",
            p::quality_picture::location_pdf
        ),
        route!(
            post,
            "/locations/{location}/quality-picture/reflection",
            p::quality_picture::location_reflection
        ),
        route!(
            post,
            "/locations/{location}/quality-picture/sign-off",
            p::quality_picture::location_sign_off
        ),
        route!(
            get,
            "/organisations/{organisation}/quality-picture",
            p::quality_picture::organisation_page
        ),
        route!(
            get,
            "/organisations/{organisation}/quality-picture.pdf",
            p::quality_picture::organisation_pdf
        ),
        route!(
            post,
            "/organisations/{organisation}/quality-picture/reflection",
            p::quality_picture::organisation_reflection
        ),
        route!(
            post,
            "/organisations/{organisation}/quality-picture/sign-off",
            p::quality_picture::organisation_sign_off
        ),
    ]
}

/// The whole application, ready to serve.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new();
    for (spec, handler) in routes() {
        router = router.route(spec.path, handler);
    }
    router
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn(auth::require_csrf))
        .layer(axum::middleware::from_fn(error::render_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::context,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(axum::middleware::from_fn(time_limit))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Longest time for one request; a stuck request answers 503 instead of holding a connection.
pub const REQUEST_TIME_LIMIT: std::time::Duration = std::time::Duration::from_mins(1);
/// Longest time for an audio upload: a recording of an hour or more over a care home's wifi may
/// take far longer than a page (its size is limited by the handler).
pub const AUDIO_UPLOAD_TIME_LIMIT: std::time::Duration = std::time::Duration::from_hours(3);

/// The time limit of a request: long for the two audio upload routes, short for all others.
pub fn time_limit_for(method: &Method, path: &str) -> std::time::Duration {
    let audio_upload = method == Method::POST
        && path.ends_with("/audio")
        && (path.starts_with("/conversations/") || path.starts_with("/api/v1/conversations/"));
    if audio_upload {
        AUDIO_UPLOAD_TIME_LIMIT
    } else {
        REQUEST_TIME_LIMIT
    }
}

async fn time_limit(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let limit = time_limit_for(req.method(), req.uri().path());
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// Headers that keep pages from being framed, sniffed or fed outside scripts.
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}
