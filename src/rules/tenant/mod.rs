//! `tenant`: the two tenants agree with each other and with what OMS supports.

pub mod mode;
pub mod version_pair;
pub mod version_supported;
