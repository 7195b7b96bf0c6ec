//! `oms`: what OMS itself says about the pair.

pub mod active_active;
pub mod alarms;
pub mod conflicts;
pub mod data_source_incr;
pub mod data_sources;
pub mod ddl_ring;
pub mod forward_healthy;
pub mod forward_schema_done;
pub mod full_verify;
pub mod lag;
pub mod reachable;
pub mod reverse_absent;
pub mod reverse_healthy;
pub mod store_window;
pub mod topology;
pub mod window_left;
pub mod zombie_writer;

pub use crate::facts::oms::Direction;
use crate::facts::oms::{Project, StepKind};
use crate::i18n::Text;
use crate::plan::Topology;
use crate::rules::{Ctx, Finding, Missing, Side};
use crate::text;

/// How the reports name a direction of the pair.
pub trait DescribeLink {
    /// `forward project dr_a_to_b`, `the reverse link of project dr_app`; in Chinese
    /// `正向项目 dr_a_to_b`, `项目 dr_app 的反向链路`.
    fn describe_text(&self) -> Text;
}

impl DescribeLink for Direction<'_> {
    fn describe_text(&self) -> Text {
        let project = &self.project.name;
        match (self.step.map(|step| step.kind), self.name) {
            (Some(StepKind::ReverseIncremental), _) => text!(
                "the reverse link of project {project}",
                "项目 {project} 的反向链路"
            ),
            (_, "forward") => text!("forward project {project}", "正向项目 {project}"),
            (_, "reverse") => text!("reverse project {project}", "反向项目 {project}"),
            (_, name) => text!("{name} project {project}", "{name} 项目 {project}"),
        }
    }
}

/// The directions OMS shows for the pair (see [`oms::directions`](crate::facts::oms::directions)).
/// Needs `OmsForward`, and `OmsReverse` for a two-projects plan.
pub fn directions<'a>(cx: &Ctx<'a>) -> Result<Vec<Direction<'a>>, Missing> {
    let forward = cx.oms_forward()?;
    let reverse = match cx.plan.topology {
        Topology::TwoProjects => cx.oms_reverse()?,
        Topology::SingleProject => None,
    };
    Ok(crate::facts::oms::directions(
        cx.plan.topology,
        forward,
        reverse,
    ))
}

/// The forward project OMS has, or the finding that it has none; `Missing` when OMS could not
/// say. Needs `OmsForward`.
pub fn forward_project<'a>(cx: &Ctx<'a>) -> Result<Result<&'a Project, Box<Finding>>, Missing> {
    Ok(cx.oms_forward()?.ok_or_else(|| {
        let name = &cx.plan.forward.project;
        Box::new(
            Finding::new(
                Side::Oms,
                Some(name.clone()),
                text!(
                    "forward project {name} does not exist in OMS",
                    "正向项目 {name} 在 OMS 中不存在"
                ),
            )
            .help(text!(
                "create the forward project (schema, full and incremental) first; check [forward] project matches its name or id",
                "先创建正向项目（结构迁移、全量迁移和增量同步）；检查 [forward] project 是否与该项目的名称或 ID 一致"
            ))
            .at(Some(cx.plan.forward.span.clone())),
        )
    }))
}
