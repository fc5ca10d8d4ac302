//! Double coding (method.md §2 step 7): the share of a round's conversations coded twice, the
//! blind second-coding page, and the agreement page with Cohen's kappa for valence and per theme
//! and the disagreements to decide on.

use super::coding::{ThemeBox, perspective_name, theme_boxes};
use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::{Check, Input};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::coding::{Code, validate_code};
use driehoek_domain::kappa::{cohens_kappa, theme_kappa, theme_presence};
use driehoek_domain::validate;
use driehoek_storage::coding::{self, CodingConversation, ConversationProgress, Fragment};
use driehoek_storage::reports;
use driehoek_storage::second_coding::{self, SecondCode};
use driehoek_storage::structure::{self as st, Crumbs, Ward};

/// Reads a code from a form (`valence`, `theme-<key>` checkboxes) against the fragment's round.
async fn form_code(
    app: &AppState,
    me: &Me,
    fragment: &str,
    input: &Input,
) -> Result<Code, AppError> {
    let conv_id = coding::conversation_of_fragment(&app.db, fragment)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, conv) = coding::conversation(&app.db, me.tenant(), &conv_id).await?;
    let keys: Vec<String> = coding::theme_keys(&app.db, &conv.theme_set_id)
        .await?
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let picked: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|k| input.has(&format!("theme-{k}")))
        .collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    validate_code(input.get("valence"), &picked, &key_refs).map_err(AppError::Invalid)
}

pub struct BlindView {
    pub f: Fragment,
    pub speaker: String,
    pub valence: String,
    pub checked: Vec<bool>,
    pub done: bool,
}

#[derive(Template)]
#[template(path = "second_coding.html")]
struct SecondPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    conv: CodingConversation,
    perspective: String,
    themes: Vec<ThemeBox>,
    fragments: Vec<BlindView>,
    done: usize,
}

pub async fn conversation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (ward, conv, list) = second_coding::open(&app.db, me.tenant(), me.email(), &id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let theme_list = reports::themes_of_set(&app.db, &conv.theme_set_id).await?;
    let themes = theme_boxes(&theme_list, tr.lang);
    let done = list.iter().filter(|(_, s)| s.is_some()).count();
    let fragments = list
        .into_iter()
        .map(|(f, own)| {
            let own = own.unwrap_or(SecondCode {
                valence: String::new(),
                themes: Vec::new(),
                consensus: false,
            });
            BlindView {
                speaker: tr.t(if f.speaker == "interviewer" {
                    "speaker-interviewer"
                } else {
                    "speaker-participant"
                }),
                checked: themes.iter().map(|t| own.themes.contains(&t.key)).collect(),
                done: !own.valence.is_empty(),
                valence: own.valence,
                f,
            }
        })
        .collect();
    render(&SecondPage {
        perspective: perspective_name(tr, &conv.perspective),
        layout,
        crumbs,
        ward,
        conv,
        themes,
        fragments,
        done,
    })
}

pub async fn save(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let code = form_code(&app, &me, &id, &input).await?;
    let conv = second_coding::save(&app.db, me.tenant(), &id, &code).await?;
    Ok(see_other(&format!(
        "/conversations/{conv}/second-coding#fragment-{id}"
    )))
}

pub async fn set_percent(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
    input: Input,
) -> Result<Response, AppError> {
    let (ward, _) = reports::ward_round(&app.db, me.tenant(), &ward_id, &round_id).await?;
    let mut c = Check::default();
    let percent = c.field(validate::number_in("percent", input.get("percent"), 0, 100));
    c.done()?;
    second_coding::set_percent(
        &app.db,
        me.tenant(),
        me.email(),
        &ward,
        &round_id,
        percent.unwrap_or(0),
    )
    .await?;
    Ok(see_other(&format!(
        "/wards/{ward_id}/rounds/{round_id}/agreement"
    )))
}

/// Kappa for one thing compared, as the page shows it.
pub struct KappaRow {
    pub what: String,
    pub kappa: String,
    pub n: usize,
}

