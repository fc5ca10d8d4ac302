//! Act in JSON: the evaluation meeting of a ward and round (with the staff-only warning and the
//! proposed agenda), its agreements, and the ward's improvement actions. Validation is shared
//! with the pages (`pages/act`); `themes`, `fragments` and `triads` are comma-separated strings.

use super::created;
use crate::AppState;
use crate::auth::Me;
use crate::error::AppError;
use crate::input::Input;
use crate::pages::Layout;
use crate::pages::act::actions::{create_from, note_from, status_from, update_from};
use crate::pages::act::meeting::{parse_meeting, proposed_agenda, warns};
use crate::pages::act::today;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::act::{ActionStatus, MeetingRole, OwnerKind, agreement_text};
use driehoek_storage::act::actions::{self as store, Action, ActionDetail};
use driehoek_storage::act::meetings::{self, Agreement, Meeting};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct MeetingJson {
    /// Null when no meeting is planned yet.
    pub meeting: Option<Meeting>,
    pub invited: BTreeMap<String, i64>,
    pub attended: BTreeMap<String, i64>,
    pub agreements: Vec<Agreement>,
    /// `staff_only` when no resident and no family member is invited.
    pub warning: Option<&'static str>,
    /// The agenda proposed from the ward report (in the user's language).
    pub proposed_agenda: String,
}

async fn meeting_json(
    app: &AppState,
    me: &Me,
    ward_id: &str,
    round_id: &str,
) -> Result<MeetingJson, AppError> {
    let (ward, round, record) = meetings::meeting(&app.db, me.tenant(), ward_id, round_id).await?;
    let tr = Layout::new(&me.1).tr;
    let proposed = proposed_agenda(&app.db, tr, &ward, &round).await?;
    let counts = |list: &[(String, i64)]| -> BTreeMap<String, i64> {
        MeetingRole::ALL
            .iter()
            .map(|r| {
                let n = list
                    .iter()
                    .find(|(k, _)| k == r.key())
                    .map_or(0, |(_, n)| *n);
                (r.key().to_string(), n)
            })
            .collect()
    };
    Ok(match record {
        Some(r) => MeetingJson {
            warning: warns(&r).then_some("staff_only"),
            invited: counts(&r.invited),
            attended: counts(&r.attended),
            agreements: r.agreements,
            meeting: Some(r.meeting),
            proposed_agenda: proposed,
        },
        None => MeetingJson {
            meeting: None,
            invited: counts(&[]),
            attended: counts(&[]),
            agreements: Vec::new(),
            warning: None,
            proposed_agenda: proposed,
        },
    })
}

/// `GET /api/v1/wards/{ward}/rounds/{round}/meeting`
pub async fn meeting(
    State(app): State<AppState>,
    me: Me,
    Path((ward, round)): Path<(String, String)>,
) -> Result<Json<MeetingJson>, AppError> {
    Ok(Json(meeting_json(&app, &me, &ward, &round).await?))
}

/// `PUT /api/v1/wards/{ward}/rounds/{round}/meeting`: plans or changes the meeting; answers the
/// meeting as stored, with the warning when only staff are invited.
pub async fn save_meeting(
    State(app): State<AppState>,
    me: Me,
    Path((ward, round)): Path<(String, String)>,
    input: Input,
) -> Result<Json<MeetingJson>, AppError> {
    meetings::meeting(&app.db, me.tenant(), &ward, &round).await?;
    let fields = parse_meeting(&input)?;
    meetings::save(&app.db, me.tenant(), &ward, &round, &fields).await?;
    Ok(Json(meeting_json(&app, &me, &ward, &round).await?))
}

/// `POST /api/v1/wards/{ward}/rounds/{round}/meeting/agreements` with `{"agreement": "…"}`.
pub async fn add_agreement(
    State(app): State<AppState>,
    me: Me,
    Path((ward, round)): Path<(String, String)>,
    input: Input,
) -> Result<Response, AppError> {
    meetings::meeting(&app.db, me.tenant(), &ward, &round).await?;
    let text = agreement_text(input.get("agreement"))?;
    let id = meetings::add_agreement(&app.db, me.tenant(), &ward, &round, &text).await?;
    Ok(created(
        &format!("/api/v1/wards/{ward}/rounds/{round}/meeting"),
        &id,
    ))
}

