//! The ward's public "jij zei, wij doen" page (no login, no cookies, no tracking), its settings
//! page for the quality officer and team leader, and the printable A4 poster with a QR code.
//!
//! The public page shows only what the ward chose: aggregated themes per perspective of the latest
//! reported round (cells behind fewer triads than the network's minimum are left out), the actions
//! marked public, and quotes from fragments marked publishable whose conversation has consent for
//! quotes. No names, no triad codes, no ids but the public id.

use super::quality_picture::GOES_WELL_FROM;
use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::input::Input;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use driehoek_domain::Perspective;
use driehoek_domain::report::tally;
use driehoek_domain::suppress::Gated;
use driehoek_storage::publication::{self as pb, QuoteCandidate};
use driehoek_storage::reports;
use driehoek_storage::structure::{self as st, Crumbs, Ward};
use std::collections::HashMap;

/// Themes listed per perspective and list.
const THEMES_PER_LIST: usize = 4;

/// One theme in a perspective's list on the public page.
pub struct PublicTheme {
    pub name: String,
    pub stories: String,
}

/// What one perspective told.
pub struct PerspectiveView {
    pub name: String,
    pub goes_well: Vec<PublicTheme>,
    pub improve: Vec<PublicTheme>,
    /// True when nothing of this perspective may be shown (small groups).
    pub nothing: bool,
}

pub struct ActionView {
    pub title: String,
    pub status: String,
    pub status_key: String,
    pub due: String,
    pub themes: String,
}

pub struct QuoteView {
    pub text: String,
    pub who: String,
    pub themes: String,
    pub positive: bool,
}

#[derive(Template)]
#[template(path = "public_ward.html")]
struct PublicPage {
    tr: Tr,
    other_lang: &'static str,
    ward: String,
    location: String,
    organisation: String,
    round_text: Option<String>,
    perspectives: Vec<PerspectiveView>,
    actions: Vec<ActionView>,
    quotes: Vec<QuoteView>,
}

#[derive(serde::Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A `YYYY-MM-DD` date in words ("1 december 2025"); with `day` false only month and year
/// ("maart 2025"). Anything else is returned as it is.
pub fn date_in_words(date: &str, english: bool, day: bool) -> String {
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return date.to_string();
    };
    let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) else {
        return date.to_string();
    };
    let months: &[&str; 12] = if english { &MONTHS_EN } else { &MONTHS_NL };
    let Some(month) = months.get(m.wrapping_sub(1)) else {
        return date.to_string();
    };
    if day {
        format!("{d} {month} {y}")
    } else {
        format!("{month} {y}")
    }
}

fn public_perspective(tr: Tr, p: Perspective) -> String {
    tr.t(&format!("pub-{}", p.key()))
}

