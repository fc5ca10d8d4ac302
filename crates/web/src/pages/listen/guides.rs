//! The conversation guide: the network's versions with an editor for the coordinator, and a
//! printable page per conversation.

use super::super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::Input;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::listen::guide::topics_text;
use driehoek_storage::listen::guides::{self, Guide};
use driehoek_storage::listen::{self, Conversation};
use driehoek_storage::structure::{self as st, Network};

/// A guide in the reader's language.
pub struct Shown {
    pub title: String,
    pub intro: String,
    pub guidance: String,
    pub version: i64,
    pub topics: Vec<(String, String)>,
}

pub fn shown(g: &Guide, en: bool) -> Shown {
    let pick = |nl: &String, e: &String| if en { e.clone() } else { nl.clone() };
    Shown {
        title: pick(&g.title_nl, &g.title_en),
        intro: pick(&g.intro_nl, &g.intro_en),
        guidance: pick(&g.guidance_nl, &g.guidance_en),
        version: g.version,
        topics: g
            .topics
            .iter()
            .map(|t| {
                (
                    pick(&t.title_nl, &t.title_en),
                    pick(&t.prompts_nl, &t.prompts_en),
                )
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "listen_guides.html")]
struct GuidesPage {
    layout: Layout,
    network: Network,
    guides: Vec<Shown>,
    manages: bool,
    latest: Guide,
    topics_nl: String,
    topics_en: String,
}

pub async fn list(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let network = st::network(&app.db, me.tenant(), &id).await?;
    let all = guides::guides(&app.db, me.tenant(), &id).await?;
    let en = me.1.lang == crate::i18n::Lang::En;
    let latest = all.first().cloned().ok_or(AppError::NotFound)?;
    render(&GuidesPage {
        layout: Layout::new(&me.1),
        manages: me.tenant().manages(&network.path()),
        guides: all.iter().map(|g| shown(g, en)).collect(),
        topics_nl: topics_text(&latest.topics, false),
        topics_en: topics_text(&latest.topics, true),
        latest,
        network,
    })
}

pub async fn save(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    st::network(&app.db, me.tenant(), &id).await?;
    let g = super::guide_text(&input)?;
    guides::save(&app.db, me.tenant(), me.email(), &id, &g).await?;
    Ok(see_other(&format!("/networks/{id}/guide")))
}

#[derive(Template)]
#[template(path = "listen_guide_print.html")]
struct PrintPage {
    layout: Layout,
    c: Conversation,
    guide: Shown,
}

/// The guide of one conversation, printable.
pub async fn for_conversation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (c, _) = listen::conversation(&app.db, me.tenant(), &id).await?;
    let g = guides::for_conversation(&app.db, me.tenant(), &id).await?;
    render(&PrintPage {
        layout: Layout::new(&me.1),
        c,
        guide: shown(&g, me.1.lang == crate::i18n::Lang::En),
    })
}
