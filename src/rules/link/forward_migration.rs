use crate::plan::Migration;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Side, Text, declare_rule, migration_name,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// The forward link migrates the schema, the existing rows and the incremental changes
    /// (`migration = ["schema", "full", "incremental"]`); when the forward project exists in
    /// OMS, its own settings too.
    ///
    /// ## Why it matters
    /// The reverse link migrates nothing but changes: everything B holds must come from the
    /// forward link. Without schema migration B's tables must be made by hand (and drift);
    /// without full migration the rows that existed before are missing on B; without
    /// incremental sync the pair is not active-active at all.
    ///
    /// ## How to fix
    /// Set `migration = ["schema", "full", "incremental"]` in `[forward]` and create the
    /// forward project with all three, unless B was seeded by other means on purpose.
    pub static RULE = Rule {
        id: "link.forward-migration",
        severity: Severity::Warning,
        input: Input::Plan,
        optional: &[Need::OmsForward],
        summary: "the forward link has schema, full and incremental migration",
        check: check,
    };
}

const EXPECTED: [Migration; 3] = [Migration::Schema, Migration::Full, Migration::Incremental];

fn check(cx: &Ctx<'_>) -> Check {
    let forward = &cx.plan.forward;
    let mut findings = Vec::new();
    let missing: Vec<&str> = EXPECTED
        .iter()
        .filter(|m| !forward.migration.contains(m))
        .map(|m| m.as_str())
        .collect();
    if !missing.is_empty() {
        findings.push(
            Finding::new(
                Side::Plan,
                Some(forward.project.clone()),
                text!(
                    "forward project {project} leaves out {missing} migration",
                    "正向项目 {project} 未包含{missing}";
                    project = Text::same(forward.project.as_str()),
                    missing = kinds(&missing)
                ),
            )
            .help(text!(
                "set migration = [\"schema\", \"full\", \"incremental\"] in [forward]",
                "在 [forward] 中设置 migration = [\"schema\", \"full\", \"incremental\"]"
            ))
            .at(forward.migration_span.clone()),
        );
    }
    // Read when OMS showed it; the plan alone decides otherwise.
    let live = cx.oms_forward().ok().flatten();
    if let Some(project) = live {
        let m = project.migration;
        let missing: Vec<&str> = [
            (m.schema, "schema"),
            (m.full, "full"),
            (m.incremental, "incremental"),
        ]
        .into_iter()
        .filter_map(|(on, name)| (!on).then_some(name))
        .collect();
        if !missing.is_empty() {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    text!(
                        "live forward project {name} runs without {missing} migration",
                        "运行中的正向项目 {name} 没有{missing}";
                        name = Text::same(project.name.as_str()),
                        missing = kinds(&missing)
                    ),
                )
                .help(text!(
                    "the reverse link relies on the forward link for schema and rows; recreate the forward project with all three",
                    "反向链路依赖正向链路迁移结构和数据；请重新创建包含结构迁移、全量迁移和增量同步的正向项目"
                )),
            );
        }
    }
    Ok(findings)
}

/// `schema and full`; `结构迁移和全量迁移`.
fn kinds(names: &[&str]) -> Text {
    let names: Vec<Text> = names.iter().map(|name| migration_name(name)).collect();
    Text::join(&names, " and ", "和")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_when_full_migration_is_left_out() {
        let plan = plan_edited(
            "migration = [\"schema\", \"full\", \"incremental\"]",
            "migration = [\"schema\", \"incremental\"]",
        );
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(
            findings[0].message,
            "forward project dr_a_to_b leaves out full migration"
        );
    }

    #[test]
    fn quiet_on_the_full_forward_link() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Reverse);
    }
}
