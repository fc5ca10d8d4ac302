//! Which support service(s) an account works for: a support-service member sees the
//! improvement actions their service owns (`/my/actions`).

use super::actions::Choice;
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::input::Input;
use crate::pages::{Layout, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::themes::{Language, SupportService};
use driehoek_domain::validate::Problem;
use driehoek_storage::accounts::{self, User};
use driehoek_storage::act::actions as store;

#[derive(Template)]
#[template(path = "act_services.html")]
struct ServicesPage {
    layout: Layout,
    user: User,
    services: Vec<Choice>,
}

pub async fn page(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = accounts::user(&app.db, me.tenant(), &id).await?;
    if !me.tenant().manages(&user.home()) {
        return Err(AppError::Forbidden);
    }
    let chosen = store::services_of(&app.db, &id).await?;
    let layout = Layout::new(&me.1);
    let lang = if layout.tr.lang == Lang::En {
        Language::En
    } else {
        Language::Nl
    };
    render(&ServicesPage {
        services: SupportService::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.key().into(),
                label: s.name(lang).into(),
                selected: chosen.iter().any(|c| c == s.key()),
            })
            .collect(),
        layout,
        user,
    })
}

pub async fn save(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    accounts::user(&app.db, me.tenant(), &id).await?;
    let mut services = Vec::new();
    for v in super::list(&input, "services") {
        services.push(
            SupportService::parse(&v).ok_or_else(|| Problem::new("services", "error-choice"))?,
        );
    }
    store::set_services(&app.db, me.tenant(), me.email(), &id, &services).await?;
    Ok(see_other(&format!("/users/{id}/services")))
}
