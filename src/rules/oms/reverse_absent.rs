use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};

declare_rule! {
    /// ## What it checks
    /// The reverse project named in `[reverse]` does not exist in OMS yet; or, if it does, it
    /// matches the plan: incremental sync only, from the plan's reverse source to its target.
    ///
    /// ## Why it matters
    /// A reverse project created ahead of the check was created without it: before the forward
    /// schema migration finished, perhaps with schema or full migration switched on, or
    /// between the wrong data sources. Each of these copies data the wrong way over a live
    /// tenant.
    ///
    /// ## How to fix
    /// If the existing reverse project differs from the plan, release it and create it again
    /// from the plan once the check passes at the reverse stage.
    pub static RULE = Rule {
        id: "oms.reverse-absent",
        severity: Severity::Warning,
        stage: None,
        input: Input::Oms,
        needs: &[Need::OmsReverse],
        optional: &[],
        waivable: true,
        compares_sides: false,
        summary: "the reverse project does not exist yet, or matches the plan",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let Some(project) = cx.oms_reverse()? else {
        return Ok(vec![]);
    };
    let planned = &cx.plan.reverse;
    let mut differences = Vec::new();
    let m = project.migration;
    if m.schema || m.full || !m.incremental {
        let mut kinds = Vec::new();
        for (on, name) in [
            (m.schema, "schema"),
            (m.full, "full"),
            (m.incremental, "incremental"),
        ] {
            if on {
                kinds.push(name);
            }
        }
        differences.push(format!(
            "it migrates [{}], not incremental only",
            kinds.join(", ")
        ));
    }
    let side = |tenant: Option<crate::facts::Tenant>| {
        tenant
            .map(|t| t.as_str())
            .unwrap_or("an unknown data source")
    };
    if project.source != Some(planned.source) || project.sink != Some(planned.target) {
        differences.push(format!(
            "it reads {} and writes {}, the plan says {} to {}",
            side(project.source),
            side(project.sink),
            planned.source,
            planned.target
        ));
    }
    if differences.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![
        Finding::new(
            Side::Oms,
            Some(project.name.clone()),
            format!("reverse project {} ({}) already exists and differs from the plan: {}", project.name, project.status, differences.join("; ")),
        )
        .help("release it and create the reverse project from the plan after the reverse-stage check passes")
        .at(Some(planned.span.clone())),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn quiet_while_absent_or_matching() {
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Forward);
        let matching = with_oms(|oms| oms.reverse = Fact::Observed(Some(reverse_project())));
        assert_clean(&RULE, &oms_plan(), &matching, Stage::Reverse);
    }

    #[test]
    fn fires_on_an_existing_reverse_project_with_full_migration() {
        let facts = with_oms(|oms| {
            let mut project = reverse_project();
            project.migration.full = true;
            oms.reverse = Fact::Observed(Some(project));
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert!(
            findings[0]
                .message
                .contains("it migrates [full, incremental]"),
            "{}",
            findings[0].message
        );
    }
}
