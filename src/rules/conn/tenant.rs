use crate::facts::{Fact, Tenant};
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Text, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Both tenants answer on the host and port of the plan, the migration user of each can log
    /// in with its password, the session is in the tenant the plan names (`tenant = "..."`,
    /// when given; read from `oceanbase.DBA_OB_TENANTS`), and every fact the other rules read
    /// was collected.
    ///
    /// ## Why it matters
    /// OMS connects to both tenants with these users for every link. A tenant the tool cannot
    /// reach is a tenant OMS cannot reach either, and every rule that needed its facts is left
    /// inconclusive: the pair has not been checked. A session in another tenant than the one
    /// the plan names (a wrong port, a proxy routing to another tenant, a user that exists in
    /// both) means every other verdict is about the wrong tenant.
    ///
    /// ## How to fix
    /// Check the host, port and user in the plan, the password source, and that the tenant
    /// accepts connections from this machine. Through ODP (OBProxy) the tenant is part of the
    /// user name (`user@tenant#cluster`). When only some facts are missing, the finding names
    /// the statement that failed and the server's error: usually a privilege the migration
    /// user lacks to read a view.
    pub static RULE = Rule {
        id: "conn.tenant",
        severity: Severity::Error,
        input: Input::Tenants,
        waivable: false,
        summary: "tenant reachable, migration user can log in, facts collected",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let planned = cx.plan.tenant(tenant);
        if let Some(reason) = on.login_failure() {
            findings.push(
                Finding::new(
                    tenant,
                    Some(on.user().to_string()),
                    text!(
                        "cannot check tenant {tenant}: {reason}",
                        "无法检查租户 {tenant}：{reason}";
                        reason = reason
                    ),
                )
                .help(text!(
                    "check host, port, user and password in the plan, and that this machine may connect",
                    "检查计划中的主机、端口、用户和密码，并确认本机可以连接"
                ))
                    .at(Some(planned.span.clone())),
            );
            continue;
        }
        let missing: Vec<Text> = Need::TENANT
            .into_iter()
            .filter_map(|need| {
                on.gap(need).map(|reason| {
                    text!(
                        "{need} ({reason})",
                        "{need}（{reason}）";
                        need = need.text(),
                        reason = reason
                    )
                })
            })
            .collect();
        if let Some(declared) = &planned.tenant_name {
            findings.extend(named_tenant(cx, tenant, declared));
        }
        if !missing.is_empty() {
            findings.push(
                Finding::new(
                    tenant,
                    Some(on.user().to_string()),
                    text!(
                        "logged in to tenant {tenant}, but could not collect: {missing}",
                        "已登录租户 {tenant}，但无法采集：{missing}";
                        missing = Text::join(&missing, "; ", "；")
                    ),
                )
                .help(text!(
                    "the rules that read these facts are inconclusive; grant the migration user read access to the views named",
                    "读取这些事实的规则无法判定；请授予迁移用户读取上述视图的权限"
                ))
                .severity(Severity::Warning),
            );
        }
    }
    Ok(findings)
}

