//! The report: one value built from the evaluations, read by every renderer. Renderers only
//! format it; the exit code is decided here, once, by `exit::decide`.

pub mod catalog;
pub mod excerpt;
pub mod fix;
pub mod github;
pub mod gitlab;
pub mod grants;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod pair;
pub mod printable;
pub mod sarif;
pub mod wrap;

use std::fmt::Write as _;

use serde::Serialize;

use crate::exit::{self, FailOn};
use crate::facts::Side;
use crate::facts::ToolInfo;
use crate::facts::oms::Access;
use crate::facts::{CatalogSource, Facts, TenantFacts};
use crate::i18n::{Label, Lang, Text};
use crate::plan::{Plan, Span};
use crate::rules::engine::{Evaluation, Status};
use crate::rules::{ResolvedStage, Severity, Stage, registry};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// The stage checked; `None` (JSON `null`) exactly when `--stage auto` could not decide,
    /// so no format can name a stage the run did not settle on.
    pub stage: Option<Stage>,
    /// Why `--stage auto` could not decide the stage. Absent when the stage was decided or
    /// given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage_undecided: Option<Text>,
    pub plan: String,
    pub endpoints: Endpoints,
    pub summary: Summary,
    pub exit_code: u8,
    pub outcomes: Vec<Outcome>,
    pub findings: Vec<ReportedFinding>,
    /// The plan text (passwords blanked), for labels in the human report.
    #[serde(skip)]
    pub plan_source: String,
    /// The pair as OMS runs it, once the forward project exists: what the human and Markdown
    /// reports open with, and the JSON report's `pair`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pair: Option<pair::PairState>,
}

#[derive(Debug, Serialize)]
pub struct Endpoints {
    pub a: Option<TenantEndpoint>,
    pub b: Option<TenantEndpoint>,
    pub oms: Option<OmsEndpoint>,
}

#[derive(Debug, Serialize)]
pub struct TenantEndpoint {
    pub ob_version: Option<String>,
    /// The kernel as the reports name it (`seekdb (OceanBase 4.3.5.3)`), from the same facts.
    #[serde(skip)]
    pub kernel: Option<String>,
    pub mode: Option<String>,
    pub user: String,
    /// Where columns and keys were read (the inner tables or information_schema), and why the
    /// inner tables were not used when they were tried; null when they were not read.
    pub catalog: Option<EndpointCatalog>,
    /// How the forward target's tables were found empty or not (the tablet manager first,
    /// then `LIMIT 1` probes); null where rows were not probed.
    pub emptiness: Option<EndpointEmptiness>,
}

/// [`crate::facts::Emptiness`] as a report says it, the reason in the report's language.
#[derive(Debug, Serialize)]
pub struct EndpointEmptiness {
    pub tables: usize,
    pub decided_by_dictionary: usize,
    pub probed: usize,
    pub non_empty: usize,
    pub listed: usize,
    pub not_probed: usize,
    pub dictionary_unavailable: Option<Text>,
}

impl EndpointEmptiness {
    /// `10000 tables in scope, 9900 proven empty by the tablet manager, 100 probed, 100 hold rows`, and
    /// what was not probed or why the tablet manager was not used.
    pub fn describe(&self, lang: Lang) -> String {
        let EndpointEmptiness {
            tables,
            decided_by_dictionary: decided,
            probed,
            non_empty,
            not_probed,
            ..
        } = self;
        let mut said = match lang {
            Lang::En => format!(
                "{tables} tables in scope, {decided} proven empty by the tablet manager, {probed} probed, {non_empty} hold rows"
            ),
            Lang::ZhCn => format!(
                "范围内 {tables} 张表，表管理器证明为空 {decided} 张，探测 {probed} 张，有数据行 {non_empty} 张"
            ),
        };
        if *not_probed > 0 {
            let _ = match lang {
                Lang::En => write!(said, ", {not_probed} not probed (enough rows found)"),
                Lang::ZhCn => write!(said, "，未探测 {not_probed} 张（已找到足够多有数据行的表）"),
            };
        }
        if let Some(why) = &self.dictionary_unavailable {
            let why = why.get(lang);
            let _ = match lang {
                Lang::En => write!(said, " (tablet manager not used: {why})"),
                Lang::ZhCn => write!(said, "（未使用表管理器：{why}）"),
            };
        }
        said
    }
}

