use super::require_visible_scope;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Stage, declare_rule, quote_identifier,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Before the forward project is created: every in-scope database exists on the forward
    /// link's target (B).
    ///
    /// ## Why it matters
    /// OMS migrates tables, not databases: the target schema must exist before the project
    /// starts, or schema migration fails for every table of the missing database.
    ///
    /// ## How to fix
    /// Create the database on the target with the source's character set and collation (the
    /// finding's fix line), e.g. `` CREATE DATABASE `app` DEFAULT CHARACTER SET utf8mb4 COLLATE
    /// utf8mb4_general_ci; ``.
    pub static RULE = Rule {
        id: "schema.target-databases",
        severity: Severity::Error,
        stages: &[Stage::Forward],
        input: Input::Tenants,
        needs: &[Need::Databases, Need::Grants],
        summary: "every target database exists on B",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let (source, target) = (cx.plan.forward.source, cx.plan.forward.target);
    let (on_source, on_target) = (
        cx.tenant(source).databases()?,
        cx.tenant(target).databases()?,
    );
    let find = |databases: &'_ std::collections::BTreeMap<String, crate::facts::Database>,
                database: &str| {
        databases
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(database))
            .map(|(_, found)| found.clone())
    };
    Ok(cx
        .plan
        .forward
        .scope_databases()
        .into_iter()
        .filter(|database| find(on_target, database).is_none())
        .map(|database| {
            let defaults = find(on_source, &database)
                .map(|db| format!(" DEFAULT CHARACTER SET {} COLLATE {}", db.charset, db.collation))
                .unwrap_or_default();
            Finding::new(
                target,
                Some(database.clone()),
                text!(
                    "database {database} does not exist on tenant {target}",
                    "数据库 {database} 在租户 {target} 上不存在"
                ),
            )
            .help(text!(
                "create it on the target before the forward project starts; OMS does not create databases",
                "在正向项目启动之前在目标端创建该库；OMS 不会创建数据库"
            ))
                .fix(vec![format!("CREATE DATABASE {}{defaults};", quote_identifier(&database))])
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_missing_target_database_with_the_source_defaults() {
        let facts = facts(|f| {
            if let Fact::Observed(dbs) = &mut f.b.databases {
                dbs.remove("app");
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("app"))]);
        assert_eq!(
            findings[0].fix,
            vec!["CREATE DATABASE `app` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;"]
        );
    }

    #[test]
    fn quiet_when_present() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
