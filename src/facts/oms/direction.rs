//! One direction of the pair as OMS runs it, and how far behind its checkpoint is.

use super::{Project, Step, StepKind, Store, Topology, Worker, WorkerKind};
use crate::facts::Tenant;

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

    /// Whether this is a single project's reverse step.
    fn is_reverse_step(&self) -> bool {
        self.step
            .is_some_and(|step| step.kind == StepKind::ReverseIncremental)
    }

    /// The tenant this direction reads from, when the project's endpoints resolved: a single
    /// project's reverse step reads from the project's sink.
    pub fn source(&self) -> Option<Tenant> {
        if self.is_reverse_step() {
            self.project.sink
        } else {
            self.project.source
        }
    }

    /// The components that carry this direction (its stores and Incr-Sync), `None` when they
    /// could not be read.
    pub fn workers(&self) -> Option<Vec<&'a Worker>> {
        let workers = self.project.components.observed()?.workers.observed()?;
        let kinds = if self.is_reverse_step() {
            [WorkerKind::ReverseStore, WorkerKind::ReverseIncrSync]
        } else {
            [WorkerKind::Store, WorkerKind::IncrSync]
        };
        Some(
            workers
                .iter()
                .filter(|worker| kinds.contains(&worker.kind))
                .collect(),
        )
    }

    /// How far behind the source its stores are (their largest `delay`, seconds): the capture
    /// side of the lag. `None` when OMS reports no store delay.
    pub fn capture_lag(&self) -> Option<u64> {
        self.workers()?
            .into_iter()
            .filter(|worker| matches!(worker.kind, WorkerKind::Store | WorkerKind::ReverseStore))
            .filter_map(|worker| worker.delay)
            .max()
    }

    /// How far behind its stores the writer is: the newest change the stores pulled
    /// (`endCheckpoint`) minus the Incr-Sync's checkpoint (else the direction's); else the
    /// Incr-Sync's `delay` minus the stores'. `None` when OMS reports neither pair.
    pub fn apply_lag(&self) -> Option<u64> {
        let workers = self.workers().unwrap_or_default();
        let writers = || {
            workers.iter().filter(|worker| {
                matches!(
                    worker.kind,
                    WorkerKind::IncrSync | WorkerKind::ReverseIncrSync
                )
            })
        };
        let written = writers()
            .filter_map(|worker| worker.checkpoint)
            .min()
            .or(self.checkpoint);
        let pulled = self
            .stores()
            .and_then(|stores| stores.iter().filter_map(|store| store.end).max());
        if let (Some(pulled), Some(written)) = (pulled, written) {
            return Some(pulled.saturating_sub(written));
        }
        let writer_delay = writers().filter_map(|worker| worker.delay).max()?;
        Some(writer_delay.saturating_sub(self.capture_lag()?))
    }

    /// How long this direction may stand still before its checkpoint leaves its stores'
    /// window, the start of the window moving on with the clock (a store keeps a fixed span):
    /// the checkpoint minus the latest `beginCheckpoint` of its stores, 0 when already out.
    /// `None` when the checkpoint or every store's window start is unknown.
    pub fn store_window_left(&self) -> Option<u64> {
        let begin = self
            .stores()?
            .iter()
            .filter_map(|store| store.begin)
            .max()?;
        Some(self.checkpoint?.saturating_sub(begin))
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

/// How long a link may stand still before its source's logs no longer hold its checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogWindow {
    /// The source archives its logs: the link can read them from the archive, whose
    /// retention this tool does not know.
    Archived,
    /// No log stream was recycled: the logs reach back to the tenant's start, and when
    /// recycling begins is not known.
    NotRecycled,
    /// Seconds left: the checkpoint minus the start of the online logs (the newest `BEGIN_SCN`
    /// among the recycled log streams: each stream must still hold it), the oldest log moving
    /// on with the clock (a tenant recycles its logs to keep a roughly fixed span); 0 when
    /// already out.
    Left(u64),
}

/// The log window of a link whose checkpoint is `checkpoint`, from its source's archive
/// destinations (`None`: the edition has no log archive) and log streams.
pub fn log_window_left(
    checkpoint: u64,
    archive: Option<&[crate::facts::ArchiveDest]>,
    streams: &[crate::facts::LogStream],
) -> LogWindow {
    if archive.is_some_and(|dests| dests.iter().any(|dest| dest.archiving())) {
        return LogWindow::Archived;
    }
    streams
        .iter()
        .filter(|stream| stream.recycled())
        .map(|stream| stream.begin_scn / 1_000_000_000)
        .max()
        .map_or(LogWindow::NotRecycled, |begin| {
            LogWindow::Left(checkpoint.saturating_sub(begin))
        })
}
