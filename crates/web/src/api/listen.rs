//! Listen in JSON: rounds, triads, conversations (interviewer, consent, schedule, checklist,
//! guide), transcripts with the pseudonymisation proposal, the interviewer's own list, guides.
//! The same validation and storage functions as the pages, so the same rules hold.

use super::{created, no_content};
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::Input;
use crate::pages::listen::{
    self as pl, conversations as pc, interviewers as pi, transcripts as pt,
};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::listen::{self as rules, Replacement, check_transcript_upload};
use driehoek_domain::pseudonymise::{KnownNames, detect};
use driehoek_domain::validate::Problem;
use driehoek_storage::listen::guides::{self, Guide};
use driehoek_storage::listen::interviewers::{self, Interviewer};
use driehoek_storage::listen::rounds::{self, RoundInfo, WardOverview};
use driehoek_storage::listen::triads::{self, Triad};
use driehoek_storage::listen::{self, Access, Conversation, consent, schedule, transcripts};
use serde_json::{Value, json};

pub async fn rounds(State(app): State<AppState>, me: Me) -> Result<Json<Vec<RoundInfo>>, AppError> {
    Ok(Json(rounds::rounds(&app.db, me.tenant()).await?))
}

pub async fn create_round(
    State(app): State<AppState>,
    me: Me,
    input: Input,
) -> Result<Response, AppError> {
    let org = input.get("organisation").to_string();
    driehoek_storage::structure::organisation(&app.db, me.tenant(), &org).await?;
    let r = pl::new_round(&input, &org, vec![input.get("wards").to_string()])?;
    let id = rounds::create(&app.db, me.tenant(), me.email(), &r).await?;
    Ok(created(&format!("/api/v1/rounds/{id}"), &id))
}

pub async fn round(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let r = rounds::round(&app.db, me.tenant(), &id).await?;
    let wards: Vec<WardOverview> = rounds::overview(&app.db, me.tenant(), &id).await?;
    Ok(Json(
        json!({"round": r, "wards": wards, "counted": rounds::COUNTED}),
    ))
}

