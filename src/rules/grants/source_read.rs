use std::collections::BTreeSet;

use super::{On, Requirement};
use crate::facts::{Privilege, Tenant};
use crate::plan::Plan;
use crate::rules::scope::{Object, grant_statement, lacks_message};
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule, link_name};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// On each tenant, the migration user holds SELECT on every in-scope database (or table)
    /// of the link that reads from that tenant: A for the forward link, B for the reverse.
    /// Global, database and table grants all count; a table grant does not cover its database.
    ///
    /// ## Why it matters
    /// OMS reads the source's schema and rows with this user for schema migration, full
    /// migration and incremental sync. Without SELECT the project's precheck fails, or
    /// worse, tables the user cannot see are silently left out of the migration.
    ///
    /// ## How to fix
    /// Run the GRANT in the finding's fix as an administrator of that tenant, e.g.
    /// `` GRANT SELECT ON `app`.* TO 'oms_a'@'%'; ``
    pub static RULE = Rule {
        id: "grants.source-read",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Grants],
        summary: "migration user has SELECT on every in-scope database",
        check: check,
    };
}

/// SELECT on every object of the scope of the links that read from `tenant`.
pub fn required(plan: &Plan, tenant: Tenant) -> Vec<Requirement<'_>> {
    let mut seen = BTreeSet::new();
    let mut required = Vec::new();
    for link in plan
        .links()
        .into_iter()
        .filter(|link| link.source == tenant)
    {
        for object in Object::scope(link) {
            if !seen.insert(object.name()) {
                continue;
            }
            required.push(Requirement {
                rule: &RULE,
                on: On::Object(object),
                privileges: vec![Privilege::Select],
                why: text!(
                    "OMS reads the {link} link's source here (schema, rows, changes)",
                    "OMS 在此读取{link}链路的源端（结构、数据、变更）";
                    link = link_name(link.name)
                ),
                links: vec![link.name],
                creates_database: false,
                from_version: None,
            });
        }
    }
    required
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
                    "grant SELECT so OMS can read the {link} link's source",
                    "授予 SELECT 权限，让 OMS 能读取{link}链路的源端";
                    link = link_name(requirement.links[0])
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

    #[test]
    fn fires_on_the_source_without_select() {
        let facts =
            facts(|f| f.a.grants = Fact::Observed(grants(&["GRANT USAGE ON *.* TO 'oms_a'"])));
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", Some("app"))]);
        assert_eq!(findings[0].message, "oms_a lacks SELECT on `app`.*");
        assert_eq!(
            findings[0].fix,
            vec!["GRANT SELECT ON `app`.* TO 'oms_a'@'%';"]
        );
    }

    #[test]
    fn a_table_grant_does_not_cover_a_database_scope() {
        let facts = facts(|f| {
            f.b.grants = Fact::Observed(grants(&["GRANT SELECT ON `app`.`orders` TO 'oms_b'"]))
        });
        assert_eq!(
            where_(&fire(&RULE, &plan(), &facts, Stage::Forward)),
            vec![("b", Some("app"))]
        );
    }

    #[test]
    fn a_table_grant_covers_a_table_scope() {
        let plan = plan_edited("databases = [\"app\"]", "tables = [\"app.orders\"]");
        let facts = facts(|f| {
            f.a.grants = Fact::Observed(grants(&["GRANT SELECT ON `app`.`orders` TO 'oms_a'"]))
        });
        assert_clean(&RULE, &plan, &facts, Stage::Forward);
    }

    #[test]
    fn global_and_pattern_grants_count() {
        let facts = facts(|f| {
            f.a.grants = Fact::Observed(grants(&["GRANT SELECT ON *.* TO 'oms_a'"]));
            f.b.grants = Fact::Observed(grants(&["GRANT SELECT ON `ap%`.* TO 'oms_b'"]));
        });
        assert_clean(&RULE, &plan(), &facts, Stage::Forward);
    }

    /// `oms_a` holds USAGE itself and SELECT on `app`.* through role `r_read`, default or not.
    fn through_role(default: bool) -> crate::facts::Facts {
        use crate::facts::grants::{GrantLevel, PrivilegeGrant, RolePrivileges};
        let select_on_app = PrivilegeGrant {
            level: GrantLevel::Database {
                database: "app".into(),
            },
            all: false,
            privileges: [crate::facts::Privilege::Select].into(),
            column_privileges: vec![],
            with_grant_option: false,
        };
        let roles = match default {
            true => RolePrivileges {
                active: vec!["r_read".into()],
                inactive: vec![],
                grants: vec![select_on_app],
            },
            false => RolePrivileges {
                active: vec![],
                inactive: vec!["r_read".into()],
                grants: vec![],
            },
        };
        facts(|f| {
            let mut granted = grants(&[
                "GRANT USAGE ON *.* TO 'oms_a'",
                "GRANT `r_read`@`%` TO `oms_a`@`%`",
            ]);
            granted.role_privileges = Some(Fact::Observed(roles));
            f.a.grants = Fact::Observed(granted);
        })
    }

    #[test]
    fn a_default_role_counts_and_a_role_that_is_not_default_is_named_as_not_counted() {
        assert_clean(&RULE, &plan(), &through_role(true), Stage::Forward);
        let findings = fire(&RULE, &plan(), &through_role(false), Stage::Forward);
        assert_eq!(
            findings[0].message,
            "oms_a lacks SELECT on `app`.* (role r_read is granted but not a default role: \
             OMS's sessions do not activate it, so its privileges were not counted; \
             `SET DEFAULT ROLE ALL TO 'oms_a'@'%'` would make them count)"
        );
    }

    #[test]
    fn roles_whose_privileges_could_not_be_read_are_named_as_not_counted() {
        let facts = facts(|f| {
            let mut granted = grants(&[
                "GRANT USAGE ON *.* TO 'oms_a'",
                "GRANT `r_read`@`%` TO `oms_a`@`%`",
            ]);
            granted.role_privileges = Some(Fact::unavailable(crate::i18n::Text::english(
                "ERROR 1142 (42000): denied",
            )));
            f.a.grants = Fact::Observed(granted);
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert!(
            findings[0]
                .message
                .contains("roles r_read are granted too; their privileges could not be read (ERROR 1142 (42000): denied)"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn granted_roles_are_named_in_the_message() {
        let facts = facts(|f| {
            f.a.grants = Fact::Observed(grants(&[
                "GRANT USAGE ON *.* TO 'oms_a'",
                "GRANT `r_read`@`%` TO `oms_a`@`%`",
            ]))
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert!(findings[0].message.contains("roles r_read are granted too"));
    }
}
