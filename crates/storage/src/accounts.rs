//! Users, their roles, sessions and personal API tokens.
//!
//! Users belong to a network and, except for network staff, to an organisation (their employer):
//! who manages that organisation manages the account. Passwords arrive here already hashed.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, new_id, now};
use crate::structure::check_manages;
use crate::{in_tx, read};
use driehoek_domain::access::{Grant, NodePath, Role, Tenant};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub language: Option<String>,
    pub network_id: String,
    pub organisation_id: Option<String>,
    pub created_at: String,
}

impl User {
    /// The node whose managers manage this account.
    pub fn home(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: self.organisation_id.clone(),
            ..NodePath::default()
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RoleRow {
    pub id: String,
    pub user_id: String,
    pub role: String,
    pub network_id: String,
    pub organisation_id: Option<String>,
    pub location_id: Option<String>,
    pub ward_id: Option<String>,
}

impl RoleRow {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: self.organisation_id.clone(),
            location: self.location_id.clone(),
            ward: self.ward_id.clone(),
        }
    }
    pub fn grant(&self) -> Option<Grant> {
        Role::parse(&self.role).map(|role| Grant {
            role,
            path: self.path(),
        })
    }
}

const USER: &str =
    "SELECT id, email, display_name, language, network_id, organisation_id, created_at FROM users";
const ROLES: &str = "SELECT id, user_id, role, network_id, organisation_id, location_id, ward_id FROM role_assignments";

/// For logging in only: the account and its password hash, found by e-mail without a tenant.
pub async fn login_lookup(db: &Db, email: &str) -> Result<Option<(User, String)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: User,
        password_hash: String,
    }
    let row: Option<Row> = read!(db, |c| {
        sqlx::query_as(
        "SELECT id, email, display_name, language, network_id, organisation_id, created_at, password_hash
         FROM users WHERE email = $1"
    )
    .bind(email)
    .fetch_optional(c)
    .await
    })?;
    Ok(row.map(|r| (r.user, r.password_hash)))
}

/// The tenant of a signed-in user: their grants, read fresh for every request so that a revoked
/// role stops working at once.
pub async fn tenant_of(db: &Db, user_id: &str) -> Result<Tenant, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{ROLES} WHERE user_id = $1"));
    let rows: Vec<RoleRow> = read!(db, |c| sqlx::query_as(sql).bind(user_id).fetch_all(c).await)?;
    Ok(Tenant {
        user_id: user_id.to_string(),
        grants: rows.iter().filter_map(RoleRow::grant).collect(),
    })
}

/// A user with one of their role assignments (none: NULLs), as [`account`] and
/// [`session_account`] read them; the session's CSRF token where there is a session.
#[derive(sqlx::FromRow)]
struct AccountRow {
    csrf_token: Option<String>,
    #[sqlx(flatten)]
    user: User,
    role: Option<String>,
    role_network_id: Option<String>,
    role_organisation_id: Option<String>,
    role_location_id: Option<String>,
    role_ward_id: Option<String>,
}

const ACCOUNT_COLUMNS: &str =
    "u.id, u.email, u.display_name, u.language, u.network_id, u.organisation_id, u.created_at,
    ra.role, ra.network_id AS role_network_id, ra.organisation_id AS role_organisation_id,
    ra.location_id AS role_location_id, ra.ward_id AS role_ward_id
    FROM users u LEFT JOIN role_assignments ra ON ra.user_id = u.id";

/// The user and tenant of [`AccountRow`]s of one user; None without rows.
fn fold_account(rows: Vec<AccountRow>) -> Option<(User, Tenant, Option<String>)> {
    let grants = rows
        .iter()
        .filter_map(|r| {
            Some(Grant {
                role: Role::parse(r.role.as_deref()?)?,
                path: NodePath {
                    network: r.role_network_id.clone()?,
                    organisation: r.role_organisation_id.clone(),
                    location: r.role_location_id.clone(),
                    ward: r.role_ward_id.clone(),
                },
            })
        })
        .collect();
    let first = rows.into_iter().next()?;
    let tenant = Tenant {
        user_id: first.user.id.clone(),
        grants,
    };
    Some((first.user, tenant, first.csrf_token))
}

/// The signed-in user's account and tenant (their role assignments) in one query.
pub async fn account(db: &Db, user_id: &str) -> Result<(User, Tenant), StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT CAST(NULL AS TEXT) AS csrf_token, {ACCOUNT_COLUMNS} WHERE u.id = $1"
    ));
    let rows: Vec<AccountRow> =
        read!(db, |c| sqlx::query_as(sql).bind(user_id).fetch_all(c).await)?;
    fold_account(rows)
        .map(|(u, t, _)| (u, t))
        .ok_or(StoreError::NotFound)
}

