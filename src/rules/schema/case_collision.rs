use std::collections::BTreeMap;

use super::{name_list, require_visible_scope};
use crate::facts::Tenant;
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// On each tenant, no two in-scope tables of a database, and no two columns of a table,
    /// have names that differ only by case.
    ///
    /// ## Why it matters
    /// Whether `Orders` and `orders` are one object depends on `lower_case_table_names` and on
    /// the tool that reads the name. OMS documents that tables whose names differ only by case
    /// may be migrated wrongly: one of them is skipped or both are written into one.
    ///
    /// ## How to fix
    /// Rename one of the two objects on both tenants.
    pub static RULE = Rule {
        id: "schema.case-collision",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Grants],
        summary: "no two in-scope names differ only by case",
        check: check,
    };
}

/// Groups of names equal but for case, each sorted.
fn collisions<'n>(names: impl Iterator<Item = &'n str>) -> Vec<Vec<&'n str>> {
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in names {
        groups.entry(name.to_lowercase()).or_default().push(name);
    }
    groups
        .into_values()
        .filter(|group| group.len() > 1)
        .map(|mut group| {
            group.sort();
            group
        })
        .collect()
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let tables: Vec<_> = in_scope_tables(cx.plan, &cx.tenant(tenant))?.collect();
        let mut by_database: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (database, table, facts) in &tables {
            by_database.entry(database).or_default().push(table);
            for group in collisions(facts.columns.iter().map(|c| c.name.as_str())) {
                findings.push(
                    Finding::new(
                        tenant,
                        Some(format!("{database}.{table}.{}", group[0])),
                        text!(
                            "table {database}.{table} on tenant {tenant} has columns differing only by case: {names}",
                            "租户 {tenant} 上的表 {database}.{table} 有只在大小写上不同的列：{names}";
                            names = name_list(&group)
                        ),
                    )
                    .help(text!(
                        "rename one of the columns on both tenants",
                        "在两个租户上重命名其中一列"
                    )),
                );
            }
        }
        for (database, names) in by_database {
            for group in collisions(names.into_iter()) {
                findings.push(
                    Finding::new(
                        tenant,
                        Some(format!("{database}.{}", group[0])),
                        text!(
                            "database {database} on tenant {tenant} has tables differing only by case: {names}",
                            "租户 {tenant} 上的数据库 {database} 有只在大小写上不同的表：{names}";
                            names = name_list(&group)
                        ),
                    )
                    .help(text!(
                        "rename one of the tables on both tenants",
                        "在两个租户上重命名其中一张表"
                    )),
                );
            }
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
    fn fires_on_tables_that_differ_by_case() {
        let facts = facts(|f| {
            if let Fact::Observed(tables) = &mut f.b.tables {
                tables
                    .get_mut("app")
                    .unwrap()
                    .insert("Orders".into(), orders());
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("app.Orders"))]);
        assert!(findings[0].message.ends_with("Orders, orders"));
    }

    #[test]
    fn quiet_on_distinct_names() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
