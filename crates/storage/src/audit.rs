//! The append-only audit log: who did what, when. The database itself refuses updates and
//! deletes (triggers in the migrations), so not even a bug here can rewrite history.

use crate::db::{Db, StoreError, Tx, new_id, now};
use crate::{in_tx, read};
use driehoek_domain::access::{NodePath, Role, Tenant};
use serde::Serialize;

/// One entry to write. Build with [`Entry::by`] or [`Entry::system`].
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub actor_id: Option<String>,
    pub actor_email: String,
    pub action: &'static str,
    pub network_id: Option<String>,
    pub organisation_id: Option<String>,
    pub subject: String,
    pub detail: String,
}

impl Entry {
    /// An action by a signed-in user.
    pub fn by(tenant: &Tenant, actor_email: &str, action: &'static str) -> Entry {
        Entry {
            actor_id: Some(tenant.user_id.clone()),
            actor_email: actor_email.to_string(),
            action,
            ..Entry::default()
        }
    }
    /// An action without a signed-in user (a failed login, the command line).
    pub fn system(actor_email: &str, action: &'static str) -> Entry {
        Entry {
            actor_email: actor_email.to_string(),
            action,
            ..Entry::default()
        }
    }
    #[must_use]
    pub fn network(mut self, id: &str) -> Entry {
        self.network_id = Some(id.to_string());
        self
    }
    #[must_use]
    pub fn organisation(mut self, id: &str) -> Entry {
        self.organisation_id = Some(id.to_string());
        self
    }
    #[must_use]
    pub fn at_path(mut self, p: &NodePath) -> Entry {
        self.network_id = Some(p.network.clone());
        self.organisation_id.clone_from(&p.organisation);
        self
    }
    #[must_use]
    pub fn subject(mut self, s: &str) -> Entry {
        self.subject = s.to_string();
        self
    }
    #[must_use]
    pub fn detail(mut self, s: &str) -> Entry {
        self.detail = s.to_string();
        self
    }
}

const INSERT: &str = "INSERT INTO audit_log (id, at, actor_id, actor_email, action, network_id, organisation_id, subject, detail)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

pub async fn record(db: &Db, e: Entry) -> Result<(), StoreError> {
    crate::write!(db, |c| sqlx::query(INSERT)
        .bind(new_id())
        .bind(now())
        .bind(&e.actor_id)
        .bind(&e.actor_email)
        .bind(e.action)
        .bind(&e.network_id)
        .bind(&e.organisation_id)
        .bind(&e.subject)
        .bind(&e.detail)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes the entry inside the caller's transaction, so the change and its record land together.
pub async fn record_tx(tx: &mut Tx, e: Entry) -> Result<(), StoreError> {
    in_tx!(tx, |c| sqlx::query(INSERT)
        .bind(new_id())
        .bind(now())
        .bind(&e.actor_id)
        .bind(&e.actor_email)
        .bind(e.action)
        .bind(&e.network_id)
        .bind(&e.organisation_id)
        .bind(&e.subject)
        .bind(&e.detail)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditRow {
    pub id: String,
    pub at: String,
    pub actor_email: String,
    pub action: String,
    pub network_id: Option<String>,
    pub organisation_id: Option<String>,
    pub subject: String,
    pub detail: String,
}

/// Filters of the audit page; empty fields filter nothing.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub action: String,
    pub actor: String,
    /// Inclusive dates, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
}

pub const PAGE: i64 = 200;

/// The entries a coordinator (their network) or quality officer (their organisation) may read,
/// newest first. Failed logins carry no organisation: coordinators see them for their network.
pub async fn list(
    db: &Db,
    tenant: &Tenant,
    f: &Filter,
    offset: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let from = if f.from.is_empty() {
        "0000".to_string()
    } else {
        f.from.clone()
    };
    let to = if f.to.is_empty() {
        "9999".to_string()
    } else {
        format!("{}T99", f.to)
    };
    let action = if f.action.is_empty() {
        "%".to_string()
    } else {
        f.action.clone()
    };
    let actor = format!("%{}%", f.actor.to_lowercase().replace(['%', '_'], ""));
    let mut rows = Vec::new();
    for g in &tenant.grants {
        let (col, id) = match g.role {
            Role::NetworkCoordinator => ("network_id", &g.path.network),
            Role::QualityOfficer => match &g.path.organisation {
                Some(o) => ("organisation_id", o),
                None => continue,
            },
            _ => continue,
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id, at, actor_email, action, network_id, organisation_id, subject, detail FROM audit_log
             WHERE {col} = $1 AND at >= $2 AND at <= $3 AND action LIKE $4 AND lower(actor_email) LIKE $5
             ORDER BY at DESC, id DESC LIMIT $6 OFFSET $7"
        ));
        let mut part: Vec<AuditRow> = read!(db, |c| sqlx::query_as(sql)
            .bind(id)
            .bind(&from)
            .bind(&to)
            .bind(&action)
            .bind(&actor)
            .bind(PAGE)
            .bind(offset)
            .fetch_all(c)
            .await)?;
        rows.append(&mut part);
    }
    rows.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    rows.dedup_by(|a, b| a.id == b.id);
    rows.truncate(PAGE as usize);
    Ok(rows)
}

/// The distinct actions in the log, for the filter's pick list.
pub const ACTIONS: &[&str] = &[
    "login",
    "login-failed",
    "logout",
    "role-granted",
    "role-revoked",
    "user-created",
    "user-deleted",
    "password-reset",
    "password-changed",
    "token-created",
    "token-revoked",
    "network-changed",
    "organisation-created",
    "organisation-renamed",
    "organisation-deleted",
    "location-created",
    "location-renamed",
    "location-deleted",
    "ward-created",
    "ward-renamed",
    "ward-deleted",
    "export",
    "round-created",
    "round-status-changed",
    "triad-added",
    "resident-slot-removed",
    "interviewer-assigned",
    "interviewer-unassigned",
    "training-status-changed",
    "consent-recorded",
    "consent-withdrawn",
    "conversation-scheduled",
    "adherence-saved",
    "guide-saved",
    "transcript-saved",
    "transcript-read",
    "transcript-checked",
    "audio-uploaded",
    "audio-deleted",
    "double-coding-set",
    "ward-page-published",
    "ward-page-withdrawn",
    "public-quotes-chosen",
    "quality-picture-reflection-saved",
    "quality-picture-signed-off",
    "coding-consensus",
    "theme-set-saved",
    "support-services-set",
];
