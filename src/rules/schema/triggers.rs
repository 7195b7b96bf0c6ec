use crate::facts::{CatalogSource, Privilege, Tenant};
use crate::rules::schema::name_list;
use crate::rules::scope::lacks;
use crate::rules::{Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Text, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// No trigger is defined on an in-scope table of either tenant. Triggers are read from the
    /// kernel's trigger dictionary (`oceanbase.__all_tenant_trigger`; `__all_trigger` on
    /// seekdb), which lists every trigger to a user with SELECT on `oceanbase`.*, as OMS asks
    /// its migration users to hold. When the dictionary cannot be read, they are read from
    /// `information_schema.TRIGGERS`, which lists only triggers on tables the user holds
    /// TRIGGER on: without that privilege on the scope the rule is then inconclusive rather
    /// than clean.
    ///
    /// ## Why it matters
    /// Each tenant is the target of a link. A trigger on a target table fires again for every
    /// row the link replays, writing what the source's own trigger already wrote (and syncs
    /// separately): duplicated or conflicting rows, and migrations that fail. OMS documents
    /// that targets must not have triggers.
    ///
    /// ## How to fix
    /// Drop the triggers on the tables in scope (keeping their logic on one side only, e.g. in
    /// the application). When the rule is inconclusive, grant the migration user SELECT on
    /// `oceanbase`.* (which OMS needs anyway) so the dictionary can be read.
    pub static RULE = Rule {
        id: "schema.triggers",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Triggers],
        optional: &[Need::Grants],
        summary: "no triggers on in-scope tables",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut blind = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let read_from = on.triggers_read_from()?;
        if read_from.is_some_and(|catalog| catalog.source == CatalogSource::InnerTables) {
            // The dictionary lists every trigger, whatever the user's privileges.
            continue;
        }
        let unseen: Vec<String> =
            lacks(on.grants()?, cx.plan.links(), |_| vec![Privilege::Trigger])
                .into_iter()
                .map(|lack| lack.object.name())
                .fold(Vec::new(), |mut names, name| {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                    names
                });
        if unseen.is_empty() {
            continue;
        }
        let dictionary = match read_from.and_then(|catalog| catalog.fallback_reason.as_ref()) {
            Some(why) => text!(
                " (the trigger dictionary could not be read: {why})",
                "（触发器字典无法读取：{why}）";
                why = why
            ),
            None => Text::same(""),
        };
        let user = on.user();
        blind.push(text!(
            "tenant {tenant}: information_schema lists triggers only to holders of TRIGGER, and {user} has no TRIGGER privilege on {unseen}{dictionary}",
            "租户 {tenant}：information_schema 只向拥有 TRIGGER 权限的用户列出触发器，而 {user} 在 {unseen} 上没有 TRIGGER 权限{dictionary}";
            unseen = name_list(&unseen),
            dictionary = dictionary
        ));
    }
    if !blind.is_empty() {
        return Err(NotEvaluated::Inconclusive(text!(
            "triggers cannot be listed: {blind}; the kernel's trigger dictionary lists them all to a user with SELECT on `oceanbase`.* (read unless --catalog information-schema is given)",
            "无法列出触发器：{blind}；内核的触发器字典会向拥有 `oceanbase`.* SELECT 权限的用户列出全部触发器（除非指定 --catalog information-schema，否则会读取该字典）";
            blind = Text::join(&blind, "; ", "；")
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
                    text!(
                        "trigger {} ({} {}) on {table} on tenant {tenant} fires again for every row the link replays",
                        "租户 {tenant} 上 {table} 的触发器 {}（{} {}）会对链路回放的每一行再触发一次",
                        trigger.name,
                        trigger.timing,
                        trigger.event
                    ),
                )
                .help(text!(
                    "drop the trigger on the tables in scope, keeping its logic on one side only",
                    "删除范围内表上的该触发器，只在一端保留其逻辑"
                )),
            );
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Catalog, CatalogSource, Fact, Trigger};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    const DOCUMENTED: &[&str] = &[
        "GRANT SELECT ON *.* TO 'oms_b'",
        "GRANT SELECT ON `oceanbase`.* TO 'oms_b'",
        "GRANT ALTER, CREATE, DELETE, DROP, INSERT, UPDATE, SELECT, INDEX, CREATE VIEW ON `app`.* TO 'oms_b'",
    ];

    fn trigger() -> Trigger {
        Trigger {
            database: "app".into(),
            name: "trg_upper".into(),
            table: "orders".into(),
            timing: "BEFORE".into(),
            event: "INSERT".into(),
        }
    }

    #[test]
    fn fires_on_a_trigger_in_scope() {
        let facts = facts(|f| f.a.triggers = Fact::Observed(vec![trigger()]));
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", Some("app.orders"))]);
    }

    #[test]
    fn from_information_schema_it_is_inconclusive_without_the_trigger_privilege() {
        let facts = facts(|f| {
            f.b.grants = Fact::Observed(grants(DOCUMENTED));
            f.b.trigger_catalog = Some(Catalog {
                source: CatalogSource::InformationSchema,
                fallback_reason: Some(crate::i18n::Text::english(
                    "ERROR 1142: SELECT command denied",
                )),
            });
        });
        let evaluation = run(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap();
        assert!(
            reason.contains("oms_b has no TRIGGER privilege on app"),
            "{reason}"
        );
        assert!(reason.contains("ERROR 1142"), "{reason}");
        assert!(reason.contains("SELECT on `oceanbase`.*"), "{reason}");
    }

    #[test]
    fn from_the_dictionary_the_documented_grants_are_enough() {
        let from_dictionary = |f: &mut crate::facts::Facts| {
            for tenant in [&mut f.a, &mut f.b] {
                tenant.grants = Fact::Observed(grants(DOCUMENTED));
                tenant.trigger_catalog = Some(CatalogSource::InnerTables.into());
            }
        };
        assert_clean(&RULE, &plan(), &facts(from_dictionary), Stage::Forward);
        let with_trigger = facts(|f| {
            from_dictionary(f);
            f.b.triggers = Fact::Observed(vec![trigger()]);
        });
        let findings = fire(&RULE, &plan(), &with_trigger, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("app.orders"))]);
        // Without the grants at all, the dictionary still decides.
        let no_grants = facts(|f| {
            from_dictionary(f);
            f.a.grants = Fact::unavailable(crate::i18n::Text::english("ERROR 1227"));
        });
        assert_clean(&RULE, &plan(), &no_grants, Stage::Forward);
    }

    #[test]
    fn quiet_without_triggers() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
