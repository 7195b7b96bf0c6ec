//! One direction of the pair as OMS runs it, and how far behind its checkpoint is.

use super::{Project, Step, StepKind, Store, Topology};

/// One direction of the pair as OMS runs it: the forward project's incremental sync, or the
/// reverse link — the reverse project's incremental sync, or a single project's reverse step.
#[derive(Debug, Clone, Copy)]
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

    /// The project's steps that carry this direction, `None` when they could not be read: a
    /// single project's reverse step for its reverse link, its other steps for its forward
    /// link; a project of its own carries one direction with all its steps.
    pub fn steps(&self) -> Option<impl Iterator<Item = &'a Step>> {
        let reverse_step = self
            .step
            .is_some_and(|step| step.kind == StepKind::ReverseIncremental);
        let steps = self.project.steps.observed()?;
        Some(
            steps
                .iter()
                .filter(move |step| (step.kind == StepKind::ReverseIncremental) == reverse_step),
        )
    }

    /// How far behind the time OMS was read (`now`) this direction's checkpoint is.
    pub fn lag(&self, now: u64) -> Lag {
        match self.checkpoint {
            None => Lag::Unreported,
            Some(checkpoint) => lag(checkpoint, now),
        }
    }

    /// The stores that serve this direction.
    pub fn stores(&self) -> Option<&'a [Store]> {
        let components = self.project.components.observed()?;
        Some(match self.step.map(|step| step.kind) {
            Some(StepKind::ReverseIncremental) => &components.reverse_stores,
            _ => &components.stores,
        })
    }
}

/// A checkpoint compared with the time OMS was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lag {
    /// Seconds behind (0 within [`CLOCK_SKEW`] ahead).
    Behind(u64),
    /// Later than the reading time by more than clocks differ: a unit misread (microseconds
    /// as seconds) or a clock far ahead. The lag is not known, and is not zero.
    Ahead {
        checkpoint: u64,
        read_at: u64,
    },
    Unreported,
}

/// How far a checkpoint may lie after the time OMS was read and still count as "now": the
/// clocks of OMS and of the machine running the check differ by a little.
pub const CLOCK_SKEW: u64 = 60;

/// `checkpoint` against `now` (both seconds since the Unix epoch).
pub fn lag(checkpoint: u64, now: u64) -> Lag {
    if checkpoint > now.saturating_add(CLOCK_SKEW) {
        Lag::Ahead {
            checkpoint,
            read_at: now,
        }
    } else {
        Lag::Behind(now.saturating_sub(checkpoint))
    }
}

/// The directions OMS shows for a pair of `topology`: the forward one once the forward
/// project exists; the reverse one once the (live) reverse project exists, or, for one project,
/// once it has its reverse step.
pub fn directions<'a>(
    topology: Topology,
    forward: Option<&'a Project>,
    reverse: Option<&'a Project>,
) -> Vec<Direction<'a>> {
    let mut directions = Vec::new();
    if let Some(project) = forward {
        directions.push(Direction::of("forward", project, StepKind::Incremental));
    }
    match topology {
        Topology::TwoProjects => {
            if let Some(project) = reverse.filter(|project| !project.has_ended()) {
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
    directions
}