/// Where a tenant's columns and keys were read, as a report says it: the facts keep the
/// fallback reason in both languages, a report in its own.
#[derive(Debug, Serialize)]
pub struct EndpointCatalog {
    pub source: CatalogSource,
    pub fallback_reason: Option<Text>,
}

#[derive(Debug, Serialize)]
pub struct OmsEndpoint {
    pub url: String,
    /// True when OMS answered, false when it refused; null when it was not asked or gave no
    /// usable answer.
    pub reachable: Option<bool>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub rules: usize,
    pub pass: usize,
    pub fail: usize,
    pub inconclusive: usize,
    pub skipped: usize,
    pub waived: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub rule: &'static str,
    pub status: Status,
    pub reason: Option<Text>,
}

/// One line of "not checked": the rules, and why.
#[derive(Debug)]
pub struct NotRun<'r> {
    pub rules: Vec<&'static str>,
    pub reason: &'r Text,
}

#[derive(Debug, Serialize)]
pub struct ReportedFinding {
    pub rule: &'static str,
    pub severity: Severity,
    pub side: Side,
    pub object: Option<String>,
    pub message: Text,
    pub help: Option<Text>,
    pub fix: Vec<String>,
    pub fingerprint: String,
    /// The waiver that accepted this finding; a waived finding does not fail the run.
    pub waiver: Option<AppliedWaiver>,
    #[serde(skip)]
    pub plan_span: Option<Span>,
    /// The plan line this finding is anchored to in SARIF, GitLab and GitHub reports: the
    /// entry it blames, else the plan section of its side.
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppliedWaiver {
    pub reason: String,
    pub owner: String,
    pub expires: String,
}

impl AppliedWaiver {
    /// "waived until 2027-03-31 by dba@example.com: the reason", as every report says it.
    pub fn describe(&self) -> String {
        format!(
            "waived until {} by {}: {}",
            self.expires, self.owner, self.reason
        )
    }
}

impl Report {
    /// The rules that ended in `status` with their reason, in catalog order of each reason's
    /// first rule; rules with the same reason share one entry, so a reason is said once
    /// (an unreachable OMS, a failed connection).
    pub fn not_run(&self, status: Status) -> Vec<NotRun<'_>> {
        let mut entries: Vec<NotRun<'_>> = Vec::new();
        static NONE: Text = Text::empty();
        for outcome in self.outcomes.iter().filter(|o| o.status == status) {
            let reason = outcome.reason.as_ref().unwrap_or(&NONE);
            match entries.iter_mut().find(|entry| entry.reason == reason) {
                Some(entry) => entry.rules.push(outcome.rule),
                None => entries.push(NotRun {
                    rules: vec![outcome.rule],
                    reason,
                }),
            }
        }
        entries
    }

