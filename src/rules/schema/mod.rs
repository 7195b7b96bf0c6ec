//! `schema`: the in-scope objects on each tenant are fit for two-way sync.

pub mod case_collision;
pub mod forward_complete;
pub mod hidden_column;
pub mod names;
pub mod primary_key;
pub mod target_databases;
pub mod target_empty;
pub mod triggers;
pub mod unsupported;

use crate::facts::{Privilege, Table, Tenant, TenantFacts};
use crate::plan::Plan;
use crate::rules::grants::Object;
use crate::rules::{Ctx, NotEvaluated};

/// Privileges on a table that make OceanBase list it in information_schema for the holder.
const LISTING_PRIVILEGES: &[Privilege] = &[
    Privilege::Select,
    Privilege::Insert,
    Privilege::Update,
    Privilege::Delete,
    Privilege::Create,
    Privilege::Drop,
    Privilege::Alter,
    Privilege::Index,
    Privilege::CreateView,
    Privilege::ShowView,
    Privilege::References,
    Privilege::Trigger,
];

/// OceanBase lists in information_schema only the tables a user holds a privilege on, so a
/// table the migration user cannot see looks exactly like a table that does not exist. Where
/// the user holds no table privilege on part of the scope, schema rules cannot tell, and say
/// so. (Needs the tenants' grants.)
pub fn require_visible_scope(cx: &Ctx<'_>) -> Result<(), NotEvaluated> {
    let mut blind = Vec::new();
    for tenant in Tenant::BOTH {
        let facts = cx.tenant(tenant);
        let grants = facts.grants.observed().expect("needed");
        for link in cx.plan.links() {
            for object in Object::scope(link) {
                let name = object.name();
                let held =
                    LISTING_PRIVILEGES.len() - object.missing(grants, LISTING_PRIVILEGES).len();
                if held == 0
                    && !blind
                        .iter()
                        .any(|(t, n): &(Tenant, String)| *t == tenant && *n == name)
                {
                    blind.push((tenant, name));
                }
            }
        }
    }
    if blind.is_empty() {
        return Ok(());
    }
    let described: Vec<String> = blind
        .iter()
        .map(|(tenant, name)| {
            format!(
                "tenant {tenant}: {} holds no privilege on {name}, so its tables cannot be listed",
                cx.tenant(*tenant).user
            )
        })
        .collect();
    Err(NotEvaluated::Inconclusive(described.join("; ")))
}

/// Every collected table of `tenant` that either link of `plan` covers, as
/// `(database, table, facts)`, in name order. Needs the tenant's tables.
pub fn in_scope_tables<'f>(
    plan: &'f Plan,
    tenant: &'f TenantFacts,
) -> impl Iterator<Item = (&'f str, &'f str, &'f Table)> {
    tenant
        .tables
        .observed()
        .into_iter()
        .flatten()
        .flat_map(|(database, tables)| {
            tables
                .iter()
                .map(move |(name, table)| (database.as_str(), name.as_str(), table))
        })
        .filter(|(database, name, _)| plan.links().iter().any(|link| link.covers(database, name)))
}
