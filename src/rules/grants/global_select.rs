use crate::facts::{Privilege, Tenant};
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// On each tenant the migration user holds SELECT ON *.* (the whole tenant).
    ///
    /// ## Why it matters
    /// OMS documents SELECT on the whole tenant as a requirement of a target OceanBase MySQL
    /// tenant, and each tenant is the target of one link. It also makes every in-scope table
    /// visible to the user, which the schema checks of this tool rely on.
    ///
    /// ## How to fix
    /// `GRANT SELECT ON *.* TO 'user'@'%';` (the finding's fix line).
    pub static RULE = Rule {
        id: "grants.global-select",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Grants],
        summary: "SELECT ON *.* (OMS target requirement)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        if on.grants()?.holds_globally(&Privilege::Select) {
            continue;
        }
        findings.push(
            Finding::new(
                tenant,
                Some(on.user().to_string()),
                text!(
                    "{} lacks SELECT ON *.*",
                    "{} 缺少 SELECT ON *.* 权限",
                    on.user()
                ),
            )
            .help(text!(
                "OMS requires SELECT on the whole target tenant",
                "OMS 要求对整个目标租户拥有 SELECT 权限"
            ))
            .fix(vec![format!("GRANT SELECT ON *.* TO {};", on.account())]),
        );
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_without_a_global_select() {
        let facts =
            facts(|f| f.a.grants = Fact::Observed(grants(&["GRANT SELECT ON `app`.* TO 'oms_a'"])));
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", Some("oms_a"))]);
        assert_eq!(findings[0].fix, vec!["GRANT SELECT ON *.* TO 'oms_a'@'%';"]);
    }

    #[test]
    fn quiet_with_a_global_select() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
