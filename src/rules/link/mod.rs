//! `link`: the two OMS projects as planned make a valid active-active pair.

pub mod ddl_single;
pub mod mirrored;
pub mod reverse_incremental_only;
