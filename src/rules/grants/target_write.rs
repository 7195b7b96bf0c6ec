use std::collections::BTreeMap;

use crate::facts::{Privilege, Tenant};
use crate::plan::LinkPlan;
use crate::rules::scope::{Object, grant_statement, lacks, lacks_message};
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Text, declare_rule, link_name};
use crate::text;

/// What OMS needs on each target database (the OMS documentation on the migration user of an
/// OceanBase target).
const TARGET_PRIVILEGES: &[Privilege] = &[
    Privilege::Create,
    Privilege::CreateView,
    Privilege::Select,
    Privilege::Insert,
    Privilege::Update,
    Privilege::Alter,
    Privilege::Index,
    Privilege::Delete,
];

declare_rule! {
    /// ## What it checks
    /// On each tenant, the migration user holds CREATE, CREATE VIEW, SELECT, INSERT, UPDATE,
    /// ALTER, INDEX and DELETE on every in-scope database of the link that writes to it: B for
    /// the forward link, A for the reverse. DROP is required too on the tenant the DDL-syncing
    /// link writes to, since synced DDL includes DROP TABLE and DROP INDEX.
    ///
    /// ## Why it matters
    /// OMS creates the schema, loads the rows and replays every change on the target with this
    /// user. A missing privilege fails the project at the step that needs it, possibly hours
    /// into a full migration, or stops incremental sync at the first DDL.
    ///
    /// ## How to fix
    /// Run the GRANT in the finding's fix as an administrator of that tenant; it lists exactly
    /// the missing privileges, e.g. `GRANT INSERT, UPDATE, DELETE ON `app`.* TO 'oms_b'@'%';`
    pub static RULE = Rule {
        id: "grants.target-write",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Grants],
        summary: "migration user can create and write every in-scope target database",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let grants = on.grants()?;
        // Both links may target the same tenant when the plan is not mirrored; merge them so
        // each object gets one finding with everything it lacks.
        let mut missing_by_object: BTreeMap<String, (Object<'_>, Vec<Privilege>, Vec<&str>)> =
            BTreeMap::new();
        let required = |link: &LinkPlan| {
            let mut required = TARGET_PRIVILEGES.to_vec();
            if link.ddl_sync.enabled() {
                required.push(Privilege::Drop);
            }
            required
        };
        for lack in lacks(grants, cx.links_into(tenant), required) {
            let entry = missing_by_object
                .entry(lack.object.name())
                .or_insert_with(|| (lack.object, Vec::new(), Vec::new()));
            for privilege in lack.missing {
                if !entry.1.contains(&privilege) {
                    entry.1.push(privilege);
                }
            }
            entry.2.push(lack.link.name);
        }
        for (name, (object, missing, links)) in missing_by_object {
            findings.push(
                Finding::new(
                    tenant,
                    Some(name),
                    lacks_message(&on, grants, &missing, &object),
                )
                .help(text!(
                    "grant the privileges OMS needs to write the {links} link's target",
                    "授予 OMS 写入{links}链路目标端所需的权限";
                    links = Text::join(&links.iter().map(|link| link_name(link)).collect::<Vec<_>>(), " and ", "和")
                ))
                .fix(vec![grant_statement(&on, &missing, &object)]),
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

    const READ_ONLY: &[&str] =
        &["GRANT CREATE, CREATE VIEW, SELECT, ALTER, INDEX, DROP ON `app`.* TO 'oms_b'"];

    #[test]
    fn names_exactly_the_missing_privileges() {
        let facts = facts(|f| f.b.grants = Fact::Observed(grants(READ_ONLY)));
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("app"))]);
        assert_eq!(
            findings[0].message,
            "oms_b lacks INSERT, UPDATE, DELETE on `app`.*"
        );
        assert_eq!(
            findings[0].fix,
            vec!["GRANT INSERT, UPDATE, DELETE ON `app`.* TO 'oms_b'@'%';"]
        );
        assert!(findings[0].help.as_ref().unwrap().contains("forward link"));
    }

    #[test]
    fn drop_is_needed_only_where_the_ddl_syncing_link_writes() {
        let without_drop = &[
            "GRANT CREATE, CREATE VIEW, SELECT, INSERT, UPDATE, ALTER, INDEX, DELETE ON `app`.* TO 'u'",
        ];
        // Forward syncs DDL into b: b needs DROP, a (target of the reverse, no DDL) does not.
        let facts = facts(|f| {
            f.a.grants = Fact::Observed(grants(without_drop));
            f.b.grants = Fact::Observed(grants(without_drop));
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("app"))]);
        assert!(findings[0].message.contains("lacks DROP"));
    }

    #[test]
    fn all_privileges_on_the_database_is_enough() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }

    #[test]
    fn quoting_survives_hostile_names() {
        let plan = plan_edited("databases = [\"app\"]", "databases = [\"we`ird db\"]");
        let facts =
            facts(|f| f.b.grants = Fact::Observed(grants(&["GRANT USAGE ON *.* TO 'oms_b'"])));
        let findings = fire(&RULE, &plan, &facts, Stage::Forward);
        let on_b = findings
            .iter()
            .find(|f| f.side == crate::rules::Side::B)
            .unwrap();
        assert!(
            on_b.fix[0].ends_with("ON `we``ird db`.* TO 'oms_b'@'%';"),
            "{:?}",
            on_b.fix
        );
    }
}
