use crate::facts::Tenant;
use crate::rules::{Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Text, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Each tenant is a primary tenant (`TENANT_ROLE = PRIMARY` in `oceanbase.DBA_OB_TENANTS`),
    /// in status `NORMAL`, and not locked. Skipped on an edition without tenants (seekdb, which
    /// has no standby either).
    ///
    /// ## Why it matters
    /// In active-active both tenants are the source of a link, and OMS cannot read a standby:
    /// "OMS 社区版不支持 OceanBase 备库作为源端" (OMS documentation for OceanBase migrations and
    /// active-active projects). A physical standby is also read-only, so the other link cannot
    /// write to it. Pairs built for disaster recovery often mix a physical standby tenant with
    /// OMS; a tenant being restored, dropped or locked is no better.
    ///
    /// ## How to fix
    /// Point the plan (and the OMS data source) at the primary tenant, or switch the standby
    /// over to primary first (`ALTER SYSTEM SWITCHOVER TO PRIMARY` / `FAILOVER TO PRIMARY`);
    /// unlock a locked tenant (`ALTER TENANT ... LOCKED = NO` in the sys tenant).
    pub static RULE = Rule {
        id: "tenant.role",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::TenantRole],
        optional: &[Need::Server],
        waivable: false,
        summary: "each tenant is a primary, normal, unlocked tenant",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut without_tenants = 0;
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let Some(role) = cx.tenant(tenant).tenant_role()? else {
            without_tenants += 1;
            continue;
        };
        let mut wrong = Vec::new();
        if !role.role.eq_ignore_ascii_case("PRIMARY") {
            wrong.push(text!(
                "its role is {} (OMS cannot read a standby)",
                "其角色为 {}（OMS 无法读取备租户）",
                role.role
            ));
        }
        if !role.status.eq_ignore_ascii_case("NORMAL") {
            wrong.push(text!("its status is {}", "其状态为 {}", role.status));
        }
        if role.locked.eq_ignore_ascii_case("YES") {
            wrong.push(text!("it is locked", "它已被锁定"));
        }
        if !wrong.is_empty() {
            findings.push(
                Finding::new(
                    tenant,
                    Some(role.name.clone()),
                    text!(
                        "tenant {tenant} ({name}) cannot serve a link: {wrong}",
                        "租户 {tenant}（{name}）无法承载链路：{wrong}";
                        name = Text::same(role.name.as_str()),
                        wrong = Text::join(&wrong, "; ", "；")
                    ),
                )
                .help(text!(
                    "point the plan and the OMS data source at the primary tenant, or switch this one over to primary and unlock it",
                    "让计划和 OMS 数据源指向主租户，或把该租户切换为主租户并解锁"
                )),
            );
        }
    }
    if without_tenants == Tenant::BOTH.len() {
        return Err(NotEvaluated::Skipped(match super::kernels(cx) {
            Some(kernels) => text!(
                "neither kernel has tenants (no DBA_OB_TENANTS on {kernels}), hence no standby",
                "两个内核都没有租户（{kernels} 上没有 DBA_OB_TENANTS），因此也不存在备租户";
                kernels = kernels
            ),
            None => text!(
                "neither kernel has tenants (no DBA_OB_TENANTS), hence no standby",
                "两个内核都没有租户（没有 DBA_OB_TENANTS），因此也不存在备租户"
            ),
        }));
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    /// seekdb has no tenants and no standby: these facts are derived, as is the scenario.
    #[test]
    fn fires_on_a_standby_or_locked_tenant() {
        let facts = facts(|f| {
            if let Fact::Observed(Some(role)) = &mut f.b.tenant_role {
                role.role = "STANDBY".into();
                role.locked = "YES".into();
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("tenant_b"))]);
        assert!(
            findings[0]
                .message
                .contains("its role is STANDBY (OMS cannot read a standby); it is locked")
        );
    }

    #[test]
    fn quiet_on_primaries_and_skipped_without_tenants() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        let seekdb = facts(|f| {
            f.a.tenant_role = Fact::Observed(None);
            f.b.tenant_role = Fact::Observed(None);
        });
        assert_eq!(
            run(&RULE, &plan(), &seekdb, Stage::Forward).status,
            Status::Skipped
        );
        let unreadable = facts(|f| {
            f.a.tenant_role = Fact::unavailable(crate::i18n::Text::english("ERROR 1142"))
        });
        assert_eq!(
            run(&RULE, &plan(), &unreadable, Stage::Forward).status,
            Status::Inconclusive
        );
    }

    /// A user tenant of OceanBase 4.0 has no DBA_OB_TENANTS (a sys-tenant view at
    /// HollowMan6/oceanbase v4.0.0_CE): inconclusive, and the remedy asks for no grant.
    #[test]
    fn a_version_without_the_view_asks_for_no_grant() {
        let absent = facts(|f| {
            f.a.tenant_role = Fact::unavailable(crate::i18n::Text::english(
                "tenant A (h:2881): oceanbase.DBA_OB_TENANTS does not exist in a user tenant on this version (dictionary layout oceanbase-4.0, read at HollowMan6/oceanbase v4.0.0_CE)",
            ))
        });
        let evaluation = run(&RULE, &plan(), &absent, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap();
        assert!(
            reason.en().contains("confirm it by hand"),
            "{}",
            reason.en()
        );
        assert!(
            !reason.en().contains("grant the migration user"),
            "{}",
            reason.en()
        );
    }
}
