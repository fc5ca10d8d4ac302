//! The triad plot of the *learn* step (method.md §2 step 8, §3): agreement on the x-axis, valence
//! on the y-axis, both 0–100, the four quadrants labelled as a reading aid, one point per scored
//! triad. Hand-written SVG, so it needs no script, prints sharply and works under a strict CSP
//! (no `style` attributes: colours come from presentation attributes and CSS classes).
//!
//! Every point is a link (keyboard focusable) whose `<title>` gives the triad's figures; the
//! figures also appear next to the point on hover and focus (CSS, class `figures`).

use std::fmt::Write as _;

/// One scored triad on the plot. Its quadrant (the reading aid) is
/// [`crate::scores::Quadrant::of`] of its exact scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotPoint {
    /// The triad's pseudonymous code, printed next to the point.
    pub code: String,
    /// Valence score, 0–100 (y).
    pub valence: u32,
    /// Agreement score, 0–100 (x).
    pub agreement: u32,
    /// Where the point links to (the triad's fragments).
    pub href: String,
    /// The figures in words, e.g. "T-AB-001: valentie 62 (vrij positief), overeenstemming 80".
    pub figures: String,
}

/// The texts of the plot, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlotLabels {
    pub title: String,
    pub description: String,
    pub x_axis: String,
    pub y_axis: String,
    /// Agreement ≥ 50, valence ≥ 50: "agree it goes well".
    pub agree_well: String,
    /// Agreement ≥ 50, valence < 50: "agree it does not go well".
    pub agree_not_well: String,
    /// Agreement < 50, valence ≥ 50: "disagree, mostly positive".
    pub disagree_positive: String,
    /// Agreement < 50, valence < 50: "disagree, mostly negative".
    pub disagree_negative: String,
}

const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;
const LEFT: u32 = 64;
const RIGHT: u32 = 24;
const TOP: u32 = 16;
const BOTTOM: u32 = 56;
const INNER_W: u32 = WIDTH - LEFT - RIGHT;
const INNER_H: u32 = HEIGHT - TOP - BOTTOM;

/// The x coordinate of an agreement score (clamped to 0–100).
fn x_of(agreement: u32) -> u32 {
    LEFT + agreement.min(100) * INNER_W / 100
}

/// The y coordinate of a valence score (clamped; 100 at the top).
fn y_of(valence: u32) -> u32 {
    TOP + (100 - valence.min(100)) * INNER_H / 100
}

