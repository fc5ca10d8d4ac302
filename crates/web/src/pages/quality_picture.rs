//! The yearly kwaliteitsbeeld of a location or organisation (method.md §2 step 12), built once by
//! [`driehoek_storage::quality_picture`] and rendered twice: as an HTML page and as a PDF.
//!
//! Progress for a large organisation: the HTML page is streamed. The frame (title, reflection,
//! sign-off) goes out first, then each location's part as soon as it is built, with "location n
//! of N" above it, so the browser shows the picture growing instead of waiting for all of it.
//!
//! Charts are vector in both: inline SVG on the page, PDF path operators in the PDF.

use super::{Layout, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::input::Input;
use crate::pdf::{self, Document, Font};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use driehoek_domain::plot::escape;
use driehoek_domain::validate::Problem;
use driehoek_storage::quality_picture::{self as qp, LocationPart, NodeKind, Picture, ThemeLine};
use driehoek_storage::structure::Crumbs;
use std::fmt::Write as _;

/// Themes listed under "goes well" and "can improve".
const THEMES_LISTED: usize = 5;
/// A theme "goes well" from this positive share (percent) on; below it, it "can improve".
pub const GOES_WELL_FROM: u32 = 60;

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    year: Option<String>,
}

fn parse_year(raw: Option<&str>) -> Result<Option<i64>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match s.parse::<i64>() {
            Ok(y) if (2000..=2100).contains(&y) => Ok(Some(y)),
            _ => Err(Problem::new("year", "error-year").into()),
        },
    }
}

fn base_href(kind: NodeKind, id: &str) -> String {
    match kind {
        NodeKind::Location => format!("/locations/{id}/quality-picture"),
        NodeKind::Organisation => format!("/organisations/{id}/quality-picture"),
    }
}

/// The goes-well and can-improve lists of a part: themes with a positive share of at least
/// [`GOES_WELL_FROM`] percent, best first, and the others, lowest share first. A theme is in one
/// list only.
pub fn theme_lists(themes: &[ThemeLine]) -> (Vec<&ThemeLine>, Vec<&ThemeLine>) {
    let mut well: Vec<&ThemeLine> = themes
        .iter()
        .filter(|t| t.positive_percent() >= GOES_WELL_FROM)
        .collect();
    well.sort_by(|a, b| {
        b.positive_percent()
            .cmp(&a.positive_percent())
            .then(b.positive.cmp(&a.positive))
    });
    well.truncate(THEMES_LISTED);
    let mut improve: Vec<&ThemeLine> = themes
        .iter()
        .filter(|t| t.positive_percent() < GOES_WELL_FROM)
        .collect();
    improve.sort_by(|a, b| {
        a.positive_percent()
            .cmp(&b.positive_percent())
            .then(b.negative.cmp(&a.negative))
    });
    improve.truncate(THEMES_LISTED);
    (well, improve)
}

fn theme_text(tr: Tr, english: bool, t: &ThemeLine) -> String {
    tr.f(
        "qp-theme-line",
        &[
            ("theme", t.name(english)),
            ("positive", &t.positive.to_string()),
            ("negative", &t.negative.to_string()),
            ("share", &t.positive_percent().to_string()),
        ],
    )
}

fn attendance_text(tr: Tr, counts: &[(String, i64)]) -> String {
    counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{n} {}", tr.t(&format!("qp-role-{r}"))))
        .collect::<Vec<_>>()
        .join(", ")
}

fn meeting_status(tr: Tr, s: &str) -> String {
    match s {
        "planned" | "held" | "cancelled" => tr.t(&format!("qp-meeting-status-{s}")),
        other => other.to_string(),
    }
}

fn action_status(tr: Tr, s: &str) -> String {
    match s {
        "proposed" | "agreed" | "in_progress" | "done" | "dropped" => {
            tr.t(&format!("pub-status-{s}"))
        }
        other => other.to_string(),
    }
}

// --- The triad plot and the theme bars as SVG (same geometry as the PDF) ---

const PLOT_W: f32 = 300.0;
const PLOT_H: f32 = 230.0;
const PX0: f32 = 40.0;
const PY0: f32 = 22.0;
const PW: f32 = 240.0;
const PH: f32 = 180.0;

fn px(agreement: u32) -> f32 {
    PX0 + agreement.min(100) as f32 * PW / 100.0
}
fn py(valence: u32) -> f32 {
    PY0 + (100 - valence.min(100)) as f32 * PH / 100.0
}

