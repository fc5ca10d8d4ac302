//! The ward report of a round (method.md §2 steps 8–9): the triad plot with its data table, per
//! theme the positive and negative fragments per perspective, "wat gaat goed" / "wat kan beter"
//! with pseudonymised quotes, the comparison with the ward's previous round, and the triad page
//! the plot links to. Every figure, quote and the plot itself pass the small-group rule
//! (method.md §5, [`driehoek_domain::suppress`]).

use super::act::follow_up::{self, Cells, cells_by_round};
use super::structure::{TriadRow, triad_row};
use super::{Layout, render};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::plot::{PlotLabels, PlotPoint, triad_plot_svg};
use driehoek_domain::report::{Cell, ThemeCode, tally};
use driehoek_domain::scores::Quadrant;
use driehoek_domain::suppress::{Gated, may_show};
use driehoek_domain::{Perspective, Valence};
use driehoek_storage::act::actions;
use driehoek_storage::reports::{self, ThemeInfo, ThemedFragment};
use driehoek_storage::rounds::{self, Round};
use driehoek_storage::second_coding::{self, Blind};
use driehoek_storage::structure::{self as st, Crumbs, Ward};
use std::collections::{BTreeMap, HashMap};

/// Quotes shown per theme and valence; the rest are in the triads' stories.
const QUOTES_PER_LIST: usize = 6;

/// A row of the plot's data table.
pub struct PlotRow {
    pub row: TriadRow,
    pub triad_id: String,
    pub anchor: String,
    pub quadrant: String,
}

/// One perspective's figures on one theme.
pub struct CellView {
    pub perspective: String,
    /// "12" or empty when suppressed.
    pub positive: String,
    pub negative: String,
    pub suppressed: bool,
}

/// A quote: the fragment's (pseudonymised) text with where it comes from.
pub struct Quote {
    pub text: String,
    pub source: String,
    pub href: String,
}

/// The positive share of one perspective before and after.
pub struct CompareRow {
    pub perspective: String,
    pub before: String,
    pub after: String,
}

pub struct ThemeView {
    pub key: String,
    pub name: String,
    pub cells: Vec<CellView>,
    pub goes_well: Vec<Quote>,
    pub goes_well_more: usize,
    pub improve: Vec<Quote>,
    pub improve_more: usize,
    pub compare: Vec<CompareRow>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    round: Round,
    previous: Option<Round>,
    min_group_size: i64,
    /// The plot's SVG, or `None` when too few triads are scored.
    plot: Option<String>,
    plot_rows: Vec<PlotRow>,
    scored: usize,
    unscored: usize,
    themes: Vec<ThemeView>,
    suppressed_note: String,
    /// Actions of earlier rounds on this ward with their themes before and after.
    follow_up: Vec<super::act::follow_up::FollowUpView>,
}

fn perspective_name(tr: Tr, p: Perspective) -> String {
    tr.t(&format!("perspective-{}", p.key()))
}

fn quadrant_name(tr: Tr, q: Quadrant) -> String {
    tr.t(&format!("quadrant-{}", q.key().replace('_', "-")))
}

pub fn plot_labels(tr: Tr, ward: &str, round: &str, scored: usize) -> PlotLabels {
    PlotLabels {
        title: tr.f("plot-title", &[("ward", ward), ("round", round)]),
        description: tr.f("plot-desc", &[("count", &scored.to_string())]),
        x_axis: tr.t("plot-x-axis"),
        y_axis: tr.t("plot-y-axis"),
        agree_well: quadrant_name(tr, Quadrant::AgreeGoesWell),
        agree_not_well: quadrant_name(tr, Quadrant::AgreeDoesNotGoWell),
        disagree_positive: quadrant_name(tr, Quadrant::DisagreeMostlyPositive),
        disagree_negative: quadrant_name(tr, Quadrant::DisagreeMostlyNegative),
    }
}

fn triad_href(triad_id: &str) -> String {
    format!("/triads/{triad_id}/fragments")
}

