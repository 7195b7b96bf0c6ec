use crate::plan::Migration;
use crate::rules::{Check, Ctx, Finding, Input, Severity, Side, declare_rule};

declare_rule! {
    /// ## What it checks
    /// The reverse link's `migration` is exactly `["incremental"]`: no schema migration and no
    /// full migration.
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
        stage: None,
        input: Input::Plan,
        needs: &[],
        summary: "the reverse link's migration is exactly incremental",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let reverse = &cx.plan.reverse;
    if reverse.migration == [Migration::Incremental] {
        return Ok(vec![]);
    }
    let listed: Vec<&str> = reverse.migration.iter().map(|m| m.as_str()).collect();
    Ok(vec![
        Finding::new(
            Side::Plan,
            Some(reverse.project.clone()),
            format!(
                "reverse project {} migrates [{}]; it must migrate incremental changes only",
                reverse.project,
                listed.join(", ")
            ),
        )
        .help("set migration = [\"incremental\"] in [reverse]")
        .at(reverse.migration_span.clone()),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
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
    fn quiet_on_incremental_only() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