/// The plot of one ward's round without codes or links: a yearly public report shows the shape,
/// not the triads.
pub fn plot_svg(
    points: &[(u32, u32)],
    title: &str,
    desc: &str,
    x_axis: &str,
    y_axis: &str,
) -> String {
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qp-plot\" viewBox=\"0 0 {PLOT_W} {PLOT_H}\" role=\"img\" aria-label=\"{}\"><title>{}</title><desc>{}</desc>",
        escape(title),
        escape(title),
        escape(desc)
    );
    let _ = write!(
        s,
        "<rect x=\"{PX0}\" y=\"{PY0}\" width=\"{PW}\" height=\"{PH}\" fill=\"#fff\" stroke=\"#555\"/>"
    );
    let (mx, my) = (px(50), py(50));
    let _ = write!(
        s,
        "<line x1=\"{mx}\" y1=\"{PY0}\" x2=\"{mx}\" y2=\"{}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/><line x1=\"{PX0}\" y1=\"{my}\" x2=\"{}\" y2=\"{my}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
        PY0 + PH,
        PX0 + PW
    );
    for v in [0u32, 50, 100] {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\" fill=\"#333\">{v}</text><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">{v}</text>",
            PX0 - 4.0,
            py(v) + 3.0,
            px(v),
            PY0 + PH + 12.0
        );
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#111\">{}</text><text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#111\">{}</text>",
        PX0 + PW / 2.0,
        PY0 + PH + 28.0,
        escape(x_axis),
        PY0 - 10.0,
        escape(y_axis)
    );
    for (a, v) in points {
        let _ = write!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#1e4f99\" fill-opacity=\"0.8\"/>",
            px(*a),
            py(*v)
        );
    }
    s.push_str("</svg>");
    s
}

fn draw_plot_pdf(doc: &mut Document, points: &[(u32, u32)], x_axis: &str, y_axis: &str) {
    let mut c = doc.chart(PLOT_H);
    c.rect(PX0, PY0, PW, PH, (1.0, 1.0, 1.0));
    c.outline(PX0, PY0, PW, PH, pdf::GREY);
    c.line((px(50), PY0), (px(50), PY0 + PH), pdf::LIGHT, 0.75);
    c.line((PX0, py(50)), (PX0 + PW, py(50)), pdf::LIGHT, 0.75);
    for v in [0u32, 50, 100] {
        let t = v.to_string();
        c.label(
            PX0 - 6.0 - pdf::text_width(Font::Regular, 8.0, &t),
            py(v) - 4.0,
            8.0,
            &t,
            pdf::GREY,
        );
        c.label(
            px(v) - pdf::text_width(Font::Regular, 8.0, &t) / 2.0,
            PY0 + PH + 3.0,
            8.0,
            &t,
            pdf::GREY,
        );
    }
    c.label(
        PX0 + PW / 2.0 - pdf::text_width(Font::Regular, 9.0, x_axis) / 2.0,
        PY0 + PH + 16.0,
        9.0,
        x_axis,
        pdf::BLACK,
    );
    c.label(0.0, 0.0, 9.0, y_axis, pdf::BLACK);
    for (a, v) in points {
        c.dot(px(*a), py(*v), 3.2, pdf::BLUE);
    }
}

const BAR_LABEL_W: f32 = 170.0;
const BAR_W: f32 = 250.0;
const BAR_ROW: f32 = 16.0;

/// A theme name that fits the bar chart's label column (cut with an ellipsis), measured with
/// Helvetica's widths, which browsers' sans-serif fonts follow closely.
fn bar_label(name: &str, size: f32) -> String {
    let room = BAR_LABEL_W - 10.0;
    if pdf::text_width(Font::Regular, size, name) <= room {
        return name.to_string();
    }
    let mut label: String = name.to_string();
    while !label.is_empty() && pdf::text_width(Font::Regular, size, &format!("{label}…")) > room {
        label.pop();
    }
    format!("{}…", label.trim_end())
}

