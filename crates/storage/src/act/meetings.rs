//! The evaluation meeting of one ward about one round: plan (date, place, invitees per role),
//! agenda, notes, attendance per role and agreements. Counts only: no names of residents or
//! families are stored.

use super::writable;
use crate::db::{Db, StoreError, new_id, now};
use crate::reports;
use crate::rounds::Round;
use crate::structure::Ward;
use crate::{in_tx, read};
use driehoek_domain::access::Tenant;
use driehoek_domain::act::MeetingFields;
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Meeting {
    pub id: String,
    pub ward_id: String,
    pub round_id: String,
    pub held_on: String,
    pub place: String,
    pub agenda: String,
    pub notes: String,
    pub status: String,
    pub created_at: String,
    pub created_by: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Agreement {
    pub id: String,
    pub meeting_id: String,
    pub text: String,
    pub position: i64,
    pub created_at: String,
    /// The first action made from this agreement, if any.
    pub action_id: Option<String>,
}

/// A meeting with its counts per role and its agreements.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingRecord {
    pub meeting: Meeting,
    /// (role key, number invited), every stored role.
    pub invited: Vec<(String, i64)>,
    pub attended: Vec<(String, i64)>,
    pub agreements: Vec<Agreement>,
}

impl MeetingRecord {
    pub fn invited_count(&self, role: &str) -> i64 {
        count_of(&self.invited, role)
    }
    pub fn attended_count(&self, role: &str) -> i64 {
        count_of(&self.attended, role)
    }
}

fn count_of(list: &[(String, i64)], role: &str) -> i64 {
    list.iter().find(|(r, _)| r == role).map_or(0, |(_, n)| *n)
}

const MEETING_COLUMNS: &str = "id, ward_id, round_id, held_on, place, agenda, notes, status, created_at, created_by, updated_at";

/// Is the round planned for the ward (a ward of the round or with triads in it)?
async fn round_has_ward(db: &Db, round_id: &str, ward_id: &str) -> Result<bool, StoreError> {
    let n: i64 = read!(db, |c| sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM round_wards WHERE round_id = $1 AND ward_id = $2)
              + (SELECT COUNT(*) FROM triads WHERE round_id = $1 AND ward_id = $2)"
    )
    .bind(round_id)
    .bind(ward_id)
    .fetch_one(c)
    .await)?;
    Ok(n > 0)
}

/// The ward and round, checked (the tenant reads the ward's results, the round is planned for
/// the ward), and the meeting if one was planned.
pub async fn meeting(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
    round_id: &str,
) -> Result<(Ward, Round, Option<MeetingRecord>), StoreError> {
    let (ward, round) = reports::ward_round(db, tenant, ward_id, round_id).await?;
    if !round_has_ward(db, round_id, ward_id).await? {
        return Err(StoreError::NotFound);
    }
    let record = record_of(db, ward_id, round_id).await?;
    Ok((ward, round, record))
}

/// The meeting of a ward and round without checks: the caller has checked the ward.
pub async fn record_of(
    db: &Db,
    ward_id: &str,
    round_id: &str,
) -> Result<Option<MeetingRecord>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {MEETING_COLUMNS} FROM meetings WHERE ward_id = $1 AND round_id = $2"
    ));
    let m: Option<Meeting> = read!(db, |c| sqlx::query_as(sql)
        .bind(ward_id)
        .bind(round_id)
        .fetch_optional(c)
        .await)?;
    let Some(meeting) = m else { return Ok(None) };
    let invited: Vec<(String, i64)> = read!(db, |c| sqlx::query_as(
        "SELECT role, invited FROM meeting_invitees WHERE meeting_id = $1 ORDER BY role"
    )
    .bind(&meeting.id)
    .fetch_all(c)
    .await)?;
    let attended: Vec<(String, i64)> = read!(db, |c| sqlx::query_as(
        "SELECT role, attended FROM meeting_attendance WHERE meeting_id = $1 ORDER BY role"
    )
    .bind(&meeting.id)
    .fetch_all(c)
    .await)?;
    let agreements: Vec<Agreement> = read!(db, |c| sqlx::query_as(
        "SELECT g.id, g.meeting_id, g.text, g.position, g.created_at,
                (SELECT MIN(a.id) FROM actions a WHERE a.agreement_id = g.id) AS action_id
         FROM agreements g WHERE g.meeting_id = $1 ORDER BY g.position"
    )
    .bind(&meeting.id)
    .fetch_all(c)
    .await)?;
    Ok(Some(MeetingRecord {
        meeting,
        invited,
        attended,
        agreements,
    }))
}

