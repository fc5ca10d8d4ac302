//! One conversation: interviewer (with the cross-organisation rule), consent and withdrawal,
//! schedule, the guide and the adherence checklist. What the page offers depends on the user's
//! access: the ward's manager, the assigned interviewer, or a reader of the ward's results.

use super::super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::Input;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::listen::{ConversationStatus, TrainingStatus};
use driehoek_domain::validate::{self, Problem};
use driehoek_storage::listen::interviewers::{self, Assigner, Interviewer, InterviewerRef};
use driehoek_storage::listen::schedule::{self, Adherence};
use driehoek_storage::listen::{self, Access, Conversation, consent, guides};

#[derive(Template)]
#[template(path = "listen_conversation.html")]
#[allow(clippy::struct_excessive_bools)]
struct ConversationPage {
    layout: Layout,
    c: Conversation,
    manages: bool,
    works_on: bool,
    candidates: Vec<(Interviewer, String)>,
    topics: Vec<String>,
    adherence: Option<Adherence>,
    covered: Vec<usize>,
    held: bool,
    may_upload_transcript: bool,
    may_upload_audio: bool,
    withdrawn: bool,
    today: String,
    schedule_statuses: Vec<&'static str>,
}

pub fn training_key(s: &str) -> String {
    let s = TrainingStatus::parse(s).map_or("in_training", TrainingStatus::key);
    format!("training-{s}")
}

pub async fn show(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (c, access) = listen::conversation(&app.db, me.tenant(), &id).await?;
    let manages = access == Access::Manage;
    let works_on = access != Access::Read;
    let candidates = if manages {
        interviewers::candidates(&app.db, me.tenant(), &id)
            .await?
            .into_iter()
            .map(|i| {
                let k = training_key(&i.training_status);
                (i, k)
            })
            .collect()
    } else {
        Vec::new()
    };
    let guide = guides::for_conversation(&app.db, me.tenant(), &id).await?;
    let en = me.1.lang == crate::i18n::Lang::En;
    let topics = guide
        .topics
        .iter()
        .map(|t| {
            if en {
                t.title_en.clone()
            } else {
                t.title_nl.clone()
            }
        })
        .collect();
    let adherence = schedule::adherence(&app.db, me.tenant(), &id).await?;
    let covered = adherence
        .as_ref()
        .map(Adherence::covered)
        .unwrap_or_default();
    let status = c.status();
    let scope = c.consent_scope();
    render(&ConversationPage {
        layout: Layout::new(&me.1),
        manages,
        works_on,
        candidates,
        topics,
        adherence,
        covered,
        held: status.is_held(),
        may_upload_transcript: works_on
            && driehoek_domain::listen::check_transcript_upload(status).is_ok(),
        may_upload_audio: works_on
            && driehoek_domain::listen::check_audio_upload(status, scope).is_ok(),
        withdrawn: status == ConversationStatus::Withdrawn,
        today: driehoek_storage::now()[..10].to_string(),
        schedule_statuses: driehoek_domain::listen::SCHEDULE_STATUSES
            .iter()
            .map(|s| s.key())
            .collect(),
        c,
    })
}

/// Assigns from the form or JSON: `interviewer` (an account id from the proposals) or
/// `interviewer_email` (any interviewer, typed). Both go through the one storage function that
/// applies the cross-organisation rule.
pub async fn assign_from(
    app: &AppState,
    me: &Me,
    id: &str,
    input: &Input,
) -> Result<String, AppError> {
    listen::conversation_to_manage(&app.db, me.tenant(), id).await?;
    let by_id = input.get("interviewer").trim();
    let by_email = input.get("interviewer_email").trim();
    let who = if !by_email.is_empty() {
        InterviewerRef::Email(by_email)
    } else if !by_id.is_empty() {
        InterviewerRef::Id(by_id)
    } else {
        return Err(AppError::Invalid(vec![Problem::new(
            "interviewer",
            "error-choose-interviewer",
        )]));
    };
    Ok(interviewers::assign(
        &app.db,
        Assigner::User {
            tenant: me.tenant(),
            email: me.email(),
        },
        id,
        who,
    )
    .await?)
}

pub async fn assign(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    assign_from(&app, &me, &id, &input).await?;
    Ok(see_other(&format!("/conversations/{id}")))
}

pub async fn unassign(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    interviewers::unassign(&app.db, me.tenant(), me.email(), &id).await?;
    Ok(see_other(&format!("/conversations/{id}")))
}

pub async fn record_consent(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    let (giver, on, scope) = super::consent(&input)?;
    consent::record(&app.db, me.tenant(), me.email(), &id, giver, &on, scope).await?;
    Ok(see_other(&format!("/conversations/{id}")))
}

/// Withdraws consent and deletes the audio file from disk too.
pub async fn withdraw_in(app: &AppState, me: &Me, id: &str) -> Result<(), AppError> {
    let audio = consent::withdraw(&app.db, me.tenant(), me.email(), id).await?;
    if let Some(f) = audio {
        super::audio::delete_file(app, &f).await;
    }
    Ok(())
}

pub async fn withdraw(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    withdraw_in(&app, &me, &id).await?;
    Ok(see_other(&format!("/conversations/{id}")))
}

pub async fn set_schedule(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    let s = super::schedule(&input)?;
    schedule::set(&app.db, me.tenant(), me.email(), &id, &s).await?;
    Ok(see_other(&format!("/conversations/{id}")))
}

/// The checklist from a form (`topic` repeated with positions) or JSON (`topics` "0,2,3").
pub async fn adherence_from(
    app: &AppState,
    me: &Me,
    id: &str,
    input: &Input,
) -> Result<(), AppError> {
    listen::conversation_to_work_on(&app.db, me.tenant(), id).await?;
    let guide = guides::for_conversation(&app.db, me.tenant(), id).await?;
    let mut covered: Vec<usize> = input
        .all("topic")
        .iter()
        .map(String::as_str)
        .chain(input.get("topics").split(','))
        .filter_map(|s| s.trim().parse().ok())
        .filter(|n| *n < guide.topics.len())
        .collect();
    covered.sort_unstable();
    covered.dedup();
    let note = validate::text("note", input.get("note"), 2000)?;
    schedule::save_adherence(
        &app.db,
        me.tenant(),
        me.email(),
        id,
        &covered,
        super::flag(input, "open_questions"),
        super::flag(input, "stopped_on_distress"),
        &note,
    )
    .await?;
    Ok(())
}

pub async fn save_adherence(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    adherence_from(&app, &me, &id, &input).await?;
    Ok(see_other(&format!("/conversations/{id}")))
}