/// Stacked bars of positive (green) and negative (red) fragments per theme.
pub fn bars_svg(themes: &[ThemeLine], english: bool, title: &str) -> String {
    let max = themes
        .iter()
        .map(|t| t.positive + t.negative)
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let h = themes.len() as f32 * BAR_ROW + 8.0;
    let w = BAR_LABEL_W + BAR_W + 70.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qp-bars\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><title>{}</title>",
        escape(title),
        escape(title)
    );
    for (i, t) in themes.iter().enumerate() {
        let y = 4.0 + i as f32 * BAR_ROW;
        let pw = t.positive as f32 / max * BAR_W;
        let nw = t.negative as f32 / max * BAR_W;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\" fill=\"#111\">{}</text><rect x=\"{BAR_LABEL_W}\" y=\"{y}\" width=\"{pw}\" height=\"11\" fill=\"#1d6b3f\"/><rect x=\"{}\" y=\"{y}\" width=\"{nw}\" height=\"11\" fill=\"#b42318\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#333\">+{} / −{}</text>",
            BAR_LABEL_W - 6.0,
            y + 9.0,
            // Browsers' sans-serif runs wider than Helvetica: measure with room to spare.
            escape(&bar_label(t.name(english), 12.0)),
            BAR_LABEL_W + pw,
            BAR_LABEL_W + pw + nw + 4.0,
            y + 9.0,
            t.positive,
            t.negative
        );
    }
    s.push_str("</svg>");
    s
}

fn draw_bars_pdf(doc: &mut Document, themes: &[ThemeLine], english: bool) {
    if themes.is_empty() {
        return;
    }
    let max = themes
        .iter()
        .map(|t| t.positive + t.negative)
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    // Long lists go over pages in chunks, each its own chart.
    for chunk in themes.chunks(20) {
        let h = chunk.len() as f32 * BAR_ROW + 8.0;
        let mut c = doc.chart(h);
        for (i, t) in chunk.iter().enumerate() {
            let y = 4.0 + i as f32 * BAR_ROW;
            let pw = t.positive as f32 / max * BAR_W;
            let nw = t.negative as f32 / max * BAR_W;
            let label = bar_label(t.name(english), 8.5);
            c.label(
                BAR_LABEL_W - 6.0 - pdf::text_width(Font::Regular, 8.5, &label),
                y + 1.0,
                8.5,
                &label,
                pdf::BLACK,
            );
            c.rect(BAR_LABEL_W, y, pw, 11.0, pdf::GREEN);
            c.rect(BAR_LABEL_W + pw, y, nw, 11.0, pdf::RED);
            c.label(
                BAR_LABEL_W + pw + nw + 4.0,
                y + 1.0,
                8.5,
                &format!("+{} / -{}", t.positive, t.negative),
                pdf::GREY,
            );
        }
    }
}

// --- HTML ---

pub struct RoundRow {
    pub ward: String,
    pub round: String,
    pub period: String,
    pub triads: usize,
    pub conversations: String,
}

pub struct PlotView {
    pub caption: String,
    pub svg: Option<String>,
}

pub struct MeetingRow {
    pub ward: String,
    pub date: String,
    pub status: String,
    pub attendance: String,
}

pub struct ActionRow {
    pub ward: String,
    pub title: String,
    pub status: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "quality_picture_part.html")]
struct PartView {
    tr: Tr,
    progress: String,
    anchor: String,
    name: String,
    year: String,
    rounds: Vec<RoundRow>,
    plots: Vec<PlotView>,
    bars: Option<String>,
    goes_well: Vec<String>,
    improve: Vec<String>,
    suppressed: String,
    meetings: Vec<MeetingRow>,
    actions: Vec<ActionRow>,
}

fn round_rows(part: &LocationPart) -> Vec<RoundRow> {
    part.rounds
        .iter()
        .map(|r| RoundRow {
            ward: r.ward_name.clone(),
            round: r.round_name.clone(),
            period: format!("{} – {}", r.period_start, r.period_end),
            triads: r.triads,
            conversations: format!(
                "{} / {} / {}",
                r.conversations[0], r.conversations[1], r.conversations[2]
            ),
        })
        .collect()
}

