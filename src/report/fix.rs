//! `fix`: the SQL of every finding's `fix` lines for one tenant, as a script to review and run
//! by hand. The tool never executes it.

use std::fmt::Write;

use super::Report;
use super::text::{has_controls, one_line};
use crate::facts::Side;
use crate::facts::Tenant;
use crate::plan::Plan;
use crate::rules::engine::Status;

pub struct Script {
    pub text: String,
    pub statements: usize,
}

pub fn script(report: &Report, plan: &Plan, tenant: Tenant) -> Script {
    let planned = plan.tenant(tenant);
    let mut text = String::new();
    let _ = writeln!(
        text,
        "-- oms-preflight {} fix script for tenant {tenant} ({}), migration user {}",
        report.tool.version,
        one_line(&planned.endpoint()),
        one_line(&planned.user)
    );
    let _ = writeln!(
        text,
        "-- plan {}, stage {}",
        one_line(&report.plan),
        report.stage.as_str()
    );
    let _ = writeln!(
        text,
        "-- Review it, then run it as an administrator of this tenant. oms-preflight never runs it."
    );
    let side = Side::from(tenant);
    let mut written: Vec<&str> = Vec::new();
    let mut withheld: Vec<&str> = Vec::new();
    for finding in report
        .findings
        .iter()
        .filter(|f| f.side == side && !f.fix.is_empty())
    {
        let fresh: Vec<&str> = finding
            .fix
            .iter()
            .map(String::as_str)
            .filter(|line| !written.contains(line) && !withheld.contains(line))
            .collect();
        if fresh.is_empty() {
            continue;
        }
        let object = finding
            .object
            .as_deref()
            .map(|o| format!(" {}", one_line(o)))
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "\n-- {}{object}: {}",
            finding.rule,
            one_line(finding.message.en())
        );
        for line in fresh {
            if has_controls(line) {
                // A statement about a name with a control character in it cannot be written
                // as is without writing that character raw, nor escaped without naming
                // another object: it is left for a person to write, shown escaped.
                let _ = writeln!(
                    text,
                    "-- not written: a name in it holds a control character, shown escaped:\n--   {}",
                    one_line(line)
                );
                withheld.push(line);
                continue;
            }
            let _ = writeln!(text, "{line}");
            written.push(line);
        }
    }
    // What could not be checked may need fixing too: say so rather than "nothing to fix".
    let not_checked = report.not_run(Status::Inconclusive);
    if !not_checked.is_empty() {
        let _ = writeln!(
            text,
            "\n-- not checked, so not fixed here (run check again once these can decide):"
        );
        for entry in &not_checked {
            let _ = writeln!(
                text,
                "--   {}: {}",
                entry.rules.join(", "),
                one_line(entry.reason.en())
            );
        }
    }
    if written.is_empty() && withheld.is_empty() {
        let scope = if not_checked.is_empty() {
            ""
        } else {
            " among what could be checked"
        };
        let _ = writeln!(text, "\n-- nothing to fix on tenant {tenant}{scope}");
    }
    Script {
        text,
        statements: written.len(),
    }
}
