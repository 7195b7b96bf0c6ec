//! `conn`: can the tool reach what it has to check.

pub mod same_tenant;
pub mod tenant;