/// `GET /p/{public_id}`: the public page. Language from `?lang=` or Accept-Language, never a
/// cookie; the response sets no cookie (see [`crate::auth::cookieless`]).
pub async fn public_page(
    State(app): State<AppState>,
    Path(public_id): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or_else(|| {
        Lang::from_accept_language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        )
    });
    let tr = Tr::new(lang);
    let english = lang == Lang::En;
    let ward = pb::public_ward(&app.db, &public_id).await?;
    let min = ward.min_group_size;
    let round = pb::latest_reported_round(&app.db, &ward.ward_id).await?;

    let mut perspectives = Vec::new();
    let mut theme_names: HashMap<String, String> = HashMap::new();
    let mut theme_key_names: HashMap<String, String> = HashMap::new();
    let round_text = round.as_ref().map(|r| {
        tr.f(
            "pub-round",
            &[
                ("round", &r.name),
                ("start", &date_in_words(&r.period_start, english, false)),
                ("end", &date_in_words(&r.period_end, english, false)),
            ],
        )
    });
    if let Some(round) = &round {
        for t in reports::themes_of_set(&app.db, &round.theme_set_id).await? {
            theme_names.insert(t.id.clone(), t.name(english).to_string());
            theme_key_names.insert(t.key.clone(), t.name(english).to_string());
        }
        let rows = reports::themed_fragments(&app.db, &ward.ward_id, &round.id).await?;
        let codes = super::report::parse_codes(&rows);
        let cells = tally(codes.iter().copied());
        for p in Perspective::ALL {
            let mut shown: Vec<(&str, u32, u32)> = Vec::new();
            for ((theme, persp), cell) in &cells {
                if *persp != p {
                    continue;
                }
                if let Gated::Shown(c) = cell.gated(min) {
                    shown.push((theme, c.positive, c.negative));
                }
            }
            let view = |list: Vec<&(&str, u32, u32)>| -> Vec<PublicTheme> {
                list.into_iter()
                    .take(THEMES_PER_LIST)
                    .map(|(t, pos, neg)| PublicTheme {
                        name: theme_names.get(*t).cloned().unwrap_or_default(),
                        stories: tr.f(
                            "pub-stories",
                            &[
                                ("positive", &pos.to_string()),
                                ("negative", &neg.to_string()),
                            ],
                        ),
                    })
                    .collect()
            };
            // A theme goes well from the same positive share as in the kwaliteitsbeeld on;
            // each theme is in one list only.
            let goes_well = |pos: u32, neg: u32| pos * 100 >= GOES_WELL_FROM * (pos + neg).max(1);
            let mut well: Vec<&(&str, u32, u32)> = shown
                .iter()
                .filter(|(_, pos, neg)| goes_well(*pos, *neg))
                .collect();
            well.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
            let mut improve: Vec<&(&str, u32, u32)> = shown
                .iter()
                .filter(|(_, pos, neg)| !goes_well(*pos, *neg))
                .collect();
            improve.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
            perspectives.push(PerspectiveView {
                name: public_perspective(tr, p),
                nothing: shown.is_empty(),
                goes_well: view(well),
                improve: view(improve),
            });
        }
    }

    let action_themes = pb::public_action_themes(&app.db, &ward.ward_id).await?;
    let actions = pb::public_actions(&app.db, &ward.ward_id)
        .await?
        .into_iter()
        .map(|a| {
            let themes: Vec<String> = action_themes
                .iter()
                .filter(|(id, _)| *id == a.id)
                .filter_map(|(_, k)| theme_key_names.get(k).cloned())
                .collect();
            ActionView {
                title: a.title,
                status: tr.t(&format!("pub-status-{}", status_key(&a.status))),
                status_key: status_key(&a.status).replace('_', "-"),
                due: a
                    .due_on
                    .filter(|_| a.status != "done")
                    .map(|d| tr.f("pub-due", &[("date", &date_in_words(&d, english, true))]))
                    .unwrap_or_default(),
                themes: themes.join(", "),
            }
        })
        .collect();

    let mut all_theme_names: HashMap<String, String> = theme_names.clone();
    let quotes_raw = pb::public_quotes(&app.db, &ward.ward_id, min).await?;
    for q in &quotes_raw {
        if q.theme_ids.is_some()
            && round
                .as_ref()
                .is_none_or(|r| r.theme_set_id != q.theme_set_id)
        {
            for t in reports::themes_of_set(&app.db, &q.theme_set_id).await? {
                all_theme_names.insert(t.id.clone(), t.name(english).to_string());
            }
        }
    }
    let quotes = quotes_raw
        .into_iter()
        .map(|q| QuoteView {
            who: Perspective::parse(&q.perspective)
                .map(|p| public_perspective(tr, p))
                .unwrap_or_default(),
            themes: q
                .theme_ids
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|id| all_theme_names.get(id).cloned())
                .collect::<Vec<_>>()
                .join(", "),
            positive: q.valence == "positive",
            text: q.text,
        })
        .collect();

    let mut res = render(&PublicPage {
        tr,
        other_lang: if english { "nl" } else { "en" },
        ward: ward.ward_name,
        location: ward.location_name,
        organisation: ward.organisation_name,
        round_text,
        perspectives,
        actions,
        quotes,
    })?;
    // The ward may change what it publishes at any time: do not keep old copies around.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn status_key(s: &str) -> &'static str {
    match s {
        "agreed" => "agreed",
        "in_progress" => "in_progress",
        "done" => "done",
        "dropped" => "dropped",
        _ => "proposed",
    }
}

/// The absolute address of a public page: the configured public URL, else the request's host
/// (https when Driehoek runs behind HTTPS, i.e. with secure cookies).
pub fn public_url(app: &AppState, headers: &HeaderMap, public_id: &str) -> String {
    let base = if let Some(u) = app.config.public_url.as_deref().filter(|u| !u.is_empty()) {
        u.trim_end_matches('/').to_string()
    } else {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            })
            .unwrap_or("localhost");
        let scheme = if app.config.secure_cookies {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    };
    format!("{base}/p/{public_id}")
}

pub struct CandidateView {
    pub id: String,
    pub text: String,
    pub perspective: String,
    pub valence: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "publication.html")]
struct SettingsPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    may_publish: bool,
    published: bool,
    public_href: Option<String>,
    actions: Vec<ActionView>,
    round: Option<(String, String)>,
    candidates: Vec<CandidateView>,
    too_few: bool,
    min: i64,
}

