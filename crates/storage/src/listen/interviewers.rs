//! Interviewers: accounts with the Interviewer role on their own organisation, with a training
//! status and a load (assigned conversations not yet held). [`assign`] is the ONE function that
//! assigns an interviewer to a conversation, for the pages, the API and the command line alike;
//! it calls the domain's cross-organisation rule, so no route can skip it.

use super::load;
use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, now};
use crate::structure::check_manages;
use crate::{in_tx, read};
use driehoek_domain::access::{NodePath, Tenant};
use driehoek_domain::listen::{ConversationStatus, TrainingStatus, check_interviewer};
use serde::Serialize;

/// An interviewer as the planner sees them: name, training and load, nothing else of their
/// organisation.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Interviewer {
    pub id: String,
    pub display_name: String,
    pub training_status: String,
    /// Assigned conversations not yet held (unscheduled or planned).
    pub load: i64,
}

const INTERVIEWERS_SQL: &str = "SELECT u.id, u.display_name,
        COALESCE(p.training_status, 'in_training') AS training_status,
        CAST((SELECT COUNT(*) FROM conversations c WHERE c.interviewer_id = u.id
              AND c.status IN ('unscheduled', 'planned')) AS BIGINT) AS load
    FROM users u LEFT JOIN interviewer_profiles p ON p.user_id = u.id
    WHERE u.network_id = $1 AND EXISTS (SELECT 1 FROM role_assignments ra
          WHERE ra.user_id = u.id AND ra.role = 'interviewer')";

/// The interviewers whose accounts the tenant manages (their own organisation's), with the
/// organisation id each belongs to.
pub async fn managed(db: &Db, tenant: &Tenant) -> Result<Vec<(Interviewer, String)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        i: Interviewer,
        org: String,
    }
    let mut out = Vec::new();
    for network in tenant.networks() {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT i.id, i.display_name, i.training_status, i.load, COALESCE(u.organisation_id, '') AS org
             FROM ({INTERVIEWERS_SQL}) i JOIN users u ON u.id = i.id ORDER BY i.display_name"
        ));
        let rows: Vec<Row> = read!(db, |c| sqlx::query_as(sql).bind(network).fetch_all(c).await)?;
        for r in rows {
            let home = NodePath {
                network: network.to_string(),
                organisation: (!r.org.is_empty()).then(|| r.org.clone()),
                ..NodePath::default()
            };
            if tenant.manages(&home) {
                out.push((r.i, r.org));
            }
        }
    }
    Ok(out)
}

/// Sets an interviewer's training status (by whoever manages their account).
pub async fn set_training(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    user_id: &str,
    status: TrainingStatus,
) -> Result<(), StoreError> {
    let u = crate::accounts::user(db, tenant, user_id).await?;
    check_manages(tenant, &u.home())?;
    let is_interviewer: i64 = read!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_assignments WHERE user_id = $1 AND role = 'interviewer'"
    )
    .bind(user_id)
    .fetch_one(c)
    .await)?;
    if is_interviewer == 0 {
        return Err(StoreError::NotFound);
    }
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM interviewer_profiles WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO interviewer_profiles (user_id, training_status, updated_at) VALUES ($1, $2, $3)"
    )
    .bind(user_id)
    .bind(status.key())
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "training-status-changed")
            .at_path(&u.home())
            .subject(&u.email)
            .detail(status.key()),
    )
    .await?;
    tx.commit().await
}

/// The organisations an interviewer works for (employer and any organisation they hold a role
/// in), their network, e-mail and name. NotFound when the account has no Interviewer role.
async fn interviewer_facts(
    db: &Db,
    who: &InterviewerRef<'_>,
) -> Result<(String, String, String, Vec<String>), StoreError> {
    let (sql, key) = match who {
        InterviewerRef::Id(id) => (
            "SELECT id, email, network_id, organisation_id FROM users WHERE id = $1",
            *id,
        ),
        InterviewerRef::Email(e) => (
            "SELECT id, email, network_id, organisation_id FROM users WHERE lower(email) = lower($1)",
            *e,
        ),
    };
    let row: Option<(String, String, String, Option<String>)> = read!(db, |c| sqlx::query_as(sql)
        .bind(key)
        .fetch_optional(c)
        .await)?;
    let (id, email, network, employer) =
        row.ok_or(StoreError::Conflict("error-not-an-interviewer"))?;
    let roles: Vec<(String, Option<String>)> = read!(db, |c| sqlx::query_as(
        "SELECT role, organisation_id FROM role_assignments WHERE user_id = $1"
    )
    .bind(&id)
    .fetch_all(c)
    .await)?;
    if !roles.iter().any(|(r, _)| r == "interviewer") {
        return Err(StoreError::Conflict("error-not-an-interviewer"));
    }
    let mut orgs: Vec<String> = employer.into_iter().collect();
    orgs.extend(roles.into_iter().filter_map(|(_, o)| o));
    orgs.sort();
    orgs.dedup();
    Ok((id, email, network, orgs))
}

