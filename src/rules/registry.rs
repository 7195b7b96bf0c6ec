//! Every rule, in the order of the catalog (rules/README.md): by area in `Area::ALL`'s order,
//! then as listed. Reports, docs and tables follow it; tests/catalog.rs holds it to that order.

use super::{Rule, conn, grants, link, oms, plan, schema, tenant};
use crate::plan::waiver_file::RuleCatalog;

pub static ALL: &[&Rule] = &[
    &conn::tenant::RULE,
    &conn::same_tenant::RULE,
    &tenant::mode::RULE,
    &tenant::version_supported::RULE,
    &tenant::version_pair::RULE,
    &tenant::charset::RULE,
    &tenant::lower_case::RULE,
    &tenant::time_zone::RULE,
    &tenant::sql_mode::RULE,
    &tenant::auto_increment::RULE,
    &tenant::log_window::RULE,
    &tenant::role::RULE,
    &tenant::max_allowed_packet::RULE,
    &tenant::clock_skew::RULE,
    &grants::source_read::RULE,
    &grants::oceanbase_read::RULE,
    &grants::target_write::RULE,
    &grants::global_select::RULE,
    &grants::antiloop::RULE,
    &grants::drc_user::RULE,
    &schema::primary_key::RULE,
    &schema::scope_exists::RULE,
    &schema::target_databases::RULE,
    &schema::target_empty::RULE,
    &schema::forward_complete::RULE,
    &schema::names::RULE,
    &schema::case_collision::RULE,
    &schema::triggers::RULE,
    &schema::hidden_column::RULE,
    &schema::unsupported::RULE,
    &schema::lob_size::RULE,
    &schema::drift::RULE,
    &schema::partitions::RULE,
    &schema::foreign_keys::RULE,
    &schema::case_mapping::RULE,
    &link::ddl_single::RULE,
    &link::reverse_incremental_only::RULE,
    &link::forward_migration::RULE,
    &link::mirrored::RULE,
    &link::ddl_types::RULE,
    &link::exact_mirror::RULE,
    &link::system_databases::RULE,
    &oms::reachable::RULE,
    &oms::data_sources::RULE,
    &oms::forward_schema_done::RULE,
    &oms::forward_healthy::RULE,
    &oms::conflicts::RULE,
    &oms::reverse_absent::RULE,
    &oms::active_active::RULE,
    &oms::topology::RULE,
    &oms::lag::RULE,
    &oms::reverse_healthy::RULE,
    &oms::store_window::RULE,
    &oms::full_verify::RULE,
    &oms::ddl_ring::RULE,
    &oms::data_source_incr::RULE,
    &oms::alarms::RULE,
    &oms::zombie_writer::RULE,
    &oms::window_left::RULE,
    &plan::inline_secret::RULE,
    &plan::white_list_length::RULE,
    &plan::waivers::RULE,
];

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}

/// The waivers file is read against the registry: every id, and each rule's `waivable`.
pub struct Catalog;

impl RuleCatalog for Catalog {
    fn rule_ids(&self) -> Vec<&'static str> {
        ALL.iter().map(|rule| rule.id).collect()
    }

    fn waivable(&self, id: &str) -> Option<bool> {
        find(id).map(|rule| rule.waivable)
    }
}
