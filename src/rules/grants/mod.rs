//! `grants`: the migration users hold what OMS needs on each side.
//!
//! Privileges are resolved with the typed model in `facts::grants` across levels, never by
//! searching grant text.

pub mod antiloop;
pub mod drc_user;
pub mod global_select;
pub mod oceanbase_read;
pub mod source_read;
pub mod target_write;
