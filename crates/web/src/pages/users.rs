//! Managing accounts and roles (coordinators for their network, quality officers for their
//! organisation).

use super::{Layout, render, see_other};
use crate::AppState;
use crate::auth::{self, Me};
use crate::error::AppError;
use crate::input::{Check, Input};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use driehoek_domain::access::{NodePath, Role, Tenant};
use driehoek_domain::validate::{self, Problem};
use driehoek_storage::accounts::{self, NewUser, RoleRow, User};
use driehoek_storage::structure as st;
use driehoek_storage::{Db, StoreError};

/// A node someone may be given a role on, for pick lists: (value, label).
pub struct NodeOption {
    pub value: String,
    pub label: String,
}

/// Every node the tenant manages, indented by level, as `kind:id` values.
pub async fn managed_nodes(
    db: &Db,
    tenant: &Tenant,
    tr: &crate::i18n::Tr,
) -> Result<Vec<NodeOption>, StoreError> {
    let mut out = Vec::new();
    for n in st::networks(db, tenant).await? {
        if tenant.manages(&n.path()) {
            out.push(NodeOption {
                value: format!("n:{}", n.id),
                label: format!("{} ({})", n.name, tr.t("kind-network")),
            });
        }
        for o in st::organisations(db, tenant, &n.id).await? {
            if !tenant.manages(&o.path()) {
                continue;
            }
            out.push(NodeOption {
                value: format!("o:{}", o.id),
                label: format!("— {} ({})", o.name, tr.t("kind-organisation")),
            });
            for l in st::locations(db, tenant, &o.id).await? {
                out.push(NodeOption {
                    value: format!("l:{}", l.id),
                    label: format!("—— {} ({})", l.name, tr.t("kind-location")),
                });
                for w in st::wards(db, tenant, &l.id).await? {
                    out.push(NodeOption {
                        value: format!("w:{}", w.id),
                        label: format!("——— {} ({})", w.name, tr.t("kind-ward")),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Turns a `kind:id` value into the node's path, through the tenant's eyes.
pub async fn resolve_node(db: &Db, tenant: &Tenant, value: &str) -> Result<NodePath, AppError> {
    let bad = || AppError::Invalid(vec![Problem::new("node", "error-node")]);
    let (kind, id) = value.split_once(':').ok_or_else(bad)?;
    let found = match kind {
        "n" => st::network(db, tenant, id).await.map(|n| n.path()),
        "o" => st::organisation(db, tenant, id).await.map(|o| o.path()),
        "l" => st::location(db, tenant, id).await.map(|l| l.path()),
        "w" => st::ward(db, tenant, id).await.map(|w| w.path()),
        _ => return Err(bad()),
    };
    found.map_err(|e| match e {
        StoreError::NotFound => bad(),
        other => other.into(),
    })
}

/// Checks the `role` and `node` fields together: both must exist and fit each other.
async fn check_role_node(
    c: &mut Check,
    db: &Db,
    tenant: &Tenant,
    input: &Input,
) -> Result<(Option<Role>, Option<NodePath>), AppError> {
    let role = c.field(parse_role(input.get("role")));
    let node = match resolve_node(db, tenant, input.get("node")).await {
        Ok(n) => Some(n),
        Err(AppError::Invalid(ps)) => {
            for p in ps {
                c.fail(p);
            }
            None
        }
        Err(e) => return Err(e),
    };
    if let (Some(r), Some(n)) = (role, &node)
        && !accounts::role_fits(r, n)
    {
        c.fail(Problem::new("role", "error-role-level"));
    }
    Ok((role, node))
}

pub fn parse_role(raw: &str) -> Result<Role, Problem> {
    Role::parse(raw).ok_or(Problem::new("role", "error-role"))
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<(User, Vec<RoleRow>)>,
    nodes: Vec<NodeOption>,
    roles: Vec<Role>,
}

pub async fn list(State(app): State<AppState>, me: Me) -> Result<Response, AppError> {
    let layout = Layout::new(&me.1);
    let nodes = managed_nodes(&app.db, me.tenant(), &layout.tr).await?;
    if nodes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let users = accounts::users(&app.db, me.tenant()).await?;
    render(&UsersPage {
        layout,
        users,
        nodes,
        roles: Role::ALL.to_vec(),
    })
}

/// The checked fields of a new account (shared with the API).
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub node: NodePath,
}

pub async fn new_account(db: &Db, tenant: &Tenant, input: &Input) -> Result<NewAccount, AppError> {
    let mut c = Check::default();
    let email = c.field(validate::email("email", input.get("email")));
    let display_name = c.field(validate::name("display_name", input.get("display_name")));
    let password = c.field(validate::new_password("password", input.get("password")));
    let (role, node) = check_role_node(&mut c, db, tenant, input).await?;
    c.done()?;
    Ok(NewAccount {
        email: email.unwrap_or_default(),
        display_name: display_name.unwrap_or_default(),
        password: password.unwrap_or_default(),
        role: role.unwrap_or(Role::CareWorker),
        node: node.unwrap_or_default(),
    })
}

/// Creates the account; its home is the organisation of the node (or the network).
pub async fn create_account(app: &AppState, me: &Me, a: NewAccount) -> Result<String, AppError> {
    let home = NodePath {
        network: a.node.network.clone(),
        organisation: a.node.organisation.clone(),
        ..NodePath::default()
    };
    let hash = auth::hash_password(a.password).await?;
    let u = NewUser {
        email: a.email,
        display_name: a.display_name,
        password_hash: hash,
        language: None,
        home,
    };
    Ok(accounts::create_user(&app.db, me.tenant(), me.email(), u, a.role, &a.node).await?)
}

pub async fn create(
    State(app): State<AppState>,
    me: Me,
    input: Input,
) -> Result<Response, AppError> {
    let a = new_account(&app.db, me.tenant(), &input).await?;
    let id = create_account(&app, &me, a).await?;
    Ok(see_other(&format!("/users/{id}")))
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    layout: Layout,
    user: User,
    roles: Vec<(RoleRow, String)>,
    nodes: Vec<NodeOption>,
    all_roles: Vec<Role>,
    is_me: bool,
}

pub async fn show(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = accounts::user(&app.db, me.tenant(), &id).await?;
    let layout = Layout::new(&me.1);
    let nodes = managed_nodes(&app.db, me.tenant(), &layout.tr).await?;
    let mut roles = Vec::new();
    for r in accounts::roles_of(&app.db, me.tenant(), &id).await? {
        let label = node_label(&app.db, me.tenant(), &r.path()).await;
        roles.push((r, label));
    }
    let is_me = user.id == me.tenant().user_id;
    render(&UserPage {
        layout,
        user,
        roles,
        nodes,
        all_roles: Role::ALL.to_vec(),
        is_me,
    })
}

/// The name of the node a role is on, as far as the viewer may see it.
async fn node_label(db: &Db, tenant: &Tenant, p: &NodePath) -> String {
    let name = match (&p.ward, &p.location, &p.organisation) {
        (Some(w), _, _) => st::ward(db, tenant, w).await.map(|w| w.name),
        (None, Some(l), _) => st::location(db, tenant, l).await.map(|l| l.name),
        (None, None, Some(o)) => st::organisation(db, tenant, o).await.map(|o| o.name),
        _ => st::network(db, tenant, &p.network).await.map(|n| n.name),
    };
    name.unwrap_or_else(|_| "—".to_string())
}

pub async fn grant_role(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    accounts::user(&app.db, me.tenant(), &id).await?;
    let (role, node) = role_input(&app.db, me.tenant(), &input).await?;
    accounts::grant_role(&app.db, me.tenant(), me.email(), &id, role, &node).await?;
    Ok(see_other(&format!("/users/{id}")))
}

pub async fn role_input(
    db: &Db,
    tenant: &Tenant,
    input: &Input,
) -> Result<(Role, NodePath), AppError> {
    let mut c = Check::default();
    let (role, node) = check_role_node(&mut c, db, tenant, input).await?;
    c.done()?;
    Ok((role.unwrap_or(Role::CareWorker), node.unwrap_or_default()))
}

pub async fn revoke_role(
    State(app): State<AppState>,
    me: Me,
    Path((id, role)): Path<(String, String)>,
) -> Result<Response, AppError> {
    accounts::revoke_role(&app.db, me.tenant(), me.email(), &id, &role).await?;
    Ok(see_other(&format!("/users/{id}")))
}

pub async fn reset_password(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
    input: Input,
) -> Result<Response, AppError> {
    accounts::user(&app.db, me.tenant(), &id).await?;
    let pw = validate::new_password("password", input.get("password"))?;
    let hash = auth::hash_password(pw).await?;
    accounts::reset_password(&app.db, me.tenant(), me.email(), &id, &hash).await?;
    Ok(see_other(&format!("/users/{id}")))
}

pub async fn delete(
    State(app): State<AppState>,
    me: Me,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    accounts::delete_user(&app.db, me.tenant(), me.email(), &id).await?;
    Ok(see_other("/users"))
}
