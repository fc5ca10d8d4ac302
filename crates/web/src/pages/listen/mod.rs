//! Listen in pages: rounds and triads, conversations (interviewer, consent, schedule, checklist),
//! transcripts with the pseudonymisation review, audio, the interviewer's own list and calendar,
//! and the conversation guide. Validation here is shared with the API (`api/listen.rs`).

pub mod audio;
pub mod conversations;
pub mod docx;
pub mod guides;
pub mod interviewers;
pub mod rounds;
pub mod transcripts;

use crate::error::AppError;
use crate::input::{Check, Input};
use driehoek_domain::listen::guide::{GuideText, parse_topics};
use driehoek_domain::listen::{ConsentGiver, ConsentScope, ConversationStatus, RoundStatus};
use driehoek_domain::validate::{self, Problem};
use driehoek_storage::listen::rounds::NewRound;
use driehoek_storage::listen::schedule::Schedule;

/// A date `YYYY-MM-DD` (as `<input type="date">` sends it).
pub fn date(field: &'static str, raw: &str) -> Result<String, Problem> {
    let s = raw.trim();
    let ok = s.len() == 10
        && time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).is_ok();
    if ok {
        Ok(s.to_string())
    } else {
        Err(Problem::new(field, "error-date"))
    }
}

/// A time `HH:MM` (as `<input type="time">` sends it).
pub fn clock(field: &'static str, raw: &str) -> Result<String, Problem> {
    let s = raw.trim();
    let ok = s.len() == 5
        && time::Time::parse(s, time::macros::format_description!("[hour]:[minute]")).is_ok();
    if ok {
        Ok(s.to_string())
    } else {
        Err(Problem::new(field, "error-time"))
    }
}

/// A checkbox or JSON boolean: "on", "true", "1", "yes".
pub fn flag(input: &Input, name: &str) -> bool {
    matches!(input.get(name), "on" | "true" | "1" | "yes")
}

/// The plan-a-round form. `wards` arrives as repeated fields (form) or comma-separated (JSON).
pub fn new_round(
    input: &Input,
    organisation_id: &str,
    wards: Vec<String>,
) -> Result<NewRound, AppError> {
    let mut c = Check::default();
    let name = c.field(validate::name("name", input.get("name")));
    let start = c.field(date("period_start", input.get("period_start")));
    let end = c.field(date("period_end", input.get("period_end")));
    if let (Some(s), Some(e)) = (&start, &end)
        && e < s
    {
        c.fail(Problem::new("period_end", "error-period-order"));
    }
    if input.get("guide").is_empty() {
        c.fail(Problem::new("guide", "error-empty"));
    }
    if input.get("theme_set").is_empty() {
        c.fail(Problem::new("theme_set", "error-empty"));
    }
    let wards: Vec<String> = wards
        .into_iter()
        .flat_map(|w| {
            w.split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if wards.is_empty() {
        c.fail(Problem::new("wards", "error-choose-ward"));
    }
    c.done()?;
    Ok(NewRound {
        organisation_id: organisation_id.to_string(),
        name: name.unwrap_or_default(),
        period_start: start.unwrap_or_default(),
        period_end: end.unwrap_or_default(),
        guide_id: input.get("guide").to_string(),
        theme_set_id: input.get("theme_set").to_string(),
        ward_ids: wards,
    })
}

pub fn round_status(input: &Input) -> Result<RoundStatus, AppError> {
    RoundStatus::parse(input.get("status"))
        .ok_or_else(|| AppError::Invalid(vec![Problem::new("status", "error-choice")]))
}

/// The consent form.
pub fn consent(input: &Input) -> Result<(ConsentGiver, String, ConsentScope), AppError> {
    let mut c = Check::default();
    let giver = ConsentGiver::parse(input.get("given_by"));
    if giver.is_none() {
        c.fail(Problem::new("given_by", "error-choice"));
    }
    let on = c.field(date("given_on", input.get("given_on")));
    c.done()?;
    Ok((
        giver.unwrap_or(ConsentGiver::Participant),
        on.unwrap_or_default(),
        ConsentScope {
            conversation: flag(input, "for_conversation"),
            audio: flag(input, "for_audio"),
            quotes: flag(input, "for_quotes"),
        },
    ))
}

/// The schedule form: date and time optional, place free text, a status of the schedule.
pub fn schedule(input: &Input) -> Result<Schedule, AppError> {
    let mut c = Check::default();
    let date = if input.get("date").trim().is_empty() {
        None
    } else {
        c.field(date("date", input.get("date")))
    };
    let time = if input.get("time").trim().is_empty() {
        None
    } else {
        c.field(clock("time", input.get("time")))
    };
    let place = c.field(validate::text("place", input.get("place"), 200));
    let status = match input.get("status") {
        "" => Some(ConversationStatus::Planned),
        s => ConversationStatus::parse(s)
            .filter(|s| driehoek_domain::listen::SCHEDULE_STATUSES.contains(s)),
    };
    if status.is_none() {
        c.fail(Problem::new("status", "error-choice"));
    }
    c.done()?;
    Ok(Schedule {
        date,
        time,
        place: place.unwrap_or_default(),
        status: status.unwrap_or(ConversationStatus::Planned),
    })
}

/// The guide editor: titles, introductions, guidance and typed topics in both languages.
pub fn guide_text(input: &Input) -> Result<GuideText, AppError> {
    let mut c = Check::default();
    let title_nl = c.field(validate::name("title_nl", input.get("title_nl")));
    let title_en = c.field(validate::name("title_en", input.get("title_en")));
    let intro_nl = c.field(validate::text("intro_nl", input.get("intro_nl"), 5000));
    let intro_en = c.field(validate::text("intro_en", input.get("intro_en"), 5000));
    let guidance_nl = c.field(validate::text(
        "guidance_nl",
        input.get("guidance_nl"),
        5000,
    ));
    let guidance_en = c.field(validate::text(
        "guidance_en",
        input.get("guidance_en"),
        5000,
    ));
    let topics = match parse_topics(input.get("topics_nl"), input.get("topics_en")) {
        Ok(t) => Some(t),
        Err(r) => {
            c.fail(Problem::new("topics_nl", r.0));
            None
        }
    };
    c.done()?;
    Ok(GuideText {
        title_nl: title_nl.unwrap_or_default(),
        title_en: title_en.unwrap_or_default(),
        intro_nl: intro_nl.unwrap_or_default(),
        intro_en: intro_en.unwrap_or_default(),
        guidance_nl: guidance_nl.unwrap_or_default(),
        guidance_en: guidance_en.unwrap_or_default(),
        topics: topics.unwrap_or_default(),
    })
}

/// Names typed for one review only (never stored): one per line or comma-separated.
pub fn names(raw: &str) -> Vec<String> {
    raw.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.chars().count() <= 80)
        .map(str::to_string)
        .take(20)
        .collect()
}
