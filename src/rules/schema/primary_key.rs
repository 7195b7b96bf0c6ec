use super::{name_list, require_visible_scope};
use crate::facts::{KeyKind, Tenant};
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Every in-scope table on both tenants has a primary key, or a unique key whose columns
    /// are all NOT NULL.
    ///
    /// ## Why it matters
    /// OMS identifies rows by such a key. For a table without one it adds a hidden column
    /// (`__pk_increment` on the source, `OMS_PK_INCRMT` on the target) that is only removed by
    /// a forward switchover, which active-active never performs; the target then becomes the
    /// reverse link's source with the hidden column in it, and the reverse link fails.
    /// Active-active therefore requires a key on every table, and OMS enforces it silently: an
    /// active-active project migrates only tables with a primary key or a NOT NULL unique key
    /// ("仅支持迁移有唯一键表", "其它表会自动过滤", OMS documentation for active-active projects
    /// between OceanBase tenants), so a table without one is simply missing on B, with no error.
    ///
    /// ## How to fix
    /// Add a primary key (`ALTER TABLE ... ADD PRIMARY KEY (...)`), or make the columns of an
    /// existing unique key NOT NULL, on both tenants before the forward project is created.
    pub static RULE = Rule {
        id: "schema.primary-key",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Grants],
        summary: "every in-scope table has a primary key or a NOT NULL unique key",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        for (database, name, table) in in_scope_tables(cx.plan, &cx.tenant(tenant))? {
            if table.row_identity().is_some() {
                continue;
            }
            let nullable_unique: Vec<&str> = table
                .keys
                .iter()
                .filter(|key| key.kind == KeyKind::Unique)
                .map(|key| key.name.as_str())
                .collect();
            let observed = if nullable_unique.is_empty() {
                text!(
                    "has no primary key and no unique key",
                    "既没有主键也没有唯一键"
                )
            } else {
                text!(
                    "has no primary key, and its unique keys ({keys}) have nullable columns",
                    "没有主键，且其唯一键（{keys}）含有可为空的列";
                    keys = name_list(&nullable_unique)
                )
            };
            findings.push(
                Finding::new(
                    tenant,
                    Some(format!("{database}.{name}")),
                    text!(
                        "table {database}.{name} on tenant {tenant} {observed}: an active-active project silently leaves it out, so it is never synced",
                        "租户 {tenant} 上的表 {database}.{name} {observed}：容灾双活项目会静默地将其排除，因此它永远不会被同步";
                        observed = observed
                    ),
                )
                .help(text!(
                    "add a primary key (or make a unique key's columns NOT NULL) on both tenants before creating the forward project",
                    "在创建正向项目之前，在两个租户上添加主键（或将某个唯一键的列改为 NOT NULL）"
                )),
            );
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, KeyKind};
    use crate::rules::{Stage, testing::*};

    fn with_table_on_a(name: &str, t: crate::facts::Table) -> crate::facts::Facts {
        facts(|f| {
            if let Fact::Observed(tables) = &mut f.a.tables {
                tables.get_mut("app").unwrap().insert(name.into(), t);
            }
        })
    }

    #[test]
    fn fires_on_a_table_without_any_key() {
        let facts = with_table_on_a("log", table(&[("x", "int(11)", true)], &[]));
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", Some("app.log"))]);
        assert!(findings[0].message.contains(
            "has no primary key and no unique key: an active-active project silently leaves it out"
        ));
    }

    #[test]
    fn a_unique_key_with_a_nullable_column_does_not_count() {
        let facts = with_table_on_a(
            "log",
            table(
                &[("x", "int(11)", true)],
                &[("ux", KeyKind::Unique, &["x"])],
            ),
        );
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert!(
            findings[0]
                .message
                .contains("unique keys (ux) have nullable columns")
        );
    }

    #[test]
    fn a_not_null_unique_key_counts() {
        let facts = with_table_on_a(
            "log",
            table(
                &[("x", "int(11)", false)],
                &[("ux", KeyKind::Unique, &["x"])],
            ),
        );
        assert_clean(&RULE, &plan(), &facts, Stage::Forward);
    }

    #[test]
    fn inconclusive_when_the_user_cannot_see_the_scope() {
        let facts = facts(|f| {
            f.b.grants = Fact::Observed(grants(&[
                "GRANT PROCESS ON *.* TO 'oms_b'",
                "GRANT SELECT ON `other`.* TO 'oms_b'",
            ]))
        });
        let evaluation = run(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            evaluation.status,
            crate::rules::engine::Status::Inconclusive
        );
        assert!(
            evaluation
                .reason
                .unwrap()
                .contains("tenant b: oms_b holds no privilege on app")
        );
    }

    #[test]
    fn tables_outside_the_scope_are_ignored() {
        let plan = plan_edited("databases = [\"app\"]", "tables = [\"app.orders\"]");
        let facts = with_table_on_a("log", table(&[("x", "int(11)", true)], &[]));
        assert_clean(&RULE, &plan, &facts, Stage::Forward);
    }
}
