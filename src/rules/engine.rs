//! select → stage → needs → run → waivers → sort: every selected rule ends in one status.

use serde::Serialize;

use super::{
    Area, Ctx, Finding, Input, NotEvaluated, Rule, Severity, Stage, Text, Topology, registry,
};
use crate::facts::oms::Access;
use crate::facts::{Facts, Tenant};
use crate::plan::Plan;
use crate::plan::{date::Date, waiver_file::Waiver};
use crate::text;

/// What the rules of one run are evaluated against. Waivers enter here, once: `plan.waivers`
/// reads them through its context, and [`evaluate`] applies them after every rule has run.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub plan: &'a Plan,
    /// None for plan-only runs (`lint`).
    pub facts: Option<&'a Facts>,
    pub stage: Stage,
    /// Why `--stage auto` could not tell the stage, when it could not: `stage` is then only
    /// a basis for the rules that apply at every stage, and the others are inconclusive.
    pub stage_undecided: Option<&'a Text>,
    pub waivers: &'a [Waiver],
    /// The day waivers are judged against.
    pub today: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Inconclusive,
    Skipped,
    Waived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Inconclusive => "inconclusive",
            Status::Skipped => "skipped",
            Status::Waived => "waived",
        }
    }
}

/// One rule's result.
#[derive(Debug)]
pub struct Evaluation {
    pub rule: &'static Rule,
    pub status: Status,
    /// Why it was inconclusive or skipped.
    pub reason: Option<Text>,
    pub findings: Vec<Judged>,
}

/// A finding with the severity it ends up with, and the waiver that accepted it, if any.
#[derive(Debug, Clone)]
pub struct Judged {
    pub severity: Severity,
    pub finding: Finding,
    pub waiver: Option<Waiver>,
}

/// A `--select`/`--ignore` value that names no rule and no area.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("`{selector}` is not a rule id or an area")]
#[diagnostic(code(usage::unknown_rule))]
pub struct UnknownSelector {
    pub selector: String,
    #[help]
    pub help: Option<String>,
}

/// A selection that leaves no rule (`--select grants --ignore grants`, or `lint --select
/// grants`): a run that evaluates nothing would print PASSED about nothing.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{selection} leaves no rule to run")]
#[diagnostic(code(usage::empty_selection))]
pub struct EmptySelection {
    /// The flags as given: `--select grants --ignore grants`.
    pub selection: String,
    #[help]
    pub help: String,
}

/// Why `--select`/`--ignore` cannot be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SelectionError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Unknown(#[from] UnknownSelector),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Empty(#[from] EmptySelection),
}

/// The rules chosen by `--select` (all when empty) minus `--ignore`, in registry order; with
/// `input`, only the rules reading that input (`lint`: the plan alone). A selection naming an
/// unknown id or area, or leaving no rule, is refused.
pub fn select(
    select: &[String],
    ignore: &[String],
    input: Option<Input>,
) -> Result<Vec<&'static Rule>, SelectionError> {
    let rules = registry::ALL;
    for selector in select.iter().chain(ignore) {
        if !rules.iter().any(|rule| matches(rule, selector)) {
            let mut known: Vec<&str> = rules.iter().map(|rule| rule.id).collect();
            known.extend(Area::ALL.map(Area::as_str));
            return Err(UnknownSelector {
                selector: selector.clone(),
                help: crate::plan::did_you_mean(selector, &known)
                    .or(Some("`oms-preflight rules` lists the catalog".into())),
            }
            .into());
        }
    }
    let selected: Vec<&'static Rule> = rules
        .iter()
        .copied()
        .filter(|rule| select.is_empty() || select.iter().any(|s| matches(rule, s)))
        .filter(|rule| !ignore.iter().any(|s| matches(rule, s)))
        .collect();
    let runnable: Vec<&'static Rule> = selected
        .iter()
        .copied()
        .filter(|rule| input.is_none_or(|input| rule.input == input))
        .collect();
    if !runnable.is_empty() {
        return Ok(runnable);
    }
    let flags: Vec<String> = select
        .iter()
        .map(|selector| format!("--select {selector}"))
        .chain(ignore.iter().map(|selector| format!("--ignore {selector}")))
        .collect();
    let help = match (selected.is_empty(), input) {
        (false, Some(input)) => {
            let mut areas: Vec<&str> = Vec::new();
            for rule in rules.iter().filter(|rule| rule.input == input) {
                if !areas.contains(&rule.area().as_str()) {
                    areas.push(rule.area().as_str());
                }
            }
            format!(
                "lint runs only the rules that read the plan alone (areas {}); `oms-preflight check` runs the others",
                areas.join(", ")
            )
        }
        _ => "--ignore removes rules --select chose; select at least one rule it does not ignore (`oms-preflight rules` lists the catalog)".to_string(),
    };
    Err(EmptySelection {
        selection: flags.join(" "),
        help,
    }
    .into())
}

