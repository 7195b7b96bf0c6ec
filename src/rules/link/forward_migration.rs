use crate::plan::Migration;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};

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
        stages: &[],
        topologies: &[],
        input: Input::Plan,
        needs: &[],
        optional: &[Need::OmsForward],
        waivable: true,
        compares_sides: false,
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
                format!(
                    "forward project {} leaves out {} migration",
                    forward.project,
                    missing.join(" and ")
                ),
            )
            .help("set migration = [\"schema\", \"full\", \"incremental\"] in [forward]")
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
                    format!("live forward project {} runs without {} migration", project.name, missing.join(" and ")),
                )
                .help("the reverse link relies on the forward link for schema and rows; recreate the forward project with all three"),
            );
        }
    }
    Ok(findings)
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
