use super::require_visible_scope;
use crate::plan::Migration;
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Stage, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// When the forward link's source (A) is case-sensitive (`lower_case_table_names = 0`):
    /// no in-scope database or table name of A holds upper-case letters while the forward
    /// link migrates the schema, and, once B has the tables (the reverse and running stages),
    /// every such table has exactly the same name on B.
    ///
    /// ## Why it matters
    /// Between OceanBase tenants OMS creates the target's objects in lower case ("默认按照目标端
    /// 参数 lower_case_table_names = 1 设置，并以小写方式创建目标端数据库对象", OMS documentation
    /// for migrations within OceanBase and for active-active projects). A's `Orders` becomes
    /// `orders` on B; the reverse link then writes B's changes to `orders` on A, a table A
    /// does not have under that name in a case-sensitive tenant, and DDL synced back creates
    /// duplicates.
    ///
    /// ## How to fix
    /// Rename the tables (and databases) of A to lower case before the forward project is
    /// created, or create B's tables yourself with the same names and leave schema migration
    /// out of the forward link. `schema.case-collision` and `tenant.lower-case` cover the
    /// related cases.
    pub static RULE = Rule {
        id: "schema.case-mapping",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Variables, Need::Tables, Need::Grants],
        // At the forward stage it reads A alone, so a tenant compared with itself may be
        // named; the comparison of names finds nothing there.
        summary: "no upper-case names OMS would create in lower case on B when A is case-sensitive",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let (source, target) = (cx.plan.forward.source, cx.plan.forward.target);
    let on_source = cx.tenant(source);
    let case_sensitive = on_source
        .variables()?
        .lower_case_table_names
        .as_deref()
        .is_some_and(|value| value.trim() == "0");
    if !case_sensitive {
        return Ok(vec![]);
    }
    let migrates_schema = cx.plan.forward.migration.contains(&Migration::Schema);
    let on_target = cx.tenant(target).tables()?;
    let mut findings = Vec::new();
    for (database, name, _) in in_scope_tables(cx.plan, &on_source)? {
        let object = format!("{database}.{name}");
        let upper = object.chars().any(|c| c.is_ascii_uppercase());
        if !upper {
            continue;
        }
        if cx.stage == Stage::Forward {
            if migrates_schema {
                findings.push(
                    Finding::new(
                        source,
                        Some(object.clone()),
                        text!(
                            "tenant {source} is case-sensitive (lower_case_table_names = 0) and names {object} with upper-case letters: OMS's schema migration creates it as {lower} on tenant {target}",
                            "租户 {source} 大小写敏感（lower_case_table_names = 0），而 {object} 的名称含有大写字母：OMS 的结构迁移会在租户 {target} 上把它创建为 {lower}",
                            lower = object.to_lowercase()
                        ),
                    )
                    .help(text!(
                        "rename it to lower case on the source before creating the forward project, or create the target tables yourself under the same names",
                        "在创建正向项目之前在源端把它重命名为小写，或自行在目标端以相同的名称建表"
                    )),
                );
            }
            continue;
        }
        // Reverse and running: B's name must be the very same.
        let on_b = on_target
            .iter()
            .find(|(db, _)| db.eq_ignore_ascii_case(database))
            .and_then(|(db, tables)| {
                tables
                    .keys()
                    .find(|table| table.eq_ignore_ascii_case(name))
                    .map(|table| format!("{db}.{table}"))
            });
        match on_b {
            Some(exact) if exact == object => {}
            Some(other) => findings.push(
                Finding::new(
                    target,
                    Some(object.clone()),
                    text!(
                        "{object} on case-sensitive tenant {source} is {other} on tenant {target}: the reverse link writes to a name tenant {source} does not have",
                        "大小写敏感的租户 {source} 上的 {object} 在租户 {target} 上为 {other}：反向链路会写入租户 {source} 上不存在的名称"
                    ),
                )
                .help(text!(
                    "rename {other} on tenant {target} to {object}, or rename the table on both tenants to lower case",
                    "把租户 {target} 上的 {other} 重命名为 {object}，或在两个租户上把该表重命名为小写"
                )),
            ),
            // A table missing on B is schema.forward-complete's finding.
            None => {}
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, Facts};
    use crate::rules::{Stage, testing::*};

    /// seekdb cannot be made case-sensitive (lower_case_table_names is fixed at 1 when it is
    /// bootstrapped), so these facts are derived, as is the scenario bundle.
    fn case_sensitive_a(b_name: &str) -> Facts {
        facts(|f| {
            if let Fact::Observed(v) = &mut f.a.variables {
                v.lower_case_table_names = Some("0".into());
            }
            for (tenant, name) in [(&mut f.a, "Orders"), (&mut f.b, b_name)] {
                if let Fact::Observed(tables) = &mut tenant.tables {
                    let app = tables.get_mut("app").unwrap();
                    let orders = app.remove("orders").unwrap();
                    app.insert(name.to_string(), orders);
                }
            }
        })
    }

    #[test]
    fn fires_on_upper_case_names_of_a_case_sensitive_source() {
        let facts = case_sensitive_a("orders");
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", Some("app.Orders"))]);
        assert!(findings[0].message.contains("creates it as app.orders"));
        let findings = fire(&RULE, &plan(), &facts, Stage::Reverse);
        assert_eq!(where_(&findings), vec![("b", Some("app.Orders"))]);
    }

    #[test]
    fn quiet_when_names_match_or_a_is_not_case_sensitive() {
        assert_clean(&RULE, &plan(), &case_sensitive_a("Orders"), Stage::Reverse);
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        let insensitive = facts(|f| {
            if let Fact::Observed(tables) = &mut f.a.tables {
                let app = tables.get_mut("app").unwrap();
                let orders = app.remove("orders").unwrap();
                app.insert("Orders".into(), orders);
            }
        });
        assert_clean(&RULE, &plan(), &insensitive, Stage::Forward);
    }
}
