//! Improvement actions: the form (new, from an agreement, or changing one), the action page with
//! its follow-up notes, and the boards per ward, location, organisation and support service.

use super::{BoardRow, board_rows, owner_text, parse_action, theme_name, today};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::input::Input;
use crate::pages::{Layout, render, see_other};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use driehoek_domain::act::{ActionStatus, OwnerKind, check_note};
use driehoek_domain::themes::{Language, SupportService};
use driehoek_storage::act::actions::{self as store, ActionDetail, LinkedFragment, Reach};
use driehoek_storage::act::meetings;
use driehoek_storage::reports;
use driehoek_storage::structure::{self as st, Crumbs, Ward};
use serde::Deserialize;

/// An option of a select or a checkbox.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A fragment offered as a reason for the action.
pub struct FragmentChoice {
    pub id: String,
    pub label: String,
    pub text: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "act_action.html")]
#[allow(clippy::struct_excessive_bools)]
struct ActionPage {
    layout: Layout,
    crumbs: Crumbs,
    ward: Ward,
    /// None for a new action.
    action_id: Option<String>,
    round_id: String,
    agreement_id: String,
    agreement_text: String,
    may_edit: bool,
    may_follow_up: bool,
    title: String,
    why: String,
    due_on: String,
    drop_reason: String,
    public: bool,
    triads: String,
    overdue: bool,
    owner: String,
    status_name: String,
    owner_kinds: Vec<Choice>,
    users: Vec<Choice>,
    services: Vec<Choice>,
    statuses: Vec<Choice>,
    themes: Vec<Choice>,
    fragments: Vec<FragmentChoice>,
    linked: Vec<LinkedFragment>,
    notes: Vec<driehoek_storage::act::actions::Note>,
    today: String,
}

fn language(tr: Tr) -> Language {
    if tr.lang == Lang::En {
        Language::En
    } else {
        Language::Nl
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    pub agreement: String,
    #[serde(default)]
    pub round: String,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    app: &AppState,
    me: &Me,
    ward: Ward,
    detail: Option<(ActionDetail, Reach)>,
    round_id: String,
    agreement: Option<(String, String)>,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let crumbs = st::crumbs(&app.db, tenant, &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let options = store::link_options(&app.db, &ward).await?;
    let a = detail.as_ref().map(|(d, _)| &d.action);
    let reach = detail.as_ref().map_or(Reach::Edit, |(_, r)| *r);
    let owner_kind = a.map_or("ward_team", |a| a.owner_kind.as_str());
    let status = a.map_or("agreed", |a| a.status.as_str());
    let chosen_themes: Vec<String> = detail
        .as_ref()
        .map(|(d, _)| d.themes.clone())
        .unwrap_or_default();
    let linked_ids: Vec<String> = detail
        .as_ref()
        .map(|(d, _)| d.fragments.iter().map(|f| f.id.clone()).collect())
        .unwrap_or_default();
    // Fragments offered: the negative ones of the round (what can be improved), plus those
    // already linked.
    let mut fragments = Vec::new();
    if reach == Reach::Edit && !round_id.is_empty() {
        let english = tr.lang == Lang::En;
        let themes = reports::themes_of_set(
            &app.db,
            &reports::ward_round(&app.db, tenant, &ward.id, &round_id)
                .await?
                .1
                .theme_set_id,
        )
        .await?;
        let rows = reports::themed_fragments(&app.db, &ward.id, &round_id).await?;
        for r in rows.iter().filter(|r| r.valence == "negative") {
            if fragments
                .iter()
                .any(|f: &FragmentChoice| f.id == r.fragment_id)
            {
                continue;
            }
            let theme = super::theme_by_id(&themes, &r.theme_id).map_or("", |t| t.name(english));
            fragments.push(FragmentChoice {
                id: r.fragment_id.clone(),
                label: format!(
                    "{} · {} · {}",
                    r.triad_code,
                    tr.t(&format!("perspective-{}", r.perspective)),
                    theme
                ),
                text: r.text.clone(),
                selected: linked_ids.contains(&r.fragment_id),
            });
        }
    }
    let render_page = ActionPage {
        action_id: a.map(|a| a.id.clone()),
        round_id,
        agreement_id: agreement.as_ref().map_or_else(String::new, |g| g.0.clone()),
        agreement_text: agreement.as_ref().map_or_else(String::new, |g| g.1.clone()),
        may_edit: reach == Reach::Edit,
        may_follow_up: reach != Reach::Read && detail.is_some(),
        title: a.map_or_else(
            || {
                agreement
                    .as_ref()
                    .map_or_else(String::new, |g| g.1.chars().take(120).collect())
            },
            |a| a.title.clone(),
        ),
        why: a.map_or_else(String::new, |a| a.why.clone()),
        due_on: a.and_then(|a| a.due_on.clone()).unwrap_or_default(),
        drop_reason: a.map_or_else(String::new, |a| a.drop_reason.clone()),
        public: a.is_some_and(|a| a.public != 0),
        triads: detail
            .as_ref()
            .map(|(d, _)| {
                d.triads
                    .iter()
                    .map(|(_, c)| c.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        overdue: a.is_some_and(|a| a.is_overdue(&today())),
        owner: a.map_or_else(String::new, |a| owner_text(tr, a)),
        status_name: tr.t(&format!("action-status-{status}")),
        owner_kinds: OwnerKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.key().into(),
                label: tr.t(&format!("owner-kind-{}", k.key())),
                selected: k.key() == owner_kind,
            })
            .collect(),
        users: options
            .users
            .iter()
            .map(|(id, name)| Choice {
                value: id.clone(),
                label: name.clone(),
                selected: a.and_then(|a| a.owner_user_id.as_deref()) == Some(id.as_str()),
            })
            .collect(),
        services: SupportService::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.key().into(),
                label: s.name(language(tr)).into(),
                selected: a.and_then(|a| a.owner_service.as_deref()) == Some(s.key()),
            })
            .collect(),
        statuses: ActionStatus::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.key().into(),
                label: tr.t(&format!("action-status-{}", s.key())),
                selected: s.key() == status,
            })
            .collect(),
        themes: options
            .theme_keys
            .iter()
            .map(|(k, _, _)| Choice {
                value: k.clone(),
                label: theme_name(&options.theme_keys, k, tr.lang),
                selected: chosen_themes.contains(k),
            })
            .collect(),
        fragments,
        linked: detail
            .as_ref()
            .map(|(d, _)| d.fragments.clone())
            .unwrap_or_default(),
        notes: detail.map(|(d, _)| d.notes).unwrap_or_default(),
        today: today(),
        layout,
        crumbs,
        ward,
    };
    render(&render_page)
}