    /// The stage as people read it: `undecided` when `--stage auto` could not tell.
    pub fn stage_shown(&self) -> &'static str {
        self.stage.map_or("undecided", Stage::as_str)
    }

    pub fn new(
        plan: &Plan,
        facts: Option<&Facts>,
        stage: ResolvedStage,
        evaluations: Vec<Evaluation>,
        fail_on: FailOn,
    ) -> Report {
        let mut summary = Summary {
            rules: evaluations.len(),
            ..Summary::default()
        };
        let mut outcomes = Vec::new();
        let mut findings = Vec::new();
        for evaluation in evaluations {
            match evaluation.status {
                Status::Pass => summary.pass += 1,
                Status::Fail => summary.fail += 1,
                Status::Inconclusive => summary.inconclusive += 1,
                Status::Skipped => summary.skipped += 1,
                Status::Waived => summary.waived += 1,
            }
            outcomes.push(Outcome {
                rule: evaluation.rule.id,
                status: evaluation.status,
                reason: evaluation.reason,
            });
            for judged in evaluation.findings {
                let (severity, finding) = (judged.severity, judged.finding);
                if judged.waiver.is_none() {
                    match severity {
                        Severity::Error => summary.errors += 1,
                        Severity::Warning => summary.warnings += 1,
                        Severity::Info => summary.infos += 1,
                    }
                }
                findings.push(ReportedFinding {
                    rule: evaluation.rule.id,
                    severity,
                    fingerprint: fingerprint(
                        evaluation.rule.id,
                        finding.side,
                        finding.object.as_deref(),
                    ),
                    side: finding.side,
                    object: finding.object,
                    message: finding.message,
                    help: finding.help,
                    fix: finding.fix,
                    waiver: judged.waiver.map(|waiver| AppliedWaiver {
                        reason: waiver.reason,
                        owner: waiver.owner,
                        expires: waiver.expires.to_string(),
                    }),
                    line: anchor_line(plan, finding.side, finding.plan_span.as_ref()),
                    plan_span: finding.plan_span,
                });
            }
        }
        // Errors first, then warnings, then infos; catalog order within each.
        findings.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
        distinguish_fingerprints(&mut findings);
        let exit_code = exit::decide(
            findings
                .iter()
                .filter(|finding| finding.waiver.is_none())
                .map(|finding| finding.severity),
            summary.inconclusive > 0,
            fail_on,
        );
        let endpoint = |tenant: &TenantFacts| TenantEndpoint {
            ob_version: tenant
                .server
                .observed()
                .map(|server| server.ob_version.clone()),
            kernel: tenant.server.observed().map(|server| server.kernel()),
            mode: tenant
                .mode
                .observed()
                .map(|mode| mode.mode.as_str().to_string()),
            user: tenant.user.clone(),
            catalog: tenant.catalog.as_ref().map(|catalog| EndpointCatalog {
                source: catalog.source,
                fallback_reason: catalog.fallback_reason.clone(),
            }),
            emptiness: tenant.emptiness.as_ref().map(|e| EndpointEmptiness {
                tables: e.tables,
                decided_by_dictionary: e.decided_by_dictionary,
                probed: e.probed,
                non_empty: e.non_empty,
                listed: tenant.rows.observed().map_or(0, |rows| rows.len()),
                not_probed: e.not_probed,
                dictionary_unavailable: e.dictionary_unavailable.clone(),
            }),
        };
        Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::current(),
            // The rules judged an undecided run at a basis stage, for the rules that apply at
            // every stage; that basis is not the stage, and no report names it.
            stage: stage.undecided.is_none().then_some(stage.stage),
            stage_undecided: stage.undecided,
            plan: plan.path.clone(),
            endpoints: Endpoints {
                a: facts.map(|facts| endpoint(&facts.a)),
                b: facts.map(|facts| endpoint(&facts.b)),
                oms: plan.oms.as_ref().map(|oms| OmsEndpoint {
                    url: oms.url.clone(),
                    reachable: facts
                        .and_then(|facts| facts.oms.as_ref())
                        .and_then(|oms| match oms.access {
                            Access::Granted => Some(true),
                            Access::Refused { .. } => Some(false),
                            Access::Unavailable { .. } => None,
                        }),
                }),
            },
            summary,
            exit_code,
            outcomes,
            findings,
            plan_source: plan.source.clone(),
            pair: pair::state(plan, facts),
        }
    }
}

