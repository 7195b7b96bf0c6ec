//! Every rule, in the order of the catalog (SPEC §6): reports, docs and tables follow it.

use super::{Rule, conn, grants, link, oms, schema, tenant};

pub static ALL: &[&Rule] = &[
    &conn::tenant::RULE,
    &oms::reachable::RULE,
    &tenant::mode::RULE,
    &tenant::version_supported::RULE,
    &tenant::version_pair::RULE,
    &tenant::charset::RULE,
    &tenant::lower_case::RULE,
    &tenant::time_zone::RULE,
    &tenant::sql_mode::RULE,
    &tenant::auto_increment::RULE,
    &grants::source_read::RULE,
    &grants::oceanbase_read::RULE,
    &grants::target_write::RULE,
    &grants::global_select::RULE,
    &grants::antiloop::RULE,
    &schema::primary_key::RULE,
    &schema::forward_complete::RULE,
    &link::ddl_single::RULE,
    &link::reverse_incremental_only::RULE,
    &link::mirrored::RULE,
    &oms::data_sources::RULE,
    &oms::forward_schema_done::RULE,
    &oms::forward_healthy::RULE,
    &oms::conflicts::RULE,
    &oms::reverse_absent::RULE,
    &oms::active_active::RULE,
];

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}