/// Escapes text for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The plot as an inline `<svg>` element. `id` prefixes the ids of its title and description.
pub fn triad_plot_svg(id: &str, points: &[PlotPoint], labels: &PlotLabels) -> String {
    let id = escape(id);
    let mut s = String::with_capacity(4096 + points.len() * 512);
    let _ = write!(
        s,
        r#"<svg class="triad-plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-labelledby="{id}-title {id}-desc">"#
    );
    let _ = write!(
        s,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(&labels.title),
        escape(&labels.description)
    );
    // Quadrants: light backgrounds, a label in the outer corner of each.
    let (mx, my) = (x_of(50), y_of(50));
    let (x0, x1, y0, y1) = (x_of(0), x_of(100), y_of(100), y_of(0));
    let quads = [
        (
            "q-disagree-positive",
            x0,
            y0,
            &labels.disagree_positive,
            x0 + 8,
            y0 + 22,
            "start",
        ),
        (
            "q-agree-well",
            mx,
            y0,
            &labels.agree_well,
            x1 - 8,
            y0 + 22,
            "end",
        ),
        (
            "q-disagree-negative",
            x0,
            my,
            &labels.disagree_negative,
            x0 + 8,
            y1 - 10,
            "start",
        ),
        (
            "q-agree-not-well",
            mx,
            my,
            &labels.agree_not_well,
            x1 - 8,
            y1 - 10,
            "end",
        ),
    ];
    s.push_str(r#"<g class="quadrants" aria-hidden="true">"#);
    for (class, qx, qy, _, _, _, _) in &quads {
        let _ = write!(
            s,
            r#"<rect class="{class}" x="{qx}" y="{qy}" width="{}" height="{}"/>"#,
            INNER_W / 2,
            INNER_H / 2
        );
    }
    for (_, _, _, text, tx, ty, anchor) in &quads {
        let _ = write!(
            s,
            r#"<text class="quadrant-label" x="{tx}" y="{ty}" text-anchor="{anchor}">{}</text>"#,
            escape(text)
        );
    }
    s.push_str("</g>");
    // Axes with ticks every 25.
    s.push_str(r#"<g class="axes" aria-hidden="true">"#);
    let _ = write!(
        s,
        r#"<rect class="frame" x="{x0}" y="{y0}" width="{INNER_W}" height="{INNER_H}" fill="none"/>"#
    );
    let _ = write!(
        s,
        r#"<line class="mid" x1="{mx}" y1="{y0}" x2="{mx}" y2="{y1}"/><line class="mid" x1="{x0}" y1="{my}" x2="{x1}" y2="{my}"/>"#
    );
    for v in (0..=100).step_by(25) {
        let x = x_of(v);
        let y = y_of(v);
        let _ = write!(
            s,
            r#"<text class="tick" x="{x}" y="{}" text-anchor="middle">{v}</text><text class="tick" x="{}" y="{}" text-anchor="end">{v}</text>"#,
            y1 + 18,
            x0 - 6,
            y + 5
        );
    }
    let _ = write!(
        s,
        r#"<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>"#,
        LEFT + INNER_W / 2,
        HEIGHT - 10,
        escape(&labels.x_axis)
    );
    let _ = write!(
        s,
        r#"<text class="axis-label" x="18" y="{}" text-anchor="middle" transform="rotate(-90 18 {})">{}</text>"#,
        TOP + INNER_H / 2,
        TOP + INNER_H / 2,
        escape(&labels.y_axis)
    );
    s.push_str("</g>");
    // Points. Triads with the same scores share a spot; their labels stack downwards.
    s.push_str(r#"<g class="points">"#);
    let mut seen: Vec<(u32, u32)> = Vec::with_capacity(points.len());
    for p in points {
        let spot = (p.agreement.min(100), p.valence.min(100));
        let stacked = seen.iter().filter(|s| **s == spot).count() as u32;
        seen.push(spot);
        let (cx, cy) = (x_of(spot.0), y_of(spot.1));
        // Labels go left of points near the right edge, so they stay inside the frame.
        let (lx, anchor) = if spot.0 > 80 {
            (cx - 9, "end")
        } else {
            (cx + 9, "start")
        };
        let ly = (cy + 4 + stacked * 15).min(y1 - 4);
        let figures = escape(&p.figures);
        // On hover and focus the figures appear above the point (CSS shows `.figures`).
        let fx = cx.clamp(x0 + INNER_W / 4, x1 - INNER_W / 4);
        let fy = if cy > y0 + 30 { cy - 14 } else { cy + 26 };
        let _ = write!(
            s,
            r#"<a class="point" href="{}" aria-label="{figures}"><title>{figures}</title><circle cx="{cx}" cy="{cy}" r="7"/><text class="code" x="{lx}" y="{ly}" text-anchor="{anchor}">{}</text><text class="figures" x="{fx}" y="{fy}" text-anchor="middle" aria-hidden="true">{figures}</text></a>"#,
            escape(&p.href),
            escape(&p.code)
        );
    }
    s.push_str("</g></svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> PlotLabels {
        PlotLabels {
            title: "Triadeplot".into(),
            description: "Elke stip is een triade".into(),
            x_axis: "Overeenstemming".into(),
            y_axis: "Valentie".into(),
            agree_well: "Eens: het gaat goed".into(),
            agree_not_well: "Eens: het gaat niet goed".into(),
            disagree_positive: "Oneens, overwegend positief".into(),
            disagree_negative: "Oneens, overwegend negatief".into(),
        }
    }

    fn point(code: &str, agreement: u32, valence: u32) -> PlotPoint {
        PlotPoint {
            code: code.into(),
            valence,
            agreement,
            href: format!("/triads/{code}"),
            figures: format!("{code}: valentie {valence}, overeenstemming {agreement}"),
        }
    }

    #[test]
    fn scores_map_to_the_frame_with_valence_upwards() {
        assert_eq!(x_of(0), LEFT);
        assert_eq!(x_of(100), LEFT + INNER_W);
        assert_eq!(y_of(100), TOP);
        assert_eq!(y_of(0), TOP + INNER_H);
        assert!(y_of(75) < y_of(25));
        assert_eq!(x_of(250), x_of(100), "clamped");
    }

    #[test]
    fn the_svg_has_title_desc_quadrants_and_one_link_per_triad() {
        let svg = triad_plot_svg(
            "plot",
            &[point("T-AB-001", 80, 90), point("T-AB-002", 14, 30)],
            &labels(),
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"<title id="plot-title">Triadeplot</title>"#));
        assert!(svg.contains(r#"<desc id="plot-desc">"#));
        assert!(svg.contains(r#"aria-labelledby="plot-title plot-desc""#));
        for q in [
            "Eens: het gaat goed",
            "Eens: het gaat niet goed",
            "Oneens, overwegend positief",
            "Oneens, overwegend negatief",
        ] {
            assert!(svg.contains(q), "{q}");
        }
        assert_eq!(svg.matches("<a class=\"point\"").count(), 2);
        assert!(svg.contains(r#"href="/triads/T-AB-001""#));
        assert!(svg.contains("<title>T-AB-002: valentie 30, overeenstemming 14</title>"));
        assert!(!svg.contains("style="), "no inline styles under the CSP");
        // T-AB-001 at agreement 80, valence 90.
        assert!(svg.contains(&format!(r#"cx="{}" cy="{}""#, x_of(80), y_of(90))));
    }

    #[test]
    fn text_is_escaped() {
        let mut l = labels();
        l.title = "A & B <script>".into();
        let svg = triad_plot_svg("p\"x", &[point("<b>", 50, 50)], &l);
        assert!(svg.contains("A &amp; B &lt;script&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("p&quot;x-title"));
    }

    #[test]
    fn labels_of_triads_on_the_same_spot_do_not_overlap() {
        let svg = triad_plot_svg(
            "p",
            &[point("T-1", 40, 40), point("T-2", 40, 40)],
            &labels(),
        );
        let y = y_of(40);
        assert!(svg.contains(&format!(r#"y="{}" text-anchor="start">T-1"#, y + 4)));
        assert!(svg.contains(&format!(r#"y="{}" text-anchor="start">T-2"#, y + 19)));
    }

    #[test]
    fn an_empty_plot_is_still_a_labelled_frame() {
        let svg = triad_plot_svg("p", &[], &labels());
        assert!(svg.contains("Overeenstemming"));
        assert!(!svg.contains("<a "));
    }
}
