//! `fix`: the SQL of every finding's `fix` lines for one tenant, as a script to review and run
//! by hand. The tool never executes it.

use std::fmt::Write;

use super::Report;
use super::printable::{has_controls, one_line};
use crate::facts::Side;
use crate::facts::Tenant;
use crate::i18n::Lang;
use crate::plan::Plan;
use crate::rules::engine::Status;
use crate::text;

pub struct Script {
    pub text: String,
    pub statements: usize,
}

pub fn script(report: &Report, plan: &Plan, tenant: Tenant) -> Script {
    script_in(report, plan, tenant, Lang::En)
}

/// The script with its comments in `lang`; the SQL is the same in every language.
pub fn script_in(report: &Report, plan: &Plan, tenant: Tenant, lang: Lang) -> Script {
    let planned = plan.tenant(tenant);
    let mut text = String::new();
    let (version, endpoint, user) = (
        &report.tool.version,
        one_line(&planned.endpoint()),
        one_line(&planned.user),
    );
    let _ = writeln!(
        text,
        "{}",
        text!(
            "-- oms-preflight {version} fix script for tenant {tenant} ({endpoint}), migration user {user}",
            "-- oms-preflight {version} 为租户 {tenant}（{endpoint}）生成的修复脚本，迁移用户 {user}"
        )
        .get(lang)
    );
    let (plan_path, stage) = (one_line(&report.plan), report.stage_shown());
    let _ = writeln!(
        text,
        "{}",
        text!(
            "-- plan {plan_path}, stage {stage}",
            "-- 计划 {plan_path}，阶段 {stage}"
        )
        .get(lang)
    );
    let _ = writeln!(
        text,
        "{}",
        text!(
            "-- Review it, then run it as an administrator of this tenant. oms-preflight never runs it.",
            "-- 请先审阅，再以该租户管理员身份执行。oms-preflight 从不执行它。"
        )
        .get(lang)
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
            one_line(finding.message.get(lang))
        );
        for line in fresh {
            match write_statement(&mut text, line, lang) {
                true => written.push(line),
                false => withheld.push(line),
            }
        }
    }
    // What could not be checked may need fixing too: say so rather than "nothing to fix".
    let not_checked = report.not_run(Status::Inconclusive);
    if !not_checked.is_empty() {
        let _ = writeln!(
            text,
            "\n{}",
            text!(
                "-- not checked, so not fixed here (run check again once these can decide):",
                "-- 以下未检查，因此这里没有修复（待它们可以判定后重新运行 check）："
            )
            .get(lang)
        );
        for entry in &not_checked {
            let _ = writeln!(
                text,
                "--   {}: {}",
                entry.rules.join(", "),
                one_line(entry.reason.get(lang))
            );
        }
    }
    if written.is_empty() && withheld.is_empty() {
        let nothing = match not_checked.is_empty() {
            true => text!(
                "-- nothing to fix on tenant {tenant}",
                "-- 租户 {tenant} 上没有需要修复的内容"
            ),
            false => text!(
                "-- nothing to fix on tenant {tenant} among what could be checked",
                "-- 在能检查的范围内，租户 {tenant} 上没有需要修复的内容"
            ),
        };
        let _ = writeln!(text, "\n{}", nothing.get(lang));
    }
    Script {
        text,
        statements: written.len(),
    }
}

/// Writes `statement` on its own line; whether it was written. A statement about a name with a
/// control character in it cannot be written as is without writing that character raw, nor
/// escaped without naming another object: it is left for a person to write, shown escaped in a
/// comment.
pub(super) fn write_statement(text: &mut String, statement: &str, lang: Lang) -> bool {
    if has_controls(statement) {
        let shown = one_line(statement);
        let _ = writeln!(
            text,
            "{}",
            text!(
                "-- not written: a name in it holds a control character, shown escaped:\n--   {shown}",
                "-- 未写入：其中的名称含有控制字符，以转义形式显示：\n--   {shown}"
            )
            .get(lang)
        );
        return false;
    }
    let _ = writeln!(text, "{statement}");
    true
}