/// The coded fragments as the tally counts them (also used by the meeting agenda and follow-up).
pub(crate) fn parse_codes(rows: &[ThemedFragment]) -> Vec<ThemeCode<'_>> {
    rows.iter()
        .filter_map(|r| {
            Some(ThemeCode {
                theme: r.theme_id.as_str(),
                perspective: Perspective::parse(&r.perspective)?,
                triad: r.triad_id.as_str(),
                valence: Valence::parse(&r.valence)?,
            })
        })
        .collect()
}

/// The report's fragments by (theme id, valence), each list in the rows' order (triad, then
/// conversation order): grouped once, so that each theme's quotes look only at its own rows.
fn by_theme_and_valence(rows: &[ThemedFragment]) -> HashMap<(&str, &str), Vec<&ThemedFragment>> {
    let mut groups: HashMap<(&str, &str), Vec<&ThemedFragment>> = HashMap::new();
    for r in rows {
        groups
            .entry((r.theme_id.as_str(), r.valence.as_str()))
            .or_default()
            .push(r);
    }
    groups
}

/// The quotes of one theme and valence (`rows`, that group of [`by_theme_and_valence`]) from
/// perspectives whose cell may be shown, one per triad first so that a single talkative triad
/// does not fill the list.
fn quotes(
    tr: Tr,
    rows: Option<&Vec<&ThemedFragment>>,
    shown: &[Perspective],
) -> (Vec<Quote>, usize) {
    let all: Vec<&ThemedFragment> = rows
        .into_iter()
        .flatten()
        .copied()
        .filter(|r| Perspective::parse(&r.perspective).is_some_and(|p| shown.contains(&p)))
        .collect();
    let mut picked: Vec<&ThemedFragment> = Vec::new();
    for r in &all {
        if picked.len() < QUOTES_PER_LIST && !picked.iter().any(|p| p.triad_id == r.triad_id) {
            picked.push(r);
        }
    }
    for r in &all {
        if picked.len() < QUOTES_PER_LIST && !picked.iter().any(|p| p.fragment_id == r.fragment_id)
        {
            picked.push(r);
        }
    }
    let more = all.len() - picked.len();
    let quotes = picked
        .into_iter()
        .map(|r| Quote {
            text: r.text.clone(),
            source: format!(
                "{}, {}",
                Perspective::parse(&r.perspective)
                    .map_or_else(String::new, |p| perspective_name(tr, p)),
                r.triad_code
            ),
            href: format!("{}#fragment-{}", triad_href(&r.triad_id), r.fragment_id),
        })
        .collect();
    (quotes, more)
}

/// Cells by theme id as cells by theme key (`keys`: theme id → key).
fn by_key(cells: &BTreeMap<(&str, Perspective), Cell>, keys: &BTreeMap<&str, &str>) -> Cells {
    cells
        .iter()
        .filter_map(|((id, p), c)| Some(((keys.get(id)?.to_string(), *p), c.clone())))
        .collect()
}

fn share_text(tr: Tr, cell: Option<&Cell>, min: i64) -> String {
    match cell {
        None => tr.t("report-no-fragments"),
        Some(c) => match c.gated(min) {
            Gated::Shown(c) => c.positive_share().map_or_else(
                || tr.t("report-no-fragments"),
                |p| format!("{}%", p.rounded()),
            ),
            Gated::TooFew { .. } => tr.t("report-too-few"),
        },
    }
}

