//! Scheduling (date, time, place, status), the interviewer's own list, and the adherence
//! checklist filled in after a conversation.

use super::{CONVERSATION_SQL, Conversation, conversation_to_work_on};
use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, now};
use crate::{in_tx, read};
use driehoek_domain::access::Tenant;
use driehoek_domain::listen::{ConversationStatus, check_schedule_move};
use serde::Serialize;

/// What the planner or interviewer fills in. An empty date leaves the conversation unscheduled.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub date: Option<String>,
    pub time: Option<String>,
    pub place: String,
    pub status: ConversationStatus,
}

pub async fn set(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
    s: &Schedule,
) -> Result<(), StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    let from = c.status();
    // Planned without a date is still unscheduled.
    let to = if s.status == ConversationStatus::Planned && s.date.is_none() {
        ConversationStatus::Unscheduled
    } else {
        s.status
    };
    if to != ConversationStatus::Unscheduled {
        check_schedule_move(from, to, c.consent_scope())?;
    } else if !matches!(
        from,
        ConversationStatus::Unscheduled | ConversationStatus::Planned
    ) {
        check_schedule_move(from, ConversationStatus::Planned, c.consent_scope())?;
    }
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| {
        sqlx::query(
        "UPDATE conversations SET scheduled_date = $1, scheduled_time = $2, place = $3, status = $4 WHERE id = $5"
    )
    .bind(&s.date)
    .bind(&s.time)
    .bind(&s.place)
    .bind(to.key())
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected())
    })?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "conversation-scheduled")
            .at_path(&c.path())
            .subject(&c.subject())
            .detail(to.key()),
    )
    .await?;
    tx.commit().await
}

/// The conversations assigned to the signed-in interviewer: nothing else.
pub async fn mine(db: &Db, tenant: &Tenant) -> Result<Vec<Conversation>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{CONVERSATION_SQL} WHERE c.interviewer_id = $1
         ORDER BY COALESCE(c.scheduled_date, '9999'), COALESCE(c.scheduled_time, ''), t.code"
    ));
    let mut list: Vec<Conversation> = read!(db, |x| sqlx::query_as(sql)
        .bind(&tenant.user_id)
        .fetch_all(x)
        .await)?;
    for c in &mut list {
        c.consent = super::consent::of(db, &c.id).await?;
    }
    Ok(list)
}

/// The short checklist after a conversation (method §2 step 5: protocol drift).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Adherence {
    /// Positions (0-based) of the guide's topics that were covered, comma-separated.
    pub topics_covered: String,
    pub open_questions: bool,
    pub stopped_on_distress: bool,
    pub note: String,
    pub filled_by: String,
    pub filled_at: String,
}

impl Adherence {
    pub fn covered(&self) -> Vec<usize> {
        self.topics_covered
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    }
}

pub async fn adherence(
    db: &Db,
    tenant: &Tenant,
    conversation_id: &str,
) -> Result<Option<Adherence>, StoreError> {
    super::conversation(db, tenant, conversation_id).await?;
    Ok(read!(db, |x| sqlx::query_as(
        "SELECT topics_covered, open_questions, stopped_on_distress, note, filled_by, filled_at
         FROM adherence_checklists WHERE conversation_id = $1"
    )
    .bind(conversation_id)
    .fetch_optional(x)
    .await)?)
}

/// Saves the checklist; only for a conversation that was held.
#[allow(clippy::too_many_arguments)]
pub async fn save_adherence(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
    covered: &[usize],
    open_questions: bool,
    stopped_on_distress: bool,
    note: &str,
) -> Result<(), StoreError> {
    let (c, _) = conversation_to_work_on(db, tenant, conversation_id).await?;
    if !c.status().is_held() {
        return Err(StoreError::Conflict("error-not-held"));
    }
    let topics = covered
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| sqlx::query(
        "DELETE FROM adherence_checklists WHERE conversation_id = $1"
    )
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |x| {
        sqlx::query(
        "INSERT INTO adherence_checklists (conversation_id, topics_covered, open_questions, stopped_on_distress, note, filled_by, filled_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(conversation_id)
    .bind(&topics)
    .bind(open_questions)
    .bind(stopped_on_distress)
    .bind(note)
    .bind(actor)
    .bind(now())
    .execute(x)
    .await
    .map(|r| r.rows_affected())
    })?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "adherence-saved")
            .at_path(&c.path())
            .subject(&c.subject()),
    )
    .await?;
    tx.commit().await
}
