//! The learning network's tree: networks → organisations → locations → wards.

use crate::audit::{self, Entry};
use crate::db::{Db, StoreError, new_id, now};
use crate::{in_tx, read};
use driehoek_domain::access::{NodePath, Tenant};
use serde::Serialize;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Network {
    pub id: String,
    pub name: String,
    pub description: String,
    pub min_group_size: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Organisation {
    pub id: String,
    pub network_id: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Location {
    pub id: String,
    pub organisation_id: String,
    pub network_id: String,
    pub name: String,
    pub city: String,
    pub created_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Ward {
    pub id: String,
    pub location_id: String,
    pub organisation_id: String,
    pub network_id: String,
    pub name: String,
    pub created_at: String,
}

impl Network {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.id.clone(),
            ..NodePath::default()
        }
    }
}
impl Organisation {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: Some(self.id.clone()),
            ..NodePath::default()
        }
    }
}
impl Location {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: Some(self.organisation_id.clone()),
            location: Some(self.id.clone()),
            ward: None,
        }
    }
}
impl Ward {
    pub fn path(&self) -> NodePath {
        NodePath {
            network: self.network_id.clone(),
            organisation: Some(self.organisation_id.clone()),
            location: Some(self.location_id.clone()),
            ward: Some(self.id.clone()),
        }
    }
}

#[allow(unused_macros)]
macro_rules! NETWORK_SQL {
    () => {
        "SELECT id, name, description, min_group_size, created_at FROM networks"
    };
}
#[allow(unused_macros)]
macro_rules! ORGANISATION_SQL {
    () => {
        "SELECT id, network_id, name, created_at FROM organisations"
    };
}
#[allow(unused_macros)]
macro_rules! LOCATION_SQL {
    () => {
        "SELECT l.id, l.organisation_id, o.network_id, l.name, l.city, l.created_at
    FROM locations l JOIN organisations o ON o.id = l.organisation_id"
    };
}
#[allow(unused_macros)]
macro_rules! WARD_SQL { () => { "SELECT w.id, w.location_id, l.organisation_id, o.network_id, w.name, w.created_at
    FROM wards w JOIN locations l ON l.id = w.location_id JOIN organisations o ON o.id = l.organisation_id" }; }

/// Keeps what the tenant sees; the single place where lists are scoped.
fn visible<T>(tenant: &Tenant, rows: Vec<T>, path: impl Fn(&T) -> NodePath) -> Vec<T> {
    rows.into_iter().filter(|r| tenant.sees(&path(r))).collect()
}

fn seen<T>(
    tenant: &Tenant,
    row: Option<T>,
    path: impl Fn(&T) -> NodePath,
) -> Result<T, StoreError> {
    row.filter(|r| tenant.sees(&path(r)))
        .ok_or(StoreError::NotFound)
}

/// Fails with NotFound when the node is invisible, Forbidden when visible but not managed.
pub fn check_manages(tenant: &Tenant, path: &NodePath) -> Result<(), StoreError> {
    if !tenant.sees(path) {
        Err(StoreError::NotFound)
    } else if !tenant.manages(path) {
        Err(StoreError::Forbidden)
    } else {
        Ok(())
    }
}

pub async fn networks(db: &Db, tenant: &Tenant) -> Result<Vec<Network>, StoreError> {
    let sql =
        "SELECT id, name, description, min_group_size, created_at FROM networks ORDER BY name";
    let rows: Vec<Network> = read!(db, |c| sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(visible(tenant, rows, Network::path))
}

pub async fn network(db: &Db, tenant: &Tenant, id: &str) -> Result<Network, StoreError> {
    let sql = concat!(NETWORK_SQL!(), " WHERE id = $1");
    let row = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    seen(tenant, row, Network::path)
}

pub async fn organisations(
    db: &Db,
    tenant: &Tenant,
    network_id: &str,
) -> Result<Vec<Organisation>, StoreError> {
    network(db, tenant, network_id).await?;
    let sql = concat!(ORGANISATION_SQL!(), " WHERE network_id = $1 ORDER BY name");
    let rows = read!(db, |c| sqlx::query_as(sql)
        .bind(network_id)
        .fetch_all(c)
        .await)?;
    Ok(visible(tenant, rows, Organisation::path))
}

pub async fn organisation(db: &Db, tenant: &Tenant, id: &str) -> Result<Organisation, StoreError> {
    let sql = concat!(ORGANISATION_SQL!(), " WHERE id = $1");
    let row = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    seen(tenant, row, Organisation::path)
}

pub async fn locations(
    db: &Db,
    tenant: &Tenant,
    organisation_id: &str,
) -> Result<Vec<Location>, StoreError> {
    organisation(db, tenant, organisation_id).await?;
    let sql = concat!(
        LOCATION_SQL!(),
        " WHERE l.organisation_id = $1 ORDER BY l.name"
    );
    let rows = read!(db, |c| sqlx::query_as(sql)
        .bind(organisation_id)
        .fetch_all(c)
        .await)?;
    Ok(visible(tenant, rows, Location::path))
}

pub async fn location(db: &Db, tenant: &Tenant, id: &str) -> Result<Location, StoreError> {
    let sql = concat!(LOCATION_SQL!(), " WHERE l.id = $1");
    let row = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    seen(tenant, row, Location::path)
}

pub async fn wards(db: &Db, tenant: &Tenant, location_id: &str) -> Result<Vec<Ward>, StoreError> {
    location(db, tenant, location_id).await?;
    let sql = concat!(WARD_SQL!(), " WHERE w.location_id = $1 ORDER BY w.name");
    let rows = read!(db, |c| sqlx::query_as(sql)
        .bind(location_id)
        .fetch_all(c)
        .await)?;
    Ok(visible(tenant, rows, Ward::path))
}

/// All wards of an organisation the tenant sees (for pickers and overviews).
pub async fn wards_of_organisation(
    db: &Db,
    tenant: &Tenant,
    organisation_id: &str,
) -> Result<Vec<Ward>, StoreError> {
    organisation(db, tenant, organisation_id).await?;
    let sql = concat!(
        WARD_SQL!(),
        " WHERE l.organisation_id = $1 ORDER BY l.name, w.name"
    );
    let rows = read!(db, |c| sqlx::query_as(sql)
        .bind(organisation_id)
        .fetch_all(c)
        .await)?;
    Ok(visible(tenant, rows, Ward::path))
}

pub async fn ward(db: &Db, tenant: &Tenant, id: &str) -> Result<Ward, StoreError> {
    let sql = concat!(WARD_SQL!(), " WHERE w.id = $1");
    let row = read!(db, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    seen(tenant, row, Ward::path)
}

/// What may change about a network.
pub struct NetworkChange {
    pub name: String,
    pub description: String,
    pub min_group_size: i64,
}

pub async fn update_network(
    db: &Db,
    tenant: &Tenant,
    id: &str,
    ch: NetworkChange,
    actor: &str,
) -> Result<(), StoreError> {
    let n = network(db, tenant, id).await?;
    check_manages(tenant, &n.path())?;
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "UPDATE networks SET name = $1, description = $2, min_group_size = $3 WHERE id = $4"
    )
    .bind(&ch.name)
    .bind(&ch.description)
    .bind(ch.min_group_size)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::from(e).unique_as("conflict-network-name"))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "network-changed")
            .network(id)
            .subject(&ch.name),
    )
    .await?;
    tx.commit().await
}

