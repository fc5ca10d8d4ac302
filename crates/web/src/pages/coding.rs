//! Coding pages (method.md §2 step 7): the round's conversations with their progress, and per
//! conversation its fragments, each with a form for valence and themes, merge and split. Works
//! without JavaScript (one form per fragment, 303 back to `#fragment-ID`); `/assets/coding.js`
//! adds keyboard shortcuts and saves as you go through the JSON API (`api_save`).

use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::input::Input;
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::coding::{Code, validate_code};
use driehoek_domain::segment::split_points;
use driehoek_domain::suggest::{Example, Model, Suggestion};
use driehoek_domain::validate::Problem;
use driehoek_storage::coding::{self, CodingConversation, CodingTarget, Fragment};
use driehoek_storage::reports::{self, ThemeInfo};
use driehoek_storage::structure::{self as st, Crumbs, Ward};
use serde_json::{Value, json};
use std::fmt::Write as _;

/// A theme as a checkbox: its key, name and keyboard number (1–9, 0 for none).
pub struct ThemeBox {
    pub key: String,
    pub name: String,
    pub number: usize,
}

pub struct FragmentView {
    pub f: Fragment,
    pub speaker: String,
    /// (key, checked) per theme, in the order of `themes`.
    pub checked: Vec<bool>,
    pub splits: Vec<(usize, String)>,
    pub last: bool,
    /// A suggested code for an uncoded participant fragment, in words with confidences.
    pub suggestion: Option<String>,
}

/// A suggestion in words: "negatief (87%) · Eten en drinken (71%)". Themes not in this round's
/// set are left out.
fn suggestion_text(tr: Tr, themes: &[ThemeBox], s: &Suggestion) -> String {
    let percent = |p: f64| format!("{}%", (p * 100.0).round());
    let mut out = format!(
        "{} ({})",
        tr.t(match s.valence {
            driehoek_domain::Valence::Positive => "valence-positive",
            driehoek_domain::Valence::Negative => "valence-negative",
            driehoek_domain::Valence::None => "valence-none",
        }),
        percent(s.valence_confidence)
    );
    for (key, p) in &s.themes {
        if let Some(t) = themes.iter().find(|t| &t.key == key) {
            let _ = write!(out, " · {} ({})", t.name, percent(*p));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "coding.html")]
struct CodingPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    conv: CodingConversation,
    perspective: String,
    themes: Vec<ThemeBox>,
    fragments: Vec<FragmentView>,
    coded: usize,
    total: usize,
}

pub(crate) fn perspective_name(tr: Tr, key: &str) -> String {
    tr.t(&format!("perspective-{key}"))
}

pub(crate) fn theme_boxes(themes: &[ThemeInfo], lang: Lang) -> Vec<ThemeBox> {
    themes
        .iter()
        .enumerate()
        .map(|(i, t)| ThemeBox {
            key: t.key.clone(),
            name: t.name(lang == Lang::En).to_string(),
            number: if i < 9 { i + 1 } else { 0 },
        })
        .collect()
}

pub async fn conversation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (ward, conv, list) = coding::open(&app.db, me.tenant(), me.email(), &id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let theme_list = reports::themes_of_set(&app.db, &conv.theme_set_id).await?;
    let themes = theme_boxes(&theme_list, tr.lang);
    let coded = list.iter().filter(|f| f.coded).count();
    let total = list.len();
    let n = list.len();
    // Suggestions from the network's own coded fragments, only when something is left to code.
    let model = if coded < total {
        let learned = coding::learned(&app.db, &ward.network_id).await?;
        Some(Model::train(learned.iter().map(|l| Example {
            text: &l.text,
            valence: l.valence,
            themes: &l.themes,
        })))
    } else {
        None
    };
    let fragments = list
        .into_iter()
        .enumerate()
        .map(|(i, f)| FragmentView {
            speaker: tr.t(if f.speaker == "interviewer" {
                "speaker-interviewer"
            } else {
                "speaker-participant"
            }),
            checked: themes.iter().map(|t| f.themes.contains(&t.key)).collect(),
            splits: split_points(&f.text),
            last: i + 1 == n,
            suggestion: model
                .as_ref()
                .filter(|_| !f.coded && f.speaker == "participant")
                .and_then(|m| m.suggest(&f.text))
                .map(|s| suggestion_text(tr, &themes, &s)),
            f,
        })
        .collect();
    render(&CodingPage {
        perspective: perspective_name(tr, &conv.perspective),
        layout,
        crumbs,
        ward,
        conv,
        themes,
        fragments,
        coded,
        total,
    })
}

/// Reads and validates a code from a form: `valence` and a `theme-<key>` checkbox per theme.
fn form_code(target: &CodingTarget, input: &Input) -> Result<Code, AppError> {
    let keys = target.theme_keys();
    let picked: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| input.has(&format!("theme-{k}")))
        .collect();
    validate_code(input.get("valence"), &picked, &keys).map_err(AppError::Invalid)
}