fn candidate_view(tr: Tr, c: QuoteCandidate) -> CandidateView {
    CandidateView {
        perspective: Perspective::parse(&c.perspective)
            .map(|p| tr.t(&format!("perspective-{}", p.key())))
            .unwrap_or_default(),
        valence: tr.t(if c.valence == "positive" {
            "valence-positive"
        } else {
            "valence-negative"
        }),
        checked: c.publishable != 0,
        id: c.fragment_id,
        text: c.text,
    }
}

/// `GET /wards/{ward}/public`: publish or withdraw, choose quotes, see the public actions.
pub async fn settings(
    State(app): State<AppState>,
    me: Me,
    Path(ward_id): Path<String>,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (ward, publication) = pb::of_ward(&app.db, tenant, &ward_id).await?;
    let crumbs = st::crumbs(&app.db, tenant, &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let min = reports::min_group_size(&app.db, &ward.network_id).await?;
    let round = pb::latest_reported_round(&app.db, &ward.id).await?;
    let mut candidates = Vec::new();
    let mut too_few = false;
    if let Some(r) = &round {
        candidates = pb::quote_candidates(&app.db, &ward.id, &r.id)
            .await?
            .into_iter()
            .map(|c| candidate_view(tr, c))
            .collect();
        let n = reports::triad_count(&app.db, &ward.id, &r.id).await?;
        too_few = n < min.max(1);
    }
    let actions = pb::public_actions(&app.db, &ward.id)
        .await?
        .into_iter()
        .map(|a| ActionView {
            status: tr.t(&format!("pub-status-{}", status_key(&a.status))),
            status_key: status_key(&a.status).replace('_', "-"),
            due: a.due_on.unwrap_or_default(),
            title: a.title,
            themes: String::new(),
        })
        .collect();
    render(&SettingsPage {
        may_publish: pb::may_publish(tenant, &ward),
        published: publication
            .as_ref()
            .is_some_and(pb::Publication::is_published),
        public_href: publication.map(|p| format!("/p/{}", p.public_id)),
        layout,
        crumbs,
        ward,
        actions,
        round: round.map(|r| (r.id, r.name)),
        candidates,
        too_few,
        min,
    })
}

/// `POST /wards/{ward}/public`: `published=1` publishes, anything else withdraws.
pub async fn set_published(
    State(app): State<AppState>,
    me: Me,
    Path(ward_id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let on = input.get("published") == "1";
    pb::set_published(&app.db, me.tenant(), me.email(), &ward_id, on).await?;
    Ok(see_other(&format!("/wards/{ward_id}/public")))
}

/// `POST /wards/{ward}/public/quotes`: the checked fragments (`fragment`) of `round` become the
/// ward's public quotes.
pub async fn set_quotes(
    State(app): State<AppState>,
    me: Me,
    Path(ward_id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let round = input.get("round");
    pb::set_publishable_quotes(
        &app.db,
        me.tenant(),
        me.email(),
        &ward_id,
        round,
        input.all("fragment"),
    )
    .await?;
    Ok(see_other(&format!("/wards/{ward_id}/public")))
}

#[derive(Template)]
#[template(path = "poster.html")]
struct PosterPage {
    tr: Tr,
    ward: Ward,
    url: String,
    qr: String,
    published: bool,
}

/// `GET /wards/{ward}/poster`: an A4 poster with the QR code of the public page. The public id
/// is made (unpublished) when the ward has none yet, so a poster can be printed before the page
/// goes live.
pub async fn poster(
    State(app): State<AppState>,
    me: Me,
    Path(ward_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (ward, publication) = pb::of_ward(&app.db, tenant, &ward_id).await?;
    let tr = Layout::new(&me.1).tr;
    let Some(publication) = publication else {
        return Err(AppError::NotFound);
    };
    let url = public_url(&app, &headers, &publication.public_id);
    let qr = crate::qr::svg(&url, &tr.f("poster-qr-label", &[("ward", &ward.name)]))
        .ok_or_else(|| AppError::Internal("public address too long for a QR code".into()))?;
    render(&PosterPage {
        tr,
        published: publication.is_published(),
        ward,
        url,
        qr,
    })
}

#[cfg(test)]
mod tests {
    use super::date_in_words;

    #[test]
    fn dates_in_plain_words() {
        assert_eq!(date_in_words("2025-12-01", false, true), "1 december 2025");
        assert_eq!(date_in_words("2025-03-01", true, false), "March 2025");
        assert_eq!(date_in_words("2025-13-01", false, true), "2025-13-01");
        assert_eq!(date_in_words("morgen", false, true), "morgen");
    }
}
