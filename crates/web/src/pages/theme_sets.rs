//! Theme sets (method.md §4): the built-in sets in Dutch and English and a network's own sets,
//! versioned. A coordinator adds a set or a new version of one, one theme per line.

use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::input::Input;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::theme_form::{parse, to_lines};
use driehoek_domain::themes::{Language, Localised, SupportService, Theme, ThemeSet};
use driehoek_storage::structure::{self as st, Network};
use driehoek_storage::theme_sets::{self, SetView};

pub struct SetRow {
    pub set: SetView,
    pub name: String,
    /// (name, support services in words) per theme.
    pub themes: Vec<(String, String)>,
    /// The form's lines for a new version.
    pub lines: String,
}

#[derive(Template)]
#[template(path = "theme_sets.html")]
struct SetsPage {
    layout: Layout,
    network: Network,
    manages: bool,
    builtin: Vec<SetRow>,
    own: Vec<SetRow>,
    services: String,
}

fn row(set: SetView, english: bool) -> SetRow {
    let language = if english { Language::En } else { Language::Nl };
    let as_set = ThemeSet {
        key: set.key.clone(),
        version: u32::try_from(set.version).unwrap_or(1),
        name: Localised {
            nl: set.name_nl.clone(),
            en: set.name_en.clone(),
        },
        description: Localised {
            nl: String::new(),
            en: String::new(),
        },
        themes: set
            .themes
            .iter()
            .map(|t| Theme {
                key: t.key.clone(),
                name: Localised {
                    nl: t.name_nl.clone(),
                    en: t.name_en.clone(),
                },
                description: Localised {
                    nl: String::new(),
                    en: String::new(),
                },
                support_services: t
                    .support_services
                    .split(',')
                    .filter_map(SupportService::parse)
                    .collect(),
            })
            .collect(),
    };
    SetRow {
        name: if english {
            set.name_en.clone()
        } else {
            set.name_nl.clone()
        },
        themes: as_set
            .themes
            .iter()
            .map(|t| {
                let services: Vec<&str> = t
                    .support_services
                    .iter()
                    .map(|s| s.name(language))
                    .collect();
                (t.name.get(language).to_string(), services.join(", "))
            })
            .collect(),
        lines: to_lines(&as_set),
        set,
    }
}

pub async fn list(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let network = st::network(&app.db, me.tenant(), &id).await?;
    let manages = me.tenant().manages(&network.path());
    let layout = Layout::new(&me.1);
    let english = layout.tr.lang == Lang::En;
    let (builtin, own): (Vec<SetView>, Vec<SetView>) = theme_sets::list(&app.db, me.tenant(), &id)
        .await?
        .into_iter()
        .partition(|s| s.builtin);
    let services = SupportService::ALL
        .iter()
        .map(|s| {
            format!(
                "{} ({})",
                s.key(),
                s.name(if english { Language::En } else { Language::Nl })
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    render(&SetsPage {
        layout,
        network,
        manages,
        builtin: builtin
            .into_iter()
            .filter(|s| s.latest)
            .map(|s| row(s, english))
            .collect(),
        own: own.into_iter().map(|s| row(s, english)).collect(),
        services,
    })
}

pub async fn save(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let network = st::network(&app.db, me.tenant(), &id).await?;
    driehoek_storage::structure::check_manages(me.tenant(), &network.path())?;
    let set = parse(
        input.get("key"),
        1,
        input.get("name_nl"),
        input.get("name_en"),
        input.get("themes"),
    )
    .map_err(AppError::Invalid)?;
    theme_sets::save(&app.db, me.tenant(), me.email(), &id, &set).await?;
    Ok(see_other(&format!(
        "/networks/{id}/theme-sets#set-{}",
        set.key
    )))
}
