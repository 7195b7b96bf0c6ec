use crate::facts::Tenant;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Side, Text, declare_rule, unless_undecided,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Each tenant of the plan is a registered OMS data source: one whose host and port are the
    /// tenant's, whose type matches the tenant's mode (`OB_MYSQL…` for MySQL mode, `OB_ORACLE…`
    /// for Oracle mode), and whose tenant name is the one declared in `[tenants.x] tenant`.
    /// Hosts compare as written, then by address: a data source registered by host name
    /// matches a plan that gives the tenant's IP, and the reverse. When a tenant has no
    /// matching data source but one on its port names a host that does not resolve where the
    /// check runs, the rule is inconclusive and names that data source.
    ///
    /// ## Why it matters
    /// OMS projects connect through data sources. A project created on a data source of the
    /// wrong type, or pointing at another tenant, migrates the wrong database or fails at its
    /// precheck.
    ///
    /// ## How to fix
    /// Register the tenant in OMS (data source of type OB_MYSQL or OB_ORACLE with the plan's
    /// host, port and tenant), or correct the plan's host and port to the data source's.
    pub static RULE = Rule {
        id: "oms.data-sources",
        severity: Severity::Error,
        input: Input::Oms,
        needs: &[Need::OmsDataSources],
        optional: &[Need::Mode],
        summary: "both tenants are registered OMS data sources of the right type and tenant",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let sources = cx.oms_data_sources()?;
    let mut findings = Vec::new();
    let mut undecided: Vec<Text> = Vec::new();
    let mut kinds: Vec<(Tenant, String, Option<String>)> = Vec::new();
    for tenant in Tenant::BOTH {
        let planned = cx.plan.tenant(tenant);
        let endpoint = planned.endpoint();
        let matching: Vec<_> = sources
            .iter()
            .filter(|source| source.tenant == Some(tenant))
            .collect();
        let maybe: Vec<_> = sources
            .iter()
            .filter_map(|source| source.unresolved.as_ref())
            .filter(|unresolved| unresolved.tenants.contains(&tenant))
            .collect();
        if matching.is_empty() && !maybe.is_empty() {
            for unresolved in maybe {
                let (data_source, reason) = (&unresolved.data_source, &unresolved.reason);
                undecided.push(text!(
                    "data source {data_source} could not be compared with tenant {tenant} ({endpoint}): {reason}; make the host names resolvable where the check runs, or register the data source by IP",
                    "数据源 {data_source} 无法与租户 {tenant}（{endpoint}）比较：{reason}；请让检查所在机器能够解析这些主机名，或以 IP 登记该数据源";
                    reason = reason
                ));
            }
            continue;
        }
        if matching.is_empty() {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(endpoint.clone()),
                    text!(
                        "no OMS data source points at tenant {tenant} ({endpoint})",
                        "没有指向租户 {tenant}（{endpoint}）的 OMS 数据源"
                    ),
                )
                .help(text!(
                    "register the tenant as an OMS data source with this host and port, or correct the plan",
                    "以该主机和端口将租户登记为 OMS 数据源，或修正计划"
                ))
                .at(Some(planned.span.clone())),
            );
            continue;
        }
        // The tenant's mode, when it was collected, tells the data source type it needs.
        let mode = cx.tenant(tenant).mode().ok().map(|mode| mode.mode.as_str());
        for source in matching {
            let label = source.name.clone().unwrap_or_else(|| source.id.clone());
            kinds.push((tenant, label.clone(), source.kind.clone()));
            // What OMS does not show, or the tenant did not tell, cannot be confirmed.
            match (mode, source.kind.as_deref()) {
                (_, None) => undecided.push(text!(
                    "OMS shows no type for data source {label} of tenant {tenant}",
                    "OMS 未显示租户 {tenant} 的数据源 {label} 的类型"
                )),
                (None, Some(kind)) => undecided.push(text!(
                    "the mode of tenant {tenant} was not collected, so type {kind} of data source {label} cannot be compared with it",
                    "未采集到租户 {tenant} 的模式，因此无法将数据源 {label} 的类型 {kind} 与之比较"
                )),
                _ => {}
            }
            if let (Some(declared), None) = (&planned.tenant_name, &source.tenant_name) {
                undecided.push(text!(
                    "OMS shows no tenant name for data source {label}; the plan expects {declared}",
                    "OMS 未显示数据源 {label} 的租户名；计划期望的是 {declared}"
                ));
            }
            if let (Some(mode), Some(kind)) = (mode, source.kind.as_deref()) {
                let expected = format!("OB_{mode}");
                if !kind.to_ascii_uppercase().starts_with(&expected) {
                    findings.push(
                        Finding::new(
                            Side::Oms,
                            Some(label.clone()),
                            text!(
                                "data source {label} of tenant {tenant} has type {kind}, but the tenant is in {mode} mode",
                                "租户 {tenant} 的数据源 {label} 类型为 {kind}，但该租户为 {mode} 模式"
                            ),
                        )
                        .help(text!(
                            "register the tenant as a data source of type {expected}",
                            "将该租户登记为类型 {expected} 的数据源"
                        )),
                    );
                }
            }
            if let (Some(declared), Some(registered)) = (&planned.tenant_name, &source.tenant_name)
                && !declared.eq_ignore_ascii_case(registered)
            {
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(label.clone()),
                        text!(
                            "data source {label} at {endpoint} names tenant {registered}; the plan expects {declared}",
                            "位于 {endpoint} 的数据源 {label} 指向租户 {registered}；计划期望的是 {declared}"
                        ),
                    )
                    .help(text!(
                        "check that the host and port reach the intended tenant, or correct [tenants] tenant",
                        "确认该主机和端口连到的是预期的租户，或修正 [tenants] tenant"
                    ))
                    .at(Some(planned.span.clone())),
                );
            }
        }
    }
    // The pair is two tenants of one type: data sources of two types cannot be a pair, whatever
    // the tenants' modes say.
    let mode_of = |kind: &str| {
        let kind = kind.to_ascii_uppercase();
        ["OB_MYSQL", "OB_ORACLE"]
            .into_iter()
            .find(|prefix| kind.starts_with(prefix))
    };
    let a = kinds.iter().filter(|(t, ..)| *t == Tenant::A);
    for (_, label_a, kind_a) in a {
        for (_, label_b, kind_b) in kinds.iter().filter(|(t, ..)| *t == Tenant::B) {
            if let (Some(kind_a), Some(kind_b)) = (kind_a, kind_b)
                && let (Some(mode_a), Some(mode_b)) = (mode_of(kind_a), mode_of(kind_b))
                && mode_a != mode_b
            {
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(label_b.clone()),
                        text!(
                            "data source {label_a} of tenant a is {kind_a} but data source {label_b} of tenant b is {kind_b}: an active-active pair joins two tenants of one type",
                            "租户 a 的数据源 {label_a} 为 {kind_a}，而租户 b 的数据源 {label_b} 为 {kind_b}：容灾双活只能连接同一类型的两个租户"
                        ),
                    )
                    .help(text!(
                        "register both tenants with the type of their mode (OB_MYSQL or OB_ORACLE), or pair tenants of the same mode",
                        "按租户模式（OB_MYSQL 或 OB_ORACLE）登记两个租户，或为同一模式的租户建立双活"
                    )),
                );
            }
        }
    }
    unless_undecided(findings, &undecided, |joined| joined)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::oms::Unresolved;
    use crate::facts::{Fact, Tenant};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_when_a_tenant_is_not_registered() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources.retain(|source| source.id != "e_b");
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("oms", Some("10.0.0.2:2881"))]);
    }

    #[test]
    fn fires_on_a_data_source_of_the_wrong_type() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[0].kind = Some("OB_ORACLE".into());
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert!(
            findings[0]
                .message
                .contains("has type OB_ORACLE, but the tenant is in MYSQL mode")
        );
    }

    #[test]
    fn inconclusive_when_the_only_candidate_names_a_host_that_does_not_resolve() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[1].tenant = None;
                sources[1].unresolved = Some(Unresolved {
                    data_source: "ob_b (db-b.internal:2881)".into(),
                    tenants: vec![Tenant::A, Tenant::B],
                    reason: crate::i18n::Text::english(
                        "host name db-b.internal does not resolve here",
                    ),
                });
            }
        });
        let evaluation = run(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert_eq!(
            evaluation.reason.as_ref().map(crate::rules::Text::en),
            Some(
                "data source ob_b (db-b.internal:2881) could not be compared with tenant b (10.0.0.2:2881): host name db-b.internal does not resolve here; make the host names resolvable where the check runs, or register the data source by IP"
            )
        );
    }

    #[test]
    fn quiet_when_both_are_registered() {
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Forward);
    }

    #[test]
    fn a_type_or_tenant_it_cannot_confirm_is_not_a_pass() {
        use crate::rules::engine::Status;
        // A's source OB_ORACLE, B's without type or tenant name, the plan naming B's tenant:
        // the two types cannot be compared with B's, and B's tenant is not shown.
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[1].kind = None;
                sources[1].tenant_name = None;
            }
        });
        let plan = oms_plan_from(&PLAN.replacen(
            "user = \"oms_b\"",
            "user = \"oms_b\"\ntenant = \"tenant_b\"",
            1,
        ));
        let evaluation = run(&RULE, &plan, &facts, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap().en().to_string();
        assert!(
            reason.contains("OMS shows no type for data source"),
            "{reason}"
        );
        assert!(reason.contains("expects tenant_b"), "{reason}");
        // Two data sources of different types are no pair, whatever the modes say.
        let mixed = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[0].kind = Some("OB_ORACLE".into());
            }
        });
        let findings = fire(&RULE, &oms_plan(), &mixed, Stage::Forward);
        assert!(
            findings.iter().any(|f| f
                .message
                .contains("an active-active pair joins two tenants of one type")),
            "{findings:?}"
        );
    }
}