pub async fn ward_report(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (ward, round) = reports::ward_round(&app.db, tenant, &ward_id, &round_id).await?;
    let blind = Blind::WardRound {
        ward: &ward_id,
        round: &round_id,
    };
    second_coding::check_blind(&app.db, &tenant.user_id, blind).await?;
    let crumbs = st::crumbs(&app.db, tenant, &ward.path()).await?;
    let min = reports::min_group_size(&app.db, &ward.network_id).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let english = tr.lang == Lang::En;

    // The plot: scored triads only, and only when there are enough of them.
    let triads = rounds::scored_triads(&app.db, tenant, &ward_id, &round_id).await?;
    let scored: Vec<_> = triads
        .iter()
        .filter(|t| t.scores.valence.is_some() && t.scores.agreement.is_some())
        .collect();
    let unscored = triads.len() - scored.len();
    let plot_rows: Vec<PlotRow> = if may_show(scored.len(), min) {
        scored
            .iter()
            .map(|t| PlotRow {
                row: triad_row(tr, t),
                triad_id: t.id.clone(),
                anchor: format!("triad-{}", t.code),
                quadrant: t
                    .scores
                    .quadrant()
                    .map_or_else(String::new, |q| quadrant_name(tr, q)),
            })
            .collect()
    } else {
        Vec::new()
    };
    let plot = may_show(scored.len(), min).then(|| {
        let points: Vec<PlotPoint> = scored
            .iter()
            .zip(&plot_rows)
            .filter_map(|(t, row)| {
                let valence = t.scores.valence?.rounded();
                let agreement = t.scores.agreement?.score;
                Some(PlotPoint {
                    code: t.code.clone(),
                    valence,
                    agreement,
                    href: triad_href(&t.id),
                    figures: tr.f(
                        "plot-point",
                        &[
                            ("code", &t.code),
                            ("valence", &valence.to_string()),
                            ("label", &row.row.valence_label),
                            ("agreement", &agreement.to_string()),
                            ("level", &row.row.agreement_level),
                        ],
                    ),
                })
            })
            .collect();
        triad_plot_svg(
            "triad-plot",
            &points,
            &plot_labels(tr, &ward.name, &round.name, points.len()),
        )
    });

    // Per theme: cells, quotes, comparison.
    let theme_list: Vec<ThemeInfo> = reports::themes_of_set(&app.db, &round.theme_set_id).await?;
    let rows = reports::themed_fragments(&app.db, &ward_id, &round_id).await?;
    let codes = parse_codes(&rows);
    let cells = tally(codes.iter().copied());
    let groups = by_theme_and_valence(&rows);
    // Earlier rounds: the previous one for the comparison, and those of earlier actions for the
    // follow-up, counted in one query.
    let previous = reports::previous_round(&app.db, &ward_id, &round).await?;
    let earlier = actions::earlier_actions(&app.db, &ward_id, &round.period_start).await?;
    let mut earlier_rounds: Vec<&str> = earlier
        .iter()
        .filter_map(|(a, _)| a.round_id.as_deref())
        .chain(previous.as_ref().map(|p| p.id.as_str()))
        .collect();
    earlier_rounds.sort_unstable();
    earlier_rounds.dedup();
    let earlier_cells =
        cells_by_round(reports::theme_cells_of_rounds(&app.db, &ward_id, &earlier_rounds).await?);
    let no_cells = Cells::new();
    let before_cells = previous
        .as_ref()
        .and_then(|p| earlier_cells.get(&p.id))
        .unwrap_or(&no_cells);

    let mut themes = Vec::new();
    for theme in &theme_list {
        let has_now = Perspective::ALL
            .iter()
            .any(|p| cells.contains_key(&(theme.id.as_str(), *p)));
        let has_before = Perspective::ALL
            .iter()
            .any(|p| before_cells.contains_key(&(theme.key.clone(), *p)));
        if !has_now && !has_before {
            continue;
        }
        let mut cell_views = Vec::new();
        let mut shown = Vec::new();
        let mut compare = Vec::new();
        for p in Perspective::ALL {
            let cell = cells.get(&(theme.id.as_str(), p));
            let view = match cell.map(|c| c.gated(min)) {
                None => CellView {
                    perspective: perspective_name(tr, p),
                    positive: "0".into(),
                    negative: "0".into(),
                    suppressed: false,
                },
                Some(Gated::Shown(c)) => {
                    shown.push(p);
                    CellView {
                        perspective: perspective_name(tr, p),
                        positive: c.positive.to_string(),
                        negative: c.negative.to_string(),
                        suppressed: false,
                    }
                }
                Some(Gated::TooFew { .. }) => CellView {
                    perspective: perspective_name(tr, p),
                    positive: String::new(),
                    negative: String::new(),
                    suppressed: true,
                },
            };
            cell_views.push(view);
            if previous.is_some() {
                compare.push(CompareRow {
                    perspective: perspective_name(tr, p),
                    before: share_text(tr, before_cells.get(&(theme.key.clone(), p)), min),
                    after: share_text(tr, cell, min),
                });
            }
        }
        let (goes_well, goes_well_more) =
            quotes(tr, groups.get(&(theme.id.as_str(), "positive")), &shown);
        let (improve, improve_more) =
            quotes(tr, groups.get(&(theme.id.as_str(), "negative")), &shown);
        themes.push(ThemeView {
            key: theme.key.clone(),
            name: theme.name(english).to_string(),
            cells: cell_views,
            goes_well,
            goes_well_more,
            improve,
            improve_more,
            compare,
        });
    }

    // The follow-up compares by theme key.
    let now_keys: BTreeMap<&str, &str> = theme_list
        .iter()
        .map(|t| (t.id.as_str(), t.key.as_str()))
        .collect();
    let names: Vec<(String, String, String)> = theme_list
        .iter()
        .map(|t| (t.key.clone(), t.name_nl.clone(), t.name_en.clone()))
        .collect();
    let follow_up = follow_up::section(
        tr,
        &names,
        earlier,
        &by_key(&cells, &now_keys),
        &earlier_cells,
        min,
    );
    render(&ReportPage {
        suppressed_note: tr.f("report-suppressed-note", &[("min", &min.to_string())]),
        follow_up,
        layout,
        crumbs,
        ward,
        round,
        previous,
        min_group_size: min,
        plot,
        plot_rows,
        scored: scored.len(),
        unscored,
        themes,
    })
}

