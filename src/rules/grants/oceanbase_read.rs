use super::{On, Requirement};
use crate::facts::{Privilege, Tenant};
use crate::rules::scope::{Object, grant_statement, lacks_message};
use crate::rules::versions::compare;
use crate::rules::{Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// On each tenant running OceanBase 4.0 or later, the migration user holds SELECT on
    /// `oceanbase`.* (directly or through a global grant).
    ///
    /// ## Why it matters
    /// Since OceanBase 4.0, OMS reads the source tenant's internal views (`oceanbase.gv$*`,
    /// `__all_virtual_*`) to plan and slice migrations and to follow incremental logs. Both
    /// tenants are a source in active-active. Without this grant the precheck fails.
    ///
    /// ## How to fix
    /// `` GRANT SELECT ON `oceanbase`.* TO 'user'@'%'; `` as an administrator of the tenant (the
    /// finding's fix line).
    pub static RULE = Rule {
        id: "grants.oceanbase-read",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Grants, Need::Server],
        summary: "SELECT on oceanbase.* (OB 4.0 and later)",
        check: check,
    };
}

/// SELECT on `oceanbase`.*, on OceanBase 4.0 and later.
pub fn required() -> Vec<Requirement<'static>> {
    vec![Requirement {
        rule: &RULE,
        on: On::Object(Object::Database("oceanbase")),
        privileges: vec![Privilege::Select],
        why: text!(
            "OMS reads the tenant's internal views (both tenants are a source)",
            "OMS 读取租户的内部视图（两个租户都是源端）"
        ),
        links: vec![],
        creates_database: false,
        from_version: Some("4.0.0"),
    }]
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut applies = Vec::new();
    for tenant in Tenant::BOTH {
        let version = &cx.tenant(tenant).server()?.ob_version;
        for requirement in required() {
            if requirement
                .from_version
                .is_none_or(|from| compare(version, from).is_ge())
            {
                applies.push((tenant, requirement));
            }
        }
    }
    if applies.is_empty() {
        return Err(NotEvaluated::Skipped(text!(
            "both tenants run OceanBase before 4.0",
            "两个租户运行的都是 4.0 之前的 OceanBase"
        )));
    }
    let mut findings = Vec::new();
    for (tenant, requirement) in applies {
        let on = cx.tenant(tenant);
        let grants = on.grants()?;
        let On::Object(object) = &requirement.on else {
            continue;
        };
        let missing = object.missing(grants, &requirement.privileges);
        if missing.is_empty() {
            continue;
        }
        findings.push(
            Finding::new(
                tenant,
                Some(object.name()),
                lacks_message(&on, grants, &missing, object),
            )
            .help(text!(
                "OMS reads the tenant's internal views with the migration user",
                "OMS 用迁移用户读取租户的内部视图"
            ))
            .fix(vec![grant_statement(&on, &missing, object)]),
        );
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_without_select_on_oceanbase() {
        let facts = facts(|f| {
            f.b.grants = Fact::Observed(grants(&["GRANT ALL PRIVILEGES ON `app`.* TO 'oms_b'"]))
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("oceanbase"))]);
        assert_eq!(
            findings[0].fix,
            vec!["GRANT SELECT ON `oceanbase`.* TO 'oms_b'@'%';"]
        );
    }

    #[test]
    fn a_global_select_covers_it_and_ob_3_skips_it() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        let old = facts(|f| {
            for t in [&mut f.a, &mut f.b] {
                if let Fact::Observed(server) = &mut t.server {
                    server.ob_version = "3.2.4.1".into();
                }
                t.grants = Fact::Observed(grants(&["GRANT USAGE ON *.* TO 'u'"]));
            }
        });
        assert_eq!(
            run(&RULE, &plan(), &old, Stage::Forward).status,
            Status::Skipped
        );
    }
}
