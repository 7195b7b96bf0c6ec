//! `link`: the two OMS projects as planned make a valid active-active pair.

pub mod ddl_single;
pub mod ddl_types;
pub mod exact_mirror;
pub mod forward_migration;
pub mod mirrored;
pub mod reverse_incremental_only;
pub mod system_databases;
