use crate::plan::Migration;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, Topology, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// The reverse link's `migration` is exactly `["incremental"]`: no schema migration and no
    /// full migration. When the reverse project already exists in OMS, its own settings
    /// (`enableStructTransfer`, `enableFullTransfer`, `enableIncrTransfer`) are checked too.
    ///
    /// ## Why it matters
    /// When the reverse project is created, the forward link has already built B's schema from
    /// A and copied A's rows. A reverse schema or full migration would copy B back over A:
    /// recreating tables that exist, or overwriting rows A has changed since, while the
    /// forward link is live.
    ///
    /// ## How to fix
    /// Set `migration = ["incremental"]` in `[reverse]` and create the reverse project with
    /// only incremental synchronization selected.
    pub static RULE = Rule {
        id: "link.reverse-incremental-only",
        severity: Severity::Error,
        topologies: &[Topology::TwoProjects],
        input: Input::Plan,
        optional: &[Need::OmsReverse],
        summary: "the reverse link's migration is exactly incremental",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let reverse = &cx.plan.reverse;
    let mut findings = Vec::new();
    if reverse.migration != [Migration::Incremental] {
        let listed: Vec<&str> = reverse.migration.iter().map(|m| m.as_str()).collect();
        findings.push(
            Finding::new(
                Side::Plan,
                Some(reverse.project.clone()),
                text!(
                    "reverse project {} migrates [{}]; it must migrate incremental changes only",
                    "反向项目 {} 的迁移类型为 [{}]；它只能做增量同步",
                    reverse.project,
                    listed.join(", ")
                ),
            )
            .help(text!(
                "set migration = [\"incremental\"] in [reverse]",
                "在 [reverse] 中设置 migration = [\"incremental\"]"
            ))
            .at(reverse.migration_span.clone()),
        );
    }
    // Read when OMS showed it; the plan alone decides otherwise.
    let live = cx.oms_reverse().ok().flatten();
    if let Some(project) = live {
        let m = project.migration;
        if m.schema || m.full || !m.incremental {
            let kinds: Vec<&str> = [
                (m.schema, "schema"),
                (m.full, "full"),
                (m.incremental, "incremental"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    text!(
                        "live reverse project {} migrates [{}]; it must migrate incremental changes only",
                        "运行中的反向项目 {} 的迁移类型为 [{}]；它只能做增量同步",
                        project.name,
                        kinds.join(", ")
                    ),
                )
                .help(text!(
                    "release the reverse project and create it with only incremental synchronization",
                    "释放该反向项目，并重新创建一个只含增量同步的反向项目"
                )),
            );
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_reverse_full_migration() {
        let plan = plan_edited(
            "migration = [\"incremental\"]",
            "migration = [\"full\", \"incremental\"]",
        );
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(where_(&findings), vec![("plan", Some("dr_b_to_a"))]);
        assert!(findings[0].message.contains("[full, incremental]"));
    }

    #[test]
    fn fires_when_incremental_is_missing() {
        let plan = plan_edited("migration = [\"incremental\"]", "migration = [\"schema\"]");
        fire(&RULE, &plan, &healthy(), Stage::Forward);
    }

    #[test]
    fn fires_on_a_live_reverse_project_with_schema_migration() {
        let facts = with_oms(|oms| {
            let mut project = reverse_project();
            project.migration.schema = true;
            oms.reverse = Fact::Observed(Some(project));
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_b_to_a"))]);
    }

    #[test]
    fn quiet_on_incremental_only() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
