//! The learning network's tree in pages: network → organisations → locations → wards.

use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::{Check, Input};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::{Perspective, validate};
use driehoek_storage::rounds::{self, ScoredTriad, WardRound};
use driehoek_storage::structure::{
    self as st, Crumbs, Location, Network, NetworkChange, NodeKind, Organisation, Ward,
};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    networks: Vec<(Network, Vec<Organisation>)>,
}

pub async fn home(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let mut networks = Vec::new();
    for n in st::networks(&app.db, me.tenant()).await? {
        let orgs = st::organisations(&app.db, me.tenant(), &n.id).await?;
        networks.push((n, orgs));
    }
    render(&HomePage {
        layout: Layout::new(&me.1),
        networks,
    })
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage {
    layout: Layout,
    network: Network,
    organisations: Vec<Organisation>,
    manages: bool,
    overview: Vec<OverviewLine>,
}

/// One line of the network overview, ready to show.
pub struct OverviewLine {
    pub organisation_id: String,
    pub organisation: String,
    pub round: String,
    pub triads: i64,
    /// Rounded %-positive, or the suppression text when too few triads stand behind it.
    pub share: String,
}

pub async fn network(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let network = st::network(&app.db, me.tenant(), &id).await?;
    let organisations = st::organisations(&app.db, me.tenant(), &id).await?;
    let manages = me.tenant().manages(&network.path());
    let layout = Layout::new(&me.1);
    let overview = driehoek_storage::overview::network_overview(&app.db, me.tenant(), &id)
        .await?
        .into_iter()
        .map(|r| OverviewLine {
            share: if r.triads < network.min_group_size {
                layout.tr.t("overview-too-few")
            } else {
                r.share_positive()
                    .map_or_else(|| layout.tr.t("score-na"), |p| p.rounded().to_string())
            },
            organisation_id: r.organisation_id,
            organisation: r.organisation,
            round: r.round,
            triads: r.triads,
        })
        .collect();
    render(&NetworkPage {
        layout,
        network,
        organisations,
        manages,
        overview,
    })
}

/// Validates the network form (shared with the API).
pub fn network_change(input: &Input) -> Result<NetworkChange, AppError> {
    let mut c = Check::default();
    let name = c.field(validate::name("name", input.get("name")));
    let description = c.field(validate::text(
        "description",
        input.get("description"),
        2000,
    ));
    let min = c.field(validate::number_in(
        "min_group_size",
        input.get("min_group_size"),
        2,
        50,
    ));
    c.done()?;
    Ok(NetworkChange {
        name: name.unwrap_or_default(),
        description: description.unwrap_or_default(),
        min_group_size: min.unwrap_or(5),
    })
}

pub async fn update_network(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    // Look first, so a stranger gets 404 before any validation message.
    st::network(&app.db, me.tenant(), &id).await?;
    let ch = network_change(&input)?;
    st::update_network(&app.db, me.tenant(), &id, ch, me.email()).await?;
    Ok(see_other(&format!("/networks/{id}")))
}

pub async fn create_organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    st::network(&app.db, me.tenant(), &id).await?;
    let name = validate::name("name", input.get("name"))?;
    let org = st::create_organisation(&app.db, me.tenant(), &id, &name, me.email()).await?;
    Ok(see_other(&format!("/organisations/{org}")))
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    layout: Layout,
    /// URL of this node, for its rename and delete forms.
    base: String,
    crumbs: Crumbs,
    organisation: Organisation,
    locations: Vec<(Location, Vec<Ward>)>,
    manages: bool,
    /// The kwaliteitsbeeld link is shown only to those who may open it.
    reads_picture: bool,
}

