//! `schema`: the in-scope objects on each tenant are fit for two-way sync.

pub mod forward_complete;
pub mod primary_key;

use crate::facts::{Table, TenantFacts};
use crate::plan::Plan;

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
