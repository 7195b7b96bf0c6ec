//! oms-preflight: pre-flight validation of OceanBase OMS active-active pairs.
//!
//! Data flows one way: plan → collect → facts → rules → report → renderers.

pub mod app;
pub mod check;
pub mod cli;
pub mod collect;
pub mod exit;
pub mod facts;
pub mod i18n;
pub mod init;
pub mod output;
pub mod plan;
pub mod progress;
pub mod report;
pub mod rules;
pub mod sql;
pub mod version;