/// Creates a network and returns its id. Only the admin command line and the demo do this.
pub async fn create_network(db: &Db, name: &str, description: &str) -> Result<String, StoreError> {
    let id = new_id();
    write_one(
        db,
        "INSERT INTO networks (id, name, description, min_group_size, created_at) VALUES ($1, $2, $3, 5, $4)",
        &[&id, name, description, &now()],
        "conflict-network-name",
    )
    .await?;
    Ok(id)
}

/// Runs one INSERT/UPDATE of text parameters, mapping a uniqueness violation to `conflict`.
async fn write_one(
    db: &Db,
    sql: &'static str,
    params: &[&str],
    conflict: &'static str,
) -> Result<(), StoreError> {
    crate::write!(db, |c| {
        let mut q = sqlx::query(sql);
        for p in params {
            q = q.bind(*p);
        }
        q.execute(c).await.map(|_| ())
    })
    .map_err(|e| StoreError::from(e).unique_as(conflict))
}

pub async fn create_organisation(
    db: &Db,
    tenant: &Tenant,
    network_id: &str,
    name: &str,
    actor: &str,
) -> Result<String, StoreError> {
    let n = network(db, tenant, network_id).await?;
    check_manages(tenant, &n.path())?;
    let id = new_id();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO organisations (id, network_id, name, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(&id)
    .bind(network_id)
    .bind(name)
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::from(e).unique_as("conflict-organisation-name"))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "organisation-created")
            .network(network_id)
            .organisation(&id)
            .subject(name),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn create_location(
    db: &Db,
    tenant: &Tenant,
    organisation_id: &str,
    name: &str,
    city: &str,
    actor: &str,
) -> Result<String, StoreError> {
    let o = organisation(db, tenant, organisation_id).await?;
    check_manages(tenant, &o.path())?;
    let id = new_id();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query("INSERT INTO locations (id, organisation_id, name, city, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id).bind(organisation_id).bind(name).bind(city).bind(now()).execute(c).await.map(|r| r.rows_affected()))
        .map_err(|e| StoreError::from(e).unique_as("conflict-location-name"))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "location-created")
            .network(&o.network_id)
            .organisation(&o.id)
            .subject(name),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn create_ward(
    db: &Db,
    tenant: &Tenant,
    location_id: &str,
    name: &str,
    actor: &str,
) -> Result<String, StoreError> {
    let l = location(db, tenant, location_id).await?;
    check_manages(tenant, &l.path())?;
    let id = new_id();
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(
        "INSERT INTO wards (id, location_id, name, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(&id)
    .bind(location_id)
    .bind(name)
    .bind(now())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::from(e).unique_as("conflict-ward-name"))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, "ward-created")
            .network(&l.network_id)
            .organisation(&l.organisation_id)
            .subject(name),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Which kind of node a rename or delete concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Organisation,
    Location,
    Ward,
}

