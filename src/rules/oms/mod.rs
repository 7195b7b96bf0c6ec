//! `oms`: what OMS itself says about the pair.

pub mod active_active;
pub mod conflicts;
pub mod data_source_incr;
pub mod data_sources;
pub mod forward_healthy;
pub mod forward_schema_done;
pub mod reachable;
pub mod reverse_absent;

use crate::facts::oms::Project;
use crate::rules::{Ctx, Finding, Missing, Side};

/// The forward project OMS has, or the finding that it has none; `Missing` when OMS could not
/// say. Needs `OmsForward`.
pub fn forward_project<'a>(cx: &Ctx<'a>) -> Result<Result<&'a Project, Box<Finding>>, Missing> {
    Ok(cx.oms_forward()?.ok_or_else(|| {
        let name = &cx.plan.forward.project;
        Box::new(Finding::new(Side::Oms, Some(name.clone()), format!("forward project {name} does not exist in OMS"))
            .help("create the forward project (schema, full and incremental) first; check [forward] project matches its name or id")
            .at(Some(cx.plan.forward.span.clone())))
    }))
}
