use super::require_visible_scope;
use crate::plan::LinkPlan;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Stage, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Before a project is created: every database the plan puts in its link's scope
    /// (`databases`) and every table it names (`tables`) exists on that link's source — A
    /// before the forward project, B before the reverse one. A database is looked for among
    /// the tenant's databases, a table among the tables its kernel's inner tables list,
    /// whatever the migration user's privileges on it (among those information_schema lists
    /// when the inner tables cannot be read; the rule is inconclusive where the user holds no
    /// privilege that lets it list them). Twenty missing objects are named; any more are
    /// counted in one more finding.
    ///
    /// ## Why it matters
    /// OMS's own precheck refuses the project: `RDB_TABLE_EXIST` ("The following table object
    /// was not found in the remote database") and `RDB_SCHEMA_EXIST` (the database does not
    /// exist). A misspelt name is also a table the pair will never keep in sync, which no other
    /// rule can see: a table missing on both tenants differs nowhere.
    ///
    /// ## How to fix
    /// Correct the name in the plan (names compare as OceanBase's MySQL mode compares them,
    /// following `lower_case_table_names`), or create the object on the source first.
    pub static RULE = Rule {
        id: "schema.scope-exists",
        severity: Severity::Error,
        stages: &[Stage::Forward, Stage::Reverse],
        input: Input::Tenants,
        needs: &[Need::Databases, Need::Tables, Need::Grants],
        summary: "every database and table the plan names exists on the link's source",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let link: &LinkPlan = match cx.stage {
        Stage::Reverse => &cx.plan.reverse,
        _ => &cx.plan.forward,
    };
    let source = link.source;
    let facts = cx.tenant(source);
    let databases = facts.databases()?;
    let exists = |database: &str| {
        databases
            .keys()
            .any(|name| name.eq_ignore_ascii_case(database))
    };
    let project = &link.project;
    let mut findings = Vec::new();
    for database in link.databases.iter().filter(|database| !exists(database)) {
        findings.push(
            Finding::new(
                source,
                Some(database.clone()),
                text!(
                    "database {database}, in the scope of project {project}, does not exist on its source, tenant {source}",
                    "项目 {project} 范围内的数据库 {database} 在其源端租户 {source} 上不存在"
                ),
            )
            .help(text!(
                "correct the name in the plan, or create the database on tenant {source}; OMS refuses the project (RDB_SCHEMA_EXIST)",
                "更正计划中的名称，或在租户 {source} 上创建该库；否则 OMS 拒绝该项目（RDB_SCHEMA_EXIST）"
            )),
        );
    }
    let mut unnamed = 0usize;
    for table in &link.tables {
        if facts.table(&table.database, &table.table)?.is_some() {
            continue;
        }
        if findings.len() >= LISTED {
            unnamed += 1;
            continue;
        }
        let object = format!("{}.{}", table.database, table.table);
        let cause = match exists(&table.database) {
            true => text!("does not exist", "不存在"),
            false => text!(
                "does not exist: nor does its database",
                "不存在：其所在的库也不存在"
            ),
        };
        findings.push(
            Finding::new(
                source,
                Some(object.clone()),
                text!(
                    "table {object}, named in project {project}, {cause} on its source, tenant {source}",
                    "项目 {project} 中列出的表 {object} 在其源端租户 {source} 上{cause}"
                ),
            )
            .help(text!(
                "correct the name in the plan, or create the table on tenant {source}; OMS refuses the project (RDB_TABLE_EXIST)",
                "更正计划中的名称，或在租户 {source} 上创建该表；否则 OMS 拒绝该项目（RDB_TABLE_EXIST）"
            )),
        );
    }
    if unnamed > 0 {
        findings.push(
            Finding::new(
                source,
                None,
                text!(
                    "{unnamed} more tables named in project {project} do not exist on its source, tenant {source}",
                    "项目 {project} 中还有 {unnamed} 张列出的表在其源端租户 {source} 上不存在"
                ),
            )
            .help(text!(
                "so many missing names point at the wrong database or tenant in the plan",
                "缺失的名称如此之多，说明计划中的库或租户写错了"
            )),
        );
    }
    Ok(findings)
}

/// How many missing objects are named one by one; the rest are counted in one more finding.
const LISTED: usize = 20;

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::plan::TableRef;
    use crate::rules::{Stage, testing::*};

    fn naming(tables: &[(&str, &str)], databases: &[&str]) -> crate::plan::Plan {
        let mut plan = plan();
        for link in [&mut plan.forward, &mut plan.reverse] {
            link.databases = databases.iter().map(|d| d.to_string()).collect();
            link.tables = tables
                .iter()
                .map(|(database, table)| TableRef {
                    database: database.to_string(),
                    table: table.to_string(),
                })
                .collect();
        }
        plan
    }

    #[test]
    fn a_named_table_or_database_missing_on_the_source_is_an_error() {
        let plan = naming(
            &[("app", "orders"), ("app", "ordres"), ("nowhere", "t")],
            &["app", "gone"],
        );
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![
                ("a", Some("app.ordres")),
                ("a", Some("gone")),
                ("a", Some("nowhere.t")),
            ]
        );
        assert!(
            findings[2]
                .message
                .get(crate::i18n::Lang::En)
                .contains("nor does its database"),
            "{:?}",
            findings[2].message
        );
    }

    #[test]
    fn beyond_twenty_the_missing_tables_are_counted() {
        let names: Vec<String> = (0..25).map(|i| format!("archive_{i:02}")).collect();
        let tables: Vec<(&str, &str)> = names.iter().map(|name| ("app", name.as_str())).collect();
        let findings = fire(&RULE, &naming(&tables, &[]), &healthy(), Stage::Forward);
        assert_eq!(findings.len(), 21);
        let counted: Vec<_> = findings.iter().filter(|f| f.object.is_none()).collect();
        assert_eq!(counted.len(), 1);
        assert!(
            counted[0]
                .message
                .get(crate::i18n::Lang::En)
                .starts_with("5 more tables"),
            "{:?}",
            counted[0].message
        );
    }

    #[test]
    fn the_reverse_stage_looks_on_the_reverse_source() {
        let mut facts = healthy();
        if let Fact::Observed(tables) = &mut facts.b.tables {
            tables.get_mut("app").unwrap().remove("orders");
        }
        let plan = naming(&[("app", "orders")], &[]);
        assert_clean(&RULE, &plan, &facts, Stage::Forward);
        let findings = fire(&RULE, &plan, &facts, Stage::Reverse);
        assert_eq!(where_(&findings), vec![("b", Some("app.orders"))]);
    }

    #[test]
    fn names_compare_as_the_kernel_compares_them() {
        let plan = naming(&[("APP", "Orders")], &["App"]);
        assert_clean(&RULE, &plan, &healthy(), Stage::Forward);
    }

    #[test]
    fn quiet_when_present() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_clean(&RULE, &plan(), &healthy(), Stage::Reverse);
    }
}