/// `GET /wards/{ward}/actions/new?agreement=…&round=…`: the form for a new action, filled from
/// an agreement when one is named.
pub async fn new_form(
    State(app): State<AppState>,
    me: Me,
    Path(ward_id): Path<String>,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let ward = reports::results_ward(&app.db, me.tenant(), &ward_id).await?;
    let mut round_id = q.round.clone();
    let mut agreement = None;
    if !q.agreement.is_empty() {
        let (g, r) = meetings::agreement_of_ward(&app.db, &ward.id, &q.agreement).await?;
        round_id = r;
        agreement = Some((g.id, g.text));
    }
    if !round_id.is_empty() && !store::round_of_ward(&app.db, &ward, &round_id).await? {
        return Err(AppError::NotFound);
    }
    form_page(&app, &me, ward, None, round_id, agreement).await
}

/// `POST /wards/{ward}/actions`: makes the action (from an agreement when `agreement` is set).
pub async fn create(
    State(app): State<AppState>,
    me: Me,
    Path(ward_id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let id = create_from(&app, &me, &ward_id, &input).await?;
    Ok(see_other(&format!("/actions/{id}")))
}

/// Shared with the API.
pub async fn create_from(
    app: &AppState,
    me: &Me,
    ward_id: &str,
    input: &Input,
) -> Result<String, AppError> {
    let ward = reports::results_ward(&app.db, me.tenant(), ward_id).await?;
    if !me.tenant().acts_on(&ward.path()) {
        return Err(AppError::Forbidden);
    }
    let (fields, links) = parse_action(&app.db, &ward, input, None).await?;
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let round = nonempty(input.get("round_id"));
    let agreement = nonempty(input.get("agreement_id"));
    Ok(store::create(
        &app.db,
        me.tenant(),
        &ward.id,
        round.as_deref(),
        agreement.as_deref(),
        &fields,
        &links,
    )
    .await?)
}

/// `GET /actions/{action}`: the action with its links and notes; editable for the ward's team
/// leader and quality officer, notes and status for the owning support service.
pub async fn show(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (detail, reach) = store::detail(&app.db, me.tenant(), &id).await?;
    let ward = st::ward(&app.db, me.tenant(), &detail.action.ward_id).await?;
    let round_id = detail.action.round_id.clone().unwrap_or_default();
    form_page(&app, &me, ward, Some((detail, reach)), round_id, None).await
}

/// Shared with the API.
pub async fn update_from(app: &AppState, me: &Me, id: &str, input: &Input) -> Result<(), AppError> {
    let (a, reach) = store::action(&app.db, me.tenant(), id).await?;
    if reach != Reach::Edit {
        return Err(AppError::Forbidden);
    }
    let ward = st::ward(&app.db, me.tenant(), &a.ward_id).await?;
    let (fields, links) = parse_action(&app.db, &ward, input, Some(a.status())).await?;
    store::update(&app.db, me.tenant(), id, &fields, &links).await?;
    Ok(())
}

pub async fn update(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    update_from(&app, &me, &id, &input).await?;
    Ok(see_other(&format!("/actions/{id}")))
}

/// Shared with the API: checks the move (dropping needs a reason) and sets the status; the
/// owning support service may do this too.
pub async fn status_from(app: &AppState, me: &Me, id: &str, input: &Input) -> Result<(), AppError> {
    let (a, _) = store::action(&app.db, me.tenant(), id).await?;
    let to = ActionStatus::parse(input.get("status").trim())
        .ok_or_else(|| driehoek_domain::validate::Problem::new("status", "error-choice"))?;
    let reason = input.get("drop_reason").trim();
    a.status().check_move(to, reason)?;
    store::set_status(&app.db, me.tenant(), id, to, reason).await?;
    Ok(())
}

/// `POST /actions/{action}/status`: the owning support service (or an editor) moves the status.
pub async fn set_status(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    status_from(&app, &me, &id, &input).await?;
    Ok(see_other(&format!("/actions/{id}")))
}

/// Shared with the API: checks and adds a follow-up note.
pub async fn note_from(
    app: &AppState,
    me: &Me,
    id: &str,
    input: &Input,
) -> Result<String, AppError> {
    store::action(&app.db, me.tenant(), id).await?;
    let (on, text) =
        check_note(input.get("noted_on"), input.get("note")).map_err(AppError::Invalid)?;
    Ok(store::add_note(&app.db, me.tenant(), id, &on, &text).await?)
}

pub async fn add_note(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    note_from(&app, &me, &id, &input).await?;
    Ok(see_other(&format!("/actions/{id}#notes")))
}

#[derive(Template)]
#[template(path = "act_board.html")]
struct BoardPage {
    layout: Layout,
    crumbs: Crumbs,
    title: String,
    back: String,
    back_label: String,
    /// New actions are made on a ward's board only.
    new_href: Option<String>,
    show_ward: bool,
    rows: Vec<BoardRow>,
    overdue: usize,
}

fn board(
    layout: Layout,
    crumbs: Crumbs,
    title: String,
    back: (String, String),
    new_href: Option<String>,
    show_ward: bool,
    rows: Vec<BoardRow>,
) -> Result<Response, AppError> {
    render(&BoardPage {
        overdue: rows.iter().filter(|r| r.overdue).count(),
        layout,
        crumbs,
        title,
        back: back.0,
        back_label: back.1,
        new_href,
        show_ward,
        rows,
    })
}

pub async fn ward_board(
    State(app): State<AppState>,
    me: Me,
    Path(ward_id): Path<String>,
) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (ward, actions) = store::ward_board(&app.db, tenant, &ward_id).await?;
    let crumbs = st::crumbs(&app.db, tenant, &ward.path()).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let rows = board_rows(tr, &actions);
    board(
        layout,
        crumbs,
        tr.f("board-title", &[("place", &ward.name)]),
        (format!("/wards/{}", ward.id), ward.name.clone()),
        tenant
            .acts_on(&ward.path())
            .then(|| format!("/wards/{}/actions/new", ward.id)),
        false,
        rows,
    )
}

