//! What a link covers on each tenant, shared by the grants, schema and OMS rules: the scope
//! objects a link names, the in-scope tables a tenant holds, and the privileges a migration
//! user lacks on them.

use super::{Missing, TenantCtx, Text, quote_identifier};
use crate::facts::{Fact, Grants, Privilege, Table, grants::join};
use crate::plan::{LinkPlan, Plan};
use crate::text;

/// One object of a link's scope: a whole database, or a table outside the listed databases.
pub enum Object<'a> {
    Database(&'a str),
    Table(&'a str, &'a str),
}

impl Object<'_> {
    /// The objects `link` selects: its databases, then its tables not inside one of them.
    pub fn scope(link: &LinkPlan) -> Vec<Object<'_>> {
        let mut objects: Vec<Object<'_>> =
            link.databases.iter().map(|d| Object::Database(d)).collect();
        objects.extend(
            link.tables
                .iter()
                .filter(|t| {
                    !link
                        .databases
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(&t.database))
                })
                .map(|t| Object::Table(&t.database, &t.table)),
        );
        objects
    }

    pub fn name(&self) -> String {
        match self {
            Object::Database(database) => database.to_string(),
            Object::Table(database, table) => format!("{database}.{table}"),
        }
    }

    pub fn grant_target(&self) -> String {
        match self {
            Object::Database(database) => format!("{}.*", quote_identifier(database)),
            Object::Table(database, table) => {
                format!("{}.{}", quote_identifier(database), quote_identifier(table))
            }
        }
    }

    /// The privileges of `required` that `grants` do not give on this object.
    pub fn missing(&self, grants: &Grants, required: &[Privilege]) -> Vec<Privilege> {
        required
            .iter()
            .filter(|privilege| match self {
                Object::Database(database) => !grants.holds_on_database(privilege, database),
                Object::Table(database, table) => {
                    !grants.holds_on_table(privilege, database, table)
                }
            })
            .cloned()
            .collect()
    }
}

/// A scope object of `link` on which the migration user lacks privileges.
pub struct Lack<'p> {
    pub link: &'p LinkPlan,
    pub object: Object<'p>,
    pub missing: Vec<Privilege>,
}

/// For each of `links` and each object of its scope, the privileges of `required(link)` that
/// `grants` lack on it; objects that lack nothing are left out.
pub fn lacks<'p>(
    grants: &Grants,
    links: impl IntoIterator<Item = &'p LinkPlan>,
    required: impl Fn(&LinkPlan) -> Vec<Privilege>,
) -> Vec<Lack<'p>> {
    let mut lacks = Vec::new();
    for link in links {
        let required = required(link);
        for object in Object::scope(link) {
            let missing = object.missing(grants, &required);
            if !missing.is_empty() {
                lacks.push(Lack {
                    link,
                    object,
                    missing,
                });
            }
        }
    }
    lacks
}

/// "oms_a lacks SELECT on `app`.*", noting the granted roles whose privileges were not counted.
pub fn lacks_message(
    tenant: &TenantCtx<'_, '_>,
    grants: &Grants,
    missing: &[Privilege],
    object: &Object<'_>,
) -> Text {
    let (user, privileges, target) = (tenant.user(), join(missing), object.grant_target());
    let message = text!(
        "{user} lacks {privileges} on {target}",
        "{user} 缺少 {target} 上的 {privileges} 权限"
    );
    match roles_not_counted(tenant, grants) {
        Some(note) => {
            text!("{message} ({note})", "{message}（{note}）"; message = message, note = note)
        }
        None => message,
    }
}

/// Which granted roles the privileges above leave out, and why; `None` when every granted role
/// was counted (default roles, whose privileges every OMS session has).
fn roles_not_counted(tenant: &TenantCtx<'_, '_>, grants: &Grants) -> Option<Text> {
    if grants.roles.is_empty() {
        return None;
    }
    let granted = grants.roles.join(", ");
    match &grants.role_privileges {
        Some(Fact::Observed(roles)) if roles.inactive.is_empty() => None,
        Some(Fact::Observed(roles)) => {
            let names = roles.inactive.join(", ");
            let (roles_are, not_default, them, their) = match roles.inactive.len() {
                1 => (
                    format!("role {names} is"),
                    "not a default role",
                    "it",
                    "its",
                ),
                _ => (
                    format!("roles {names} are"),
                    "not default roles",
                    "them",
                    "their",
                ),
            };
            let (account, zh_names) = (tenant.account(), roles.inactive.join("、"));
            Some(text!(
                "{roles_are} granted but {not_default}: OMS's sessions do not activate {them}, so {their} privileges were not counted; `SET DEFAULT ROLE ALL TO {account}` would make them count",
                "已授予角色 {zh_names}，但不是默认角色：OMS 的会话不会激活它们，因此其权限未计入；执行 `SET DEFAULT ROLE ALL TO {account}` 后即可计入"
            ))
        }
        Some(Fact::Unavailable { reason }) => {
            let zh_granted = grants.roles.join("、");
            Some(text!(
                "roles {granted} are granted too; their privileges could not be read ({reason}), so they were not counted",
                "还授予了角色 {zh_granted}；其权限无法读取（{reason}），因此未计入";
                reason = reason
            ))
        }
        None => {
            let zh_granted = grants.roles.join("、");
            Some(text!(
                "roles {granted} are granted too; their privileges were not read, so they were not counted",
                "还授予了角色 {zh_granted}；其权限未读取，因此未计入"
            ))
        }
    }
}

/// The GRANT that gives `missing` on `object` to the tenant's migration user.
pub fn grant_statement(
    tenant: &TenantCtx<'_, '_>,
    missing: &[Privilege],
    object: &Object<'_>,
) -> String {
    grant_to(&tenant.account(), missing, &object.grant_target())
}

/// The GRANT that gives `privileges` on `target` (`*.*`, `` `app`.* ``) to `account`
/// (`'user'@'host'`, quoted).
pub fn grant_to(account: &str, privileges: &[Privilege], target: &str) -> String {
    format!("GRANT {} ON {target} TO {account};", join(privileges))
}

/// The tables of `tenant` that a link of `plan` covers, as `(database, name, table)`.
pub fn in_scope_tables<'f>(
    plan: &'f Plan,
    tenant: &TenantCtx<'_, 'f>,
) -> Result<impl Iterator<Item = (&'f str, &'f str, &'f Table)>, Missing> {
    Ok(tenant
        .tables()?
        .iter()
        .flat_map(|(database, tables)| {
            tables
                .iter()
                .map(move |(name, table)| (database.as_str(), name.as_str(), table))
        })
        .filter(|(database, name, _)| plan.links().iter().any(|link| link.covers(database, name))))
}
