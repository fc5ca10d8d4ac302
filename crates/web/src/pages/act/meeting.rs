//! The evaluation meeting page of a ward and round, and the printable story cards.

use super::{codes, theme_by_id};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::input::Input;
use crate::pages::{Layout, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::Perspective;
use driehoek_domain::act::agenda::{ThemeFigures, propose};
use driehoek_domain::act::{
    MeetingDraft, MeetingRole, agreement_text, attended_field, check_meeting, invitation_warning,
    invited_field,
};
use driehoek_domain::report::tally;
use driehoek_domain::suppress::may_show;
use driehoek_storage::Db;
use driehoek_storage::act::meetings::{self, Agreement, MeetingRecord};
use driehoek_storage::reports;
use driehoek_storage::rounds::Round;
use driehoek_storage::structure::{self as st, Crumbs, Ward};

/// One role's line in the invitation and attendance tables.
pub struct RoleRow {
    pub key: &'static str,
    pub name: String,
    pub invited_field: &'static str,
    pub attended_field: &'static str,
    pub invited: i64,
    pub attended: i64,
}

#[derive(Template)]
#[template(path = "act_meeting.html")]
#[allow(clippy::struct_excessive_bools)]
struct MeetingPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    round: Round,
    exists: bool,
    may_edit: bool,
    warning: bool,
    held_on: String,
    place: String,
    agenda: String,
    agenda_proposed: bool,
    notes: String,
    held: bool,
    roles: Vec<RoleRow>,
    agreements: Vec<Agreement>,
}

/// The agenda proposed from the ward report: the themes with the most negative fragments, the
/// themes where perspectives differ most, and reading the plot together.
pub async fn proposed_agenda(
    db: &Db,
    tr: Tr,
    ward: &Ward,
    round: &Round,
) -> Result<String, AppError> {
    let min = reports::min_group_size(db, &ward.network_id).await?;
    let themes = reports::themes_of_set(db, &round.theme_set_id).await?;
    let rows = reports::themed_fragments(db, &ward.id, &round.id).await?;
    let cells = tally(codes(&rows).iter().copied());
    let english = tr.lang == Lang::En;
    let figures: Vec<ThemeFigures> = themes
        .iter()
        .map(|t| ThemeFigures {
            theme: t.name(english),
            cells: Perspective::ALL
                .into_iter()
                .filter_map(|p| cells.get(&(t.id.as_str(), p)).map(|c| (p, c.clone())))
                .collect(),
        })
        .collect();
    let a = propose(&figures, min);
    let mut lines = vec![tr.t("agenda-welcome")];
    if !a.most_negative.is_empty() {
        let names: Vec<String> = a
            .most_negative
            .iter()
            .map(|(t, n)| {
                tr.f(
                    "agenda-theme-negative",
                    &[("theme", t), ("count", &n.to_string())],
                )
            })
            .collect();
        lines.push(tr.f("agenda-negative", &[("themes", &names.join("; "))]));
    }
    if !a.most_divided.is_empty() {
        let names: Vec<String> = a
            .most_divided
            .iter()
            .map(|(t, n)| {
                tr.f(
                    "agenda-theme-divided",
                    &[("theme", t), ("points", &n.to_string())],
                )
            })
            .collect();
        lines.push(tr.f("agenda-divided", &[("themes", &names.join("; "))]));
    }
    lines.push(tr.t("agenda-plot"));
    lines.push(tr.t("agenda-agreements"));
    Ok(lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}. {l}", i + 1))
        .collect::<Vec<_>>()
        .join("\n"))
}

pub fn role_rows(tr: Tr, record: Option<&MeetingRecord>) -> Vec<RoleRow> {
    MeetingRole::ALL
        .into_iter()
        .map(|r| RoleRow {
            key: r.key(),
            name: tr.t(&format!("meeting-role-{}", r.key())),
            invited_field: invited_field(r),
            attended_field: attended_field(r),
            invited: record.map_or(0, |m| m.invited_count(r.key())),
            attended: record.map_or(0, |m| m.attended_count(r.key())),
        })
        .collect()
}

/// Is the staff-only warning due for this meeting?
pub fn warns(record: &MeetingRecord) -> bool {
    let invited: Vec<(MeetingRole, i64)> = record
        .invited
        .iter()
        .filter_map(|(k, n)| MeetingRole::parse(k).map(|r| (r, *n)))
        .collect();
    invitation_warning(&invited).is_some()
}