/// Plans the meeting or changes it (one meeting per ward and round). Returns its id.
pub async fn save(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
    round_id: &str,
    f: &MeetingFields,
) -> Result<String, StoreError> {
    let (ward, _round, existing) = meeting(db, tenant, ward_id, round_id).await?;
    writable(tenant, &ward)?;
    let at = now();
    let mut tx = db.begin().await?;
    let id = if let Some(r) = existing {
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "UPDATE meetings SET held_on = $1, place = $2, agenda = $3, notes = $4, status = $5, updated_at = $6 WHERE id = $7"
        )
        .bind(&f.held_on)
        .bind(&f.place)
        .bind(&f.agenda)
        .bind(&f.notes)
        .bind(f.status.key())
        .bind(&at)
        .bind(&r.meeting.id)
        .execute(c)
        .await
        .map(|_| ())
        })?;
        r.meeting.id
    } else {
        let id = new_id();
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO meetings (id, ward_id, round_id, held_on, place, agenda, notes, status, created_at, created_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9)"
        )
        .bind(&id)
        .bind(ward_id)
        .bind(round_id)
        .bind(&f.held_on)
        .bind(&f.place)
        .bind(&f.agenda)
        .bind(&f.notes)
        .bind(f.status.key())
        .bind(&at)
        .bind(user_or_null(&tenant.user_id))
        .execute(c)
        .await
        .map(|_| ())
        })?;
        id
    };
    for (table, col, list) in [
        ("meeting_invitees", "invited", &f.invited),
        ("meeting_attendance", "attended", &f.attended),
    ] {
        let del = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE meeting_id = $1"));
        in_tx!(&mut tx, |c| sqlx::query(del)
            .bind(&id)
            .execute(c)
            .await
            .map(|_| ()))?;
        for (role, n) in list {
            let ins = sqlx::AssertSqlSafe(format!(
                "INSERT INTO {table} (meeting_id, role, {col}) VALUES ($1, $2, $3)"
            ));
            in_tx!(&mut tx, |c| sqlx::query(ins)
                .bind(&id)
                .bind(role.key())
                .bind(*n)
                .execute(c)
                .await
                .map(|_| ()))?;
        }
    }
    tx.commit().await?;
    Ok(id)
}

/// A user id for a `REFERENCES users` column: tests and the demo use tenants without a stored
/// user, which become NULL.
pub(crate) fn user_or_null(id: &str) -> Option<&str> {
    (id.len() == 36).then_some(id)
}

/// Adds an agreement to the meeting (which must exist). Returns its id.
pub async fn add_agreement(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
    round_id: &str,
    text: &str,
) -> Result<String, StoreError> {
    let (ward, _round, existing) = meeting(db, tenant, ward_id, round_id).await?;
    writable(tenant, &ward)?;
    let Some(r) = existing else {
        return Err(StoreError::Conflict("agreement-needs-meeting"));
    };
    let id = new_id();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO agreements (id, meeting_id, text, position, created_at)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM agreements WHERE meeting_id = $2), $4)"
    )
    .bind(&id)
    .bind(&r.meeting.id)
    .bind(text)
    .bind(now())
    .execute(c)
    .await
    .map(|_| ())
    })?;
    tx.commit().await?;
    Ok(id)
}

/// One agreement of a ward's meeting (for "turn into an action"); NotFound when it belongs to
/// another ward.
pub async fn agreement_of_ward(
    db: &Db,
    ward_id: &str,
    agreement_id: &str,
) -> Result<(Agreement, String), StoreError> {
    let row: Option<(String, String, String, i64, String, String)> =
        read!(db, |c| sqlx::query_as(
            "SELECT g.id, g.meeting_id, g.text, g.position, g.created_at, m.round_id
         FROM agreements g JOIN meetings m ON m.id = g.meeting_id
         WHERE g.id = $1 AND m.ward_id = $2"
        )
        .bind(agreement_id)
        .bind(ward_id)
        .fetch_optional(c)
        .await)?;
    let (id, meeting_id, text, position, created_at, round_id) = row.ok_or(StoreError::NotFound)?;
    Ok((
        Agreement {
            id,
            meeting_id,
            text,
            position,
            created_at,
            action_id: None,
        },
        round_id,
    ))
}

/// A story card: one coded fragment of the round's coded conversations on the ward, with its
/// themes and perspective (pseudonymised text, as everywhere after coding).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CardFragment {
    pub fragment_id: String,
    pub perspective: String,
    pub valence: String,
    pub text: String,
    pub triad_id: String,
}

/// The fragments for story cards: positive or negative, of conversations coded in this round on
/// this ward. The caller has checked the ward and round.
pub async fn card_fragments(
    db: &Db,
    ward_id: &str,
    round_id: &str,
) -> Result<Vec<(CardFragment, Vec<String>)>, StoreError> {
    let rows: Vec<CardFragment> = read!(db, |c| sqlx::query_as(
        "SELECT f.id AS fragment_id, c.perspective, f.valence, f.text, t.id AS triad_id
         FROM triads t
         JOIN conversations c ON c.triad_id = t.id
         JOIN fragments f ON f.conversation_id = c.id
         WHERE t.ward_id = $1 AND t.round_id = $2 AND c.status = 'coded'
           AND f.valence IN ('positive', 'negative')
         ORDER BY t.code, c.perspective, f.position"
    )
    .bind(ward_id)
    .bind(round_id)
    .fetch_all(c)
    .await)?;
    let themes: Vec<(String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT ft.fragment_id, ft.theme_id
         FROM triads t
         JOIN conversations c ON c.triad_id = t.id
         JOIN fragments f ON f.conversation_id = c.id
         JOIN fragment_themes ft ON ft.fragment_id = f.id
         WHERE t.ward_id = $1 AND t.round_id = $2 AND c.status = 'coded'"
    )
    .bind(ward_id)
    .bind(round_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let ids = themes
                .iter()
                .filter(|(f, _)| *f == r.fragment_id)
                .map(|(_, t)| t.clone())
                .collect();
            (r, ids)
        })
        .collect())
}