/// The 1-based plan line a finding is reported at: the entry it blames, else the section of
/// its side (a tenant's table, [oms], the reverse link for pair and plan findings).
fn anchor_line(plan: &Plan, side: Side, span: Option<&Span>) -> usize {
    let offset = match (span, side) {
        (Some(span), _) => span.start,
        (None, Side::A) => plan.a.span.start,
        (None, Side::B) => plan.b.span.start,
        (None, Side::Oms) => plan
            .oms
            .as_ref()
            .map(|oms| oms.span.start)
            .unwrap_or(plan.forward.span.start),
        (None, Side::Pair | Side::Plan) => plan.reverse.span.start,
    };
    let offset = offset.min(plan.source.len());
    plan.source[..offset].matches('\n').count() + 1
}

/// A stable 64-bit FNV-1a hash of rule, side and object, as 16 hex digits: the same problem
/// keeps its fingerprint across runs and message rewordings.
pub fn fingerprint(rule: &str, side: Side, object: Option<&str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [rule, side.as_str(), object.unwrap_or("")] {
        for byte in part.bytes().chain([0u8]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Findings of one rule about the same side and object (two `link.mirrored` findings on one
/// table) would share a fingerprint; those take what they say into theirs, so every finding of
/// a report has its own. The others keep the stable (rule, side, object) one.
fn distinguish_fingerprints(findings: &mut [ReportedFinding]) {
    let mut count: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for finding in findings.iter() {
        *count.entry(finding.fingerprint.clone()).or_default() += 1;
    }
    for finding in findings.iter_mut() {
        if count[&finding.fingerprint] > 1 {
            let object = format!(
                "{}\u{0}{}",
                finding.object.as_deref().unwrap_or(""),
                finding.message
            );
            finding.fingerprint = fingerprint(finding.rule, finding.side, Some(&object));
        }
    }
}

/// The area of a rule id as the catalog declares it (`grants` for `grants.source-read`).
/// `2 errors`, `1 warning`, `3 notes`, `2 个错误`: a number of findings of one severity.
pub fn count(lang: Lang, n: usize, severity: Severity) -> String {
    let (one, many) = match severity {
        Severity::Error => ("error", "errors"),
        Severity::Warning => ("warning", "warnings"),
        Severity::Info => ("info", "notes"),
    };
    match lang {
        Lang::En if n == 1 => format!("1 {one}"),
        Lang::En => format!("{n} {many}"),
        Lang::ZhCn => format!("{n} 个{}", severity.label().zh()),
    }
}

/// The verdict a report's exit code reads as: `PASSED`, `FAILED`, `INCOMPLETE`, `ERROR`.
pub fn verdict(exit_code: u8) -> Label {
    match exit_code {
        exit::OK => Label::VerdictPassed,
        exit::FINDINGS => Label::VerdictFailed,
        exit::INCOMPLETE => Label::VerdictIncomplete,
        _ => Label::VerdictError,
    }
}

/// A status as the reports name it.
pub fn status_label(status: Status) -> Label {
    match status {
        Status::Pass => Label::Pass,
        Status::Fail => Label::Fail,
        Status::Inconclusive => Label::Inconclusive,
        Status::Skipped => Label::Skipped,
        Status::Waived => Label::Waived,
    }
}

pub fn area_of(rule: &str) -> &'static str {
    registry::find(rule).map_or("", |rule| rule.area().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_separate_their_parts() {
        assert_eq!(
            fingerprint("grants.target-write", Side::B, Some("app")),
            fingerprint("grants.target-write", Side::B, Some("app"))
        );
        assert_ne!(
            fingerprint("a", Side::B, Some("bc")),
            fingerprint("a", Side::B, Some("b"))
        );
        assert_ne!(
            fingerprint("grants.target-write", Side::A, Some("app")),
            fingerprint("grants.target-write", Side::B, Some("app"))
        );
        // A changed hash would orphan every stored baseline.
        assert_eq!(
            fingerprint("grants.target-write", Side::B, Some("app")),
            "2f01ca212661721e"
        );
    }
}
