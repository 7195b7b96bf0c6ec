use crate::facts::{Privilege, Tenant};
use crate::rules::scope::lacks;
use crate::rules::{Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, declare_rule};

declare_rule! {
    /// ## What it checks
    /// No trigger is defined on an in-scope table of either tenant. Triggers are listed only to
    /// users holding the TRIGGER privilege, so without it on the scope the rule is
    /// inconclusive rather than clean.
    ///
    /// ## Why it matters
    /// Each tenant is the target of a link. A trigger on a target table fires again for every
    /// row the link replays, writing what the source's own trigger already wrote (and syncs
    /// separately): duplicated or conflicting rows, and migrations that fail. OMS documents
    /// that targets must not have triggers.
    ///
    /// ## How to fix
    /// Drop the triggers on the tables in scope (keeping their logic on one side only, e.g. in
    /// the application), or grant the migration user TRIGGER so the check can see them.
    pub static RULE = Rule {
        id: "schema.triggers",
        severity: Severity::Warning,
        stage: None,
        input: Input::Tenants,
        needs: &[Need::Triggers, Need::Grants],
        optional: &[],
        waivable: true,
        compares_sides: false,
        summary: "no triggers on in-scope tables",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut blind = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        for lack in lacks(on.grants()?, cx.plan.links(), |_| vec![Privilege::Trigger]) {
            let entry = format!(
                "tenant {tenant}: {} has no TRIGGER privilege on {}",
                on.user(),
                lack.object.name()
            );
            if !blind.contains(&entry) {
                blind.push(entry);
            }
        }
    }
    if !blind.is_empty() {
        return Err(NotEvaluated::Inconclusive(format!(
            "triggers cannot be listed: {}",
            blind.join("; ")
        )));
    }
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        for trigger in cx.tenant(tenant).triggers()? {
            if !cx
                .plan
                .links()
                .iter()
                .any(|link| link.covers(&trigger.database, &trigger.table))
            {
                continue;
            }
            let table = format!("{}.{}", trigger.database, trigger.table);
            findings.push(
                Finding::new(
                    tenant,
                    Some(table.clone()),
                    format!(
                        "trigger {} ({} {}) on {table} on tenant {tenant} fires again for every row the link replays",
                        trigger.name, trigger.timing, trigger.event
                    ),
                )
                .help("drop the trigger on the tables in scope, keeping its logic on one side only"),
            );
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, Trigger};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_trigger_in_scope() {
        let facts = facts(|f| {
            f.a.triggers = Fact::Observed(vec![Trigger {
                database: "app".into(),
                name: "trg_upper".into(),
                table: "orders".into(),
                timing: "BEFORE".into(),
                event: "INSERT".into(),
            }])
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", Some("app.orders"))]);
    }

    #[test]
    fn inconclusive_without_the_trigger_privilege() {
        let facts =
            facts(|f| f.b.grants = Fact::Observed(grants(&["GRANT SELECT ON *.* TO 'oms_b'"])));
        let evaluation = run(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(
            evaluation
                .reason
                .unwrap()
                .contains("oms_b has no TRIGGER privilege on app")
        );
    }

    #[test]
    fn quiet_without_triggers() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
