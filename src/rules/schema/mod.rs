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

use crate::facts::{Privilege, Tenant};
use crate::rules::scope::lacks;
use crate::rules::{Ctx, NotEvaluated};

/// Any of these on a database lets information_schema list its tables to the user.
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

/// Inconclusive when the migration user of a tenant holds no privilege at all on an in-scope
/// object: its tables cannot be listed, so "no table there" would be a guess.
pub fn require_visible_scope(cx: &Ctx<'_>) -> Result<(), NotEvaluated> {
    let mut blind: Vec<(Tenant, String)> = Vec::new();
    for tenant in Tenant::BOTH {
        let grants = cx.tenant(tenant).grants()?;
        for lack in lacks(grants, cx.plan.links(), |_| LISTING_PRIVILEGES.to_vec()) {
            let name = lack.object.name();
            let held_none = lack.missing.len() == LISTING_PRIVILEGES.len();
            if held_none && !blind.iter().any(|(t, n)| *t == tenant && *n == name) {
                blind.push((tenant, name));
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
                cx.tenant(*tenant).user()
            )
        })
        .collect();
    Err(NotEvaluated::Inconclusive(described.join("; ")))
}
