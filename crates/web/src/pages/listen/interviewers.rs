//! Interviewers: the quality officer's list of their own organisation's interviewers (training
//! status, load), and the interviewer's own conversations with an `.ics` calendar.

use super::super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::Input;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use driehoek_domain::listen::TrainingStatus;
use driehoek_domain::listen::ics::{self, Event};
use driehoek_domain::validate::Problem;
use driehoek_storage::listen::interviewers::{self, Interviewer};
use driehoek_storage::listen::{Conversation, schedule};

#[derive(Template)]
#[template(path = "listen_interviewers.html")]
struct InterviewersPage {
    layout: Layout,
    interviewers: Vec<Interviewer>,
    statuses: Vec<&'static str>,
}

pub async fn list(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let interviewers = interviewers::managed(&app.db, me.tenant())
        .await?
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    render(&InterviewersPage {
        layout: Layout::new(&me.1),
        interviewers,
        statuses: TrainingStatus::ALL.iter().map(|s| s.key()).collect(),
    })
}

pub fn training(input: &Input) -> Result<TrainingStatus, AppError> {
    TrainingStatus::parse(input.get("training_status"))
        .ok_or_else(|| AppError::Invalid(vec![Problem::new("training_status", "error-choice")]))
}

pub async fn set_training(
    State(app): State<AppState>,
    me: Me,
    Path(user): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    driehoek_storage::accounts::user(&app.db, me.tenant(), &user).await?;
    let status = training(&input)?;
    interviewers::set_training(&app.db, me.tenant(), me.email(), &user, status).await?;
    Ok(see_other("/interviewers"))
}

#[derive(Template)]
#[template(path = "listen_my.html")]
struct MyPage {
    layout: Layout,
    conversations: Vec<Conversation>,
}

/// The interviewer's own conversations: only those assigned to them.
pub async fn mine(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let conversations = schedule::mine(&app.db, me.tenant()).await?;
    render(&MyPage {
        layout: Layout::new(&me.1),
        conversations,
    })
}

/// The interviewer's conversations as an iCalendar file.
pub async fn calendar(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let tr = crate::i18n::Tr::new(me.1.lang);
    let events: Vec<Event> = schedule::mine(&app.db, me.tenant())
        .await?
        .into_iter()
        .filter(|c| c.scheduled_date.is_some())
        .map(|c| Event {
            summary: tr.f(
                "ics-summary",
                &[
                    ("code", c.triad_code.as_str()),
                    (
                        "perspective",
                        &tr.t(&format!("perspective-{}", c.perspective)),
                    ),
                ],
            ),
            location: [c.place.as_str(), c.location_name.as_str(), c.city.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            description: tr.f("ics-description", &[("id", c.id.as_str())]),
            uid: c.id,
            date: c.scheduled_date.unwrap_or_default(),
            time: c.scheduled_time.unwrap_or_default(),
            minutes: 60,
        })
        .collect();
    let now = driehoek_storage::now();
    let stamp: String = now.chars().filter(char::is_ascii_digit).take(14).collect();
    let stamp = format!("{}T{}Z", &stamp[..8], &stamp[8..]);
    let mut res = ics::calendar(&events, &stamp).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"driehoek-gesprekken.ics\""),
    );
    Ok(res)
}
