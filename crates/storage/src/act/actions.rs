//! Improvement actions: made from an agreement or directly, owned by a person, the ward team or a
//! support service, linked to the themes, fragments and triads that raised them, followed up with
//! dated notes, and listed on boards per ward, location and organisation and per support service.

use super::meetings::user_or_null;
use super::writable;
use crate::db::{Db, StoreError, new_id, now};
use crate::structure::{self, Ward};
use crate::{in_tx, read};
use driehoek_domain::access::{NodePath, Role, Tenant};
use driehoek_domain::act::{ActionFields, ActionStatus};
use driehoek_domain::themes::SupportService;
use serde::Serialize;

/// An action as boards and pages show it, with where it belongs.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Action {
    pub id: String,
    pub ward_id: String,
    pub ward_name: String,
    pub location_id: String,
    pub location_name: String,
    pub organisation_id: String,
    pub network_id: String,
    pub round_id: Option<String>,
    pub round_name: Option<String>,
    pub agreement_id: Option<String>,
    pub title: String,
    pub why: String,
    pub owner_kind: String,
    pub owner_user_id: Option<String>,
    pub owner_name: Option<String>,
    pub owner_service: Option<String>,
    pub due_on: Option<String>,
    pub status: String,
    pub drop_reason: String,
    pub public: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Action {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: Some(self.organisation_id.clone()),
            location: Some(self.location_id.clone()),
            ward: Some(self.ward_id.clone()),
        }
    }

    pub fn status(&self) -> ActionStatus {
        ActionStatus::parse(&self.status).unwrap_or(ActionStatus::Proposed)
    }

    /// Overdue on `today` (`YYYY-MM-DD`).
    pub fn is_overdue(&self, today: &str) -> bool {
        driehoek_domain::act::is_overdue(self.due_on.as_deref(), self.status(), today)
    }
}

const ACTION_SQL: &str = "SELECT a.id, a.ward_id, w.name AS ward_name, w.location_id, l.name AS location_name,
        l.organisation_id, o.network_id, a.round_id, r.name AS round_name, a.agreement_id, a.title, a.why,
        a.owner_kind, a.owner_user_id, u.display_name AS owner_name, a.owner_service, a.due_on, a.status,
        a.drop_reason, a.public, a.created_at, a.updated_at
    FROM actions a
    JOIN wards w ON w.id = a.ward_id
    JOIN locations l ON l.id = w.location_id
    JOIN organisations o ON o.id = l.organisation_id
    LEFT JOIN rounds r ON r.id = a.round_id
    LEFT JOIN users u ON u.id = a.owner_user_id";

/// A fragment an action links to, as its page shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct LinkedFragment {
    pub id: String,
    pub text: String,
    pub perspective: String,
    pub valence: Option<String>,
    pub triad_code: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Note {
    pub id: String,
    pub noted_on: String,
    pub text: String,
    pub author_name: Option<String>,
}

/// An action with everything linked to it.
#[derive(Debug, Clone, Serialize)]
pub struct ActionDetail {
    pub action: Action,
    pub themes: Vec<String>,
    pub fragments: Vec<LinkedFragment>,
    /// (triad id, code)
    pub triads: Vec<(String, String)>,
    pub notes: Vec<Note>,
}

/// What links a new or changed action to the stories.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub themes: Vec<String>,
    pub fragments: Vec<String>,
    pub triads: Vec<String>,
}

/// The support services a user works for (keys).
pub async fn services_of(db: &Db, user_id: &str) -> Result<Vec<String>, StoreError> {
    Ok(read!(db, |c| sqlx::query_scalar(
        "SELECT service FROM support_service_members WHERE user_id = $1 ORDER BY service"
    )
    .bind(user_id)
    .fetch_all(c)
    .await)?)
}

