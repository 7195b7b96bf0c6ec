use crate::facts::Tenant;
use crate::facts::oms::Unresolved;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Text, Topology, declare_rule,
};
use crate::text;

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
        topologies: &[Topology::TwoProjects],
        input: Input::Oms,
        needs: &[Need::OmsReverse],
        summary: "the reverse project does not exist yet, or matches the plan",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let Some(project) = cx.oms_reverse()? else {
        return Ok(vec![]);
    };
    let planned = &cx.plan.reverse;
    let (name, status) = (&project.name, &project.status);
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
        // The kinds as the plan's `migration` names them, the same in both languages.
        let kinds = kinds.join(", ");
        differences.push(text!(
            "it migrates [{kinds}], not incremental only",
            "它迁移 [{kinds}]，而不是只有增量同步"
        ));
    }
    let side = |tenant: Option<Tenant>| match tenant {
        Some(tenant) => Text::same(tenant.as_str()),
        None => text!("an unknown data source", "未知数据源"),
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
        let (source, target) = (planned.source, planned.target);
        differences.push(text!(
            "it reads {reads} and writes {writes}, the plan says {source} to {target}",
            "它读取 {reads}、写入 {writes}，计划为从 {source} 到 {target}";
            reads = side(project.source),
            writes = side(project.sink)
        ));
    }
    let unknown: Vec<Text> = [source_unknown, sink_unknown]
        .into_iter()
        .flatten()
        .map(|u| {
            let candidates: Vec<Text> = u
                .tenants
                .iter()
                .map(|tenant| text!("tenant {tenant}", "租户 {tenant}"))
                .collect();
            let (data_source, reason) = (&u.data_source, &u.reason);
            text!(
                "data source {data_source} may be {candidates} ({reason})",
                "数据源 {data_source} 可能是{candidates}（{reason}）";
                candidates = Text::join(&candidates, " or ", " 或 "),
                reason = reason
            )
        })
        .collect();
    if differences.is_empty() && !unknown.is_empty() {
        return Err(NotEvaluated::Inconclusive(text!(
            "reverse project {name} exists, but its endpoints could not be compared with the plan: {unknown}; make the host names resolvable where the check runs, or register the data sources by IP",
            "反向项目 {name} 已存在，但其两端无法与计划比较：{unknown}；请让检查所在机器能够解析这些主机名，或以 IP 登记这些数据源";
            unknown = Text::join(&unknown, "; ", "；")
        )));
    }
    if differences.is_empty() {
        return Ok(vec![]);
    }
    Ok(vec![
        Finding::new(
            Side::Oms,
            Some(name.clone()),
            text!(
                "reverse project {name} ({status}) already exists and differs from the plan: {differences}",
                "反向项目 {name}（{status}）已存在，且与计划不一致：{differences}";
                differences = Text::join(&differences, "; ", "；")
            ),
        )
        .help(text!(
            "release it and create the reverse project from the plan after the reverse-stage check passes",
            "释放该项目，待 reverse 阶段的检查通过后再按计划创建反向项目"
        ))
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
                reason: crate::i18n::Text::english("host name db-b.internal does not resolve here"),
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