#[derive(Serialize)]
pub struct ActionJson {
    #[serde(flatten)]
    pub action: Action,
    pub overdue: bool,
}

fn action_json(a: Action) -> ActionJson {
    ActionJson {
        overdue: a.is_overdue(&today()),
        action: a,
    }
}

/// `GET /api/v1/wards/{ward}/actions`
pub async fn ward_actions(
    State(app): State<AppState>,
    me: Me,
    Path(ward): Path<String>,
) -> Result<Json<Vec<ActionJson>>, AppError> {
    let (_, rows) = store::ward_board(&app.db, me.tenant(), &ward).await?;
    Ok(Json(rows.into_iter().map(action_json).collect()))
}

/// `POST /api/v1/wards/{ward}/actions`
pub async fn create_action(
    State(app): State<AppState>,
    me: Me,
    Path(ward): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let id = create_from(&app, &me, &ward, &input).await?;
    Ok(created(&format!("/api/v1/actions/{id}"), &id))
}

#[derive(Serialize)]
pub struct ActionDetailJson {
    #[serde(flatten)]
    pub detail: ActionDetail,
    pub overdue: bool,
}

/// `GET /api/v1/actions/{action}`
pub async fn action(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Json<ActionDetailJson>, AppError> {
    let (detail, _) = store::detail(&app.db, me.tenant(), &id).await?;
    Ok(Json(ActionDetailJson {
        overdue: detail.action.is_overdue(&today()),
        detail,
    }))
}

/// `PUT /api/v1/actions/{action}`
pub async fn update_action(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<ActionDetailJson>, AppError> {
    update_from(&app, &me, &id, &input).await?;
    let (detail, _) = store::detail(&app.db, me.tenant(), &id).await?;
    Ok(Json(ActionDetailJson {
        overdue: detail.action.is_overdue(&today()),
        detail,
    }))
}

/// `PUT /api/v1/actions/{action}/status` with `{"status": "…", "drop_reason": "…"}`: also for
/// the support service that owns the action.
pub async fn set_status(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Json<ActionDetailJson>, AppError> {
    status_from(&app, &me, &id, &input).await?;
    let (detail, _) = store::detail(&app.db, me.tenant(), &id).await?;
    Ok(Json(ActionDetailJson {
        overdue: detail.action.is_overdue(&today()),
        detail,
    }))
}

/// `POST /api/v1/actions/{action}/notes` with `{"noted_on": "YYYY-MM-DD", "note": "…"}`.
pub async fn add_note(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    let note = note_from(&app, &me, &id, &input).await?;
    Ok(created(&format!("/api/v1/actions/{id}"), &note))
}

/// The OpenAPI entries of these routes.
pub const DOCS: &[(&str, &str, &str, Option<&str>, &str)] = &[
    (
        "get",
        "/api/v1/wards/{ward}/rounds/{round}/meeting",
        "The ward's evaluation meeting of a round: plan, counts per role (no names), agreements, the staff-only warning and the agenda proposed from the report",
        None,
        "Meeting",
    ),
    (
        "put",
        "/api/v1/wards/{ward}/rounds/{round}/meeting",
        "Plan or change the evaluation meeting (team leader, quality officer)",
        Some("MeetingInput"),
        "Meeting",
    ),
    (
        "post",
        "/api/v1/wards/{ward}/rounds/{round}/meeting/agreements",
        "Record an agreement of the meeting",
        Some("AgreementInput"),
        "Created",
    ),
    (
        "get",
        "/api/v1/wards/{ward}/actions",
        "The ward's improvement actions (with `overdue`)",
        None,
        "ActionList",
    ),
    (
        "post",
        "/api/v1/wards/{ward}/actions",
        "Make an improvement action, directly or from an agreement (`agreement_id`)",
        Some("ActionInput"),
        "Created",
    ),
    (
        "get",
        "/api/v1/actions/{action}",
        "One improvement action with its themes, fragments, triads and follow-up notes",
        None,
        "ActionDetail",
    ),
    (
        "put",
        "/api/v1/actions/{action}",
        "Change an improvement action (dropping needs `drop_reason`)",
        Some("ActionInput"),
        "ActionDetail",
    ),
    (
        "put",
        "/api/v1/actions/{action}/status",
        "Move an action's status (also the owning support service; dropping needs `drop_reason`)",
        Some("StatusInput"),
        "ActionDetail",
    ),
    (
        "post",
        "/api/v1/actions/{action}/notes",
        "Add a dated follow-up note (also the owning support service)",
        Some("NoteInput"),
        "Created",
    ),
];

/// Adds the schemas of these routes to the document's components.
pub fn extend_schemas(all: &mut Value) {
    let s = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let text = json!({"type": "string"});
    let opt = json!({"type": ["string", "null"]});
    let date = json!({"type": "string", "format": "date"});
    let counts =
        json!({"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}});
    let roles: Vec<&str> = MeetingRole::ALL.iter().map(|r| r.key()).collect();
    let statuses: Vec<&str> = ActionStatus::ALL.iter().map(|r| r.key()).collect();
    let owners: Vec<&str> = OwnerKind::ALL.iter().map(|r| r.key()).collect();
    let services: Vec<&str> = driehoek_domain::themes::SupportService::ALL
        .iter()
        .map(|r| r.key())
        .collect();
    let mut meeting_input = json!({"held_on": date, "place": text, "agenda": text, "notes": text,
        "status": {"type": "string", "enum": ["planned", "held"]}});
    for r in MeetingRole::ALL {
        meeting_input[driehoek_domain::act::invited_field(r)] =
            json!({"type": "integer", "minimum": 0, "maximum": 999});
        meeting_input[driehoek_domain::act::attended_field(r)] =
            json!({"type": "integer", "minimum": 0, "maximum": 999});
    }
    let action = s(
        json!({"id": text, "ward_id": text, "ward_name": text, "round_id": opt, "agreement_id": opt,
            "title": text, "why": text, "owner_kind": {"type": "string", "enum": owners},
            "owner_user_id": opt, "owner_name": opt, "owner_service": {"type": ["string", "null"], "enum": services},
            "due_on": opt, "status": {"type": "string", "enum": statuses}, "drop_reason": text,
            "public": {"type": "integer", "enum": [0, 1]}, "overdue": {"type": "boolean"}}),
        &["id", "title", "status", "overdue"],
    );
    let extra = json!({
        "Meeting": s(json!({"meeting": {"type": ["object", "null"]}, "invited": counts, "attended": counts,
            "agreements": {"type": "array", "items": s(json!({"id": text, "text": text, "position": {"type": "integer"}, "action_id": opt}), &["id", "text"])},
            "warning": {"type": ["string", "null"], "enum": ["staff_only", null]}, "proposed_agenda": text,
            "roles": {"type": "array", "items": {"type": "string", "enum": roles}}}), &["meeting", "invited", "attended", "agreements", "warning"]),
        "MeetingInput": s(meeting_input, &["held_on"]),
        "AgreementInput": s(json!({"agreement": text}), &["agreement"]),
        "Action": action,
        "ActionList": {"type": "array", "items": {"$ref": "#/components/schemas/Action"}},
        "ActionInput": s(json!({"title": text, "why": text, "owner_kind": {"type": "string", "enum": owners},
            "owner_user_id": text, "owner_service": {"type": "string", "enum": services}, "due_on": date,
            "status": {"type": "string", "enum": statuses}, "drop_reason": text, "public": {"type": "boolean"},
            "themes": {"type": "string", "description": "Theme keys, comma-separated"},
            "fragments": {"type": "string", "description": "Fragment ids of the ward, comma-separated"},
            "triads": {"type": "string", "description": "Triad ids or codes of the ward, comma-separated"},
            "round_id": text, "agreement_id": text}), &["title", "owner_kind"]),
        "ActionDetail": s(json!({"action": {"$ref": "#/components/schemas/Action"}, "themes": {"type": "array", "items": text},
            "fragments": {"type": "array"}, "triads": {"type": "array"}, "notes": {"type": "array"}, "overdue": {"type": "boolean"}}), &["action", "overdue"]),
        "StatusInput": s(json!({"status": {"type": "string", "enum": statuses.clone()}, "drop_reason": text}), &["status"]),
        "NoteInput": s(json!({"noted_on": date, "note": text}), &["noted_on", "note"]),
    });
    if let (Some(all), Some(extra)) = (all.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            all.insert(k.clone(), v.clone());
        }
    }
}