pub async fn organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let organisation = st::organisation(&app.db, me.tenant(), &id).await?;
    let mut locations = Vec::new();
    for l in st::locations(&app.db, me.tenant(), &id).await? {
        let wards = st::wards(&app.db, me.tenant(), &l.id).await?;
        locations.push((l, wards));
    }
    let crumbs = st::crumbs(&app.db, me.tenant(), &organisation.path()).await?;
    let manages = me.tenant().manages(&organisation.path());
    let reads_picture =
        driehoek_storage::quality_picture::reads_picture(me.tenant(), &organisation.path());
    render(&OrganisationPage {
        reads_picture,
        layout: Layout::new(&me.1),
        base: format!("/organisations/{id}"),
        crumbs,
        organisation,
        locations,
        manages,
    })
}

/// Renames a node after checking the user sees it (shared with the API).
pub async fn rename(
    app: &AppState,
    me: &Me,
    kind: NodeKind,
    id: &str,
    input: &Input,
) -> Result<(), AppError> {
    match kind {
        NodeKind::Organisation => drop(st::organisation(&app.db, me.tenant(), id).await?),
        NodeKind::Location => drop(st::location(&app.db, me.tenant(), id).await?),
        NodeKind::Ward => drop(st::ward(&app.db, me.tenant(), id).await?),
    }
    let name = validate::name("name", input.get("name"))?;
    st::rename(&app.db, me.tenant(), kind, id, &name, me.email()).await?;
    Ok(())
}

pub async fn rename_organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    rename(&app, &me, NodeKind::Organisation, &id, &input).await?;
    Ok(see_other(&format!("/organisations/{id}")))
}

pub async fn delete_organisation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let o = st::organisation(&app.db, me.tenant(), &id).await?;
    st::delete(
        &app.db,
        me.tenant(),
        NodeKind::Organisation,
        &id,
        me.email(),
    )
    .await?;
    Ok(see_other(&format!("/networks/{}", o.network_id)))
}

pub async fn create_location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    st::organisation(&app.db, me.tenant(), &id).await?;
    let mut c = Check::default();
    let name = c.field(validate::name("name", input.get("name")));
    let city = c.field(validate::text("city", input.get("city"), 120));
    c.done()?;
    let loc = st::create_location(
        &app.db,
        me.tenant(),
        &id,
        &name.unwrap_or_default(),
        &city.unwrap_or_default(),
        me.email(),
    )
    .await?;
    Ok(see_other(&format!("/locations/{loc}")))
}

#[derive(Template)]
#[template(path = "location.html")]
struct LocationPage {
    layout: Layout,
    /// URL of this node, for its rename and delete forms.
    base: String,
    crumbs: Crumbs,
    location: Location,
    wards: Vec<Ward>,
    manages: bool,
    overview: Vec<WardOverviewLine>,
    /// The kwaliteitsbeeld link is shown only to those who may open it.
    reads_picture: bool,
}

/// One line of the location overview, ready to show: totals only, never a triad.
pub struct WardOverviewLine {
    pub ward_id: String,
    pub ward: String,
    pub round: String,
    pub triads: i64,
    /// Rounded %-positive of the resident, family and staff conversations, "n.v.t." when
    /// nothing is coded, or the suppression text when too few triads stand behind the row.
    pub shares: [String; 3],
}

pub async fn location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let location = st::location(&app.db, me.tenant(), &id).await?;
    let wards = st::wards(&app.db, me.tenant(), &id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &location.path()).await?;
    let manages = me.tenant().manages(&location.path());
    let layout = Layout::new(&me.1);
    let min = driehoek_storage::reports::min_group_size(&app.db, &location.network_id).await?;
    let overview = driehoek_storage::overview::location_overview(&app.db, me.tenant(), &id)
        .await?
        .into_iter()
        .map(|r| {
            let share = |p: Perspective| {
                if r.triads < min {
                    layout.tr.t("overview-too-few")
                } else {
                    r.share_positive(p)
                        .map_or_else(|| layout.tr.t("score-na"), |s| s.rounded().to_string())
                }
            };
            WardOverviewLine {
                shares: Perspective::ALL.map(share),
                ward_id: r.ward_id,
                ward: r.ward,
                round: r.round,
                triads: r.triads,
            }
        })
        .collect();
    let reads_picture =
        driehoek_storage::quality_picture::reads_picture(me.tenant(), &location.path());
    render(&LocationPage {
        reads_picture,
        layout,
        base: format!("/locations/{id}"),
        crumbs,
        location,
        wards,
        manages,
        overview,
    })
}

