//! The follow-up section of a later round's ward report (method.md §2 step 11): for every action
//! of an earlier round on the ward, its themes with the positive share per perspective in the
//! action's round and in this round. Small groups stay hidden ([`driehoek_domain::act::follow_up`]).

use super::owner_text;
use crate::i18n::Tr;
use driehoek_domain::Perspective;
use driehoek_domain::act::follow_up::{Share, compare};
use driehoek_domain::report::Cell;
use driehoek_storage::act::actions::Action;
use driehoek_storage::reports::RoundThemeCell;
use std::collections::BTreeMap;

pub struct FollowUpRowView {
    pub perspective: String,
    pub before: String,
    pub after: String,
    pub change: String,
}

pub struct FollowUpTheme {
    pub name: String,
    pub rows: Vec<FollowUpRowView>,
}

pub struct FollowUpView {
    pub id: String,
    pub title: String,
    pub status: String,
    pub owner: String,
    pub round_name: String,
    pub themes: Vec<FollowUpTheme>,
}

/// Cells of one round on the ward by (theme key, perspective).
pub type Cells = BTreeMap<(String, Perspective), Cell>;

/// The counts of [`driehoek_storage::reports::theme_cells_of_rounds`] as cells per round id.
pub fn cells_by_round(rows: Vec<RoundThemeCell>) -> BTreeMap<String, Cells> {
    let mut out: BTreeMap<String, Cells> = BTreeMap::new();
    for r in rows {
        let (Some(p), Ok(positive), Ok(negative), Ok(triads)) = (
            Perspective::parse(&r.perspective),
            u32::try_from(r.positive),
            u32::try_from(r.negative),
            usize::try_from(r.triads),
        ) else {
            continue;
        };
        let cell = Cell {
            positive,
            negative,
            triads,
        };
        out.entry(r.round_id)
            .or_default()
            .insert((r.theme_key, p), cell);
    }
    out
}

fn share_text(tr: Tr, s: Share) -> String {
    match s {
        Share::NoFragments => tr.t("report-no-fragments"),
        Share::TooFew => tr.t("report-too-few"),
        Share::Percent(p) => format!("{p}%"),
    }
}

/// The section's content: for each action of an earlier round (`earlier`, from
/// [`driehoek_storage::act::actions::earlier_actions`]) its themes before (`cells`, by round id)
/// and `now`. `names` are the (key, Dutch, English) names of this round's themes.
pub fn section(
    tr: Tr,
    names: &[(String, String, String)],
    earlier: Vec<(Action, Vec<String>)>,
    now: &Cells,
    cells: &BTreeMap<String, Cells>,
    min_group_size: i64,
) -> Vec<FollowUpView> {
    let none = Cells::new();
    let mut out = Vec::new();
    for (a, theme_keys) in earlier {
        let Some(round_id) = a.round_id.as_deref() else {
            continue;
        };
        let before = cells.get(round_id).unwrap_or(&none);
        let themes = theme_keys
            .iter()
            .map(|k| {
                let rows = compare(
                    |p| before.get(&(k.clone(), p)),
                    |p| now.get(&(k.clone(), p)),
                    min_group_size,
                );
                FollowUpTheme {
                    name: super::theme_name(names, k, tr.lang),
                    rows: rows
                        .into_iter()
                        .map(|r| FollowUpRowView {
                            perspective: tr.t(&format!("perspective-{}", r.perspective.key())),
                            before: share_text(tr, r.before),
                            after: share_text(tr, r.after),
                            change: r
                                .change
                                .map_or_else(|| "–".to_string(), |c| format!("{c:+}")),
                        })
                        .collect(),
                }
            })
            .collect();
        out.push(FollowUpView {
            id: a.id.clone(),
            title: a.title.clone(),
            status: tr.t(&format!("action-status-{}", a.status)),
            owner: owner_text(tr, &a),
            round_name: a.round_name.clone().unwrap_or_default(),
            themes,
        });
    }
    out
}
