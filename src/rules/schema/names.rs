use super::require_visible_scope;
use crate::facts::Tenant;
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Text, declare_rule};
use crate::text;

/// Characters OMS does not accept in object names, besides non-ASCII and whitespace.
const FORBIDDEN: &[char] = &['.', '|', '"', '\'', '`', '(', ')', '=', ';', '/', '&', '\\'];

declare_rule! {
    /// ## What it checks
    /// The names of in-scope databases, tables and columns on both tenants are ASCII, without
    /// whitespace and without any of `` . | " ' ` ( ) = ; / & \ ``.
    ///
    /// ## Why it matters
    /// OMS documents these characters as unsupported in object names for OceanBase
    /// migrations: objects named with them are left out of the migration or break the
    /// statements OMS generates, in either direction.
    ///
    /// ## How to fix
    /// Rename the object (`RENAME TABLE`, `ALTER TABLE ... RENAME COLUMN`) on both tenants, and
    /// the applications that use it, before building the pair.
    pub static RULE = Rule {
        id: "schema.names",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Grants],
        summary: "database, table and column names are ASCII without space or special characters",
        check: check,
    };
}

/// What is wrong with `name`, if anything.
pub fn problem(name: &str) -> Option<Text> {
    if let Some(c) = name.chars().find(|c| !c.is_ascii()) {
        return Some(text!("non-ASCII character {c:?}", "非 ASCII 字符 {c:?}"));
    }
    if name.chars().any(char::is_whitespace) {
        return Some(text!("whitespace", "空白字符"));
    }
    name.chars()
        .find(|c| FORBIDDEN.contains(c))
        .map(|c| text!("the character {c:?}", "字符 {c:?}"))
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let mut findings = Vec::new();
    let (database_kind, table_kind, column_kind) = (
        text!("database", "数据库"),
        text!("table", "表"),
        text!("column", "列"),
    );
    for tenant in Tenant::BOTH {
        // The object is named only for a finding: 10,000 tables have 200,000 column names.
        let mut report = |object: &dyn Fn() -> String, kind: &Text, name: &str| {
            if let Some(problem) = problem(name) {
                findings.push(
                    Finding::new(
                        tenant,
                        Some(object()),
                        text!(
                            "{kind} name {name:?} on tenant {tenant} contains {problem}",
                            "租户 {tenant} 上的{kind}名 {name:?} 含有{problem}";
                            kind = kind,
                            problem = problem
                        ),
                    )
                    .help(text!(
                        "rename it on both tenants to ASCII letters, digits and underscores",
                        "在两个租户上把它重命名为只含 ASCII 字母、数字和下划线的名称"
                    )),
                );
            }
        };
        let mut databases_seen = Vec::new();
        for (database, table, facts) in in_scope_tables(cx.plan, &cx.tenant(tenant))? {
            if !databases_seen.contains(&database) {
                databases_seen.push(database);
                report(&|| database.to_string(), &database_kind, database);
            }
            report(&|| format!("{database}.{table}"), &table_kind, table);
            for column in &facts.columns {
                report(
                    &|| format!("{database}.{table}.{}", column.name),
                    &column_kind,
                    &column.name,
                );
            }
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::{RULE, problem};
    use crate::rules::{Stage, testing::*};

    #[test]
    fn names_with_spaces_quotes_or_unicode_are_problems() {
        let english = |name| problem(name).map(|problem| problem.en().to_string());
        assert_eq!(english("order items").as_deref(), Some("whitespace"));
        assert_eq!(english("o'brien").as_deref(), Some("the character '\\''"));
        assert_eq!(english("订单").as_deref(), Some("non-ASCII character '订'"));
        assert_eq!(problem("select"), None);
        assert_eq!(problem("order_items_2"), None);
    }

    #[test]
    fn fires_on_a_column_with_a_space() {
        let facts = facts(|f| {
            orders_mut(&mut f.a).columns[1].name = "unit price".into();
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![("a", Some("app.orders.unit price"))]
        );
    }

    #[test]
    fn quiet_on_plain_names() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
