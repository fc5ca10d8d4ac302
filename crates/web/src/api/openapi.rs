//! The OpenAPI 3.1 document, built from the route list so it cannot miss a route; each API route
//! has its summary, body and answer below (a test fails when one is missing).

use crate::routes;
use axum::Json;
use serde_json::{Map, Value, json};

/// (method, path, summary, request schema, response schema) for every API route.
const DOCS: &[(&str, &str, &str, Option<&str>, &str)] = &[
    (
        "get",
        "/api/v1/me",
        "The signed-in user and their roles",
        None,
        "Me",
    ),
    (
        "get",
        "/api/v1/networks",
        "Networks the user belongs to",
        None,
        "NetworkList",
    ),
    (
        "get",
        "/api/v1/networks/{network}",
        "One network",
        None,
        "Network",
    ),
    (
        "put",
        "/api/v1/networks/{network}",
        "Change a network (coordinator)",
        Some("NetworkChange"),
        "Network",
    ),
    (
        "get",
        "/api/v1/networks/{network}/organisations",
        "Organisations of a network that the user sees",
        None,
        "OrganisationList",
    ),
    (
        "post",
        "/api/v1/networks/{network}/organisations",
        "Add an organisation (coordinator)",
        Some("Named"),
        "Created",
    ),
    (
        "get",
        "/api/v1/organisations/{organisation}",
        "One organisation",
        None,
        "Organisation",
    ),
    (
        "put",
        "/api/v1/organisations/{organisation}",
        "Rename an organisation",
        Some("Named"),
        "Organisation",
    ),
    (
        "delete",
        "/api/v1/organisations/{organisation}",
        "Delete an empty organisation",
        None,
        "Empty",
    ),
    (
        "get",
        "/api/v1/organisations/{organisation}/locations",
        "Locations of an organisation",
        None,
        "LocationList",
    ),
    (
        "post",
        "/api/v1/organisations/{organisation}/locations",
        "Add a location",
        Some("NewLocation"),
        "Created",
    ),
    (
        "get",
        "/api/v1/locations/{location}",
        "One location",
        None,
        "Location",
    ),
    (
        "put",
        "/api/v1/locations/{location}",
        "Rename a location",
        Some("Named"),
        "Location",
    ),
    (
        "delete",
        "/api/v1/locations/{location}",
        "Delete an empty location",
        None,
        "Empty",
    ),
    (
        "get",
        "/api/v1/locations/{location}/wards",
        "Wards of a location",
        None,
        "WardList",
    ),
    (
        "post",
        "/api/v1/locations/{location}/wards",
        "Add a ward",
        Some("Named"),
        "Created",
    ),
    ("get", "/api/v1/wards/{ward}", "One ward", None, "Ward"),
    (
        "put",
        "/api/v1/wards/{ward}",
        "Rename a ward",
        Some("Named"),
        "Ward",
    ),
    (
        "delete",
        "/api/v1/wards/{ward}",
        "Delete a ward without triads",
        None,
        "Empty",
    ),
    (
        "get",
        "/api/v1/users",
        "Accounts the user manages, with roles",
        None,
        "UserList",
    ),
    (
        "post",
        "/api/v1/users",
        "Create an account with its first role",
        Some("NewUser"),
        "Created",
    ),
    (
        "get",
        "/api/v1/users/{user}",
        "One account with roles",
        None,
        "User",
    ),
    (
        "delete",
        "/api/v1/users/{user}",
        "Delete an account for real",
        None,
        "Empty",
    ),
    (
        "post",
        "/api/v1/users/{user}/roles",
        "Grant a role on a node",
        Some("NewRole"),
        "Created",
    ),
    (
        "delete",
        "/api/v1/users/{user}/roles/{role}",
        "Revoke a role",
        None,
        "Empty",
    ),
    (
        "post",
        "/api/v1/users/{user}/password",
        "Set a new password (ends the account's sessions)",
        Some("Password"),
        "Empty",
    ),
    (
        "get",
        "/api/v1/audit",
        "The audit log (coordinators, quality officers)",
        None,
        "AuditList",
    ),
    (
        "get",
        "/api/v1/conversations/{conversation}/fragments",
        "A conversation's fragments with their codes, for coders (the read is audit-logged)",
        None,
        "CodingFragments",
    ),
    (
        "put",
        "/api/v1/fragments/{fragment}",
        "Code a fragment: valence and themes of the round's theme set (coders)",
        Some("FragmentCode"),
        "CodedFragment",
    ),
    (
        "get",
        "/api/v1/rounds/{round}/scores",
        "Valence and agreement scores of the round's triads (method.md §3), by ward and code",
        None,
        "TriadScoresList",
    ),
    // Listen
    (
        "get",
        "/api/v1/rounds",
        "Rounds the user reads",
        None,
        "RoundList",
    ),
    (
        "post",
        "/api/v1/rounds",
        "Plan a round for wards of an organisation (quality officer)",
        Some("NewRound"),
        "Created",
    ),
    (
        "get",
        "/api/v1/rounds/{round}",
        "A round per ward: triads, slots and counts per status",
        None,
        "RoundOverview",
    ),
    (
        "put",
        "/api/v1/rounds/{round}/status",
        "Move a round one step forward or back",
        Some("RoundStatusChange"),
        "Round",
    ),
    (
        "post",
        "/api/v1/rounds/{round}/triads",
        "Add a triad (the code is generated; no names)",
        Some("NewTriad"),
        "Created",
    ),
    (
        "get",
        "/api/v1/triads/{triad}",
        "A triad with its conversation slots (not for interviewers)",
        None,
        "Triad",
    ),
    (
        "get",
        "/api/v1/conversations/{conversation}",
        "One conversation and the user's access to it",
        None,
        "ConversationWithAccess",
    ),
    (
        "get",
        "/api/v1/conversations/{conversation}/interviewers",
        "Interviewers of other organisations that may be assigned, with their load",
        None,
        "InterviewerList",
    ),
    (
        "put",
        "/api/v1/conversations/{conversation}/interviewer",
        "Assign an interviewer (refused for the ward's own organisation)",
        Some("Assignment"),
        "AssignmentResult",
    ),
    (
        "put",
        "/api/v1/conversations/{conversation}/consent",
        "Record consent",
        Some("ConsentInput"),
        "Consent",
    ),
    (
        "post",
        "/api/v1/conversations/{conversation}/consent/withdraw",
        "Withdraw consent: deletes transcript, fragments and audio",
        None,
        "Empty",
    ),
    (
        "put",
        "/api/v1/conversations/{conversation}/schedule",
        "Date, time, place and status",
        Some("ScheduleInput"),
        "Conversation",
    ),
    (
        "put",
        "/api/v1/conversations/{conversation}/adherence",
        "The checklist after the conversation",
        Some("AdherenceInput"),
        "Empty",
    ),
    (
        "get",
        "/api/v1/conversations/{conversation}/guide",
        "The conversation guide of the conversation's round",
        None,
        "Guide",
    ),
    (
        "post",
        "/api/v1/conversations/{conversation}/transcript/proposal",
        "Proposed pseudonymisation replacements for a text (nothing stored)",
        Some("ProposalInput"),
        "Proposal",
    ),
    (
        "put",
        "/api/v1/conversations/{conversation}/transcript",
        "Store the pseudonymised transcript (only the result is stored)",
        Some("TranscriptInput"),
        "TranscriptSaved",
    ),
    (
        "get",
        "/api/v1/conversations/{conversation}/transcript",
        "The pseudonymised transcript (every read is audited)",
        None,
        "Transcript",
    ),
    (
        "post",
        "/api/v1/conversations/{conversation}/checked",
        "Mark the transcript checked (deletes the audio)",
        None,
        "Empty",
    ),
    (
        "post",
        "/api/v1/conversations/{conversation}/audio",
        "Upload audio as multipart/form-data field `audio` (streamed, size-limited, needs audio consent)",
        Some("AudioUpload"),
        "AudioSaved",
    ),
    (
        "get",
        "/api/v1/my/conversations",
        "The conversations assigned to the signed-in interviewer",
        None,
        "ConversationList",
    ),
    (
        "get",
        "/api/v1/interviewers",
        "Interviewers whose accounts the user manages",
        None,
        "InterviewerList",
    ),
    (
        "put",
        "/api/v1/interviewers/{user}/training",
        "Set an interviewer's training status",
        Some("TrainingInput"),
        "Empty",
    ),
    (
        "get",
        "/api/v1/networks/{network}/guides",
        "Conversation guide versions of a network",
        None,
        "GuideList",
    ),
    (
        "post",
        "/api/v1/networks/{network}/guides",
        "Save a new guide version (coordinator)",
        Some("GuideInput"),
        "Created",
    ),
    (
        "get",
        "/api/v1/conversations/{conversation}/fragments",
        "A conversation's fragments with their codes, for coders (the read is audit-logged)",
        None,
        "CodingFragments",
    ),
    (
        "put",
        "/api/v1/fragments/{fragment}",
        "Code a fragment: valence and themes of the round's theme set (coders)",
        Some("FragmentCode"),
        "CodedFragment",
    ),
];