fn render_part(tr: Tr, picture: &Picture, part: &LocationPart, n: usize, count: usize) -> String {
    let english = tr.lang == Lang::En;
    let min = picture.min_group_size.to_string();
    let plots = part
        .rounds
        .iter()
        .map(|r| {
            let count = r.scored.to_string();
            match &r.plot {
                Some(points) => {
                    let caption = tr.f(
                        "qp-plot-caption",
                        &[
                            ("ward", &r.ward_name),
                            ("round", &r.round_name),
                            ("count", &count),
                        ],
                    );
                    PlotView {
                        svg: Some(plot_svg(
                            points,
                            &caption,
                            &tr.t("qp-plot-desc"),
                            &tr.t("qp-x-axis"),
                            &tr.t("qp-y-axis"),
                        )),
                        caption,
                    }
                }
                None => PlotView {
                    caption: tr.f(
                        "qp-plot-too-few",
                        &[
                            ("ward", &r.ward_name),
                            ("round", &r.round_name),
                            ("count", &count),
                            ("min", &min),
                        ],
                    ),
                    svg: None,
                },
            }
        })
        .collect();
    let (well, improve) = theme_lists(&part.themes);
    let view = PartView {
        tr,
        progress: tr.f(
            "qp-part-progress",
            &[("n", &n.to_string()), ("count", &count.to_string())],
        ),
        anchor: format!("qp-location-{n}"),
        name: part.name.clone(),
        year: picture.year.to_string(),
        rounds: round_rows(part),
        plots,
        bars: (!part.themes.is_empty())
            .then(|| bars_svg(&part.themes, english, &tr.t("qp-bars-title"))),
        goes_well: well.iter().map(|t| theme_text(tr, english, t)).collect(),
        improve: improve.iter().map(|t| theme_text(tr, english, t)).collect(),
        suppressed: if part.themes_suppressed > 0 {
            tr.f(
                "qp-themes-suppressed",
                &[
                    ("count", &part.themes_suppressed.to_string()),
                    ("min", &min),
                ],
            )
        } else {
            String::new()
        },
        meetings: part
            .meetings
            .iter()
            .map(|m| MeetingRow {
                ward: m.ward_name.clone(),
                date: m.held_on.clone(),
                status: meeting_status(tr, &m.status),
                attendance: attendance_text(tr, &m.attendance),
            })
            .collect(),
        actions: part
            .actions
            .iter()
            .map(|a| ActionRow {
                ward: a.ward_name.clone(),
                title: a.title.clone(),
                status: action_status(tr, &a.status),
                due: a.due_on.clone().unwrap_or_default(),
            })
            .collect(),
    };
    view.render().unwrap_or_else(|e| {
        tracing::error!(%e, "quality picture part failed to render");
        String::new()
    })
}

#[derive(Template)]
#[template(path = "quality_picture.html")]
struct FrameView {
    layout: Layout,
    crumbs: Crumbs,
    picture: Picture,
    base: String,
    may_reflect: bool,
    may_sign: bool,
    progress: String,
}

/// The marker in the frame where the locations' parts are streamed in.
const PARTS: &str = "<!--quality-picture-parts-->";

