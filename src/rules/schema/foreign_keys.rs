use super::{name_list, require_visible_scope};
use crate::facts::{ForeignKey, Tenant};
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Stage, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Once the forward project has created the tables on B (the reverse and running stages):
    /// every foreign key of an in-scope table on A exists on B too (same table, columns and
    /// referenced table and columns). At every stage: foreign keys with a cascading action
    /// (`ON DELETE CASCADE`, `ON UPDATE CASCADE`, `SET NULL`, `SET DEFAULT`) on either tenant.
    ///
    /// ## Why it matters
    /// OMS's schema migration does not create foreign keys: it adds them, with the CHECK
    /// constraints it left out, during the forward switchover (正向切换: "结构迁移阶段忽略的检查类
    /// 约束、外键约束等对象"), a step an active-active pair never runs. B therefore has none of A's
    /// foreign keys unless someone created them, and the two tenants enforce different rules
    /// on the applications writing to them. A cascading action runs again on the receiving
    /// tenant only if its own foreign key is there; OMS writes with foreign-key checks off and
    /// replays the child rows the source changed, so the same change arrives twice or the
    /// tenants disagree about which child rows exist (OMS asks to disable foreign keys on the
    /// source when a reverse increment exists).
    ///
    /// ## How to fix
    /// Create the missing foreign keys on B (`ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`)
    /// once the forward full migration has finished, or decide that neither tenant has them.
    /// Replace cascading actions with application logic, or accept (and waive) them knowing
    /// both tenants apply them.
    pub static RULE = Rule {
        id: "schema.foreign-keys",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::ForeignKeys, Need::Grants],
        // The cascade warning is about each tenant alone; the comparison finds nothing when a
        // tenant is compared with itself (tested).
        summary: "foreign keys of A exist on B; cascading foreign keys are flagged",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let covered = |key: &ForeignKey| {
        cx.plan
            .links()
            .iter()
            .any(|link| link.covers(&key.database, &key.table))
    };
    let (source, target) = (cx.plan.forward.source, cx.plan.forward.target);
    let on_target = cx.tenant(target).foreign_keys()?;
    let mut findings = Vec::new();
    if cx.stage != Stage::Forward {
        for key in cx
            .tenant(source)
            .foreign_keys()?
            .iter()
            .filter(|k| covered(k))
        {
            if on_target.iter().any(|other| same(key, other)) {
                continue;
            }
            findings.push(
                Finding::new(
                    target,
                    Some(object(key)),
                    text!(
                        "foreign key {} {} of {}.{} on tenant {source} is missing on tenant {target}: OMS creates foreign keys only at a forward switchover, which active-active never runs",
                        "租户 {source} 上 {2}.{3} 的外键 {0} {1} 在租户 {target} 上缺失：OMS 只在正向切换时创建外键，而容灾双活从不执行正向切换",
                        key.name,
                        key.describe(),
                        key.database,
                        key.table
                    ),
                )
                .help(text!(
                    "create it on tenant {target}, or drop it on tenant {source} so both tenants enforce the same rules",
                    "在租户 {target} 上创建它，或在租户 {source} 上删除它，使两个租户执行相同的约束规则"
                )),
            );
        }
    }
    for tenant in Tenant::BOTH {
        for key in cx
            .tenant(tenant)
            .foreign_keys()?
            .iter()
            .filter(|k| covered(k))
        {
            let cascading = key.cascading();
            if cascading.is_empty() {
                continue;
            }
            let (name, database, table) = (&key.name, &key.database, &key.table);
            findings.push(
                Finding::new(
                    tenant,
                    Some(object(key)),
                    text!(
                        "foreign key {name} of {database}.{table} on tenant {tenant} has {cascading}: the rows it changes are replicated too, so the tenants can disagree on child rows",
                        "租户 {tenant} 上 {database}.{table} 的外键 {name} 带有 {cascading}：它改动的行也会被同步，两个租户可能对子表行产生分歧";
                        cascading = name_list(&cascading)
                    ),
                )
                .help(text!(
                    "replace the cascading action with application logic, or waive this finding knowing both tenants apply it",
                    "用应用逻辑替代级联动作，或在明知两个租户都会执行它的前提下豁免此问题"
                )),
            );
        }
    }
    Ok(findings)
}

fn object(key: &ForeignKey) -> String {
    format!("{}.{}.{}", key.database, key.table, key.name)
}

/// The same foreign key, whatever its name: table, columns, referenced table and columns.
fn same(left: &ForeignKey, right: &ForeignKey) -> bool {
    let names = |columns: &[String]| -> Vec<String> {
        columns.iter().map(|c| c.to_ascii_lowercase()).collect()
    };
    left.database.eq_ignore_ascii_case(&right.database)
        && left.table.eq_ignore_ascii_case(&right.table)
        && left
            .referenced_database
            .eq_ignore_ascii_case(&right.referenced_database)
        && left
            .referenced_table
            .eq_ignore_ascii_case(&right.referenced_table)
        && names(&left.columns) == names(&right.columns)
        && names(&left.referenced_columns) == names(&right.referenced_columns)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, ForeignKey};
    use crate::rules::{Stage, testing::*};

    fn key(on_delete: &str) -> ForeignKey {
        ForeignKey {
            database: "app".into(),
            table: "order_lines".into(),
            name: "fk_order".into(),
            columns: vec!["order_id".into()],
            referenced_database: "app".into(),
            referenced_table: "orders".into(),
            referenced_columns: vec!["id".into()],
            on_update: "RESTRICT".into(),
            on_delete: on_delete.into(),
        }
    }

    #[test]
    fn fires_on_a_key_missing_on_b_once_b_has_the_tables() {
        let facts = facts(|f| f.a.foreign_keys = Fact::Observed(vec![key("RESTRICT")]));
        let findings = fire(&RULE, &plan(), &facts, Stage::Reverse);
        assert_eq!(
            where_(&findings),
            vec![("b", Some("app.order_lines.fk_order"))]
        );
        assert_clean(&RULE, &plan(), &facts, Stage::Forward);
    }

    #[test]
    fn fires_on_cascading_keys_at_every_stage() {
        let facts = facts(|f| {
            f.a.foreign_keys = Fact::Observed(vec![key("CASCADE")]);
            let mut renamed = key("CASCADE");
            renamed.name = "order_lines_ibfk_1".into();
            f.b.foreign_keys = Fact::Observed(vec![renamed]);
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![
                ("a", Some("app.order_lines.fk_order")),
                ("b", Some("app.order_lines.order_lines_ibfk_1"))
            ]
        );
        assert!(findings[0].message.contains("ON DELETE CASCADE"));
    }

    #[test]
    fn the_same_restricting_key_on_both_tenants_is_quiet() {
        let facts = facts(|f| {
            f.a.foreign_keys = Fact::Observed(vec![key("RESTRICT")]);
            f.b.foreign_keys = Fact::Observed(vec![key("NO ACTION")]);
        });
        assert_clean(&RULE, &plan(), &facts, Stage::Reverse);
        assert_clean(&RULE, &plan(), &healthy(), Stage::Running);
    }
}
