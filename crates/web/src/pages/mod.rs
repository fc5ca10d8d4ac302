//! Server-rendered pages. Each page is an askama template with a [`Layout`] (language, CSRF token,
//! navigation) and works without JavaScript.

pub mod account;
pub mod act;
pub mod audit;
pub mod coding;
pub mod exports;
pub mod listen;
pub mod login;
pub mod publication;
pub mod quality_picture;
pub mod report;
pub mod second_coding;
pub mod structure;
pub mod theme_sets;
pub mod users;

use crate::auth::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use askama::Template;
use axum::extract::Request;
use axum::response::{Html, IntoResponse, Redirect, Response};
use driehoek_domain::access::Role;

/// What every page needs around its content.
#[derive(Debug, Clone, Default)]
#[allow(clippy::struct_excessive_bools)]
pub struct Layout {
    pub tr: Tr,
    pub csrf: String,
    pub user_name: Option<String>,
    pub path: String,
    pub manages_users: bool,
    pub reads_audit: bool,
    /// Shows "Rounds" (those who plan or read rounds) and "My conversations" (interviewers).
    pub listen_rounds: bool,
    pub listen_interviews: bool,
    /// Shows "Actions of my service" (support-service members).
    pub service_actions: bool,
}

impl Layout {
    pub fn new(ctx: &Ctx) -> Layout {
        let admin = ctx.auth.as_ref().is_some_and(|a| {
            a.tenant.has_role(Role::NetworkCoordinator) || a.tenant.has_role(Role::QualityOfficer)
        });
        Layout {
            tr: Tr::new(ctx.lang),
            csrf: ctx.csrf.clone(),
            user_name: ctx.auth.as_ref().map(|a| a.user.display_name.clone()),
            path: ctx.path.clone(),
            manages_users: admin,
            reads_audit: admin,
            listen_rounds: ctx.auth.as_ref().is_some_and(|a| {
                [
                    Role::NetworkCoordinator,
                    Role::QualityOfficer,
                    Role::TeamLeader,
                    Role::Coder,
                ]
                .into_iter()
                .any(|r| a.tenant.has_role(r))
            }),
            listen_interviews: ctx
                .auth
                .as_ref()
                .is_some_and(|a| a.tenant.has_role(Role::Interviewer)),
            service_actions: ctx
                .auth
                .as_ref()
                .is_some_and(|a| a.tenant.has_role(Role::SupportService)),
        }
    }

    pub fn from_request(req: &Request) -> Layout {
        req.extensions()
            .get::<Ctx>()
            .map(Layout::new)
            .unwrap_or_default()
    }
}

/// Renders a template into an HTML response.
pub fn render(t: &impl Template) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// After a successful form post: back to a page (303, so a reload does not post again).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}
