use super::require_visible_scope;
use crate::facts::{Side, Tenant};
use crate::rules::column_size::{OMS_LOB_LIMIT, bytes, lob_columns};
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Names every in-scope table with a column whose values can be larger than the 48 MB OMS
    /// carries in one LOB value: `LONGTEXT`, `LONGBLOB`, `JSON` and the spatial types (a type
    /// this tool does not know is counted with them). `TINYTEXT` to `MEDIUMTEXT` (at most
    /// 16 MB) cannot exceed it. A table with such columns on both tenants is named once, for
    /// the pair.
    ///
    /// This is OMS's precheck item `DB_TABLE_LOB_SIZE` (LOB 字段 48M 限制检查), whose title in the
    /// precheck items of the OMS page *Modify system parameters* (修改系统参数,
    /// `1000.system-management/400.system-parameters/100.modify-system-parameters.md`) is the
    /// only place OMS writes the limit; whether OMS measures the columns' types or the values
    /// stored is not documented, so this rule names the tables and leaves the values to you.
    /// It also meets `LOB_FIELD_NOT_EXIST` (禁止 LOB 字段存在检查), whose failure names the
    /// tables with a LOB column.
    ///
    /// ## Why it matters
    /// A row holding a LOB value larger than the limit cannot be carried by the links: full
    /// migration or incremental sync stops on it, in whichever direction it is written.
    ///
    /// ## How to fix
    /// Check the largest values of the named columns (`SELECT MAX(LENGTH(col)) FROM t`) and
    /// keep them under 48 MB, or leave the tables out of the pair; waive the finding for a
    /// table whose values are known to stay small.
    pub static RULE = Rule {
        id: "schema.lob-size",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Grants],
        summary: "in-scope tables with LOB columns that can exceed OMS's 48 MB are named",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    // Each table with LOB columns, the columns, and whose it is: a tenant's, or the pair's when
    // both tenants have it with the same columns.
    let mut named: Vec<(String, String, Side)> = Vec::new();
    for tenant in Tenant::BOTH {
        for (database, table, facts) in in_scope_tables(cx.plan, &cx.tenant(tenant))? {
            let columns = lob_columns(facts);
            if columns.is_empty() {
                continue;
            }
            let (object, columns) = (format!("{database}.{table}"), columns.join(", "));
            match named
                .iter_mut()
                .find(|(o, c, _)| *o == object && *c == columns)
            {
                Some(seen) => seen.2 = Side::Pair,
                None => named.push((object, columns, tenant.into())),
            }
        }
    }
    let limit = bytes(OMS_LOB_LIMIT);
    Ok(named
        .into_iter()
        .map(|(object, columns, side)| {
            let on = match side {
                Side::Pair => text!("on both tenants", "在两个租户上"),
                other => {
                    let tenant = other.as_str();
                    text!("on tenant {tenant}", "在租户 {tenant} 上")
                }
            };
            Finding::new(
                side,
                Some(object.clone()),
                text!(
                    "table {object} {on} has LOB columns whose values can exceed the {limit} OMS carries in one value ({columns})",
                    "表 {object} {on}有 LOB 列，其值可能超过 OMS 单个值所能传输的 {limit}（{columns}）";
                    on = on
                ),
            )
            .help(text!(
                "check that no value of these columns is larger than {limit} (SELECT MAX(LENGTH(col)) FROM {object}), or leave the table out of the pair; OMS documents the limit in its precheck item DB_TABLE_LOB_SIZE",
                "确认这些列中没有大于 {limit} 的值（SELECT MAX(LENGTH(col)) FROM {object}），或把该表移出双活范围；OMS 在预检查项 DB_TABLE_LOB_SIZE 中记载了该限制"
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn names_a_table_with_a_longtext_once_for_the_pair() {
        let facts = facts(|f| {
            for tenant in [&mut f.a, &mut f.b] {
                orders_mut(tenant).columns[1].column_type = "longtext".into();
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("pair", Some("app.orders"))]);
        assert!(
            findings[0].message.contains("48 MiB"),
            "{}",
            findings[0].message
        );
        assert!(findings[0].message.zh().contains("LOB 列"));
    }

    #[test]
    fn a_lob_on_one_tenant_only_is_that_tenants() {
        let facts = facts(|f| orders_mut(&mut f.b).columns[1].column_type = "json".into());
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("app.orders"))]);
    }

    #[test]
    fn quiet_for_text_up_to_mediumtext() {
        let facts = facts(|f| orders_mut(&mut f.a).columns[1].column_type = "mediumtext".into());
        assert_clean(&RULE, &plan(), &facts, Stage::Forward);
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
