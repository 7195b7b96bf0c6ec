//! `oms`: what OMS itself says about the pair.

pub mod active_active;
pub mod conflicts;
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

use crate::facts::oms::{Project, Step, StepKind};
use crate::plan::Topology;
use crate::rules::{Ctx, Finding, Missing, Side};

/// One direction of the pair as OMS runs it: the forward project's incremental sync, or the
/// reverse link — the reverse project's incremental sync, or a single project's reverse step.
pub struct Direction<'a> {
    /// `forward` or `reverse`.
    pub name: &'static str,
    pub project: &'a Project,
    /// The step that applies this direction's changes, if the project shows it.
    pub step: Option<&'a Step>,
    /// Up to when this direction has applied changes (seconds since the Unix epoch): the
    /// project's progress checkpoint, else its step's.
    pub checkpoint: Option<u64>,
}

impl<'a> Direction<'a> {
    fn of(name: &'static str, project: &'a Project, kind: StepKind) -> Direction<'a> {
        let step = project.step(kind);
        let progress = project.progress.observed().and_then(|progress| match kind {
            StepKind::ReverseIncremental => progress.reverse_checkpoint,
            _ => progress.incremental_checkpoint,
        });
        Direction {
            name,
            project,
            step,
            checkpoint: progress.or(step.and_then(|step| step.checkpoint)),
        }
    }

    /// `forward project dr_a_to_b`, `the reverse step of project dr_app`.
    pub fn describe(&self) -> String {
        match self.step.map(|step| step.kind) {
            Some(StepKind::ReverseIncremental) => {
                format!("the reverse step of project {}", self.project.name)
            }
            _ => format!("{} project {}", self.name, self.project.name),
        }
    }
}

/// The directions OMS shows for the pair: the forward one once the forward project exists, the
/// reverse one once the reverse project exists (two projects) or the one project has its
/// reverse step. Needs `OmsForward`, and `OmsReverse` for a two-projects plan.
pub fn directions<'a>(cx: &Ctx<'a>) -> Result<Vec<Direction<'a>>, Missing> {
    let mut directions = Vec::new();
    let forward = cx.oms_forward()?;
    if let Some(project) = forward {
        directions.push(Direction::of("forward", project, StepKind::Incremental));
    }
    match cx.plan.topology {
        Topology::TwoProjects => {
            if let Some(project) = cx.oms_reverse()?.filter(|project| !project.has_ended()) {
                directions.push(Direction::of("reverse", project, StepKind::Incremental));
            }
        }
        Topology::SingleProject => {
            if let Some(project) = forward
                && project.step(StepKind::ReverseIncremental).is_some()
            {
                directions.push(Direction::of(
                    "reverse",
                    project,
                    StepKind::ReverseIncremental,
                ));
            }
        }
    }
    Ok(directions)
}

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