/// Records that a user works for a support service (admin command line, demo, tests).
pub async fn add_service_member_unchecked(
    db: &Db,
    user_id: &str,
    service: &str,
) -> Result<(), StoreError> {
    crate::write!(db, |c| {
        sqlx::query(
        "INSERT INTO support_service_members (user_id, service) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    )
    .bind(user_id)
    .bind(service)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Does this tenant read this action as a member of its owning support service?
fn service_reads(tenant: &Tenant, a: &Action, services: &[String]) -> bool {
    tenant.has_role(Role::SupportService)
        && tenant.sees(&a.path())
        && a.owner_service
            .as_ref()
            .is_some_and(|s| services.iter().any(|m| m == s))
}

/// How a tenant stands to one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Team leader, quality officer, coordinator: may change everything.
    Edit,
    /// Member of the owning support service: may add notes and move the status.
    Service,
    /// May read (client council, care workers, coders).
    Read,
}

/// The action and how the tenant reaches it; NotFound outside their reach.
pub async fn action(db: &Db, tenant: &Tenant, id: &str) -> Result<(Action, Reach), StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{ACTION_SQL} WHERE a.id = $1"));
    let a: Option<Action> = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    let a = a.ok_or(StoreError::NotFound)?;
    let path = a.path();
    if tenant.acts_on(&path) {
        return Ok((a, Reach::Edit));
    }
    if tenant.has_role(Role::SupportService) {
        let services = services_of(db, &tenant.user_id).await?;
        if service_reads(tenant, &a, &services) {
            return Ok((a, Reach::Service));
        }
    }
    if tenant.reads_results(&path) {
        return Ok((a, Reach::Read));
    }
    Err(StoreError::NotFound)
}

/// The action with its themes, fragments, triads and notes.
pub async fn detail(
    db: &Db,
    tenant: &Tenant,
    id: &str,
) -> Result<(ActionDetail, Reach), StoreError> {
    let (action, reach) = action(db, tenant, id).await?;
    let themes: Vec<String> = read!(db, |c| sqlx::query_scalar(
        "SELECT theme_key FROM action_themes WHERE action_id = $1 ORDER BY theme_key"
    )
    .bind(id)
    .fetch_all(c)
    .await)?;
    let fragments: Vec<LinkedFragment> = if reach == Reach::Service {
        // Support services see the action, not the stories behind it.
        Vec::new()
    } else {
        read!(db, |c| sqlx::query_as(
            "SELECT f.id, f.text, c.perspective, f.valence, t.code AS triad_code
             FROM action_fragments af
             JOIN fragments f ON f.id = af.fragment_id
             JOIN conversations c ON c.id = f.conversation_id
             JOIN triads t ON t.id = c.triad_id
             WHERE af.action_id = $1 ORDER BY t.code, c.perspective, f.position"
        )
        .bind(id)
        .fetch_all(c)
        .await)?
    };
    let triads: Vec<(String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT t.id, t.code FROM action_triads at JOIN triads t ON t.id = at.triad_id
         WHERE at.action_id = $1 ORDER BY t.code"
    )
    .bind(id)
    .fetch_all(c)
    .await)?;
    let notes: Vec<Note> = read!(db, |c| sqlx::query_as(
        "SELECT n.id, n.noted_on, n.text, u.display_name AS author_name
         FROM action_notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.action_id = $1 ORDER BY n.noted_on, n.created_at"
    )
    .bind(id)
    .fetch_all(c)
    .await)?;
    Ok((
        ActionDetail {
            action,
            themes,
            fragments,
            triads,
            notes,
        },
        reach,
    ))
}

/// The ids an action on this ward may link to: fragments and triads of the ward, themes (keys)
/// of the ward's rounds' theme sets, users of the ward's organisation. The caller checks input
/// against these before saving, so a wrong link is a field problem, not a silent drop.
#[derive(Debug, Clone, Default)]
pub struct LinkOptions {
    pub theme_keys: Vec<(String, String, String)>,
    pub users: Vec<(String, String)>,
}

/// Themes (key, Dutch name, English name) of the ward's organisation's rounds and the users of
/// its organisation (id, name), for the action form.
pub async fn link_options(db: &Db, ward: &Ward) -> Result<LinkOptions, StoreError> {
    let theme_keys: Vec<(String, String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT th.key, MIN(th.name_nl), MIN(th.name_en) FROM themes th
         WHERE th.theme_set_id IN (SELECT theme_set_id FROM rounds WHERE organisation_id = $1)
         GROUP BY th.key ORDER BY MIN(th.position), th.key"
    )
    .bind(&ward.organisation_id)
    .fetch_all(c)
    .await)?;
    let users: Vec<(String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT id, display_name FROM users WHERE organisation_id = $1 ORDER BY display_name"
    )
    .bind(&ward.organisation_id)
    .fetch_all(c)
    .await)?;
    Ok(LinkOptions { theme_keys, users })
}