pub async fn set_round_status(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<RoundInfo>, AppError> {
    rounds::round(&app.db, me.tenant(), &id).await?;
    let to = pl::round_status(&input)?;
    rounds::set_status(&app.db, me.tenant(), me.email(), &id, to).await?;
    Ok(Json(rounds::round(&app.db, me.tenant(), &id).await?))
}

pub async fn add_triad(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let (triad, code) = pl::rounds::add_triad_from(&app, &me, &id, &input).await?;
    let mut res = created(&format!("/api/v1/triads/{triad}"), &triad);
    *res.body_mut() = axum::body::Body::from(json!({"id": triad, "code": code}).to_string());
    Ok(res)
}

pub async fn triad(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Triad>, AppError> {
    Ok(Json(triads::triad(&app.db, me.tenant(), &id).await?))
}

pub async fn conversation(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let (c, access): (Conversation, Access) =
        listen::conversation(&app.db, me.tenant(), &id).await?;
    let adherence = schedule::adherence(&app.db, me.tenant(), &id).await?;
    Ok(Json(
        json!({"conversation": c, "access": access, "adherence": adherence}),
    ))
}

pub async fn candidates(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Vec<Interviewer>>, AppError> {
    Ok(Json(
        interviewers::candidates(&app.db, me.tenant(), &id).await?,
    ))
}

pub async fn assign(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<Value>, AppError> {
    let email = pc::assign_from(&app, &me, &id, &input).await?;
    Ok(Json(json!({"conversation": id, "interviewer": email})))
}

pub async fn record_consent(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<Value>, AppError> {
    listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    let (giver, on, scope) = pl::consent(&input)?;
    consent::record(&app.db, me.tenant(), me.email(), &id, giver, &on, scope).await?;
    Ok(Json(json!(consent::of(&app.db, &id).await?)))
}

pub async fn withdraw(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    pc::withdraw_in(&app, &me, &id).await?;
    Ok(no_content())
}

pub async fn set_schedule(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<Conversation>, AppError> {
    listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    let s = pl::schedule(&input)?;
    schedule::set(&app.db, me.tenant(), me.email(), &id, &s).await?;
    Ok(Json(
        listen::conversation(&app.db, me.tenant(), &id).await?.0,
    ))
}

pub async fn save_adherence(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    pc::adherence_from(&app, &me, &id, &input).await?;
    Ok(no_content())
}

pub async fn guide(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Guide>, AppError> {
    Ok(Json(
        guides::for_conversation(&app.db, me.tenant(), &id).await?,
    ))
}

fn body_json(bytes: &[u8]) -> Result<Value, AppError> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|_| AppError::Invalid(vec![Problem::new("body", "error-json")]))?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(AppError::Invalid(vec![Problem::new(
            "body",
            "error-json-object",
        )]))
    }
}

fn names_of(v: &Value, key: &str) -> Vec<String> {
    match &v[key] {
        Value::String(s) => pl::names(s),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .flat_map(pl::names)
            .collect(),
        _ => Vec::new(),
    }
}

fn raw_text(v: &Value) -> Result<String, AppError> {
    let raw = v["text"].as_str().unwrap_or("").replace("\r\n", "\n");
    if raw.trim().is_empty() {
        return Err(AppError::Invalid(vec![Problem::new(
            "text",
            "error-transcript-empty",
        )]));
    }
    if raw.chars().count() > pt::MAX_CHARS {
        return Err(AppError::Invalid(vec![Problem::with_limit(
            "text",
            "error-too-long",
            pt::MAX_CHARS,
        )]));
    }
    Ok(raw)
}

/// The detector's proposal for a text (nothing is stored): `{"text", "resident_names",
/// "family_names", "staff_names"}` → `{"spans": [{start, end, kind, text, replacement}]}`.
pub async fn propose(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let (c, _) = listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    check_transcript_upload(c.status()).map_err(|r| AppError::Conflict(r.0))?;
    let v = body_json(&body)?;
    let raw = raw_text(&v)?;
    let known = KnownNames {
        resident: names_of(&v, "resident_names"),
        family: names_of(&v, "family_names"),
        staff: names_of(&v, "staff_names"),
    };
    Ok(Json(json!({"spans": detect(&raw, &known)})))
}

/// Stores the pseudonymised transcript: `{"text": raw, "replacements": [{start, end, token}]}`
/// (code points; tokens from the fixed list). Only the result of applying them is stored.
pub async fn save_transcript(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let (c, _) = listen::conversation_to_work_on(&app.db, me.tenant(), &id).await?;
    check_transcript_upload(c.status()).map_err(|r| AppError::Conflict(r.0))?;
    let v = body_json(&body)?;
    let raw = raw_text(&v)?;
    let len = raw.chars().count();
    let mut list = Vec::new();
    for r in v["replacements"].as_array().map_or(&[][..], Vec::as_slice) {
        let start = r["start"].as_u64().map(|n| n as usize);
        let end = r["end"].as_u64().map(|n| n as usize);
        let token = r["token"].as_str().unwrap_or("");
        match (start, end) {
            (Some(s), Some(e)) if s < e && e <= len && rules::is_token(token) => {
                list.push(Replacement {
                    start: s,
                    end: e,
                    token: token.to_string(),
                });
            }
            _ => {
                return Err(AppError::Invalid(vec![Problem::new(
                    "replacements",
                    "error-replacement",
                )]));
            }
        }
    }
    let merged = rules::merge(list);
    let text = rules::apply(&raw, &merged);
    transcripts::save(&app.db, me.tenant(), me.email(), &id, &text, merged.len()).await?;
    Ok(Json(json!({"text": text, "replacements": merged.len()})))
}

/// The pseudonymised transcript; the read is audited.
pub async fn transcript(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let text = transcripts::read(&app.db, me.tenant(), me.email(), &id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(json!({"conversation": id, "text": text})))
}

pub async fn mark_checked(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    pt::checked_in(&app, &me, &id).await?;
    Ok(no_content())
}

pub async fn mine(
    State(app): State<AppState>,
    me: Me,
) -> Result<Json<Vec<Conversation>>, AppError> {
    Ok(Json(schedule::mine(&app.db, me.tenant()).await?))
}

pub async fn interviewers(
    State(app): State<AppState>,
    me: Me,
) -> Result<Json<Vec<Interviewer>>, AppError> {
    Ok(Json(
        interviewers::managed(&app.db, me.tenant())
            .await?
            .into_iter()
            .map(|(i, _)| i)
            .collect(),
    ))
}

pub async fn set_training(
    State(app): State<AppState>,
    me: Me,
    Path(user): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    driehoek_storage::accounts::user(&app.db, me.tenant(), &user).await?;
    let status = pi::training(&input)?;
    interviewers::set_training(&app.db, me.tenant(), me.email(), &user, status).await?;
    Ok(no_content())
}

pub async fn guides(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<Vec<Guide>>, AppError> {
    Ok(Json(guides::guides(&app.db, me.tenant(), &id).await?))
}

pub async fn save_guide(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    driehoek_storage::structure::network(&app.db, me.tenant(), &id).await?;
    let g = pl::guide_text(&input)?;
    let gid = guides::save(&app.db, me.tenant(), me.email(), &id, &g).await?;
    Ok(created(&format!("/api/v1/networks/{id}/guides"), &gid))
}

/// The OpenAPI schemas of the Listen routes, added to the document's components.
pub fn extend_schemas(all: &mut Value) {
    let s = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let text = json!({"type": "string"});
    let opt = json!({"type": ["string", "null"]});
    let boolean = json!({"type": "boolean"});
    let int = json!({"type": "integer"});
    let list = |name: &str| json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{name}")}});
    let statuses: Vec<&str> = driehoek_domain::listen::ConversationStatus::ALL
        .iter()
        .map(|c| c.key())
        .collect();
    let round_statuses: Vec<&str> = driehoek_domain::listen::RoundStatus::ALL
        .iter()
        .map(|c| c.key())
        .collect();
    let round = s(
        json!({"id": text, "organisation_id": text, "organisation_name": text, "network_id": text, "name": text, "period_start": text, "period_end": text, "status": {"type": "string", "enum": round_statuses}, "theme_set_id": text, "guide_id": opt, "created_at": text}),
        &["id", "name", "status"],
    );
    let consent = s(
        json!({"conversation_id": text, "given_by": {"type": "string", "enum": ["participant", "representative"]}, "given_on": text, "for_conversation": boolean, "for_audio": boolean, "for_quotes": boolean, "recorded_by": text, "recorded_at": text, "withdrawn_at": opt}),
        &["conversation_id", "given_by", "given_on"],
    );
    let conversation = s(
        json!({"id": text, "triad_id": text, "perspective": {"type": "string", "enum": ["resident", "family", "staff"]}, "status": {"type": "string", "enum": statuses}, "interviewer_id": opt, "interviewer_name": opt, "participant_user_id": opt, "scheduled_date": opt, "scheduled_time": opt, "place": text, "has_audio": boolean, "has_transcript": boolean, "checked_at": opt, "triad_code": text, "round_id": text, "round_name": text, "ward_id": text, "ward_name": text, "location_name": text, "city": text, "consent": {"oneOf": [{"$ref": "#/components/schemas/Consent"}, {"type": "null"}]}}),
        &["id", "perspective", "status", "triad_code"],
    );
    let interviewer = s(
        json!({"id": text, "display_name": text, "training_status": {"type": "string", "enum": ["in_training", "trained", "refresher_due"]}, "load": int}),
        &["id", "display_name", "training_status", "load"],
    );
    let topic = s(
        json!({"title_nl": text, "title_en": text, "prompts_nl": text, "prompts_en": text}),
        &["title_nl", "title_en"],
    );
    let guide = s(
        json!({"id": text, "network_id": opt, "version": int, "title_nl": text, "title_en": text, "intro_nl": text, "intro_en": text, "guidance_nl": text, "guidance_en": text, "topics": {"type": "array", "items": topic}}),
        &["id", "version", "topics"],
    );
    let span = s(
        json!({"start": int, "end": int, "kind": {"type": "string", "enum": ["name", "room", "date", "phone", "email", "postcode", "address", "id"]}, "text": text, "replacement": text}),
        &["start", "end", "kind", "replacement"],
    );
    let names = json!({"type": "string", "description": "comma-separated names known for this review only; never stored"});
    let extra = json!({
        "Round": round, "RoundList": list("Round"),
        "NewRound": s(json!({"organisation": text, "name": text, "period_start": {"type": "string", "format": "date"}, "period_end": {"type": "string", "format": "date"}, "guide": text, "theme_set": text, "wards": {"type": "string", "description": "comma-separated ward ids of the organisation"}}), &["organisation", "name", "period_start", "period_end", "guide", "theme_set", "wards"]),
        "RoundStatusChange": s(json!({"status": {"type": "string", "enum": driehoek_domain::listen::RoundStatus::ALL.iter().map(|c| c.key()).collect::<Vec<_>>()}}), &["status"]),
        "RoundOverview": s(json!({"round": {"$ref": "#/components/schemas/Round"}, "wards": {"type": "array"}, "counted": {"type": "array", "items": text}}), &["round", "wards"]),
        "NewTriad": s(json!({"ward": text, "resident_cannot_take_part": boolean, "staff_user": {"type": "string", "description": "optional: id of a staff account of the ward's organisation"}}), &["ward"]),
        "Triad": s(json!({"id": text, "code": text, "resident_takes_part": boolean, "round_id": text, "ward_id": text, "conversations": list("Conversation")}), &["id", "code", "conversations"]),
        "Conversation": conversation, "ConversationList": list("Conversation"),
        "ConversationWithAccess": s(json!({"conversation": {"$ref": "#/components/schemas/Conversation"}, "access": {"type": "string", "enum": ["manage", "assigned", "read"]}, "adherence": {"type": ["object", "null"]}}), &["conversation", "access"]),
        "Interviewer": interviewer, "InterviewerList": list("Interviewer"),
        "Assignment": s(json!({"interviewer": {"type": "string", "description": "account id"}, "interviewer_email": text}), &[]),
        "AssignmentResult": s(json!({"conversation": text, "interviewer": text}), &["conversation", "interviewer"]),
        "Consent": consent,
        "ConsentInput": s(json!({"given_by": {"type": "string", "enum": ["participant", "representative"]}, "given_on": {"type": "string", "format": "date"}, "for_conversation": boolean, "for_audio": boolean, "for_quotes": boolean}), &["given_by", "given_on"]),
        "ScheduleInput": s(json!({"date": {"type": "string", "format": "date"}, "time": {"type": "string", "description": "HH:MM"}, "place": text, "status": {"type": "string", "enum": ["planned", "held", "cancelled", "no_show"]}}), &[]),
        "AdherenceInput": s(json!({"topics": {"type": "string", "description": "comma-separated 0-based positions of the guide's topics covered"}, "open_questions": boolean, "stopped_on_distress": boolean, "note": text}), &[]),
        "Guide": guide, "GuideList": list("Guide"),
        "GuideInput": s(json!({"title_nl": text, "title_en": text, "intro_nl": text, "intro_en": text, "guidance_nl": text, "guidance_en": text, "topics_nl": {"type": "string", "description": "blocks separated by an empty line: title line, then prompts"}, "topics_en": text}), &["title_nl", "title_en", "topics_nl", "topics_en"]),
        "ProposalInput": s(json!({"text": text, "resident_names": names, "family_names": names, "staff_names": names}), &["text"]),
        "Proposal": s(json!({"spans": {"type": "array", "items": span}}), &["spans"]),
        "TranscriptInput": s(json!({"text": {"type": "string", "description": "the raw text; it is not stored"}, "replacements": {"type": "array", "items": s(json!({"start": int, "end": int, "token": {"type": "string", "enum": driehoek_domain::listen::TOKENS}}), &["start", "end", "token"])}}), &["text", "replacements"]),
        "TranscriptSaved": s(json!({"text": text, "replacements": int}), &["text"]),
        "Transcript": s(json!({"conversation": text, "text": text}), &["conversation", "text"]),
        "AudioUpload": s(json!({"audio": {"type": "string", "format": "binary"}}), &["audio"]),
        "AudioSaved": s(json!({"bytes": int}), &["bytes"]),
        "TrainingInput": s(json!({"training_status": {"type": "string", "enum": ["in_training", "trained", "refresher_due"]}}), &["training_status"]),
    });
    if let (Some(a), Value::Object(b)) = (all.as_object_mut(), extra) {
        a.extend(b);
    }
}
