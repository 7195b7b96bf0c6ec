//! The check pipeline as library code: resolve the stage, evaluate the rules, apply the
//! waivers, build the one [`Report`] every renderer reads. `app` feeds it from the command
//! line; the tests drive it directly.

use crate::exit::FailOn;
use crate::facts::oms::StepKind;
use crate::facts::{Fact, Facts};
use crate::i18n::Text;
use crate::plan::{Plan, Topology};
use crate::plan::{date::Date, waiver_file::Waiver};
use crate::report::Report;
use crate::rules::engine::{self, Inputs};
use crate::rules::{ResolvedStage, Rule, Stage};
use crate::text;

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
    let stage = resolve_stage(plan, options.stage, facts);
    let inputs = Inputs {
        plan,
        facts,
        stage: stage.stage,
        stage_undecided: stage.undecided.as_ref(),
        waivers: options.waivers,
        today: options.today,
    };
    let evaluations = engine::evaluate(rules, &inputs);
    Report::new(plan, facts, stage, evaluations, options.fail_on)
}

/// The stage a run is checked at: the one asked for, else (`auto`) what OMS shows. Forward
/// while the forward project named in the plan does not exist (or the plan has no `[oms]` to
/// ask); then reverse until the reverse link exists — the reverse project of a two-projects
/// pair, the reverse step of a single-project pair once it has started — and running after.
/// When OMS was asked and could not say (unreachable, refused, an error on a project), auto
/// does not guess: the stage is undecided, with the reason.
pub fn resolve_stage(
    plan: &Plan,
    requested: Option<Stage>,
    facts: Option<&Facts>,
) -> ResolvedStage {
    let decided = |stage| ResolvedStage {
        stage,
        undecided: None,
    };
    let undecided = |stage, why: Text| ResolvedStage {
        stage,
        undecided: Some(text!(
            "{why}; fix OMS access or pass --stage forward, reverse or running",
            "{why}；请修复 OMS 访问，或指定 --stage forward、reverse 或 running";
            why = why
        )),
    };
    if let Some(stage) = requested {
        return decided(stage);
    }
    let Some(oms) = facts.and_then(|facts| facts.oms.as_ref()) else {
        return decided(Stage::Forward);
    };
    let forward = match &oms.forward {
        Fact::Observed(Some(project)) => project,
        Fact::Observed(None) => return decided(Stage::Forward),
        Fact::Unavailable { reason } => {
            let project = &plan.forward.project;
            return undecided(
                Stage::Forward,
                text!(
                    "OMS could not say whether the forward project {project} exists ({reason})",
                    "OMS 无法确认正向项目 {project} 是否存在（{reason}）";
                    reason = reason
                ),
            );
        }
    };
    match plan.topology {
        Topology::TwoProjects => match &oms.reverse {
            Fact::Observed(Some(reverse)) if !reverse.has_ended() => decided(Stage::Running),
            Fact::Observed(_) => decided(Stage::Reverse),
            Fact::Unavailable { reason } => {
                let project = &plan.reverse.project;
                undecided(
                    Stage::Reverse,
                    text!(
                        "OMS could not say whether the reverse project {project} exists ({reason})",
                        "OMS 无法确认反向项目 {project} 是否存在（{reason}）";
                        reason = reason
                    ),
                )
            }
        },
        Topology::SingleProject => match &forward.steps {
            Fact::Observed(_) => match forward.step(StepKind::ReverseIncremental) {
                Some(step) if step.has_started() => decided(Stage::Running),
                _ => decided(Stage::Reverse),
            },
            Fact::Unavailable { reason } => {
                let project = &forward.name;
                undecided(
                    Stage::Reverse,
                    text!(
                        "OMS could not say whether project {project}'s reverse step runs ({reason})",
                        "OMS 无法确认项目 {project} 的反向增量步骤是否在运行（{reason}）";
                        reason = reason
                    ),
                )
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Outcome;
    use crate::rules::engine::{self as rules_engine, Status};
    use crate::rules::testing::{oms_plan, with_oms};

    fn outcome<'r>(report: &'r Report, rule: &str) -> &'r Outcome {
        report.outcomes.iter().find(|o| o.rule == rule).unwrap()
    }

    /// DescribeProject answered HTTP 500 for a listed forward project: auto cannot tell forward
    /// from reverse, says so, and the rules of one stage are inconclusive instead of run at a
    /// guessed stage.
    #[test]
    fn auto_does_not_guess_when_oms_cannot_say() {
        let facts = with_oms(|oms| {
            oms.forward = Fact::unavailable(crate::i18n::Text::english(
                "DescribeProject np_1: HTTP 500 Internal Server Error",
            ))
        });
        let plan = oms_plan();
        let resolved = resolve_stage(&plan, None, Some(&facts));
        assert!(resolved.undecided.as_ref().unwrap().contains("HTTP 500"));
        let rules = rules_engine::select(&[], &[], None).unwrap();
        let report = run(&plan, Some(&facts), &rules, &Options::default());
        assert_eq!(report.stage_shown(), "undecided");
        assert_eq!(report.stage, None);
        for rule in [
            "schema.target-empty",
            "schema.forward-complete",
            "oms.forward-healthy",
        ] {
            let outcome = outcome(&report, rule);
            assert_eq!(outcome.status, Status::Inconclusive, "{rule}");
            assert!(
                outcome.reason.as_ref().unwrap().contains("HTTP 500"),
                "{rule}: {:?}",
                outcome.reason
            );
        }
        assert_ne!(report.exit_code, crate::exit::OK);
        // An explicit stage is the user's decision: nothing is undecided.
        let given = resolve_stage(&plan, Some(Stage::Reverse), Some(&facts));
        assert_eq!(given.undecided, None);
    }

    #[test]
    fn auto_is_forward_without_a_project_and_reverse_with_one() {
        let plan = oms_plan();
        let absent = with_oms(|oms| oms.forward = Fact::Observed(None));
        assert_eq!(
            resolve_stage(&plan, None, Some(&absent)).stage,
            Stage::Forward
        );
        let present = with_oms(|_| {});
        assert_eq!(
            resolve_stage(&plan, None, Some(&present)),
            ResolvedStage {
                stage: Stage::Reverse,
                undecided: None
            }
        );
    }
}