pub async fn save(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let target = coding::target(&app.db, me.tenant(), &id).await?;
    let code = form_code(&target, &input)?;
    coding::save_code(&app.db, &me.0.user.id, &target, &code).await?;
    Ok(see_other(&format!(
        "/conversations/{}/coding#fragment-{id}",
        target.conv.id
    )))
}

pub async fn merge(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (conv, kept) = coding::merge_with_next(&app.db, me.tenant(), &id).await?;
    Ok(see_other(&format!(
        "/conversations/{conv}/coding#fragment-{kept}"
    )))
}

pub async fn split(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    // Check access before looking at the input, so nobody learns anything about others' data.
    coding::target(&app.db, me.tenant(), &id).await?;
    let at = input
        .get("at")
        .trim()
        .parse::<usize>()
        .map_err(|_| AppError::Invalid(vec![Problem::new("at", "coding-bad-split")]))?;
    let (conv, _) = coding::split(&app.db, me.tenant(), &id, at).await?;
    Ok(see_other(&format!(
        "/conversations/{conv}/coding#fragment-{id}"
    )))
}

#[derive(Template)]
#[template(path = "coding_round.html")]
struct RoundPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    round_id: String,
    round_name: String,
    rows: Vec<(coding::ConversationProgress, String, String, bool)>,
    coded: i64,
    total: i64,
    done: usize,
}

pub async fn round(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let ward = coding::coding_ward(&app.db, me.tenant(), &ward_id).await?;
    let (_, round) = reports::ward_round(&app.db, me.tenant(), &ward_id, &round_id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let list = coding::round_progress(&app.db, &ward_id, &round_id).await?;
    let coded = list.iter().map(|c| c.coded).sum();
    let total = list.iter().map(|c| c.total).sum();
    let done = list.iter().filter(|c| c.status == "coded").count();
    let rows = list
        .into_iter()
        .map(|c| {
            let codable = coding::CODABLE.contains(&c.status.as_str());
            let p = perspective_name(tr, &c.perspective);
            let state = tr.t(match c.status.as_str() {
                "coded" => "coding-conv-done",
                "checked" => "coding-conv-open",
                _ => "coding-conv-waiting",
            });
            (c, p, state, codable)
        })
        .collect();
    render(&RoundPage {
        layout,
        crumbs,
        ward,
        round_id,
        round_name: round.name,
        rows,
        coded,
        total,
        done,
    })
}

// --- JSON API ---

fn fragment_json(f: &Fragment) -> Value {
    json!({
        "id": f.id, "position": f.position, "speaker": f.speaker, "text": f.text,
        "valence": f.valence, "themes": f.themes, "coded": f.coded,
    })
}

/// `GET /api/v1/conversations/{conversation}/fragments` — the fragments with their codes (read is
/// audit-logged like the page).
pub async fn api_fragments(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (_, conv, list) = coding::open(&app.db, me.tenant(), me.email(), &id).await?;
    let coded = list.iter().filter(|f| f.coded).count();
    Ok(Json(json!({
        "conversation": conv.id, "triad": conv.triad_code, "perspective": conv.perspective,
        "status": conv.status, "progress": {"coded": coded, "total": list.len()},
        "fragments": list.iter().map(fragment_json).collect::<Vec<_>>(),
    })))
}

/// `PUT /api/v1/fragments/{fragment}` with `{"valence": "positive"|"negative"|"none",
/// "themes": ["key", …]}`.
pub async fn api_save(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let target = coding::target(&app.db, me.tenant(), &id).await?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|_| AppError::Invalid(vec![Problem::new("body", "error-json")]))?;
    let valence = match value.get("valence") {
        None | Some(Value::Null) => "none",
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(AppError::Invalid(vec![Problem::new(
                "valence",
                "coding-bad-valence",
            )]));
        }
    };
    let themes: Vec<&str> = match value.get("themes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().ok_or(()))
            .collect::<Result<_, _>>()
            .map_err(|()| {
                AppError::Invalid(vec![Problem::new("themes", "coding-unknown-theme")])
            })?,
        Some(_) => {
            return Err(AppError::Invalid(vec![Problem::new(
                "themes",
                "coding-unknown-theme",
            )]));
        }
    };
    let code = validate_code(valence, &themes, &target.theme_keys()).map_err(AppError::Invalid)?;
    let progress = coding::save_code(&app.db, &me.0.user.id, &target, &code).await?;
    let saved = Fragment {
        id: target.fragment_id,
        position: target.position,
        speaker: target.speaker,
        text: target.text,
        valence: code.valence.key().to_string(),
        coded: true,
        themes: code.themes,
    };
    let mut out = fragment_json(&saved);
    out["progress"] = json!(progress);
    Ok(Json(out))
}
