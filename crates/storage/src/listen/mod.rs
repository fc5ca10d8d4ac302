//! Listen (method §2 steps 1–6): rounds planned per ward, triads with their three conversation
//! slots, interviewers from other organisations, consent, scheduling, the conversation guide,
//! transcripts (only ever pseudonymised) and audio.
//!
//! Who may do what with a conversation is decided in one place, [`conversation`]: those who
//! manage the ward (quality officer, coordinator), the interviewer assigned to it, and those who
//! read the ward's results (team leaders, coders). Everyone else gets NotFound. The rules of the
//! method (the cross-organisation rule, consent before held, audio consent) live in
//! `driehoek_domain::listen` and are called from the storage functions here, which every route
//! uses.

pub mod consent;
pub mod guides;
pub mod interviewers;
pub mod rounds;
pub mod schedule;
pub mod transcripts;
pub mod triads;

use crate::db::{Db, StoreError};
use crate::read;
use driehoek_domain::access::{NodePath, Tenant};
use driehoek_domain::listen::{ConsentScope, ConversationStatus, Refusal};
use serde::Serialize;

impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> Self {
        StoreError::Conflict(r.0)
    }
}

/// How the tenant relates to one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Manages the ward: plans, assigns, records consent, everything.
    Manage,
    /// The interviewer assigned to this conversation (and only this one).
    Assigned,
    /// Reads the ward's results: sees the status and the pseudonymised transcript.
    Read,
}

/// One conversation with where it belongs.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Conversation {
    pub id: String,
    pub triad_id: String,
    pub perspective: String,
    pub status: String,
    pub interviewer_id: Option<String>,
    pub interviewer_name: Option<String>,
    pub participant_user_id: Option<String>,
    pub scheduled_date: Option<String>,
    pub scheduled_time: Option<String>,
    pub place: String,
    pub has_audio: bool,
    pub audio_uploaded_at: Option<String>,
    pub has_transcript: bool,
    pub checked_at: Option<String>,
    pub triad_code: String,
    pub round_id: String,
    pub round_name: String,
    pub round_status: String,
    pub guide_id: Option<String>,
    pub ward_id: String,
    pub ward_name: String,
    pub location_id: String,
    pub location_name: String,
    pub city: String,
    pub organisation_id: String,
    pub network_id: String,
    #[sqlx(skip)]
    pub consent: Option<Consent>,
}

impl Conversation {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: Some(self.organisation_id.clone()),
            location: Some(self.location_id.clone()),
            ward: Some(self.ward_id.clone()),
        }
    }
    pub fn status(&self) -> ConversationStatus {
        ConversationStatus::parse(&self.status).unwrap_or(ConversationStatus::Unscheduled)
    }
    pub fn consent_scope(&self) -> Option<ConsentScope> {
        self.consent.as_ref().map(Consent::scope)
    }
    /// "T-K7MP3R family": how the audit log names a conversation (no content, no person).
    pub fn subject(&self) -> String {
        format!("{} {}", self.triad_code, self.perspective)
    }
}

/// The consent recorded for one conversation.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Consent {
    pub conversation_id: String,
    pub given_by: String,
    pub given_on: String,
    pub for_conversation: bool,
    pub for_audio: bool,
    pub for_quotes: bool,
    pub recorded_by: String,
    pub recorded_at: String,
    pub withdrawn_at: Option<String>,
}

impl Consent {
    pub fn scope(&self) -> ConsentScope {
        ConsentScope {
            conversation: self.for_conversation,
            audio: self.for_audio,
            quotes: self.for_quotes,
        }
    }
}

pub(crate) const CONVERSATION_SQL: &str = "SELECT c.id, c.triad_id, c.perspective, c.status, c.interviewer_id,
        u.display_name AS interviewer_name, c.participant_user_id, c.scheduled_date, c.scheduled_time,
        c.place, c.audio_file IS NOT NULL AS has_audio, c.audio_uploaded_at,
        c.transcript IS NOT NULL AS has_transcript, c.checked_at,
        t.code AS triad_code, r.id AS round_id, r.name AS round_name, r.status AS round_status,
        r.guide_id, w.id AS ward_id, w.name AS ward_name, l.id AS location_id,
        l.name AS location_name, l.city, o.id AS organisation_id, o.network_id
    FROM conversations c
    JOIN triads t ON t.id = c.triad_id
    JOIN rounds r ON r.id = t.round_id
    JOIN wards w ON w.id = t.ward_id
    JOIN locations l ON l.id = w.location_id
    JOIN organisations o ON o.id = l.organisation_id
    LEFT JOIN users u ON u.id = c.interviewer_id";

/// A conversation by id without any tenant check: for the command line and for the functions
/// below, which check right after.
pub(crate) async fn load(db: &Db, id: &str) -> Result<Conversation, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{CONVERSATION_SQL} WHERE c.id = $1"));
    let mut c: Conversation = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)?;
    c.consent = consent::of(db, id).await?;
    Ok(c)
}

/// The tenant's access to a conversation, if any.
pub fn access(tenant: &Tenant, c: &Conversation) -> Option<Access> {
    let path = c.path();
    if tenant.manages(&path) {
        Some(Access::Manage)
    } else if c.interviewer_id.as_deref() == Some(tenant.user_id.as_str()) {
        Some(Access::Assigned)
    } else if tenant.reads_results(&path) {
        Some(Access::Read)
    } else {
        None
    }
}

/// The conversation and the tenant's access to it; NotFound for anyone without access.
pub async fn conversation(
    db: &Db,
    tenant: &Tenant,
    id: &str,
) -> Result<(Conversation, Access), StoreError> {
    let c = load(db, id).await?;
    let a = access(tenant, &c).ok_or(StoreError::NotFound)?;
    Ok((c, a))
}

/// Like [`conversation`], but Forbidden unless the tenant manages the ward or is the assigned
/// interviewer.
pub async fn conversation_to_work_on(
    db: &Db,
    tenant: &Tenant,
    id: &str,
) -> Result<(Conversation, Access), StoreError> {
    let (c, a) = conversation(db, tenant, id).await?;
    if a == Access::Read {
        return Err(StoreError::Forbidden);
    }
    Ok((c, a))
}

/// Like [`conversation`], but Forbidden unless the tenant manages the ward.
pub async fn conversation_to_manage(
    db: &Db,
    tenant: &Tenant,
    id: &str,
) -> Result<Conversation, StoreError> {
    let (c, a) = conversation(db, tenant, id).await?;
    if a != Access::Manage {
        return Err(StoreError::Forbidden);
    }
    Ok(c)
}
