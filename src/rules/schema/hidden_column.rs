use super::require_visible_scope;
use crate::facts::Tenant;
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};
use crate::text;

/// Columns OMS adds to tables without a row key: on the source, and on the target.
const HIDDEN: &[&str] = &["OMS_PK_INCRMT", "__pk_increment"];

declare_rule! {
    /// ## What it checks
    /// No in-scope table on either tenant has a column named `OMS_PK_INCRMT` (or
    /// `__pk_increment`), the hidden key OMS adds to tables without a primary key.
    ///
    /// ## Why it matters
    /// The column is left behind by an earlier OMS migration of a table without a key. It is
    /// removed only by a forward switchover, which active-active never performs; when such a
    /// target becomes the source of the reverse link, OMS meets its own hidden column and the
    /// reverse project fails.
    ///
    /// ## How to fix
    /// Give the table a real primary key and drop the leftover column
    /// (`ALTER TABLE t DROP COLUMN OMS_PK_INCRMT`) before building the pair.
    pub static RULE = Rule {
        id: "schema.hidden-column",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Grants],
        summary: "no OMS hidden column (OMS_PK_INCRMT) in in-scope tables",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        for (database, table, facts) in in_scope_tables(cx.plan, &cx.tenant(tenant))? {
            for column in facts
                .columns
                .iter()
                .filter(|c| HIDDEN.iter().any(|h| h.eq_ignore_ascii_case(&c.name)))
            {
                findings.push(
                    Finding::new(
                        tenant,
                        Some(format!("{database}.{table}.{}", column.name)),
                        text!(
                            "table {database}.{table} on tenant {tenant} carries OMS's hidden column {}",
                            "租户 {tenant} 上的表 {database}.{table} 带有 OMS 的隐藏列 {}",
                            column.name
                        ),
                    )
                    .help(text!(
                        "add a real primary key and drop the leftover column before building the pair",
                        "在建立双活之前，为该表加上真正的主键并删除遗留的列"
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
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_leftover_hidden_column() {
        let facts = facts(|f| {
            orders_mut(&mut f.b).columns[1].name = "oms_pk_incrmt".into();
        });
        assert_eq!(
            where_(&fire(&RULE, &plan(), &facts, Stage::Forward)),
            vec![("b", Some("app.orders.oms_pk_incrmt"))]
        );
    }

    #[test]
    fn quiet_otherwise() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