async fn page(
    app: AppState,
    me: Me,
    kind: NodeKind,
    id: String,
    q: YearQuery,
) -> Result<Response, AppError> {
    let year = parse_year(q.year.as_deref())?;
    let tenant = me.tenant().clone();
    let picture = qp::picture(&app.db, &tenant, kind, &id, year).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let path = driehoek_domain::access::NodePath {
        network: picture.path.network.clone(),
        organisation: Some(picture.path.organisation.clone()),
        location: None,
        ward: None,
    };
    let mut crumbs = driehoek_storage::structure::crumbs(&app.db, &tenant, &path).await?;
    if kind == NodeKind::Location {
        crumbs.location = None;
    }
    let count = picture.locations.len();
    let frame = FrameView {
        layout,
        crumbs,
        base: base_href(kind, &id),
        may_reflect: qp::may_reflect(&tenant, &picture),
        may_sign: qp::may_sign(&tenant, &picture),
        progress: tr.f("qp-progress", &[("count", &count.to_string())]),
        picture: picture.clone(),
    }
    .render()?;
    let (head, tail) = frame.split_once(PARTS).map_or_else(
        || (frame.clone(), String::new()),
        |(h, t)| (h.to_string(), t.to_string()),
    );
    // Stream: the frame's head, each location's part as it is built, the tail.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, std::io::Error>>(2);
    tokio::spawn(async move {
        if tx.send(Ok(head)).await.is_err() {
            return;
        }
        for (i, location) in picture.locations.iter().enumerate() {
            let html = match qp::location_part(&app.db, &tenant, &picture, location).await {
                Ok(part) => render_part(tr, &picture, &part, i + 1, count),
                Err(e) => {
                    tracing::error!(%e, "quality picture part failed");
                    format!(
                        "<p class=\"notice\">{}</p>",
                        escape(&tr.t("error-internal"))
                    )
                }
            };
            if tx.send(Ok(html)).await.is_err() {
                return;
            }
        }
        let done = format!(
            "<p class=\"progress\" role=\"status\">{}</p>",
            escape(&tr.t("qp-done"))
        );
        let _ = tx.send(Ok(done + &tail)).await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut res = Body::from_stream(stream).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(res)
}

pub async fn location_page(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    page(app, me, NodeKind::Location, id, q).await
}

pub async fn organisation_page(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    page(app, me, NodeKind::Organisation, id, q).await
}

// --- PDF ---

/// The picture as a PDF: the same content as the page.
pub fn render_pdf(tr: Tr, picture: &Picture, parts: &[LocationPart]) -> Vec<u8> {
    let english = tr.lang == Lang::En;
    let year = picture.year.to_string();
    let title = format!(
        "{} · {}",
        tr.f("qp-title", &[("year", &year)]),
        picture.node_name
    );
    let mut doc = Document::new(
        &title,
        &tr.f(
            "qp-footer",
            &[("node", &picture.node_name), ("year", &year)],
        ),
    );
    doc.heading(1, &tr.f("qp-title", &[("year", &year)]));
    doc.heading(2, &picture.node_name);
    if picture.kind == NodeKind::Location {
        doc.small(&tr.f("qp-organisation", &[("name", &picture.organisation_name)]));
    }
    doc.paragraph(&tr.f("qp-lead", &[("node", &picture.node_name)]));
    doc.heading(2, &tr.t("qp-reflection"));
    if picture.reflection.trim().is_empty() {
        doc.paragraph(&tr.t("qp-no-reflection"));
    } else {
        for para in picture.reflection.split("\n\n") {
            doc.paragraph(para);
        }
    }
    doc.heading(2, &tr.t("qp-sign-off"));
    match (&picture.council_signed_on, &picture.council_signed_by) {
        (Some(date), Some(by)) => doc.paragraph(&tr.f("qp-signed", &[("by", by), ("date", date)])),
        _ => doc.paragraph(&tr.t("qp-not-signed")),
    }
    let min = picture.min_group_size.to_string();
    for part in parts {
        doc.new_page();
        doc.heading(1, &part.name);
        doc.heading(2, &tr.t("qp-rounds"));
        if part.rounds.is_empty() {
            doc.paragraph(&tr.f("qp-no-rounds", &[("year", &year)]));
        } else {
            let rows: Vec<Vec<String>> = round_rows(part)
                .into_iter()
                .map(|r| {
                    vec![
                        r.ward,
                        r.round,
                        r.period,
                        r.triads.to_string(),
                        r.conversations,
                    ]
                })
                .collect();
            doc.table(
                &[
                    tr.t("qp-ward"),
                    tr.t("qp-round"),
                    tr.t("qp-period"),
                    tr.t("qp-triads"),
                    tr.t("qp-conversations"),
                ],
                &rows,
                &[1.2, 1.2, 1.6, 0.7, 1.5],
            );
            doc.heading(2, &tr.t("qp-plots"));
            doc.small(&tr.t("qp-plot-desc"));
            for r in &part.rounds {
                let count = r.scored.to_string();
                match &r.plot {
                    Some(points) => {
                        doc.need(PLOT_H + 30.0);
                        doc.heading(
                            3,
                            &tr.f(
                                "qp-plot-caption",
                                &[
                                    ("ward", &r.ward_name),
                                    ("round", &r.round_name),
                                    ("count", &count),
                                ],
                            ),
                        );
                        draw_plot_pdf(&mut doc, points, &tr.t("qp-x-axis"), &tr.t("qp-y-axis"));
                    }
                    None => doc.paragraph(&tr.f(
                        "qp-plot-too-few",
                        &[
                            ("ward", &r.ward_name),
                            ("round", &r.round_name),
                            ("count", &count),
                            ("min", &min),
                        ],
                    )),
                }
            }
        }
        doc.heading(2, &tr.t("qp-themes"));
        if part.themes.is_empty() {
            doc.paragraph(&tr.t("qp-no-themes"));
        } else {
            doc.small(&tr.t("qp-bars-title"));
            draw_bars_pdf(&mut doc, &part.themes, english);
            let (well, improve) = theme_lists(&part.themes);
            doc.heading(3, &tr.t("qp-goes-well"));
            for t in well {
                doc.bullet(&theme_text(tr, english, t));
            }
            doc.heading(3, &tr.t("qp-improve"));
            for t in improve {
                doc.bullet(&theme_text(tr, english, t));
            }
        }
        if part.themes_suppressed > 0 {
            doc.small(&tr.f(
                "qp-themes-suppressed",
                &[
                    ("count", &part.themes_suppressed.to_string()),
                    ("min", &min),
                ],
            ));
        }
        doc.heading(2, &tr.t("qp-meetings"));
        if part.meetings.is_empty() {
            doc.paragraph(&tr.f("qp-no-meetings", &[("year", &year)]));
        } else {
            let rows: Vec<Vec<String>> = part
                .meetings
                .iter()
                .map(|m| {
                    vec![
                        m.ward_name.clone(),
                        m.held_on.clone(),
                        meeting_status(tr, &m.status),
                        attendance_text(tr, &m.attendance),
                    ]
                })
                .collect();
            doc.table(
                &[
                    tr.t("qp-ward"),
                    tr.t("qp-date"),
                    tr.t("qp-status"),
                    tr.t("qp-attendance"),
                ],
                &rows,
                &[1.2, 0.9, 0.9, 2.5],
            );
        }
        doc.heading(2, &tr.t("qp-actions"));
        if part.actions.is_empty() {
            doc.paragraph(&tr.f("qp-no-actions", &[("year", &year)]));
        } else {
            let rows: Vec<Vec<String>> = part
                .actions
                .iter()
                .map(|a| {
                    vec![
                        a.ward_name.clone(),
                        a.title.clone(),
                        action_status(tr, &a.status),
                        a.due_on.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            doc.table(
                &[
                    tr.t("qp-ward"),
                    tr.t("qp-action"),
                    tr.t("qp-status"),
                    tr.t("qp-due"),
                ],
                &rows,
                &[1.0, 2.6, 1.0, 0.9],
            );
        }
    }
    doc.finish()
}

async fn pdf_download(
    app: AppState,
    me: Me,
    kind: NodeKind,
    id: String,
    q: YearQuery,
) -> Result<Response, AppError> {
    let year = parse_year(q.year.as_deref())?;
    let tenant = me.tenant();
    let picture = qp::picture(&app.db, tenant, kind, &id, year).await?;
    let parts = qp::all_parts(&app.db, tenant, &picture, |_, _| {}).await?;
    let tr = Layout::new(&me.1).tr;
    let bytes = tokio::task::spawn_blocking({
        let picture = picture.clone();
        move || render_pdf(tr, &picture, &parts)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    qp::record_export(&app.db, tenant, me.email(), &picture).await?;
    let name: String = format!("kwaliteitsbeeld-{}-{}.pdf", picture.node_name, picture.year)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

pub async fn location_pdf(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    pdf_download(app, me, NodeKind::Location, id, q).await
}

pub async fn organisation_pdf(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    pdf_download(app, me, NodeKind::Organisation, id, q).await
}

// --- Reflection and sign-off ---

async fn save_reflection(
    app: AppState,
    me: Me,
    kind: NodeKind,
    id: String,
    input: Input,
) -> Result<Response, AppError> {
    let year = parse_year(Some(input.get("year")))?;
    let picture = qp::picture(&app.db, me.tenant(), kind, &id, year).await?;
    let text = driehoek_domain::validate::text("reflection", input.get("reflection"), 20_000)?;
    qp::save_reflection(&app.db, me.tenant(), me.email(), &picture, &text).await?;
    Ok(see_other(&format!(
        "{}?year={}",
        base_href(kind, &id),
        picture.year
    )))
}

async fn sign_off(
    app: AppState,
    me: Me,
    kind: NodeKind,
    id: String,
    input: Input,
) -> Result<Response, AppError> {
    let year = parse_year(Some(input.get("year")))?;
    let picture = qp::picture(&app.db, me.tenant(), kind, &id, year).await?;
    let mut problems = Vec::new();
    let date = input.get("signed_on").trim().to_string();
    if time::Date::parse(
        &date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .is_err()
    {
        problems.push(Problem::new("signed_on", "error-date"));
    }
    let by = match driehoek_domain::validate::name("signed_by", input.get("signed_by")) {
        Ok(b) => b,
        Err(p) => {
            problems.push(p);
            String::new()
        }
    };
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    qp::record_sign_off(&app.db, me.tenant(), me.email(), &picture, &date, &by).await?;
    Ok(see_other(&format!(
        "{}?year={}",
        base_href(kind, &id),
        picture.year
    )))
}

pub async fn location_reflection(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    save_reflection(app, me, NodeKind::Location, id, input).await
}

pub async fn organisation_reflection(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    save_reflection(app, me, NodeKind::Organisation, id, input).await
}

pub async fn location_sign_off(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    sign_off(app, me, NodeKind::Location, id, input).await
}

pub async fn organisation_sign_off(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    sign_off(app, me, NodeKind::Organisation, id, input).await
}
