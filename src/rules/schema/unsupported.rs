use super::require_visible_scope;
use crate::facts::Tenant;
use crate::rules::scope::in_scope_tables;
use std::cmp::Ordering;

use crate::rules::versions::compare;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// The in-scope objects on both tenants hold nothing incremental sync does not carry:
    /// generated columns (`VIRTUAL` or `STORED`) and views in the in-scope databases. A
    /// `VIRTUAL` generated column on OceanBase 4.0 to 4.3.x (4.2.5 from BP1 excepted) is named
    /// for what its tenant's logs lack, and is an error when it is part of the key OMS
    /// identifies the table's rows by (the primary key, or else the first unique key whose
    /// columns are all NOT NULL).
    ///
    /// ## Why it matters
    /// OMS migrates table rows. Generated columns are excluded from what it reads and writes
    /// (the target computes them, and a differing expression gives different values); views
    /// are not replicated by incremental sync, so a view changed on one tenant silently
    /// differs on the other. On OceanBase 4.0 to 4.3.x (except 4.2.5 BP1 and later) the
    /// incremental logs do not hold `VIRTUAL` generated columns ("请为生成列配置 STORED 属性。否则
    /// 增量日志中将不保存生成列的信息，可能导致增量同步数据异常", OMS documentation for OceanBase
    /// sources): a key built on one gives OMS no value to find the row by, and the link's
    /// updates and deletes miss their rows.
    ///
    /// ## How to fix
    /// Keep the generation expressions identical on both tenants and create or change views
    /// on both tenants yourself (or move the logic into the application). Make generated
    /// columns `STORED` (`ALTER TABLE ... MODIFY COLUMN ... STORED` is not supported: add a
    /// stored column, or rebuild the table), at least those in a primary or unique key.
    pub static RULE = Rule {
        id: "schema.unsupported",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Views, Need::Grants, Need::Server],
        summary: "no generated columns or views that incremental sync does not carry",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let scope = cx.plan.scope_databases();
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let version = &cx.tenant(tenant).server()?.ob_version;
        let logs_lack_virtual = logs_lack_virtual_columns(version);
        for (database, table, facts) in in_scope_tables(cx.plan, &cx.tenant(tenant))? {
            let identity = facts.row_identity();
            for column in &facts.columns {
                let Some(kind) = &column.generated else {
                    continue;
                };
                let object = Some(format!("{database}.{table}.{}", column.name));
                let name = text!(
                    "column {database}.{table}.{} on tenant {tenant}",
                    "租户 {tenant} 上的列 {database}.{table}.{}",
                    column.name
                );
                if !(kind.eq_ignore_ascii_case("VIRTUAL") && logs_lack_virtual) {
                    findings.push(
                        Finding::new(
                            tenant,
                            object,
                            text!(
                                "{name} is generated ({kind}); OMS does not sync it",
                                "{name} 是生成列（{kind}）；OMS 不同步它";
                                name = name
                            ),
                        )
                        .help(text!(
                            "keep the generation expression identical on both tenants",
                            "保持两个租户上的生成表达式完全一致"
                        )),
                    );
                    continue;
                }
                let in_key = identity.filter(|key| {
                    key.columns
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(&column.name))
                });
                let finding = match in_key {
                    Some(key) => {
                        let key_name = &key.name;
                        Finding::new(
                        tenant,
                        object,
                        text!(
                            "{name} is a VIRTUAL generated column in key {key_name}, which OMS identifies the table's rows by; the incremental logs of OceanBase {version} do not hold VIRTUAL columns, so updates and deletes cannot find their rows",
                            "{name} 是 VIRTUAL 生成列，属于 OMS 用来识别该表各行的键 {key_name}；OceanBase {version} 的增量日志不保存 VIRTUAL 列，因此更新和删除找不到对应的行";
                            name = name
                        ),
                    )
                    .help(text!(
                        "make the column STORED (or key the table on stored columns) on both tenants before creating the forward project",
                        "在创建正向项目之前，在两个租户上把该列改为 STORED（或以存储列作为该表的键）"
                    ))
                    .severity(Severity::Error)
                    }
                    None => Finding::new(
                        tenant,
                        object,
                        text!(
                            "{name} is a VIRTUAL generated column; the incremental logs of OceanBase {version} do not hold it",
                            "{name} 是 VIRTUAL 生成列；OceanBase {version} 的增量日志不保存它";
                            name = name
                        ),
                    )
                    .help(text!(
                        "make generated columns STORED, and keep their expressions identical on both tenants",
                        "把生成列改为 STORED，并保持两个租户上的生成表达式完全一致"
                    )),
                };
                findings.push(finding);
            }
        }
        for view in cx.tenant(tenant).views()? {
            let database = view.split('.').next().unwrap_or_default();
            if scope.iter().any(|d| d.eq_ignore_ascii_case(database)) {
                findings.push(
                    Finding::new(
                        tenant,
                        Some(view.clone()),
                        text!(
                            "view {view} on tenant {tenant} is not carried by incremental sync",
                            "租户 {tenant} 上的视图 {view} 不会被增量同步传递"
                        ),
                    )
                    .help(text!(
                        "create and change the view on both tenants yourself",
                        "自行在两个租户上创建和修改该视图"
                    )),
                );
            }
        }
    }
    Ok(findings)
}

/// Whether OceanBase `version`'s incremental logs leave VIRTUAL generated columns out: 4.0 to
/// 4.3.x, except 4.2.5 from BP1 (4.2.5.1) on.
fn logs_lack_virtual_columns(version: &str) -> bool {
    let in_range =
        compare(version, "4.0.0") != Ordering::Less && compare(version, "4.4.0") == Ordering::Less;
    let fixed_4_2_5 = compare(version, "4.2.5.1") != Ordering::Less
        && compare(version, "4.2.6") == Ordering::Less;
    in_range && !fixed_4_2_5
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_generated_columns_and_views() {
        let facts = facts(|f| {
            orders_mut(&mut f.a).columns[1].generated = Some("VIRTUAL".into());
            f.b.views = Fact::Observed(vec!["app.open_orders".into(), "other.v".into()]);
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![
                ("a", Some("app.orders.note")),
                ("b", Some("app.open_orders"))
            ]
        );
    }

    #[test]
    fn a_virtual_column_in_the_row_key_is_an_error_where_the_logs_lack_it() {
        use crate::facts::{Key, KeyKind};
        let facts = facts(|f| {
            let orders = orders_mut(&mut f.b);
            orders.columns[1].generated = Some("VIRTUAL".into());
            orders.columns[1].nullable = false;
            orders.keys = vec![Key {
                name: "uk_note".into(),
                kind: KeyKind::Unique,
                columns: vec!["note".into()],
            }];
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", Some("app.orders.note"))]);
        assert_eq!(findings[0].severity, Some(crate::rules::Severity::Error));
        assert!(findings[0].message.contains("in key uk_note"));
        // 4.2.5 BP1 logs carry them: the ordinary warning only.
        let mut fixed = facts.clone();
        if let Fact::Observed(server) = &mut fixed.b.server {
            server.ob_version = "4.2.5.1".into();
        }
        let findings = fire(&RULE, &plan(), &fixed, Stage::Forward);
        assert_eq!(findings[0].severity, None);
        assert!(findings[0].message.contains("OMS does not sync it"));
        assert!(super::logs_lack_virtual_columns("4.3.5.3"));
        assert!(super::logs_lack_virtual_columns("4.2.5.0"));
        assert!(!super::logs_lack_virtual_columns("4.4.0.0"));
    }

    #[test]
    fn quiet_otherwise() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