fn matches(rule: &Rule, selector: &str) -> bool {
    rule.id == selector || rule.area() == selector
}

/// `stage forward`, `stages reverse and running`; `reverse 和 running 阶段`.
fn stages(stages: &[Stage]) -> Text {
    let names: Vec<Text> = stages
        .iter()
        .map(|stage| Text::same(stage.as_str()))
        .collect();
    let list = Text::list(&names);
    match stages {
        [_] => text!("stage {list}", "{list} 阶段"; list = list),
        _ => text!("stages {list}", "{list} 阶段"; list = list),
    }
}

/// Runs `rules` over `inputs` and applies the waivers: one evaluation per rule, in order. The
/// rules declared `after_waivers` run last, told which waiver accepted a finding of the others.
pub fn evaluate(rules: &[&'static Rule], inputs: &Inputs<'_>) -> Vec<Evaluation> {
    let mut evaluations: Vec<Evaluation> = rules
        .iter()
        .filter(|rule| !rule.after_waivers)
        .map(|rule| evaluate_one(rule, inputs, None))
        .collect();
    let matches = apply_waivers(&mut evaluations, inputs.waivers, inputs.today);
    evaluations.extend(
        rules
            .iter()
            .filter(|rule| rule.after_waivers)
            .map(|rule| evaluate_one(rule, inputs, Some(&matches))),
    );
    // Back in the order asked for.
    evaluations.sort_by_key(|evaluation| {
        rules
            .iter()
            .position(|rule| rule.id == evaluation.rule.id)
            .unwrap_or(usize::MAX)
    });
    evaluations
}

fn evaluate_one(
    rule: &'static Rule,
    inputs: &Inputs<'_>,
    waiver_matches: Option<&[bool]>,
) -> Evaluation {
    let ctx = Ctx::new(
        rule,
        inputs.plan,
        inputs.facts,
        inputs.stage,
        inputs.waivers,
        inputs.today,
        waiver_matches,
    );
    let not_run = |status, reason: Text| Evaluation {
        rule,
        status,
        reason: Some(reason),
        findings: Vec::new(),
    };
    if !rule.applies_to(inputs.plan.topology) {
        let to = Topology::ALL
            .iter()
            .filter(|topology| rule.applies_to(**topology))
            .map(|topology| topology.as_str())
            .collect::<Vec<_>>();
        let (en, zh) = (to.join(" or "), to.join(" 或 "));
        let is = inputs.plan.topology.as_str();
        return not_run(
            Status::Skipped,
            text!(
                "applies to a {en} pair; the plan's topology is {is}",
                "仅适用于 {zh} 拓扑；计划的拓扑为 {is}"
            ),
        );
    }
    if let (false, Some(why)) = (rule.stages.is_empty(), inputs.stage_undecided) {
        return not_run(
            Status::Inconclusive,
            text!(
                "applies at {at} only, and the stage could not be decided: {why}",
                "仅适用于 {at}，而阶段无法确定：{why}";
                at = stages(rule.stages),
                why = why
            ),
        );
    }
    if !rule.applies_at(inputs.stage) {
        let is = inputs.stage.as_str();
        return not_run(
            Status::Skipped,
            text!(
                "applies at {at}; stage is {is}",
                "仅适用于 {at}；当前阶段为 {is}";
                at = stages(rule.stages)
            ),
        );
    }
    if rule.input != Input::Plan {
        let Some(facts) = inputs.facts else {
            return not_run(
                Status::Skipped,
                text!(
                    "needs live facts; this run reads the plan only",
                    "需要实时采集的事实；本次运行只读取计划"
                ),
            );
        };
        if rule.input == Input::Oms && facts.oms.is_none() && inputs.plan.oms.is_some() {
            // Only a bundle collected from a plan without [oms] gets here: OMS was never asked.
            return not_run(
                Status::Inconclusive,
                text!(
                    "the bundle has no OMS facts (it was collected from a plan without [oms]); collect it again with the plan's [oms] section",
                    "数据包中没有 OMS 事实（采集时计划没有 [oms] 段）；请用带 [oms] 段的计划重新采集"
                ),
            );
        }
        if rule.input == Input::Oms && facts.oms.is_none() {
            // A reverse-stage OMS rule guards the creation of the reverse project: without OMS
            // it is unconfirmed, not irrelevant.
            return match rule.applies_at(Stage::Forward) {
                false => not_run(
                    Status::Inconclusive,
                    text!(
                        "the plan has no [oms] section, so OMS could not be asked",
                        "计划中没有 [oms] 段，因此无法询问 OMS"
                    ),
                ),
                true => not_run(
                    Status::Skipped,
                    text!("the plan has no [oms] section", "计划中没有 [oms] 段"),
                ),
            };
        }
        if let Some(blocked) = blocked_by(rule, facts) {
            return not_run(Status::Inconclusive, blocked);
        }
        let missing: Vec<Text> = rule
            .needs
            .iter()
            .flat_map(|need| need.missing(facts))
            .collect();
        if !missing.is_empty() {
            return not_run(Status::Inconclusive, dedup_reasons(missing));
        }
    }
    let checked = (rule.check)(&ctx);
    if let Some(need) = ctx.undeclared_read() {
        // A defect of the rule, not of the pair: whatever it concluded rests on a fact the
        // engine never vouched for.
        return not_run(Status::Inconclusive, super::context::undeclared(rule, need));
    }
    match checked {
        Err(NotEvaluated::Inconclusive(reason)) => not_run(Status::Inconclusive, reason),
        Err(NotEvaluated::Skipped(reason)) => not_run(Status::Skipped, reason),
        Ok(findings) => {
            let mut findings: Vec<Judged> = findings
                .into_iter()
                .map(|finding| Judged {
                    severity: finding.severity.unwrap_or(rule.severity),
                    finding,
                    waiver: None,
                })
                .collect();
            findings.sort_by(|l, r| {
                r.severity
                    .cmp(&l.severity)
                    .then(l.finding.side.cmp(&r.finding.side))
                    .then(l.finding.object.cmp(&r.finding.object))
                    .then(l.finding.message.cmp(&r.finding.message))
            });
            Evaluation {
                rule,
                status: if findings.is_empty() {
                    Status::Pass
                } else {
                    Status::Fail
                },
                reason: None,
                findings,
            }
        }
    }
}

/// Marks the findings covered by a current waiver as waived (a rule whose findings are all
/// waived is waived); says which waivers accepted a finding, in the order of `waivers`.
/// Expired waivers waive nothing.
fn apply_waivers(evaluations: &mut [Evaluation], waivers: &[Waiver], today: Date) -> Vec<bool> {
    let mut used = vec![false; waivers.len()];
    for evaluation in evaluations.iter_mut() {
        for judged in &mut evaluation.findings {
            let finding = &judged.finding;
            let found = waivers.iter().enumerate().find(|(_, waiver)| {
                waiver.expires >= today
                    && waiver.covers(evaluation.rule.id, finding.side, finding.object.as_deref())
            });
            if let Some((index, waiver)) = found {
                used[index] = true;
                judged.waiver = Some(waiver.clone());
            }
        }
        if evaluation.status == Status::Fail
            && evaluation
                .findings
                .iter()
                .all(|judged| judged.waiver.is_some())
        {
            evaluation.status = Status::Waived;
        }
    }
    used
}

/// The failed connection that leaves `rule` without its needed facts, if one does: the cause
/// is that connection rule's finding, said once there, not again in every rule it blocks.
fn blocked_by(rule: &Rule, facts: &Facts) -> Option<Text> {
    let needs_tenants = rule.needs.iter().any(|need| !need.is_oms());
    let unreachable: Vec<Tenant> = Tenant::BOTH
        .into_iter()
        .filter(|tenant| {
            needs_tenants && facts.tenant(*tenant).login.unavailable_reason().is_some()
        })
        .collect();
    if !unreachable.is_empty() {
        return Some(super::blocked_by_connection(&unreachable));
    }
    let oms = facts.oms.as_ref()?;
    let oms_missing = rule
        .needs
        .iter()
        .any(|need| need.is_oms() && !need.missing(facts).is_empty());
    (oms_missing && oms.access != Access::Granted).then(|| {
        text!(
            "blocked by oms.reachable: fix OMS access and the rule can decide",
            "受阻于 oms.reachable：修复 OMS 访问后本规则即可判定"
        )
    })
}

/// Joins reasons, keeping each distinct reason once (an unreachable tenant makes every fact
/// unavailable for the same reason).
fn dedup_reasons(reasons: Vec<Text>) -> Text {
    let mut seen: Vec<Text> = Vec::new();
    for reason in reasons {
        if !seen.contains(&reason) {
            seen.push(reason);
        }
    }
    Text::join(&seen, "; ", "；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oms_rules_against_a_bundle_without_oms_facts_are_inconclusive_not_skipped() {
        use crate::rules::testing::{healthy, oms_plan, run};
        // The plan asks for OMS, the bundle holds none: nothing was checked.
        let evaluation = run(
            registry::find("oms.conflicts").unwrap(),
            &oms_plan(),
            &healthy(),
            Stage::Forward,
        );
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(
            evaluation
                .reason
                .unwrap()
                .contains("the bundle has no OMS facts")
        );
    }
}