/// The account, tenant and CSRF token of a live session, in one query: every request with a
/// session cookie needs them.
pub async fn session_account(
    db: &Db,
    token_hash: &str,
) -> Result<Option<(User, Tenant, String)>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT s.csrf_token, {ACCOUNT_COLUMNS}
         JOIN sessions s ON s.user_id = u.id
         WHERE s.token_hash = $1 AND s.expires_at > $2"
    ));
    let rows: Vec<AccountRow> = read!(db, |c| sqlx::query_as(sql)
        .bind(token_hash)
        .bind(now())
        .fetch_all(c)
        .await)?;
    Ok(fold_account(rows).and_then(|(u, t, csrf)| Some((u, t, csrf?))))
}

/// An account the tenant manages (or their own); anything else is NotFound.
pub async fn user(db: &Db, tenant: &Tenant, id: &str) -> Result<User, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{USER} WHERE id = $1"));
    let u: Option<User> = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    u.filter(|u| u.id == tenant.user_id || tenant.manages(&u.home()))
        .ok_or(StoreError::NotFound)
}

/// The accounts the tenant manages, with their roles.
pub async fn users(db: &Db, tenant: &Tenant) -> Result<Vec<(User, Vec<RoleRow>)>, StoreError> {
    let mut out = Vec::new();
    for network in tenant.networks() {
        let sql = sqlx::AssertSqlSafe(format!(
            "{USER} WHERE network_id = $1 ORDER BY display_name, email"
        ));
        let us: Vec<User> = read!(db, |c| sqlx::query_as(sql).bind(network).fetch_all(c).await)?;
        let sql = sqlx::AssertSqlSafe(format!("{ROLES} WHERE network_id = $1 ORDER BY created_at"));
        let roles: Vec<RoleRow> =
            read!(db, |c| sqlx::query_as(sql).bind(network).fetch_all(c).await)?;
        for u in us.into_iter().filter(|u| tenant.manages(&u.home())) {
            let mine = roles
                .iter()
                .filter(|r| r.user_id == u.id)
                .cloned()
                .collect();
            out.push((u, mine));
        }
    }
    Ok(out)
}

pub async fn roles_of(db: &Db, tenant: &Tenant, user_id: &str) -> Result<Vec<RoleRow>, StoreError> {
    user(db, tenant, user_id).await?;
    let sql = sqlx::AssertSqlSafe(format!("{ROLES} WHERE user_id = $1 ORDER BY created_at"));
    Ok(read!(db, |c| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_all(c)
        .await)?)
}

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub language: Option<String>,
    /// Where the account belongs: a network, or an organisation in it.
    pub home: NodePath,
}

/// Checks that a role may be granted on the node: its level must fit the role.
pub fn role_fits(role: Role, node: &NodePath) -> bool {
    role.levels().contains(&node.level())
}

/// Creates an account with its first role, in one transaction.
pub async fn create_user(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    u: NewUser,
    role: Role,
    node: &NodePath,
) -> Result<String, StoreError> {
    check_manages(tenant, &u.home)?;
    check_manages(tenant, node)?;
    insert_account(db, u, role, node, |action| Entry::by(tenant, actor, action)).await
}

/// Creates an account without a tenant check: for `create-admin` and the demo only.
pub async fn create_user_unchecked(
    db: &Db,
    u: NewUser,
    role: Role,
    node: &NodePath,
) -> Result<String, StoreError> {
    insert_account(db, u, role, node, |action| {
        Entry::system("command line", action)
    })
    .await
}