pub async fn rename_location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    rename(&app, &me, NodeKind::Location, &id, &input).await?;
    Ok(see_other(&format!("/locations/{id}")))
}

pub async fn delete_location(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let l = st::location(&app.db, me.tenant(), &id).await?;
    st::delete(&app.db, me.tenant(), NodeKind::Location, &id, me.email()).await?;
    Ok(see_other(&format!("/organisations/{}", l.organisation_id)))
}

pub async fn create_ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    st::location(&app.db, me.tenant(), &id).await?;
    let name = validate::name("name", input.get("name"))?;
    let ward = st::create_ward(&app.db, me.tenant(), &id, &name, me.email()).await?;
    Ok(see_other(&format!("/wards/{ward}")))
}

/// A triad's row on the ward page: figures rounded for reading (method.md §3).
pub struct TriadRow {
    pub code: String,
    pub resident: String,
    pub family: String,
    pub staff: String,
    pub valence: String,
    pub valence_label: String,
    pub agreement: String,
    pub agreement_level: String,
}

pub(crate) fn triad_row(tr: crate::i18n::Tr, t: &ScoredTriad) -> TriadRow {
    let na = || tr.t("score-na");
    let pct = |p: Option<driehoek_domain::scores::Percent>, coded: Option<u64>| match (p, coded) {
        (Some(p), _) => p.rounded().to_string(),
        (None, None) => tr.t("score-no-conversation"),
        (None, Some(_)) => na(),
    };
    let s = &t.scores;
    TriadRow {
        code: t.code.clone(),
        resident: pct(s.resident, t.coded[0]),
        family: pct(s.family, t.coded[1]),
        staff: pct(s.staff, t.coded[2]),
        valence: s.valence.map_or_else(na, |v| v.rounded().to_string()),
        valence_label: s.valence_label.map_or_else(String::new, |l| {
            tr.t(&format!("valence-{}", l.key().replace(' ', "-")))
        }),
        agreement: s.agreement.map_or_else(na, |a| a.score.to_string()),
        agreement_level: s.agreement.map_or_else(String::new, |a| {
            tr.t(&format!("agreement-{}", a.level.key().replace(' ', "-")))
        }),
    }
}

#[derive(Template)]
#[template(path = "ward.html")]
struct WardPage {
    layout: Layout,
    /// URL of this node, for its rename and delete forms.
    base: String,
    crumbs: Crumbs,
    ward: Ward,
    rounds: Vec<(WardRound, Vec<TriadRow>)>,
    manages: bool,
    reads_results: bool,
}

pub async fn ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let ward = st::ward(&app.db, me.tenant(), &id).await?;
    let crumbs = st::crumbs(&app.db, me.tenant(), &ward.path()).await?;
    let manages = me.tenant().manages(&ward.path());
    let reads_results = me.tenant().reads_results(&ward.path());
    let layout = Layout::new(&me.1);
    let mut rounds = Vec::new();
    if reads_results {
        for r in rounds::rounds_of_ward(&app.db, me.tenant(), &id).await? {
            let triads = rounds::scored_triads(&app.db, me.tenant(), &id, &r.round.id).await?;
            rounds.push((r, triads.iter().map(|t| triad_row(layout.tr, t)).collect()));
        }
    }
    render(&WardPage {
        layout,
        base: format!("/wards/{id}"),
        crumbs,
        ward,
        rounds,
        manages,
        reads_results,
    })
}

pub async fn rename_ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    rename(&app, &me, NodeKind::Ward, &id, &input).await?;
    Ok(see_other(&format!("/wards/{id}")))
}

pub async fn delete_ward(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let w = st::ward(&app.db, me.tenant(), &id).await?;
    st::delete(&app.db, me.tenant(), NodeKind::Ward, &id, me.email()).await?;
    Ok(see_other(&format!("/locations/{}", w.location_id)))
}
