use std::collections::BTreeMap;

use super::{On, Requirement};
use crate::facts::{Privilege, Tenant};
use crate::plan::Plan;
use crate::rules::scope::{Object, grant_statement, lacks_message};
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
    /// the missing privileges, e.g. `` GRANT INSERT, UPDATE, DELETE ON `app`.* TO 'oms_b'@'%'; ``
    pub static RULE = Rule {
        id: "grants.target-write",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Grants],
        summary: "migration user can create and write every in-scope target database",
        check: check,
    };
}

/// On every object of the scope of the links that write to `tenant`, what OMS needs to write
/// it, and DROP where a link syncs DDL. Both links may target the same tenant when the plan is
/// not mirrored: each object is required once, with everything its links need.
pub fn required(plan: &Plan, tenant: Tenant) -> Vec<Requirement<'_>> {
    let mut by_object: BTreeMap<String, Requirement<'_>> = BTreeMap::new();
    for link in plan
        .links()
        .into_iter()
        .filter(|link| link.target == tenant)
    {
        let mut privileges = TARGET_PRIVILEGES.to_vec();
        if link.ddl_sync.enabled() {
            privileges.push(Privilege::Drop);
        }
        for object in Object::scope(link) {
            let requirement = by_object
                .entry(object.name())
                .or_insert_with(|| Requirement {
                    rule: &RULE,
                    on: On::Object(object),
                    privileges: Vec::new(),
                    why: Text::same(""),
                    links: Vec::new(),
                    creates_database: false,
                    from_version: None,
                });
            for privilege in &privileges {
                if !requirement.privileges.contains(privilege) {
                    requirement.privileges.push(privilege.clone());
                }
            }
            requirement.links.push(link.name);
        }
    }
    by_object
        .into_values()
        .map(|mut requirement| {
            let links = links_named(&requirement.links);
            requirement.why = match requirement.privileges.contains(&Privilege::Drop) {
                true => text!(
                    "OMS creates, writes and alters the {links} link's target here; DROP for the DDL it syncs",
                    "OMS 在此创建、写入并修改{links}链路的目标端；同步的 DDL 需要 DROP";
                    links = links
                ),
                false => text!(
                    "OMS creates, writes and alters the {links} link's target here",
                    "OMS 在此创建、写入并修改{links}链路的目标端";
                    links = links
                ),
            };
            requirement
        })
        .collect()
}

/// `forward and reverse`, `正向和反向`.
fn links_named(links: &[&str]) -> Text {
    Text::join(
        &links.iter().map(|link| link_name(link)).collect::<Vec<_>>(),
        " and ",
        "和",
    )
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let grants = on.grants()?;
        for requirement in required(cx.plan, tenant) {
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
                    "grant the privileges OMS needs to write the {links} link's target",
                    "授予 OMS 写入{links}链路目标端所需的权限";
                    links = links_named(&requirement.links)
                ))
                .fix(vec![grant_statement(&on, &missing, object)]),
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
