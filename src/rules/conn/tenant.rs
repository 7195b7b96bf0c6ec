use crate::facts::Tenant;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Both tenants answer on the host and port of the plan, the migration user of each can log
    /// in with its password, and every fact the other rules read was collected.
    ///
    /// ## Why it matters
    /// OMS connects to both tenants with these users for every link. A tenant the tool cannot
    /// reach is a tenant OMS cannot reach either, and every rule that needed its facts is left
    /// inconclusive: the pair has not been checked.
    ///
    /// ## How to fix
    /// Check the host, port and user in the plan, the password source, and that the tenant
    /// accepts connections from this machine. When only some facts are missing, the finding
    /// names the statement that failed and the server's error: usually a privilege the
    /// migration user lacks to read a view.
    pub static RULE = Rule {
        id: "conn.tenant",
        severity: Severity::Error,
        stage: None,
        input: Input::Tenants,
        needs: &[],
        optional: &[],
        waivable: false,
        compares_sides: false,
        summary: "tenant reachable, migration user can log in, facts collected",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        if let Some(reason) = on.login_failure() {
            findings.push(
                Finding::new(tenant, Some(on.user().to_string()), format!("cannot check tenant {tenant}: {reason}"))
                    .help("check host, port, user and password in the plan, and that this machine may connect")
                    .at(Some(cx.plan.tenant(tenant).span.clone())),
            );
            continue;
        }
        let missing: Vec<String> = Need::TENANT
            .into_iter()
            .filter_map(|need| {
                on.gap(need)
                    .map(|reason| format!("{} ({reason})", need.name()))
            })
            .collect();
        if !missing.is_empty() {
            findings.push(
                Finding::new(
                    tenant,
                    Some(on.user().to_string()),
                    format!("logged in to tenant {tenant}, but could not collect: {}", missing.join("; ")),
                )
                .help("the rules that read these facts are inconclusive; grant the migration user read access to the views named")
                .severity(Severity::Warning),
            );
        }
    }
    Ok(findings)
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
                "connection refused",
            )
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("oms_b"))]);
        assert!(findings[0].message.contains("connection refused"));
        assert_eq!(findings[0].severity, None);
    }

    #[test]
    fn a_fact_that_could_not_be_read_is_a_warning() {
        let facts = facts(|f| f.a.triggers = Fact::unavailable("ERROR 1142: denied"));
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(findings[0].severity, Some(Severity::Warning));
        assert!(
            findings[0]
                .message
                .contains("triggers (ERROR 1142: denied)")
        );
    }

    #[test]
    fn quiet_when_everything_was_collected() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