pub async fn page(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (ward, round, record) = meetings::meeting(&app.db, tenant, &ward_id, &round_id).await?;
    let crumbs = st::crumbs(&app.db, tenant, &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let may_edit = tenant.acts_on(&ward.path());
    let (agenda, agenda_proposed) = match &record {
        Some(r) if !r.meeting.agenda.is_empty() => (r.meeting.agenda.clone(), false),
        _ => (proposed_agenda(&app.db, tr, &ward, &round).await?, true),
    };
    render(&MeetingPage {
        roles: role_rows(tr, record.as_ref()),
        warning: record.as_ref().is_some_and(warns),
        exists: record.is_some(),
        held_on: record
            .as_ref()
            .map_or_else(String::new, |r| r.meeting.held_on.clone()),
        place: record
            .as_ref()
            .map_or_else(String::new, |r| r.meeting.place.clone()),
        notes: record
            .as_ref()
            .map_or_else(String::new, |r| r.meeting.notes.clone()),
        held: record.as_ref().is_some_and(|r| r.meeting.status == "held"),
        agreements: record.map(|r| r.agreements).unwrap_or_default(),
        agenda,
        agenda_proposed,
        may_edit,
        layout,
        crumbs,
        ward,
        round,
    })
}

/// Checks the meeting form (page and API).
pub fn parse_meeting(input: &Input) -> Result<driehoek_domain::act::MeetingFields, AppError> {
    let invited = |r: MeetingRole| input.get(invited_field(r));
    let attended = |r: MeetingRole| input.get(attended_field(r));
    check_meeting(&MeetingDraft {
        held_on: input.get("held_on"),
        place: input.get("place"),
        agenda: input.get("agenda"),
        notes: input.get("notes"),
        status: input.get("status"),
        invited: &invited,
        attended: &attended,
    })
    .map_err(AppError::Invalid)
}

pub async fn save(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
    input: Input,
) -> Result<Response, AppError> {
    meetings::meeting(&app.db, me.tenant(), &ward_id, &round_id).await?;
    let fields = parse_meeting(&input)?;
    meetings::save(&app.db, me.tenant(), &ward_id, &round_id, &fields).await?;
    Ok(see_other(&format!(
        "/wards/{ward_id}/rounds/{round_id}/meeting"
    )))
}

pub async fn add_agreement(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
    input: Input,
) -> Result<Response, AppError> {
    meetings::meeting(&app.db, me.tenant(), &ward_id, &round_id).await?;
    let text = agreement_text(input.get("agreement"))?;
    meetings::add_agreement(&app.db, me.tenant(), &ward_id, &round_id, &text).await?;
    Ok(see_other(&format!(
        "/wards/{ward_id}/rounds/{round_id}/meeting#agreements"
    )))
}

/// One story card.
pub struct Card {
    pub text: String,
    pub themes: String,
    pub perspective: String,
    pub valence: String,
    pub valence_key: String,
}

#[derive(Template)]
#[template(path = "act_cards.html")]
struct CardsPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    round: Round,
    shown: bool,
    suppressed_note: String,
    cards: Vec<Card>,
}

/// Printable story cards: one pseudonymised fragment per card with its themes and perspective,
/// from the round's coded conversations on the ward; none when the round has fewer triads on
/// the ward than the minimum group size.
pub async fn cards(
    State(app): State<AppState>,
    me: Me,
    Path((ward_id, round_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (ward, round, _) = meetings::meeting(&app.db, tenant, &ward_id, &round_id).await?;
    let crumbs = st::crumbs(&app.db, tenant, &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let english = tr.lang == Lang::En;
    let min = reports::min_group_size(&app.db, &ward.network_id).await?;
    let group = reports::triad_count(&app.db, &ward.id, &round.id).await?;
    let shown = may_show(usize::try_from(group).unwrap_or(0), min);
    let mut cards = Vec::new();
    if shown {
        let themes = reports::themes_of_set(&app.db, &round.theme_set_id).await?;
        for (f, theme_ids) in meetings::card_fragments(&app.db, &ward.id, &round.id).await? {
            let names: Vec<&str> = theme_ids
                .iter()
                .filter_map(|id| theme_by_id(&themes, id).map(|t| t.name(english)))
                .collect();
            cards.push(Card {
                text: f.text,
                themes: names.join(", "),
                perspective: tr.t(&format!("perspective-{}", f.perspective)),
                valence: tr.t(&format!("valence-{}", f.valence)),
                valence_key: f.valence,
            });
        }
    }
    render(&CardsPage {
        suppressed_note: tr.f("report-suppressed-note", &[("min", &min.to_string())]),
        layout,
        crumbs,
        ward,
        round,
        shown,
        cards,
    })
}
