use super::{On, Requirement};
use crate::facts::{Privilege, Tenant, grants::join};
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

/// SELECT on the whole tenant.
pub fn required() -> Vec<Requirement<'static>> {
    vec![Requirement {
        rule: &RULE,
        on: On::Tenant,
        privileges: vec![Privilege::Select],
        why: text!(
            "OMS requires SELECT on the whole target tenant (each tenant is one link's target)",
            "OMS 要求对整个目标租户拥有 SELECT 权限（每个租户都是一条链路的目标端）"
        ),
        links: vec![],
        creates_database: false,
        from_version: None,
    }]
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let grants = on.grants()?;
        for requirement in required() {
            let missing = requirement.on.missing(grants, &requirement.privileges);
            if missing.is_empty() {
                continue;
            }
            findings.push(
                Finding::new(
                    tenant,
                    Some(on.user().to_string()),
                    text!(
                        "{} lacks {} ON *.*",
                        "{} 缺少 {} ON *.* 权限",
                        on.user(),
                        join(&missing)
                    ),
                )
                .help(text!(
                    "OMS requires SELECT on the whole target tenant",
                    "OMS 要求对整个目标租户拥有 SELECT 权限"
                ))
                .fix(requirement.statements_for(&on.account(), &missing)),
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
