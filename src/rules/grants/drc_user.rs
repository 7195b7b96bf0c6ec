use crate::facts::{Privilege, Tenant};
use crate::rules::scope::grant_to;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, declare_rule, quote_identifier, quote_string,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Each tenant's entry in the plan declares the sys-tenant user OMS reads that cluster's
    /// logs with (`drc_user`), and, when its password is given (`drc_password_env` or
    /// `drc_password_file`), that the user can log in.
    ///
    /// ## Why it matters
    /// In active-active both tenants are the source of a link, so OMS captures incremental
    /// changes from both clusters. It does so with a user of each cluster's sys tenant (the
    /// data source's DRC user); without one, or with one that cannot log in, the incremental
    /// step of that link never starts.
    ///
    /// When the plan declares no DRC user for a tenant but OMS shows its data source with one
    /// (`connExtraAttributes.drcUser`), OMS's answer stands: `oms.data-source-incr` checks it.
    ///
    /// ## How to fix
    /// Create a read-only user in the sys tenant of each cluster (OMS documents
    /// `GRANT SELECT ON oceanbase.* TO drc_user` there), register it with the data source in
    /// OMS, and declare it in the plan as `drc_user = "drc_user@sys"`.
    pub static RULE = Rule {
        id: "grants.drc-user",
        severity: Severity::Warning,
        input: Input::Tenants,
        optional: &[Need::DrcLogin, Need::OmsDataSources],
        summary: "a sys-tenant log-reading (DRC) user is declared for each cluster and can log in",
        check: check,
    };
}

/// What OMS documents for the DRC user, a user of the cluster's sys tenant (not of the tenant
/// the migration user belongs to): SELECT on `oceanbase`.* there. `user` as the plan declares
/// it (`drc_user@sys`).
pub fn sys_tenant_grant(user: &str) -> String {
    let name = crate::plan::user_name(user);
    grant_to(
        &format!("{}@{}", quote_string(name), quote_string("%")),
        &[Privilege::Select],
        &format!("{}.*", quote_identifier("oceanbase")),
    )
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    let mut unreachable: Vec<Tenant> = Vec::new();
    for tenant in Tenant::BOTH {
        let planned = cx.plan.tenant(tenant);
        let Some(user) = &planned.drc_user else {
            if registered_with_drc_user(cx, tenant) {
                continue;
            }
            findings.push(
                Finding::new(
                    tenant,
                    None,
                    text!(
                        "no sys-tenant DRC user is declared for tenant {tenant}'s cluster",
                        "未为租户 {tenant} 所在集群声明 sys 租户的 DRC 用户"
                    ),
                )
                .help(text!(
                    "declare drc_user (and drc_password_env to let the check log in) in [tenants] for each cluster",
                    "在 [tenants] 中为每个集群声明 drc_user（并用 drc_password_env 让检查能登录）"
                ))
                    .at(Some(planned.span.clone())),
            );
            continue;
        };
        if cx.tenant(tenant).login_failure().is_some() {
            // The tenant itself is out of reach (conn.tenant): a failed DRC login says nothing.
            unreachable.push(tenant);
            continue;
        }
        if let Some(reason) = cx
            .tenant(tenant)
            .drc_login()?
            .and_then(|login| login.unavailable_reason())
        {
            findings.push(
                Finding::new(
                    tenant,
                    Some(user.clone()),
                    text!(
                        "the DRC user {user} of tenant {tenant}'s cluster cannot log in: {reason}",
                        "租户 {tenant} 所在集群的 DRC 用户 {user} 无法登录：{reason}";
                        reason = reason
                    ),
                )
                .help(text!(
                    "check the user and its password in the sys tenant and in the OMS data source",
                    "检查 sys 租户中以及 OMS 数据源中的该用户及其密码"
                )),
            );
        }
    }
    if findings.is_empty() && !unreachable.is_empty() {
        return Err(crate::rules::NotEvaluated::Inconclusive(
            crate::rules::blocked_by_connection(&unreachable),
        ));
    }
    Ok(findings)
}

/// Whether OMS shows `tenant`'s data source with a sys-tenant log user.
fn registered_with_drc_user(cx: &Ctx<'_>, tenant: Tenant) -> bool {
    cx.oms_data_sources().is_ok_and(|sources| {
        sources.iter().any(|source| {
            source.tenant == Some(tenant)
                && source
                    .log_source
                    .as_ref()
                    .is_some_and(|log| log.drc_user.is_some())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    const DRC: &str = "user = \"oms_a\"\ndrc_user = \"drc@sys\"\n";

    #[test]
    fn fires_when_undeclared() {
        let findings = fire(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", None), ("b", None)]);
    }

    #[test]
    fn fires_when_the_declared_user_cannot_log_in() {
        let plan = plan_from(&PLAN.replace("user = \"oms_a\"\n", DRC).replace(
            "user = \"oms_b\"\n",
            "user = \"oms_b\"\ndrc_user = \"drc@sys\"\n",
        ));
        let facts = facts(|f| {
            f.b.drc_login = Some(Fact::unavailable(crate::i18n::Text::english(
                "ERROR 1045 (42000): Access denied",
            )))
        });
        let findings = fire(&RULE, &plan, &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("drc@sys"))]);
        let ok = facts_with_login();
        assert_clean(&RULE, &plan, &ok, Stage::Forward);
    }

    #[test]
    fn a_drc_user_oms_shows_stands_for_the_plan() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[1].log_source = None;
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", None)]);
    }

    fn facts_with_login() -> crate::facts::Facts {
        facts(|f| {
            f.a.drc_login = Some(Fact::Observed(()));
            f.b.drc_login = None;
        })
    }
}