/// One fragment on the triad page.
pub struct FragmentView {
    pub id: String,
    pub speaker: String,
    pub text: String,
    pub valence: String,
    pub valence_class: &'static str,
    pub themes: String,
}

#[derive(Template)]
#[template(path = "triad.html")]
struct TriadPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    code: String,
    round_id: String,
    round_name: String,
    /// Per perspective (resident, family, staff) its fragments; empty when no conversation.
    conversations: Vec<(String, Vec<FragmentView>)>,
    /// False when the round on this ward has fewer triads than the minimum group size.
    shown: bool,
    suppressed_note: String,
}

pub async fn triad(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (ward, t) = reports::triad(&app.db, tenant, &id).await?;
    second_coding::check_blind(&app.db, &tenant.user_id, Blind::Triad(&id)).await?;
    let crumbs = st::crumbs(&app.db, tenant, &ward.path()).await?;
    let min = reports::min_group_size(&app.db, &ward.network_id).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let english = tr.lang == Lang::En;
    let group = reports::triad_count(&app.db, &ward.id, &t.round_id).await?;
    let shown = may_show(usize::try_from(group).unwrap_or(0), min);
    let mut conversations = Vec::new();
    if shown {
        let round = reports::ward_round(&app.db, tenant, &ward.id, &t.round_id)
            .await?
            .1;
        let themes = reports::themes_of_set(&app.db, &round.theme_set_id).await?;
        let fragments = reports::triad_fragments(&app.db, &t.id).await?;
        for p in Perspective::ALL {
            let list: Vec<FragmentView> = fragments
                .iter()
                .filter(|f| f.perspective == p.key())
                .map(|f| {
                    let names: Vec<&str> = themes
                        .iter()
                        .filter(|th| f.theme_ids.contains(&th.id))
                        .map(|th| th.name(english))
                        .collect();
                    let valence = f.valence.as_deref().unwrap_or("none");
                    FragmentView {
                        id: f.id.clone(),
                        speaker: tr.t(if f.speaker == "interviewer" {
                            "speaker-interviewer"
                        } else {
                            "speaker-participant"
                        }),
                        text: f.text.clone(),
                        valence: tr.t(match valence {
                            "positive" => "valence-positive",
                            "negative" => "valence-negative",
                            _ => "valence-none",
                        }),
                        valence_class: match valence {
                            "positive" => "positive",
                            "negative" => "negative",
                            _ => "none",
                        },
                        themes: names.join(", "),
                    }
                })
                .collect();
            conversations.push((perspective_name(tr, p), list));
        }
    }
    render(&TriadPage {
        suppressed_note: tr.f("report-suppressed-note", &[("min", &min.to_string())]),
        layout,
        crumbs,
        ward,
        code: t.code,
        round_id: t.round_id,
        round_name: t.round_name,
        conversations,
        shown,
    })
}
