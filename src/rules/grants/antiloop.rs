use super::{On, Requirement};
use crate::facts::{Grants, Privilege, Tenant};
use crate::rules::scope::{Object, grant_to, lacks_message};
use crate::rules::{Check, Ctx, Finding, Input, Missing, Need, Severity, TenantCtx, declare_rule};
use crate::text;

/// The database OMS keeps its anti-loop transaction table (`drc_txn`) in for OB ↔ OB.
const TXN_DATABASE: &str = "test";

const TXN_PRIVILEGES: &[Privilege] = &[
    Privilege::Create,
    Privilege::Select,
    Privilege::Insert,
    Privilege::Update,
    Privilege::Delete,
];

declare_rule! {
    /// ## What it checks
    /// On each tenant the database `test` exists and the migration user holds CREATE, SELECT,
    /// INSERT, UPDATE and DELETE on `test`.*.
    ///
    /// ## Why it matters
    /// In active-active, OMS prevents replication loops with a transaction table, `drc_txn`,
    /// that the writer of each link creates and updates in the target tenant's `test`
    /// database (OMS's `txnDb` default). Each tenant is a target, so each needs the database
    /// and the privileges; without them the links fail, or changes bounce between the tenants.
    ///
    /// ## How to fix
    /// Run the finding's fix lines as an administrator: `` CREATE DATABASE IF NOT EXISTS `test` ``
    /// and `` GRANT CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* TO 'user'@'%' ``.
    pub static RULE = Rule {
        id: "grants.antiloop",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Grants, Need::Databases],
        summary: "database test exists with CREATE, SELECT, INSERT, UPDATE, DELETE for the anti-loop table",
        check: check,
    };
}

/// The database `test`, with what OMS needs to keep its anti-loop table there.
pub fn required() -> Vec<Requirement<'static>> {
    vec![Requirement {
        rule: &RULE,
        on: On::Object(Object::Database(TXN_DATABASE)),
        privileges: TXN_PRIVILEGES.to_vec(),
        why: text!(
            "OMS's writer keeps its anti-loop table drc_txn in database test of each target tenant",
            "OMS 的写入组件把防回环表 drc_txn 放在每个目标租户的 test 库中"
        ),
        links: vec![],
        creates_database: true,
        from_version: None,
    }]
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let grants = on.grants()?;
        for requirement in required() {
            let On::Object(object) = &requirement.on else {
                continue;
            };
            if let Some(finding) = judge(tenant, &on, grants, &requirement, object)? {
                findings.push(finding);
            }
        }
    }
    Ok(findings)
}

/// The finding about `requirement` on one tenant, if it is not met: the database not visible
/// (it does not exist, or the user holds nothing on it), or privileges missing on it.
fn judge(
    tenant: Tenant,
    on: &TenantCtx<'_, '_>,
    grants: &Grants,
    requirement: &Requirement<'_>,
    object: &Object<'_>,
) -> Result<Option<Finding>, Missing> {
    let account = on.account();
    let missing = object.missing(grants, &requirement.privileges);
    let visible = on
        .databases()?
        .keys()
        .any(|name| name.eq_ignore_ascii_case(TXN_DATABASE));
    if !visible {
        // information_schema shows a database only to users with a privilege on it.
        let why = if missing.len() == requirement.privileges.len() {
            text!(
                "is not visible to the migration user: it does not exist, or the user holds no privilege on it",
                "对迁移用户不可见：它不存在，或该用户在其上没有任何权限"
            )
        } else {
            text!("does not exist", "不存在")
        };
        return Ok(Some(
            Finding::new(
                tenant,
                Some(TXN_DATABASE.into()),
                text!(
                    "database {TXN_DATABASE} on tenant {tenant} {why}",
                    "租户 {tenant} 上的数据库 {TXN_DATABASE} {why}";
                    why = why
                ),
            )
            .help(text!(
                "OMS keeps its anti-loop transaction table drc_txn in database test of each target tenant",
                "OMS 把防回环事务表 drc_txn 放在每个目标租户的 test 库中"
            ))
            .fix(requirement.statements_for(&account, &missing)),
        ));
    }
    if missing.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        Finding::new(
            tenant,
            Some(TXN_DATABASE.into()),
            lacks_message(on, grants, &missing, object),
        )
        .help(text!(
            "OMS's writer creates and updates the anti-loop table drc_txn in database test",
            "OMS 的写入组件会在 test 库中创建并更新防回环表 drc_txn"
        ))
        .fix(vec![grant_to(&account, &missing, &object.grant_target())]),
    ))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_when_test_is_missing_with_both_fix_lines() {
        let facts = facts(|f| {
            if let Fact::Observed(dbs) = &mut f.b.databases {
                dbs.remove("test");
            }
            f.b.grants = Fact::Observed(grants(&[
                "GRANT SELECT ON *.* TO 'oms_b'",
                "GRANT ALL PRIVILEGES ON `app`.* TO 'oms_b'",
            ]));
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("test"))]);
        assert_eq!(
            findings[0].message,
            "database test on tenant b does not exist"
        );
        assert_eq!(
            findings[0].fix,
            vec![
                "CREATE DATABASE IF NOT EXISTS `test`;",
                "GRANT CREATE, INSERT, UPDATE, DELETE ON `test`.* TO 'oms_b'@'%';"
            ]
        );
    }

    #[test]
    fn fires_on_missing_privileges_when_test_exists() {
        let facts =
            facts(|f| f.a.grants = Fact::Observed(grants(&["GRANT SELECT ON *.* TO 'oms_a'"])));
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", Some("test"))]);
        assert!(
            findings[0]
                .message
                .starts_with("oms_a lacks CREATE, INSERT, UPDATE, DELETE on `test`.*")
        );
    }

    #[test]
    fn quiet_with_test_and_its_privileges() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
