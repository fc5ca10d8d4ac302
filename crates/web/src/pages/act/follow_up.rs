//! The follow-up section of a later round's ward report (method.md §2 step 11): for every action
//! of an earlier round on the ward, its themes with the positive share per perspective in the
//! action's round and in this round. Small groups stay hidden ([`driehoek_domain::act::follow_up`]).

use super::owner_text;
use crate::error::AppError;
use crate::i18n::Tr;
use driehoek_domain::Perspective;
use driehoek_domain::act::follow_up::{Share, compare};
use driehoek_domain::report::Cell;
use driehoek_storage::Db;
use driehoek_storage::act::actions;
use driehoek_storage::reports;
use driehoek_storage::rounds::Round;
use driehoek_storage::structure::Ward;
use std::collections::{BTreeMap, HashMap};

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
type Cells = BTreeMap<(String, Perspective), Cell>;

async fn cells_by_key(db: &Db, ward_id: &str, round_id: &str) -> Result<Cells, AppError> {
    let round_set: Option<String> = reports::round_theme_set(db, round_id).await?;
    let Some(set) = round_set else {
        return Ok(Cells::new());
    };
    let themes = reports::themes_of_set(db, &set).await?;
    let counts = reports::theme_cell_counts(db, ward_id, round_id).await?;
    Ok(crate::pages::report::cells_of(&counts)
        .into_iter()
        .filter_map(|((theme_id, p), c)| {
            themes
                .iter()
                .find(|t| t.id == theme_id)
                .map(|t| ((t.key.clone(), p), c))
        })
        .collect())
}

fn share_text(tr: Tr, s: Share) -> String {
    match s {
        Share::NoFragments => tr.t("report-no-fragments"),
        Share::TooFew => tr.t("report-too-few"),
        Share::Percent(p) => format!("{p}%"),
    }
}

/// The section's content; empty when the ward has no actions of earlier rounds.
pub async fn section(
    db: &Db,
    tr: Tr,
    ward: &Ward,
    round: &Round,
    min_group_size: i64,
) -> Result<Vec<FollowUpView>, AppError> {
    let earlier = actions::earlier_actions(db, &ward.id, &round.period_start).await?;
    if earlier.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<(String, String, String)> = {
        let mut v = Vec::new();
        for t in reports::themes_of_set(db, &round.theme_set_id).await? {
            v.push((t.key.clone(), t.name_nl.clone(), t.name_en.clone()));
        }
        v
    };
    let now = cells_by_key(db, &ward.id, &round.id).await?;
    let mut before_cache: HashMap<String, Cells> = HashMap::new();
    let mut out = Vec::new();
    for (a, theme_keys) in earlier {
        let Some(round_id) = a.round_id.clone() else {
            continue;
        };
        if !before_cache.contains_key(&round_id) {
            let c = cells_by_key(db, &ward.id, &round_id).await?;
            before_cache.insert(round_id.clone(), c);
        }
        let before = &before_cache[&round_id];
        let themes = theme_keys
            .iter()
            .map(|k| {
                let rows = compare(
                    |p| before.get(&(k.clone(), p)),
                    |p| now.get(&(k.clone(), p)),
                    min_group_size,
                );
                FollowUpTheme {
                    name: super::theme_name(&names, k, tr.lang),
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
    Ok(out)
}
