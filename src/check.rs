//! The check pipeline as library code: resolve the stage, evaluate the rules, apply the
//! waivers, build the one [`Report`] every renderer reads. `app` feeds it from the command
//! line; the tests drive it directly.

use crate::exit::FailOn;
use crate::facts::Facts;
use crate::plan::Plan;
use crate::plan::{date::Date, waivers::Waiver};
use crate::report::Report;
use crate::rules::engine::{self, Inputs};
use crate::rules::{Rule, Stage};

/// How a run is judged, besides the plan and facts.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The stage asked for; `None` is `--stage auto`.
    pub stage: Option<Stage>,
    pub fail_on: FailOn,
    pub waivers: &'a [Waiver],
    /// The day waivers are judged against.
    pub today: Date,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            stage: None,
            fail_on: FailOn::Error,
            waivers: &[],
            today: Date::today(),
        }
    }
}

/// Runs `rules` over the plan and facts (none for plan-only runs) into a report.
pub fn run(
    plan: &Plan,
    facts: Option<&Facts>,
    rules: &[&'static Rule],
    options: &Options<'_>,
) -> Report {
    let stage = resolve_stage(options.stage, facts);
    let inputs = Inputs {
        plan,
        facts,
        stage,
        waivers: options.waivers,
        today: options.today,
    };
    let evaluations = engine::evaluate(rules, &inputs);
    Report::new(plan, facts, stage, evaluations, options.fail_on)
}

/// The stage a run is checked at: the one asked for, else (`auto`) reverse when the forward
/// project named in the plan exists in OMS, and forward otherwise — also when OMS could not be
/// asked: the forward-stage rules are the safe default, and the OMS rules then say what could
/// not be read.
pub fn resolve_stage(requested: Option<Stage>, facts: Option<&Facts>) -> Stage {
    if let Some(stage) = requested {
        return stage;
    }
    let forward_exists = facts
        .and_then(|facts| facts.oms.as_ref())
        .and_then(|oms| oms.forward.observed())
        .is_some_and(|project| project.is_some());
    if forward_exists {
        Stage::Reverse
    } else {
        Stage::Forward
    }
}
