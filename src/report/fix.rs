//! `fix`: the SQL of every finding's `fix` lines for one tenant, as a script to review and run
//! by hand. The tool never executes it.

use std::fmt::Write;

use super::Report;
use crate::facts::Side;
use crate::facts::Tenant;
use crate::plan::Plan;

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
        planned.endpoint(),
        planned.user
    );
    let _ = writeln!(
        text,
        "-- plan {}, stage {}",
        report.plan,
        report.stage.as_str()
    );
    let _ = writeln!(
        text,
        "-- Review it, then run it as an administrator of this tenant. oms-preflight never runs it."
    );
    let side = Side::from(tenant);
    let mut written: Vec<&str> = Vec::new();
    for finding in report
        .findings
        .iter()
        .filter(|f| f.side == side && !f.fix.is_empty())
    {
        let fresh: Vec<&str> = finding
            .fix
            .iter()
            .map(String::as_str)
            .filter(|line| !written.contains(line))
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
            one_line(&finding.message)
        );
        for line in fresh {
            let _ = writeln!(text, "{line}");
            written.push(line);
        }
    }
    if written.is_empty() {
        let _ = writeln!(text, "\n-- nothing to fix on tenant {tenant}");
    }
    Script {
        text,
        statements: written.len(),
    }
}

/// Text safe inside a `--` comment: a newline in a name must not end the comment.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