/// Which of these fragment ids belong to the ward (positive or negative fragments of its triads).
pub async fn fragments_of_ward(
    db: &Db,
    ward_id: &str,
    ids: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut found = Vec::new();
    for id in ids {
        let n: i64 = read!(db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM fragments f JOIN conversations c ON c.id = f.conversation_id
             JOIN triads t ON t.id = c.triad_id WHERE f.id = $1 AND t.ward_id = $2"
        )
        .bind(id)
        .bind(ward_id)
        .fetch_one(c)
        .await)?;
        if n > 0 {
            found.push(id.clone());
        }
    }
    Ok(found)
}

/// Which of these triad ids (or codes) belong to the ward; returns ids.
pub async fn triads_of_ward(
    db: &Db,
    ward_id: &str,
    ids_or_codes: &[String],
) -> Result<Vec<Option<String>>, StoreError> {
    let mut found = Vec::new();
    for v in ids_or_codes {
        let id: Option<String> = read!(db, |c| {
            sqlx::query_scalar(
            "SELECT id FROM triads WHERE (id = $1 OR code = $1) AND ward_id = $2 ORDER BY created_at LIMIT 1"
        )
        .bind(v)
        .bind(ward_id)
        .fetch_optional(c)
        .await
        })?;
        found.push(id);
    }
    Ok(found)
}

/// Is this round one of the ward's organisation?
pub async fn round_of_ward(db: &Db, ward: &Ward, round_id: &str) -> Result<bool, StoreError> {
    let n: i64 = read!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM rounds WHERE id = $1 AND organisation_id = $2"
    )
    .bind(round_id)
    .bind(&ward.organisation_id)
    .fetch_one(c)
    .await)?;
    Ok(n > 0)
}

/// Makes an action on the ward. `round_id` and `agreement_id` must be the ward's (checked here:
/// NotFound otherwise); owner and links are checked by the caller against [`link_options`].
pub async fn create(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
    round_id: Option<&str>,
    agreement_id: Option<&str>,
    f: &ActionFields,
    links: &Links,
) -> Result<String, StoreError> {
    let ward = structure::ward(db, tenant, ward_id).await?;
    writable(tenant, &ward)?;
    let mut round_id = round_id.map(str::to_string);
    if let Some(g) = agreement_id {
        let (_, r) = super::meetings::agreement_of_ward(db, ward_id, g).await?;
        round_id.get_or_insert(r);
    }
    if let Some(r) = &round_id
        && !round_of_ward(db, &ward, r).await?
    {
        return Err(StoreError::NotFound);
    }
    let id = new_id();
    let at = now();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO actions (id, ward_id, round_id, agreement_id, title, why, owner_kind, owner_user_id, owner_service, due_on, status, drop_reason, public, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)"
    )
    .bind(&id)
    .bind(ward_id)
    .bind(&round_id)
    .bind(agreement_id)
    .bind(&f.title)
    .bind(&f.why)
    .bind(f.owner_kind.key())
    .bind(&f.owner_user_id)
    .bind(f.owner_service.map(SupportService::key))
    .bind(&f.due_on)
    .bind(f.status.key())
    .bind(&f.drop_reason)
    .bind(i64::from(f.public))
    .bind(&at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    write_links(&mut tx, &id, ward_id, links).await?;
    tx.commit().await?;
    Ok(id)
}