pub struct Disagreement {
    pub pair: second_coding::Pair,
    pub perspective: String,
    pub first: String,
    pub second: String,
    pub checked: Vec<bool>,
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct AgreementPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    round_id: String,
    round_name: String,
    percent: i64,
    manages: bool,
    picked: Vec<(ConversationProgress, String)>,
    rows: Vec<KappaRow>,
    themes: Vec<ThemeBox>,
    disagreements: Vec<Disagreement>,
    pairs: usize,
    settled: usize,
}

fn kappa_text(k: Option<f64>) -> String {
    k.map_or_else(|| "–".into(), |k| format!("{k:.2}"))
}

fn code_text(tr: crate::i18n::Tr, themes: &[ThemeBox], c: &SecondCode) -> String {
    let v = tr.t(match c.valence.as_str() {
        "positive" => "valence-positive",
        "negative" => "valence-negative",
        _ => "valence-none",
    });
    let names: Vec<&str> = themes
        .iter()
        .filter(|t| c.themes.contains(&t.key))
        .map(|t| t.name.as_str())
        .collect();
    if names.is_empty() {
        v
    } else {
        format!("{v} · {}", names.join(", "))
    }
}

pub async fn agreement(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let ward = coding::coding_ward(&app.db, me.tenant(), &ward_id).await?;
    let (_, round) = reports::ward_round(&app.db, me.tenant(), &ward_id, &round_id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let theme_list = reports::themes_of_set(&app.db, &round.theme_set_id).await?;
    let themes = theme_boxes(&theme_list, tr.lang);
    let percent = second_coding::percent(&app.db, &round_id).await?;
    let picked = second_coding::picked(&app.db, &ward_id, &round_id)
        .await?
        .into_iter()
        .map(|c| {
            let p = perspective_name(tr, &c.perspective);
            (c, p)
        })
        .collect();
    let pairs = second_coding::pairs(&app.db, &ward_id, &round_id).await?;
    let valences: Vec<(&str, &str)> = pairs
        .iter()
        .map(|p| (p.first.valence.as_str(), p.second.valence.as_str()))
        .collect();
    let mut rows = vec![KappaRow {
        what: tr.t("field-valence"),
        kappa: kappa_text(cohens_kappa(&valences)),
        n: pairs.len(),
    }];
    let theme_codes: Vec<(Vec<&str>, Vec<&str>)> = pairs
        .iter()
        .map(|p| {
            (
                p.first.themes.iter().map(String::as_str).collect(),
                p.second.themes.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    for t in &themes {
        let presence = theme_presence(
            theme_codes
                .iter()
                .map(|(a, b)| (a.as_slice(), b.as_slice())),
            &t.key.as_str(),
        );
        if presence.iter().any(|(a, b)| *a || *b) {
            rows.push(KappaRow {
                what: t.name.clone(),
                kappa: kappa_text(theme_kappa(&presence)),
                n: presence.len(),
            });
        }
    }
    let settled = pairs.iter().filter(|p| p.first.consensus).count();
    let n = pairs.len();
    let disagreements = pairs
        .into_iter()
        .filter(|p| !p.agrees() && !p.first.consensus)
        .map(|p| Disagreement {
            perspective: perspective_name(tr, &p.perspective),
            first: code_text(tr, &themes, &p.first),
            second: code_text(tr, &themes, &p.second),
            checked: themes
                .iter()
                .map(|t| p.first.themes.contains(&t.key))
                .collect(),
            pair: p,
        })
        .collect();
    render(&AgreementPage {
        manages: me.tenant().manages(&ward.path()),
        layout,
        crumbs,
        ward,
        round_id,
        round_name: round.name,
        percent,
        picked,
        rows,
        themes,
        disagreements,
        pairs: n,
        settled,
    })
}

pub async fn consensus(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let code = form_code(&app, &me, &id, &input).await?;
    let conv_id = second_coding::consensus(&app.db, me.tenant(), me.email(), &id, &code).await?;
    let (ward, conv) = coding::conversation(&app.db, me.tenant(), &conv_id).await?;
    Ok(see_other(&format!(
        "/wards/{}/rounds/{}/agreement#disagreements",
        ward.id, conv.round_id
    )))
}
