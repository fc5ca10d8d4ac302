//! Rounds and triads: plan a round for wards, move its status, see per ward what stands where,
//! add a triad (the code is generated), remove a resident's slot.

use super::super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::Input;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::listen::RoundStatus;
use driehoek_storage::listen::guides::{self, Guide};
use driehoek_storage::listen::rounds::{self, COUNTED, RoundInfo, WardOverview};
use driehoek_storage::listen::triads::{self, StaffAccount, Triad};
use driehoek_storage::structure::{self as st, Ward};

/// An organisation the user may plan rounds for, with its wards.
pub struct Plannable {
    pub id: String,
    pub name: String,
    pub network_id: String,
    pub wards: Vec<Ward>,
}

/// Organisations the tenant manages, with their wards (for the plan form).
pub async fn plannable(app: &AppState, me: &Me) -> Result<Vec<Plannable>, AppError> {
    let mut out = Vec::new();
    for n in st::networks(&app.db, me.tenant()).await? {
        for o in st::organisations(&app.db, me.tenant(), &n.id).await? {
            if me.tenant().manages(&o.path()) {
                let wards = st::wards_of_organisation(&app.db, me.tenant(), &o.id).await?;
                out.push(Plannable {
                    id: o.id,
                    name: o.name,
                    network_id: n.id.clone(),
                    wards,
                });
            }
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "listen_rounds.html")]
struct RoundsPage {
    layout: Layout,
    rounds: Vec<RoundInfo>,
    plannable: Vec<Plannable>,
    guides: Vec<Guide>,
    theme_sets: Vec<(String, String)>,
}

pub async fn list(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let rounds = rounds::rounds(&app.db, me.tenant()).await?;
    let plannable = plannable(&app, &me).await?;
    let (guides, theme_sets) = match plannable.first() {
        Some(p) => (
            guides::guides(&app.db, me.tenant(), &p.network_id).await?,
            rounds::theme_sets(&app.db, me.tenant(), &p.network_id).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    render(&RoundsPage {
        layout: Layout::new(&me.1),
        rounds,
        plannable,
        guides,
        theme_sets,
    })
}

pub async fn create(
    State(app): State<AppState>,
    me: Me,
    input: Input,
) -> Result<Response, AppError> {
    let org = input.get("organisation").to_string();
    st::organisation(&app.db, me.tenant(), &org).await?;
    let r = super::new_round(&input, &org, input.all("wards").to_vec())?;
    let id = rounds::create(&app.db, me.tenant(), me.email(), &r).await?;
    Ok(see_other(&format!("/rounds/{id}")))
}

#[derive(Template)]
#[template(path = "listen_round.html")]
struct RoundPage {
    layout: Layout,
    round: RoundInfo,
    manages: bool,
    wards: Vec<WardOverview>,
    counted: [&'static str; 5],
    next: Option<&'static str>,
    previous: Option<&'static str>,
    accepts_triads: bool,
    staff: Vec<(String, Vec<StaffAccount>)>,
}

pub async fn show(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let round = rounds::round(&app.db, me.tenant(), &id).await?;
    let wards = rounds::overview(&app.db, me.tenant(), &id).await?;
    let manages = me.tenant().manages(&round.path());
    let mut staff = Vec::new();
    for w in wards.iter().filter(|w| w.manages) {
        staff.push((
            w.ward_id.clone(),
            triads::staff_of_ward(&app.db, me.tenant(), &w.ward_id).await?,
        ));
    }
    let status = round.status();
    render(&RoundPage {
        layout: Layout::new(&me.1),
        manages,
        wards,
        counted: COUNTED,
        next: status.next().map(RoundStatus::key),
        previous: status.previous().map(RoundStatus::key),
        accepts_triads: status.accepts_triads(),
        staff,
        round,
    })
}

pub async fn set_status(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    rounds::round(&app.db, me.tenant(), &id).await?;
    let to = super::round_status(&input)?;
    rounds::set_status(&app.db, me.tenant(), me.email(), &id, to).await?;
    Ok(see_other(&format!("/rounds/{id}")))
}

/// The add-triad form: ward, whether the resident takes part, optionally a staff account.
pub async fn add_triad_from(
    app: &AppState,
    me: &Me,
    round: &str,
    input: &Input,
) -> Result<(String, String), AppError> {
    rounds::round(&app.db, me.tenant(), round).await?;
    let ward = input.get("ward");
    if ward.is_empty() {
        return Err(AppError::Invalid(vec![
            driehoek_domain::validate::Problem::new("ward", "error-choose-ward"),
        ]));
    }
    let takes_part = !super::flag(input, "resident_cannot_take_part");
    let staff = Some(input.get("staff_user")).filter(|s| !s.is_empty());
    Ok(triads::add(
        &app.db,
        me.tenant(),
        me.email(),
        round,
        ward,
        takes_part,
        staff,
    )
    .await?)
}

pub async fn add_triad(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let (triad, _) = add_triad_from(&app, &me, &id, &input).await?;
    Ok(see_other(&format!("/triads/{triad}")))
}

#[derive(Template)]
#[template(path = "listen_triad.html")]
struct TriadPage {
    layout: Layout,
    triad: Triad,
}

pub async fn triad(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let triad = triads::triad(&app.db, me.tenant(), &id).await?;
    render(&TriadPage {
        layout: Layout::new(&me.1),
        triad,
    })
}

pub async fn resident_absent(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    triads::resident_cannot_take_part(&app.db, me.tenant(), me.email(), &id).await?;
    Ok(see_other(&format!("/triads/{id}")))
}