/// The board of a location or organisation: every ward's actions the user reads.
fn node_board(
    me: &Me,
    crumbs: Crumbs,
    (name, back): (&str, String),
    actions: &[driehoek_storage::act::actions::Action],
) -> Result<Response, AppError> {
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let rows = board_rows(tr, actions);
    board(
        layout,
        crumbs,
        tr.f("board-title", &[("place", name)]),
        (back, name.to_string()),
        None,
        true,
        rows,
    )
}

pub async fn location_board(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (loc, actions) = store::location_board(&app.db, me.tenant(), &id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &loc.path()).await?;
    node_board(
        &me,
        crumbs,
        (&loc.name, format!("/locations/{}", loc.id)),
        &actions,
    )
}

pub async fn organisation_board(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (org, actions) = store::organisation_board(&app.db, me.tenant(), &id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &org.path()).await?;
    node_board(
        &me,
        crumbs,
        (&org.name, format!("/organisations/{}", org.id)),
        &actions,
    )
}

/// `GET /my/actions`: the actions owned by the support service(s) the user works for.
pub async fn mine(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let tenant = me.tenant();
    let (services, actions) = store::service_board(&app.db, tenant).await?;
    let layout = Layout::new(&me.1);
    let tr = layout.tr;
    let names: Vec<&str> = services
        .iter()
        .filter_map(|s| SupportService::parse(s))
        .map(|s| s.name(language(tr)))
        .collect();
    let title = if names.is_empty() {
        tr.t("board-mine-none")
    } else {
        tr.f("board-mine", &[("services", &names.join(", "))])
    };
    let rows = board_rows(tr, &actions);
    board(
        layout,
        Crumbs::default(),
        title,
        ("/".into(), tr.t("nav-home")),
        None,
        true,
        rows,
    )
}