async fn node_path(
    db: &Db,
    tenant: &Tenant,
    kind: NodeKind,
    id: &str,
) -> Result<NodePath, StoreError> {
    Ok(match kind {
        NodeKind::Organisation => organisation(db, tenant, id).await?.path(),
        NodeKind::Location => location(db, tenant, id).await?.path(),
        NodeKind::Ward => ward(db, tenant, id).await?.path(),
    })
}

pub async fn rename(
    db: &Db,
    tenant: &Tenant,
    kind: NodeKind,
    id: &str,
    name: &str,
    actor: &str,
) -> Result<(), StoreError> {
    let path = node_path(db, tenant, kind, id).await?;
    check_manages(tenant, &path)?;
    let (sql, conflict, action) = match kind {
        NodeKind::Organisation => (
            "UPDATE organisations SET name = $1 WHERE id = $2",
            "conflict-organisation-name",
            "organisation-renamed",
        ),
        NodeKind::Location => (
            "UPDATE locations SET name = $1 WHERE id = $2",
            "conflict-location-name",
            "location-renamed",
        ),
        NodeKind::Ward => (
            "UPDATE wards SET name = $1 WHERE id = $2",
            "conflict-ward-name",
            "ward-renamed",
        ),
    };
    let mut tx = db.begin().await?;
    in_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(name)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::from(e).unique_as(conflict))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, action)
            .at_path(&path)
            .subject(name),
    )
    .await?;
    tx.commit().await
}

/// Deletes a node for real. Refused while anything still hangs under it (the message key says
/// what), so nothing is deleted by surprise; roles granted on the node go with it.
pub async fn delete(
    db: &Db,
    tenant: &Tenant,
    kind: NodeKind,
    id: &str,
    actor: &str,
) -> Result<(), StoreError> {
    let path = node_path(db, tenant, kind, id).await?;
    check_manages(tenant, &path)?;
    let (blockers, role_col, table, action): (&[(&'static str, &'static str)], &str, &str, &str) =
        match kind {
            NodeKind::Organisation => (
                &[
                    (
                        "SELECT COUNT(*) FROM locations WHERE organisation_id = $1",
                        "delete-blocked-children",
                    ),
                    (
                        "SELECT COUNT(*) FROM rounds WHERE organisation_id = $1",
                        "delete-blocked-rounds",
                    ),
                    (
                        "SELECT COUNT(*) FROM users WHERE organisation_id = $1",
                        "delete-blocked-users",
                    ),
                ],
                "organisation_id",
                "organisations",
                "organisation-deleted",
            ),
            NodeKind::Location => (
                &[(
                    "SELECT COUNT(*) FROM wards WHERE location_id = $1",
                    "delete-blocked-children",
                )],
                "location_id",
                "locations",
                "location-deleted",
            ),
            NodeKind::Ward => (
                &[(
                    "SELECT COUNT(*) FROM triads WHERE ward_id = $1",
                    "delete-blocked-rounds",
                )],
                "ward_id",
                "wards",
                "ward-deleted",
            ),
        };
    let mut tx = db.begin().await?;
    for (sql, key) in blockers {
        let n: i64 = in_tx!(&mut tx, |c| sqlx::query_scalar(*sql)
            .bind(id)
            .fetch_one(c)
            .await)?;
        if n > 0 {
            return Err(StoreError::Conflict(key));
        }
    }
    let del_roles = sqlx::AssertSqlSafe(format!(
        "DELETE FROM role_assignments WHERE {role_col} = $1"
    ));
    in_tx!(&mut tx, |c| sqlx::query(del_roles)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    let del = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE id = $1"));
    in_tx!(&mut tx, |c| sqlx::query(del)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    audit::record_tx(
        &mut tx,
        Entry::by(tenant, actor, action).at_path(&path).subject(id),
    )
    .await?;
    tx.commit().await
}

/// Everything about a node that pages show as breadcrumbs: names of the node and its ancestors.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Crumbs {
    pub network: Option<(String, String)>,
    pub organisation: Option<(String, String)>,
    pub location: Option<(String, String)>,
}

pub async fn crumbs(db: &Db, tenant: &Tenant, path: &NodePath) -> Result<Crumbs, StoreError> {
    let mut c = Crumbs::default();
    let n = network(db, tenant, &path.network).await?;
    c.network = Some((n.id, n.name));
    if let Some(o) = &path.organisation {
        let o = organisation(db, tenant, o).await?;
        c.organisation = Some((o.id, o.name));
    }
    if let (Some(l), Some(_)) = (&path.location, &path.ward) {
        let l = location(db, tenant, l).await?;
        c.location = Some((l.id, l.name));
    }
    Ok(c)
}

/// The id of the network with this exact name, for the admin command line.
pub async fn network_id_by_name(db: &Db, name: &str) -> Result<Option<String>, StoreError> {
    Ok(read!(db, |c| sqlx::query_scalar(
        "SELECT id FROM networks WHERE name = $1"
    )
    .bind(name)
    .fetch_optional(c)
    .await)?)
}