/// A finding when the session on `tenant` is not in the tenant the plan names `declared`, or
/// when that cannot be told.
fn named_tenant(cx: &Ctx<'_>, tenant: Tenant, declared: &str) -> Option<Finding> {
    let on = cx.tenant(tenant);
    let planned = cx.plan.tenant(tenant);
    let at = Some(
        planned
            .tenant_name_span
            .clone()
            .unwrap_or_else(|| planned.span.clone()),
    );
    let unknown = |why: Text| {
        // The collector says so when the kernel's version has no such view in a user tenant
        // (OceanBase 4.0 keeps DBA_OB_TENANTS in the sys tenant; seekdb has none): no grant
        // makes it readable there.
        let absent = why.en().contains("on this version (dictionary layout");
        let help = if absent {
            text!(
                "this kernel version has no oceanbase.DBA_OB_TENANTS in a user tenant, so the session cannot say which tenant it is in: confirm it by hand (through ODP the user is user@tenant#cluster), or leave `tenant` out of the plan",
                "该内核版本的用户租户中没有 oceanbase.DBA_OB_TENANTS，会话无法说明它位于哪个租户：请手工确认（经 ODP 连接时用户名为 user@tenant#cluster），或不要在计划中填写 `tenant`"
            )
        } else {
            text!(
                "the name is read from oceanbase.DBA_OB_TENANTS, which OceanBase 4.1 and later show to a user with SELECT on `oceanbase`.* (seekdb has no tenants: leave `tenant` out there)",
                "租户名读取自 oceanbase.DBA_OB_TENANTS，OceanBase 4.1 及以后版本只向拥有 `oceanbase`.* 上 SELECT 权限的用户显示它（seekdb 没有租户：请不要填写 `tenant`）"
            )
        };
        Finding::new(
            tenant,
            Some(declared.to_string()),
            text!(
                "the plan names tenant {declared} for tenant {tenant}, but the tenant the session is in could not be read: {why}",
                "计划为租户 {tenant} 指定了租户 {declared}，但无法读取会话实际所在的租户：{why}";
                why = why
            ),
        )
        .help(help)
        .severity(Severity::Warning)
        .at(at.clone())
    };
    match on.connected_tenant() {
        // Asked whenever the plan names a tenant: absent only from facts collected before.
        None => Some(unknown(text!(
            "these facts do not hold it; collect them again",
            "这些事实中没有该信息；请重新采集"
        ))),
        Some(Fact::Unavailable { reason }) => Some(unknown(reason.clone())),
        Some(Fact::Observed(connected)) if connected.eq_ignore_ascii_case(declared) => None,
        Some(Fact::Observed(connected)) => Some(
            Finding::new(
                tenant,
                Some(connected.clone()),
                text!(
                    "the plan names tenant {declared} for tenant {tenant}, but the session of {} is in tenant {connected}",
                    "计划为租户 {tenant} 指定了租户 {declared}，但 {} 的会话位于租户 {connected}",
                    on.user()
                ),
            )
            .help(text!(
                "correct the host, port or user so the session reaches the named tenant (through ODP: user@tenant#cluster), or correct `tenant` in the plan",
                "更正主机、端口或用户，使会话进入指定的租户（经 ODP 时：user@tenant#cluster），或更正计划中的 `tenant`"
            ))
            .at(at.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, TenantFacts};
    use crate::rules::{Severity, Stage, testing::*};

    #[test]
    fn an_unreachable_tenant_is_an_error_naming_its_user() {
        let facts = facts(|f| {
            f.b = TenantFacts::unreachable(
                "10.0.0.2:2881".into(),
                "oms_b".into(),
                &crate::i18n::Text::english("connection refused"),
            )
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("oms_b"))]);
        assert!(findings[0].message.contains("connection refused"));
        assert_eq!(findings[0].severity, None);
    }

    #[test]
    fn a_fact_that_could_not_be_read_is_a_warning() {
        let facts = facts(|f| {
            f.a.triggers = Fact::unavailable(crate::i18n::Text::english("ERROR 1142: denied"))
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(findings[0].severity, Some(Severity::Warning));
        assert!(
            findings[0]
                .message
                .contains("triggers (ERROR 1142: denied)")
        );
    }

    const NAMED: &str = "user = \"oms_b\"\ntenant = \"tenant_b\"\n";

    fn named_b() -> crate::plan::Plan {
        plan_edited("user = \"oms_b\"\n", NAMED)
    }

    #[test]
    fn a_session_in_another_tenant_than_the_plan_names_is_an_error_at_the_declaration() {
        let plan = named_b();
        let elsewhere = facts(|f| f.b.tenant_name = Some(Fact::Observed("tenant_x".into())));
        let findings = fire(&RULE, &plan, &elsewhere, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("tenant_x"))]);
        assert!(
            findings[0]
                .message
                .contains("the plan names tenant tenant_b for tenant b, but the session of oms_b is in tenant tenant_x"),
            "{}",
            findings[0].message
        );
        assert_eq!(findings[0].severity, None);
        let span = findings[0].plan_span.clone().unwrap();
        assert_eq!(&plan.source[span], "tenant_b");
        let same = facts(|f| f.b.tenant_name = Some(Fact::Observed("TENANT_B".into())));
        assert_clean(&RULE, &plan, &same, Stage::Forward);
    }

    #[test]
    fn a_tenant_name_that_cannot_be_read_is_said_not_passed() {
        let unreadable = facts(|f| {
            f.b.tenant_name = Some(Fact::unavailable(crate::i18n::Text::english(
                "ERROR 1146 (42S02): Table 'oceanbase.dba_ob_tenants' doesn't exist",
            )))
        });
        let findings = fire(&RULE, &named_b(), &unreadable, Stage::Forward);
        assert_eq!(findings[0].severity, Some(Severity::Warning));
        assert_eq!(where_(&findings), vec![("b", Some("tenant_b"))]);
        assert!(
            findings[0]
                .message
                .contains("could not be read: ERROR 1146")
        );
        // A bundle without the name says so too.
        let findings = fire(&RULE, &named_b(), &healthy(), Stage::Forward);
        assert!(findings[0].message.contains("collect them again"));
        // Without a declared tenant nothing is asked and nothing is said.
        assert_clean(&RULE, &plan(), &unreadable, Stage::Forward);
    }

    /// OceanBase 4.0 keeps DBA_OB_TENANTS in the sys tenant (HollowMan6/oceanbase v4.0.0_CE,
    /// `in_tenant_space = False`): the collector says the view does not exist there, and the
    /// help asks for no grant.
    #[test]
    fn a_view_missing_from_the_version_asks_for_no_grant() {
        let absent = facts(|f| {
            f.b.tenant_name = Some(Fact::unavailable(crate::i18n::Text::english(
                "tenant B (h:2881): oceanbase.DBA_OB_TENANTS does not exist in a user tenant on this version (dictionary layout oceanbase-4.0, read at HollowMan6/oceanbase v4.0.0_CE)",
            )))
        });
        let findings = fire(&RULE, &named_b(), &absent, Stage::Forward);
        let help = findings[0].help.as_ref().unwrap();
        assert!(help.contains("confirm it by hand"), "{help}");
        assert!(!help.contains("SELECT on"), "{help}");
    }

    #[test]
    fn quiet_when_everything_was_collected() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