/// The account, its first role and both audit entries in one transaction; `entry` says who acted.
async fn insert_account(
    db: &Db,
    u: NewUser,
    role: Role,
    node: &NodePath,
    entry: impl Fn(&'static str) -> Entry,
) -> Result<String, StoreError> {
    if !role_fits(role, node) {
        return Err(StoreError::Conflict("error-role-level"));
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    insert_user(&mut tx, &id, &u).await?;
    insert_role(&mut tx, &id, role, node).await?;
    audit::record_tx(
        &mut tx,
        entry("user-created").at_path(&u.home).subject(&u.email),
    )
    .await?;
    audit::record_tx(
        &mut tx,
        entry("role-granted")
            .at_path(node)
            .subject(&u.email)
            .detail(role.key()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_user(tx: &mut crate::Tx, id: &str, u: &NewUser) -> Result<(), StoreError> {
    in_tx!(tx, |c| sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, language, network_id, organisation_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(id)
    .bind(&u.email)
    .bind(&u.display_name)
    .bind(&u.password_hash)
    .bind(&u.language)
    .bind(&u.home.network)
    .bind(&u.home.organisation)
    .bind(now())
    .execute(c)
    .await.map(|r| r.rows_affected()))
    .map_err(|e| StoreError::from(e).unique_as("conflict-email"))?;
    Ok(())
}

async fn insert_role(
    tx: &mut crate::Tx,
    user_id: &str,
    role: Role,
    node: &NodePath,
) -> Result<String, StoreError> {
    let id = new_id();
    in_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO role_assignments (id, user_id, role, network_id, organisation_id, location_id, ward_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(&id)
    .bind(user_id)
    .bind(role.key())
    .bind(&node.network)
    .bind(&node.organisation)
    .bind(&node.location)
    .bind(&node.ward)
    .bind(now())
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub async fn grant_role(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    user_id: &str,
    role: Role,
    node: &NodePath,
) -> Result<String, StoreError> {
    let u = user(db, tenant, user_id).await?;
    check_manages(tenant, &u.home())?;
    check_manages(tenant, node)?;
    if u.network_id != node.network {
        return Err(StoreError::NotFound);
    }
    if !role_fits(role, node) {
        return Err(StoreError::Conflict("error-role-level"));
    }
    let mut tx = db.begin().await?;
    let id = insert_role(&mut tx, user_id, role, node).await?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "role-granted")
            .at_path(node)
            .subject(&u.email)
            .detail(role.key()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn revoke_role(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    user_id: &str,
    role_id: &str,
) -> Result<(), StoreError> {
    let roles = roles_of(db, tenant, user_id).await?;
    let r = roles
        .into_iter()
        .find(|r| r.id == role_id)
        .ok_or(StoreError::NotFound)?;
    check_manages(tenant, &r.path())?;
    let u = user(db, tenant, user_id).await?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM role_assignments WHERE id = $1"
    )
    .bind(role_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "role-revoked")
            .at_path(&r.path())
            .subject(&u.email)
            .detail(&r.role),
    )
    .await?;
    tx.commit().await
}

/// Sets a new password (already hashed) and ends every session of the account.
pub async fn reset_password(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    user_id: &str,
    hash: &str,
) -> Result<(), StoreError> {
    let u = user(db, tenant, user_id).await?;
    let own = u.id == tenant.user_id;
    if !own {
        check_manages(tenant, &u.home())?;
    }
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE users SET password_hash = $1 WHERE id = $2"
    )
    .bind(hash)
    .bind(user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    let action = if own {
        "password-changed"
    } else {
        "password-reset"
    };
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, action)
            .at_path(&u.home())
            .subject(&u.email),
    )
    .await?;
    tx.commit().await
}

/// Deletes an account for real, with its roles, sessions and tokens. Nobody deletes themselves.
pub async fn delete_user(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    user_id: &str,
) -> Result<(), StoreError> {
    let u = user(db, tenant, user_id).await?;
    if u.id == tenant.user_id {
        return Err(StoreError::Conflict("error-delete-self"));
    }
    check_manages(tenant, &u.home())?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "user-deleted")
            .at_path(&u.home())
            .subject(&u.email),
    )
    .await?;
    tx.commit().await
}

pub async fn set_language(db: &Db, tenant: &Tenant, language: &str) -> Result<(), StoreError> {
    crate::write!(db, |c| sqlx::query(
        "UPDATE users SET language = $1 WHERE id = $2"
    )
    .bind(language)
    .bind(&tenant.user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

// ----- sessions -----

pub async fn create_session(
    db: &Db,
    token_hash: &str,
    user_id: &str,
    csrf: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    crate::write!(db, |c| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(now())
    .bind(expires_at)
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn end_session(db: &Db, token_hash: &str) -> Result<(), StoreError> {
    crate::write!(db, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2"
    )
    .bind(token_hash)
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

// ----- personal API tokens -----

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

pub async fn create_token(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    name: &str,
    token_hash: &str,
) -> Result<String, StoreError> {
    let id = new_id();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| {
        sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(&id)
    .bind(&tenant.user_id)
    .bind(name)
    .bind(token_hash)
    .bind(now())
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "token-created").subject(name),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn tokens(db: &Db, tenant: &Tenant) -> Result<Vec<ApiToken>, StoreError> {
    Ok(read!(db, |c| {
        sqlx::query_as(
        "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at"
    )
    .bind(&tenant.user_id)
    .fetch_all(c)
    .await
    })?)
}

pub async fn revoke_token(
    db: &Db,
    tenant: &Tenant,
    actor: &str,
    id: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let n = in_tx!(&mut tx, |c| sqlx::query(
        "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2"
    )
    .bind(id)
    .bind(&tenant.user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "token-revoked").subject(id),
    )
    .await?;
    tx.commit().await
}

/// The user a token belongs to. Updates last use at most once a minute, to spare the writer.
pub async fn token_user(db: &Db, token_hash: &str) -> Result<Option<String>, StoreError> {
    let row: Option<(String, String, Option<String>)> = read!(db, |c| sqlx::query_as(
        "SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await)?;
    let Some((id, user_id, last)) = row else {
        return Ok(None);
    };
    let now = now();
    if last.as_deref().is_none_or(|l| l[..16] != now[..16]) {
        crate::write!(db, |c| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2"
        )
        .bind(&now)
        .bind(&id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(Some(user_id))
}
