//! `schema`: the in-scope objects on each tenant are fit for two-way sync.

pub mod case_collision;
pub mod case_mapping;
pub mod drift;
pub mod foreign_keys;
pub mod forward_complete;
pub mod hidden_column;
pub mod lob_size;
pub mod names;
pub mod partitions;
pub mod primary_key;
pub mod scope_exists;
pub mod target_databases;
pub mod target_empty;
pub mod triggers;
pub mod unsupported;

use crate::facts::{Privilege, Tenant};
use crate::plan::LinkPlan;
use crate::rules::scope::lacks;
use crate::rules::{Ctx, NotEvaluated, Text};
use crate::text;

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
    let mut described: Vec<Text> = Vec::new();
    for tenant in Tenant::BOTH {
        for name in unlisted(cx, tenant, &cx.plan.links())? {
            let line = cannot_list(cx, tenant, &name);
            if !described.contains(&line) {
                described.push(line);
            }
        }
    }
    match described.is_empty() {
        true => Ok(()),
        false => Err(NotEvaluated::Inconclusive(Text::join(
            &described, "; ", "；",
        ))),
    }
}

/// The objects of `links`' scope on `tenant` whose tables information_schema cannot list to
/// the migration user: it holds no privilege at all on them.
pub fn unlisted(
    cx: &Ctx<'_>,
    tenant: Tenant,
    links: &[&LinkPlan],
) -> Result<Vec<String>, NotEvaluated> {
    let grants = cx.tenant(tenant).grants()?;
    let mut names = Vec::new();
    for lack in lacks(grants, links.iter().copied(), |_| {
        LISTING_PRIVILEGES.to_vec()
    }) {
        let held_none = lack.missing.len() == LISTING_PRIVILEGES.len();
        if held_none && !names.contains(&lack.object.name()) {
            names.push(lack.object.name());
        }
    }
    Ok(names)
}

/// Why the tables of `name` on `tenant` cannot be listed.
pub fn cannot_list(cx: &Ctx<'_>, tenant: Tenant, name: &str) -> Text {
    let user = cx.tenant(tenant).user();
    text!(
        "tenant {tenant}: {user} holds no privilege on {name}, so its tables cannot be listed",
        "租户 {tenant}：{user} 在 {name} 上没有任何权限，因此无法列出其中的表"
    )
}

/// Names as a list: `a, b` in English, `a、b` in Chinese.
pub fn name_list<S: AsRef<str>>(names: &[S]) -> Text {
    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
    Text::new(names.join(", "), names.join("、"))
}
