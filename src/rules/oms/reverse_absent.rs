use crate::facts::Tenant;
use crate::facts::oms::Unresolved;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Topology, declare_rule,
};

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
        stages: &[],
        topologies: &[Topology::TwoProjects],
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
    let side = |tenant: Option<Tenant>| {
        tenant
            .map(|t| t.as_str())
            .unwrap_or("an unknown data source")
    };
    // An endpoint whose host name did not resolve may be the planned tenant: neither a
    // difference nor a match.
    fn maybe(unresolved: &Option<Unresolved>, tenant: Tenant) -> Option<&Unresolved> {
        unresolved
            .as_ref()
            .filter(|unresolved| unresolved.tenants.contains(&tenant))
    }
    let source_unknown = maybe(&project.source_unresolved, planned.source);
    let sink_unknown = maybe(&project.sink_unresolved, planned.target);
    let source_differs = source_unknown.is_none() && project.source != Some(planned.source);
    let sink_differs = sink_unknown.is_none() && project.sink != Some(planned.target);
    if source_differs || sink_differs {
        differences.push(format!(
            "it reads {} and writes {}, the plan says {} to {}",
            side(project.source),
            side(project.sink),
            planned.source,
            planned.target
        ));
    }
    let unknown: Vec<String> = [source_unknown, sink_unknown]
        .into_iter()
        .flatten()
        .map(|u| {
            format!(
                "data source {} may be {} ({})",
                u.data_source,
                u.candidates(),
                u.reason
            )
        })
        .collect();
    if differences.is_empty() && !unknown.is_empty() {
        return Err(NotEvaluated::Inconclusive(format!(
            "reverse project {} exists, but its endpoints could not be compared with the plan: {}; make the host names resolvable where the check runs, or register the data sources by IP",
            project.name,
            unknown.join("; ")
        ).into()));
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
    use crate::facts::oms::Unresolved;
    use crate::facts::{Fact, Tenant};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn quiet_while_absent_or_matching() {
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Forward);
        let matching = with_oms(|oms| oms.reverse = Fact::Observed(Some(reverse_project())));
        assert_clean(&RULE, &oms_plan(), &matching, Stage::Reverse);
    }

    #[test]
    fn inconclusive_when_an_endpoint_cannot_be_compared() {
        let facts = with_oms(|oms| {
            let mut project = reverse_project();
            project.source = None;
            project.source_unresolved = Some(Unresolved {
                data_source: "ob_b (db-b.internal:2881)".into(),
                tenants: vec![Tenant::B],
                reason: "host name db-b.internal does not resolve here".into(),
            });
            oms.reverse = Fact::Observed(Some(project));
        });
        let evaluation = run(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap();
        assert!(
            reason.contains("data source ob_b (db-b.internal:2881) may be tenant b"),
            "{reason}"
        );
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