/// One triad's reported scores: whole numbers rounded half-up, null when not available.
fn triad_scores() -> Value {
    let whole = |what: &str| json!({"type": ["integer", "null"], "minimum": 0, "maximum": 100, "description": what});
    let labels = driehoek_domain::scores::ValenceLabel::ALL.map(|l| Value::from(l.key()));
    let levels = driehoek_domain::scores::AgreementLevel::ALL.map(|l| Value::from(l.key()));
    let keys = driehoek_storage::rounds::TriadScoreRow::KEYS;
    json!({
        "type": "object",
        "properties": {
            "triad": {"type": "string", "description": "The triad's pseudonymous code"},
            "ward": {"type": "string", "description": "The ward's name"},
            "resident": whole("%-positive of the resident's conversation"),
            "family": whole("%-positive of the family member's conversation"),
            "staff": whole("%-positive of the care worker's conversation"),
            "valence": whole("Pooled share of positive fragments"),
            "valence_label": {"type": ["string", "null"], "enum": [labels[0], labels[1], labels[2], labels[3], null]},
            "agreement": whole("Agreement score"),
            "agreement_level": {"type": ["string", "null"], "enum": [levels[0], levels[1], levels[2], levels[3], null]},
        },
        "required": keys,
        "additionalProperties": false,
    })
}

