//! Every rule, in the order of the catalog (SPEC §6): reports, docs and tables follow it.

use super::{Rule, conn, grants, link, schema, tenant};

pub static ALL: &[&Rule] = &[
    &conn::tenant::RULE,
    &tenant::mode::RULE,
    &tenant::version_supported::RULE,
    &tenant::version_pair::RULE,
    &grants::source_read::RULE,
    &grants::target_write::RULE,
    &schema::primary_key::RULE,
    &schema::forward_complete::RULE,
    &link::ddl_single::RULE,
    &link::reverse_incremental_only::RULE,
];

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}