/// Interviewers the planner may assign to this conversation: of the same network, never of the
/// ward's own organisation; least loaded first.
pub async fn candidates(
    db: &Db,
    tenant: &Tenant,
    conversation_id: &str,
) -> Result<Vec<Interviewer>, StoreError> {
    let c = super::conversation_to_manage(db, tenant, conversation_id).await?;
    let sql = sqlx::AssertSqlSafe(format!("{INTERVIEWERS_SQL} ORDER BY 4, 2"));
    let all: Vec<Interviewer> = read!(db, |x| sqlx::query_as(sql)
        .bind(&c.network_id)
        .fetch_all(x)
        .await)?;
    let mut out = Vec::new();
    for i in all {
        let (_, _, network, orgs) = interviewer_facts(db, &InterviewerRef::Id(&i.id)).await?;
        if check_interviewer(&orgs, &network, &c.organisation_id, &c.network_id).is_ok() {
            out.push(i);
        }
    }
    out.sort_by(|a, b| {
        a.load
            .cmp(&b.load)
            .then(a.display_name.cmp(&b.display_name))
    });
    Ok(out)
}

/// Which interviewer: by account id (pages, API) or e-mail address (command line, API).
#[derive(Debug, Clone, Copy)]
pub enum InterviewerRef<'a> {
    Id(&'a str),
    Email(&'a str),
}

/// Who assigns: a signed-in user (who must manage the ward) or the command line (an operator
/// with the database in hand, audited as such).
#[derive(Debug, Clone, Copy)]
pub enum Assigner<'a> {
    User { tenant: &'a Tenant, email: &'a str },
    CommandLine,
}

/// Assigns an interviewer to a conversation. Refused with `error-own-employer` when the
/// interviewer works for the organisation that owns the ward (the method's rule), and for an
/// interviewer of another network. Returns the interviewer's e-mail address.
pub async fn assign(
    db: &Db,
    by: Assigner<'_>,
    conversation_id: &str,
    who: InterviewerRef<'_>,
) -> Result<String, StoreError> {
    let c = match by {
        Assigner::User { tenant, .. } => {
            super::conversation_to_manage(db, tenant, conversation_id).await?
        }
        Assigner::CommandLine => load(db, conversation_id).await?,
    };
    if matches!(
        c.status(),
        ConversationStatus::Withdrawn | ConversationStatus::Checked | ConversationStatus::Coded
    ) {
        return Err(StoreError::Conflict("error-assign-too-late"));
    }
    let (id, email, network, orgs) = interviewer_facts(db, &who).await?;
    check_interviewer(&orgs, &network, &c.organisation_id, &c.network_id)?;
    let entry = match by {
        Assigner::User {
            tenant,
            email: actor,
        } => Entry::by(tenant, actor, "interviewer-assigned"),
        Assigner::CommandLine => Entry::system("command line", "interviewer-assigned"),
    };
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| sqlx::query(
        "UPDATE conversations SET interviewer_id = $1 WHERE id = $2"
    )
    .bind(&id)
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        entry
            .at_path(&c.path())
            .subject(&c.subject())
            .detail(&email),
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}

/// Removes the interviewer from a conversation.
pub async fn unassign(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    conversation_id: &str,
) -> Result<(), StoreError> {
    let c = super::conversation_to_manage(db, tenant, conversation_id).await?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |x| sqlx::query(
        "UPDATE conversations SET interviewer_id = NULL WHERE id = $1"
    )
    .bind(conversation_id)
    .execute(x)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "interviewer-unassigned")
            .at_path(&c.path())
            .subject(&c.subject()),
    )
    .await?;
    tx.commit().await
}
