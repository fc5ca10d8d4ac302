//! The audit log, read-only, with filters.

use super::{Layout, render};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use driehoek_domain::access::Role;
use driehoek_storage::audit::{self, AuditRow, Filter};

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: Option<String>,
}

impl AuditQuery {
    /// The filter, with dates that are not `YYYY-MM-DD` and unknown actions ignored (and said so).
    pub fn filter(&self) -> (Filter, i64) {
        let date = |s: &str| {
            let ok = s.len() == 10
                && time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
                    .is_ok();
            if ok { s.to_string() } else { String::new() }
        };
        let action = if audit::ACTIONS.contains(&self.action.as_str()) {
            self.action.clone()
        } else {
            String::new()
        };
        let page = self
            .page
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
            .clamp(0, 10_000);
        (
            Filter {
                action,
                actor: self.actor.chars().take(120).collect(),
                from: date(&self.from),
                to: date(&self.to),
            },
            page,
        )
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
    q: AuditQuery,
    actions: &'static [&'static str],
    page: i64,
    more: bool,
}

pub fn may_read(me: &Me) -> bool {
    me.tenant().has_role(Role::NetworkCoordinator) || me.tenant().has_role(Role::QualityOfficer)
}

pub async fn list(
    State(app): State<AppState>,
    me: Me,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    if !may_read(&me) {
        return Err(AppError::Forbidden);
    }
    let (filter, page) = q.filter();
    let rows = audit::list(&app.db, me.tenant(), &filter, page * audit::PAGE).await?;
    let more = rows.len() as i64 == audit::PAGE;
    render(&AuditPage {
        layout: Layout::new(&me.1),
        rows,
        q,
        actions: audit::ACTIONS,
        page,
        more,
    })
}