async fn write_links(
    tx: &mut crate::Tx,
    id: &str,
    ward_id: &str,
    links: &Links,
) -> Result<(), StoreError> {
    for table in ["action_themes", "action_fragments", "action_triads"] {
        let del = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE action_id = $1"));
        in_tx!(&mut *tx, |c| sqlx::query(del)
            .bind(id)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    let themes = unique(&links.themes);
    for k in &themes {
        in_tx!(&mut *tx, |c| sqlx::query(
            "INSERT INTO action_themes (action_id, theme_key) VALUES ($1, $2)"
        )
        .bind(id)
        .bind(k)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    // Only fragments and triads of the ward itself, whatever the caller passed.
    let fragments = unique(&links.fragments);
    for f in &fragments {
        in_tx!(&mut *tx, |c| sqlx::query(
            "INSERT INTO action_fragments (action_id, fragment_id)
             SELECT $1, f.id FROM fragments f JOIN conversations c ON c.id = f.conversation_id
             JOIN triads t ON t.id = c.triad_id WHERE f.id = $2 AND t.ward_id = $3"
        )
        .bind(id)
        .bind(f)
        .bind(ward_id)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    let triads = unique(&links.triads);
    for t in &triads {
        in_tx!(&mut *tx, |c| {
            sqlx::query(
            "INSERT INTO action_triads (action_id, triad_id) SELECT $1, id FROM triads WHERE id = $2 AND ward_id = $3"
        )
        .bind(id)
        .bind(t)
        .bind(ward_id)
        .execute(c)
        .await
        .map(|_| ())
        })?;
    }
    Ok(())
}

/// Changes an action (team leader, quality officer).
pub async fn update(
    db: &Db,
    tenant: &Tenant,
    id: &str,
    f: &ActionFields,
    links: &Links,
) -> Result<(), StoreError> {
    let (a, reach) = action(db, tenant, id).await?;
    if reach != Reach::Edit {
        return Err(StoreError::Forbidden);
    }
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "UPDATE actions SET title = $1, why = $2, owner_kind = $3, owner_user_id = $4, owner_service = $5,
                due_on = $6, status = $7, drop_reason = $8, public = $9, updated_at = $10 WHERE id = $11"
    )
    .bind(&f.title)
    .bind(&f.why)
    .bind(f.owner_kind.key())
    .bind(&f.owner_user_id)
    .bind(f.owner_service.map(SupportService::key))
    .bind(&f.due_on)
    .bind(f.status.key())
    .bind(&f.drop_reason)
    .bind(i64::from(f.public))
    .bind(now())
    .bind(id)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    write_links(&mut tx, id, &a.ward_id, links).await?;
    tx.commit().await
}

/// Moves the status (also for the owning support service). The caller has checked the move with
/// [`ActionStatus::check_move`].
pub async fn set_status(
    db: &Db,
    tenant: &Tenant,
    id: &str,
    status: ActionStatus,
    drop_reason: &str,
) -> Result<(), StoreError> {
    let (_, reach) = action(db, tenant, id).await?;
    if reach == Reach::Read {
        return Err(StoreError::Forbidden);
    }
    let reason = if status == ActionStatus::Dropped {
        drop_reason
    } else {
        ""
    };
    crate::write!(db, |c| sqlx::query(
        "UPDATE actions SET status = $1, drop_reason = $2, updated_at = $3 WHERE id = $4"
    )
    .bind(status.key())
    .bind(reason)
    .bind(now())
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Adds a dated follow-up note (editors and the owning support service).
pub async fn add_note(
    db: &Db,
    tenant: &Tenant,
    id: &str,
    noted_on: &str,
    text: &str,
) -> Result<String, StoreError> {
    let (_, reach) = action(db, tenant, id).await?;
    if reach == Reach::Read {
        return Err(StoreError::Forbidden);
    }
    let note = new_id();
    let at = now();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO action_notes (id, action_id, noted_on, text, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(&note)
    .bind(id)
    .bind(noted_on)
    .bind(text)
    .bind(user_or_null(&tenant.user_id))
    .bind(&at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE actions SET updated_at = $1 WHERE id = $2"
    )
    .bind(&at)
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    tx.commit().await?;
    Ok(note)
}

const BOARD_ORDER: &str =
    " ORDER BY l.name, w.name, CASE WHEN a.due_on IS NULL THEN 1 ELSE 0 END, a.due_on, a.title";

/// The actions of a ward (the tenant reads its results).
pub async fn ward_board(
    db: &Db,
    tenant: &Tenant,
    ward_id: &str,
) -> Result<(Ward, Vec<Action>), StoreError> {
    let ward = crate::reports::results_ward(db, tenant, ward_id).await?;
    let sql = sqlx::AssertSqlSafe(format!("{ACTION_SQL} WHERE a.ward_id = $1{BOARD_ORDER}"));
    let rows: Vec<Action> = read!(db, |c| sqlx::query_as(sql).bind(ward_id).fetch_all(c).await)?;
    Ok((ward, rows))
}

/// The actions under a node (`w.location_id` or `l.organisation_id` = `id`) on the wards whose
/// results the tenant reads: a team leader of one ward sees only that ward's actions on the
/// location board. NotFound when the tenant may not read results at the node itself.
async fn node_board(
    db: &Db,
    tenant: &Tenant,
    node: &NodePath,
    column: &'static str,
    id: &str,
) -> Result<Vec<Action>, StoreError> {
    if !tenant.reads_results(node) {
        return Err(StoreError::NotFound);
    }
    let sql = sqlx::AssertSqlSafe(format!("{ACTION_SQL} WHERE {column} = $1{BOARD_ORDER}"));
    let rows: Vec<Action> = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_all(c).await)?;
    Ok(readable(tenant, rows))
}

/// The actions of the location's wards the tenant reads.
pub async fn location_board(
    db: &Db,
    tenant: &Tenant,
    location_id: &str,
) -> Result<(structure::Location, Vec<Action>), StoreError> {
    let loc = structure::location(db, tenant, location_id).await?;
    let rows = node_board(db, tenant, &loc.path(), "w.location_id", location_id).await?;
    Ok((loc, rows))
}

/// The actions of the organisation's wards the tenant reads.
pub async fn organisation_board(
    db: &Db,
    tenant: &Tenant,
    organisation_id: &str,
) -> Result<(structure::Organisation, Vec<Action>), StoreError> {
    let org = structure::organisation(db, tenant, organisation_id).await?;
    let rows = node_board(
        db,
        tenant,
        &org.path(),
        "l.organisation_id",
        organisation_id,
    )
    .await?;
    Ok((org, rows))
}

fn readable(tenant: &Tenant, rows: Vec<Action>) -> Vec<Action> {
    rows.into_iter()
        .filter(|a| tenant.reads_results(&a.path()))
        .collect()
}

/// The actions owned by the support services the tenant works for, in the part of the tree they
/// see. Empty for someone who is no support-service member.
pub async fn service_board(
    db: &Db,
    tenant: &Tenant,
) -> Result<(Vec<String>, Vec<Action>), StoreError> {
    if !tenant.has_role(Role::SupportService) {
        return Ok((Vec::new(), Vec::new()));
    }
    let services = services_of(db, &tenant.user_id).await?;
    let mut all = Vec::new();
    for s in &services {
        let sql = sqlx::AssertSqlSafe(format!(
            "{ACTION_SQL} WHERE a.owner_kind = 'support_service' AND a.owner_service = $1{BOARD_ORDER}"
        ));
        let rows: Vec<Action> = read!(db, |c| sqlx::query_as(sql).bind(s).fetch_all(c).await)?;
        all.extend(
            rows.into_iter()
                .filter(|a| service_reads(tenant, a, &services)),
        );
    }
    Ok((services, all))
}

/// The ward's actions of rounds that started before `before_start`, with their theme keys: what
/// the follow-up section of a later report compares. The caller has checked the ward.
pub async fn earlier_actions(
    db: &Db,
    ward_id: &str,
    before_start: &str,
) -> Result<Vec<(Action, Vec<String>)>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{ACTION_SQL} WHERE a.ward_id = $1 AND r.period_start < $2 ORDER BY r.period_start, a.created_at"
    ));
    let rows: Vec<Action> = read!(db, |c| sqlx::query_as(sql)
        .bind(ward_id)
        .bind(before_start)
        .fetch_all(c)
        .await)?;
    // The theme keys of all these actions in one query rather than one per action.
    let keys: Vec<(String, String)> = read!(db, |c| sqlx::query_as(
        "SELECT at.action_id, at.theme_key FROM action_themes at
         JOIN actions a ON a.id = at.action_id JOIN rounds r ON r.id = a.round_id
         WHERE a.ward_id = $1 AND r.period_start < $2 ORDER BY at.theme_key"
    )
    .bind(ward_id)
    .bind(before_start)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let themes = keys
                .iter()
                .filter(|(id, _)| *id == a.id)
                .map(|(_, k)| k.clone())
                .collect();
            (a, themes)
        })
        .collect())
}

/// The values sorted, each once (a link row is stored once however often the form names it).
fn unique(values: &[String]) -> Vec<String> {
    let mut v = values.to_vec();
    v.sort();
    v.dedup();
    v
}

/// Sets the support services a user works for (the quality officer or coordinator who manages
/// the account). NotFound for an account outside their reach, Forbidden for their own account
/// when they do not manage it.
pub async fn set_services(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    user_id: &str,
    services: &[SupportService],
) -> Result<(), StoreError> {
    let user = crate::accounts::user(db, tenant, user_id).await?;
    if !tenant.manages(&user.home()) {
        return Err(StoreError::Forbidden);
    }
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM support_service_members WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    for s in services {
        in_tx!(&mut tx, |c| {
            sqlx::query(
            "INSERT INTO support_service_members (user_id, service) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        )
        .bind(user_id)
        .bind(s.key())
        .execute(c)
        .await
        .map(|_| ())
        })?;
    }
    // Which service someone works for decides which actions they see: an access decision.
    let keys: Vec<&str> = services.iter().map(|s| s.key()).collect();
    crate::audit::record_tx(
        &mut tx,
        crate::audit::Entry::by(tenant, actor, "support-services-set")
            .at_path(&user.home())
            .subject(&user.email)
            .detail(&keys.join(",")),
    )
    .await?;
    tx.commit().await
}