fn schemas() -> Value {
    let s = |props: Value, required: &[&str]| json!({"type": "object", "properties": props, "required": required});
    let text = json!({"type": "string"});
    let opt_text = json!({"type": ["string", "null"]});
    let network = s(
        json!({"id": text, "name": text, "description": text, "min_group_size": {"type": "integer"}, "created_at": text}),
        &["id", "name"],
    );
    let organisation = s(
        json!({"id": text, "network_id": text, "name": text, "created_at": text}),
        &["id", "name"],
    );
    let location = s(
        json!({"id": text, "organisation_id": text, "network_id": text, "name": text, "city": text, "created_at": text}),
        &["id", "name"],
    );
    let ward = s(
        json!({"id": text, "location_id": text, "organisation_id": text, "network_id": text, "name": text, "created_at": text}),
        &["id", "name"],
    );
    let role = s(
        json!({"id": text, "user_id": text, "role": {"type": "string", "enum": driehoek_domain::access::Role::ALL.map(driehoek_domain::access::Role::key)}, "network_id": text, "organisation_id": opt_text, "location_id": opt_text, "ward_id": opt_text}),
        &["id", "role"],
    );
    let user = s(
        json!({"id": text, "email": text, "display_name": text, "language": opt_text, "network_id": text, "organisation_id": opt_text, "created_at": text, "roles": {"type": "array", "items": {"$ref": "#/components/schemas/Role"}}}),
        &["id", "email"],
    );
    let list = |name: &str| json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{name}")}});
    json!({
        "Network": network, "NetworkList": list("Network"),
        "Organisation": organisation, "OrganisationList": list("Organisation"),
        "Location": location, "LocationList": list("Location"),
        "Ward": ward, "WardList": list("Ward"),
        "Role": role, "User": user, "UserList": list("User"),
        "Me": s(json!({"id": text, "email": text, "display_name": text, "language": text, "roles": {"type": "array"}}), &["id"]),
        "AuditList": {"type": "array", "items": s(json!({"id": text, "at": text, "actor_email": text, "action": text, "subject": text, "detail": text}), &["id", "at", "action"])},
        "TriadScoresList": {"type": "array", "items": triad_scores()},
        "Named": s(json!({"name": text}), &["name"]),
        "NewLocation": s(json!({"name": text, "city": text}), &["name"]),
        "NetworkChange": s(json!({"name": text, "description": text, "min_group_size": {"type": "integer", "minimum": 2, "maximum": 50}}), &["name", "min_group_size"]),
        "NewUser": s(json!({"email": text, "display_name": text, "password": {"type": "string", "minLength": 10}, "role": text, "node": {"type": "string", "description": "n:, o:, l: or w: followed by the id of a network, organisation, location or ward"}}), &["email", "display_name", "password", "role", "node"]),
        "NewRole": s(json!({"role": text, "node": text}), &["role", "node"]),
        "Password": s(json!({"password": {"type": "string", "minLength": 10}}), &["password"]),
        "Created": s(json!({"id": text}), &["id"]),
        "FragmentCode": s(json!({"valence": {"type": "string", "enum": ["positive", "negative", "none"]}, "themes": {"type": "array", "items": {"type": "string", "description": "theme key"}}}), &["valence"]),
        "CodedFragment": s(json!({"id": text, "position": {"type": "integer"}, "speaker": text, "text": text, "valence": text, "themes": {"type": "array", "items": text}, "coded": {"type": "boolean"}, "progress": s(json!({"coded": {"type": "integer"}, "total": {"type": "integer"}}), &["coded", "total"])}), &["id", "valence", "themes", "coded"]),
        "CodingFragments": s(json!({"conversation": text, "triad": text, "perspective": text, "status": text, "progress": {"type": "object"}, "fragments": {"type": "array", "items": {"$ref": "#/components/schemas/CodedFragment"}}}), &["conversation", "fragments"]),
        "Empty": {"type": "null"},
        "Problem": s(json!({"type": text, "title": text, "status": {"type": "integer"}, "detail": text, "errors": {"type": "array", "items": s(json!({"field": text, "code": text, "message": text}), &["field", "message"])}}), &["type", "title", "status"]),
    })
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for (spec, _) in routes() {
        if !spec.path.starts_with("/api/v1/") {
            continue;
        }
        let method = spec.method.as_str().to_lowercase();
        let Some(&(_, _, summary, body, answer)) = DOCS
            .iter()
            .chain(super::act::DOCS)
            .find(|d| d.0 == method && d.1 == spec.path)
        else {
            continue;
        };
        let params: Vec<Value> = spec
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let ok = match (method.as_str(), answer) {
            (_, "Empty") => json!({"204": {"description": "Done"}}),
            (_, "Created") => {
                json!({"201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Created"}}}}})
            }
            _ => {
                json!({"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{answer}")}}}}})
            }
        };
        let mut responses = ok.as_object().cloned().unwrap_or_default();
        for (code, what) in [
            ("401", "Not signed in"),
            ("403", "Not allowed"),
            ("404", "Not found (or not yours to see)"),
            ("409", "Conflicts with existing data"),
            ("422", "Invalid input"),
        ] {
            responses.insert(code.into(), json!({"description": what, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}));
        }
        let mut op = json!({"summary": summary, "parameters": params, "responses": responses});
        if let Some(b) = body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{b}")}}}});
        }
        paths
            .entry(spec.path.to_string())
            .or_insert_with(|| json!({}))[method] = op;
    }
    let mut all_schemas = schemas();
    super::listen::extend_schemas(&mut all_schemas);
    super::act::extend_schemas(&mut all_schemas);
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Driehoek API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Structure, accounts and audit log of a Driehoek learning network. Authenticate with a personal API token: `Authorization: Bearer <token>` (create one under Account). Errors are RFC 9457 problem documents in the user's language."},
        "servers": [{"url": "/"}],
        "components": {
            "schemas": all_schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}, "session": {"type": "apiKey", "in": "cookie", "name": "driehoek_session"}},
        },
        "security": [{"token": []}, {"session": []}],
        "paths": paths,
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api_route_is_documented() {
        let doc = build();
        for (spec, _) in routes() {
            if spec.path.starts_with("/api/v1/") {
                let m = spec.method.as_str().to_lowercase();
                assert!(
                    doc["paths"][spec.path][&m].is_object(),
                    "{m} {} is missing from the OpenAPI document",
                    spec.path
                );
            }
        }
        assert_eq!(doc["openapi"], "3.1.0");
    }
}
