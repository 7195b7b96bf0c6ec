use super::require_visible_scope;
use crate::facts::{Key, KeyKind, Table};
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Stage, Text, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Before the reverse project is created: every in-scope table of the forward link's
    /// source (A) exists on its target (B) with the same columns (name, type, nullability, in
    /// any order) and the same primary and unique keys (by columns).
    ///
    /// Once both directions run, `schema.drift` compares the schemas both ways instead.
    ///
    /// ## Why it matters
    /// The reverse link migrates no schema: it replays B's changes into A's tables as they
    /// are. It relies on the forward link's schema migration having produced the same tables
    /// on B. A table missing on B is never synced back; a differing column or key makes the
    /// reverse link's writes fail or land on the wrong row.
    ///
    /// ## How to fix
    /// Wait for the forward project's schema migration to finish and check its results; create
    /// or alter the table on B to match A. Do not create the reverse project until this rule
    /// passes.
    pub static RULE = Rule {
        id: "schema.forward-complete",
        severity: Severity::Error,
        stages: &[Stage::Reverse],
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Grants],
        waivable: false,
        compares_sides: true,
        summary: "every in-scope table of A exists on B with the same columns and keys",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let (source, target) = (cx.plan.forward.source, cx.plan.forward.target);
    let target_facts = cx.tenant(target);
    let mut findings = Vec::new();
    for (database, name, source_table) in in_scope_tables(cx.plan, &cx.tenant(source))? {
        let object = format!("{database}.{name}");
        let Some(target_table) = target_facts.table(database, name)? else {
            findings.push(
                Finding::new(
                    target,
                    Some(object.clone()),
                    text!(
                        "table {object} exists on tenant {source} but not on tenant {target}",
                        "表 {object} 存在于租户 {source} 上，但不存在于租户 {target} 上"
                    ),
                )
                .help(text!(
                    "let the forward project's schema migration finish, or create the table on the target, before creating the reverse project",
                    "在创建反向项目之前，等待正向项目的结构迁移完成，或在目标端创建该表"
                )),
            );
            continue;
        };
        findings.extend(column_differences(
            source,
            target,
            &object,
            source_table,
            target_table,
        ));
        findings.extend(key_differences(
            source,
            target,
            &object,
            source_table,
            target_table,
        ));
    }
    Ok(findings)
}

fn column_differences(
    source: crate::facts::Tenant,
    target: crate::facts::Tenant,
    object: &str,
    source_table: &Table,
    target_table: &Table,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let fix_help = || {
        text!(
            "alter {object} on tenant {target} to match tenant {source}",
            "修改租户 {target} 上的 {object}，使其与租户 {source} 一致"
        )
    };
    for column in &source_table.columns {
        let column_object = || Some(format!("{object}.{}", column.name));
        let Some(other) = target_table.column(&column.name) else {
            findings.push(
                Finding::new(
                    target,
                    column_object(),
                    text!(
                        "column {object}.{} ({}) is missing on tenant {target}",
                        "列 {object}.{}（{}）在租户 {target} 上缺失",
                        column.name,
                        column.column_type
                    ),
                )
                .help(fix_help()),
            );
            continue;
        };
        if !column.column_type.eq_ignore_ascii_case(&other.column_type) {
            findings.push(
                Finding::new(
                    target,
                    column_object(),
                    text!(
                        "column {object}.{} is {} on tenant {source} but {} on tenant {target}",
                        "列 {object}.{} 在租户 {source} 上为 {}，在租户 {target} 上却为 {}",
                        column.name,
                        column.column_type,
                        other.column_type
                    ),
                )
                .help(fix_help()),
            );
        }
        if column.nullable != other.nullable {
            let null = |nullable: bool| if nullable { "NULL" } else { "NOT NULL" };
            findings.push(
                Finding::new(
                    target,
                    column_object(),
                    text!(
                        "column {object}.{} is {} on tenant {source} but {} on tenant {target}",
                        "列 {object}.{} 在租户 {source} 上为 {}，在租户 {target} 上却为 {}",
                        column.name,
                        null(column.nullable),
                        null(other.nullable)
                    ),
                )
                .help(fix_help()),
            );
        }
    }
    for other in &target_table.columns {
        if source_table.column(&other.name).is_none() {
            findings.push(
                Finding::new(
                    target,
                    Some(format!("{object}.{}", other.name)),
                    text!(
                        "column {object}.{} exists on tenant {target} but not on tenant {source}",
                        "列 {object}.{} 存在于租户 {target} 上，但不存在于租户 {source} 上",
                        other.name
                    ),
                )
                .help(fix_help()),
            );
        }
    }
    findings
}

fn key_differences(
    source: crate::facts::Tenant,
    target: crate::facts::Tenant,
    object: &str,
    source_table: &Table,
    target_table: &Table,
) -> Vec<Finding> {
    let describe = |key: Option<&Key>| match key {
        Some(key) => Text::same(format!("({})", key.columns.join(", "))),
        None => text!("none", "无"),
    };
    let mut findings = Vec::new();
    let (source_pk, target_pk) = (source_table.primary_key(), target_table.primary_key());
    if source_pk.map(|k| lowercase(&k.columns)) != target_pk.map(|k| lowercase(&k.columns)) {
        findings.push(
            Finding::new(
                target,
                Some(object.to_string()),
                text!(
                    "primary key of {object} is {on_source} on tenant {source} but {on_target} on tenant {target}",
                    "{object} 的主键在租户 {source} 上为 {on_source}，在租户 {target} 上却为 {on_target}";
                    on_source = describe(source_pk),
                    on_target = describe(target_pk)
                ),
            )
            .help(text!(
                "give {object} the same primary key on both tenants",
                "使 {object} 在两个租户上的主键相同"
            )),
        );
    }
    let unique = |table: &Table| -> Vec<Vec<String>> {
        let mut keys: Vec<Vec<String>> = table
            .keys
            .iter()
            .filter(|key| key.kind == KeyKind::Unique)
            .map(|key| lowercase(&key.columns))
            .collect();
        keys.sort();
        keys
    };
    let (source_unique, target_unique) = (unique(source_table), unique(target_table));
    if source_unique != target_unique {
        let list = |keys: &[Vec<String>]| {
            if keys.is_empty() {
                text!("none", "无")
            } else {
                let keys: Vec<Text> = keys
                    .iter()
                    .map(|k| Text::same(format!("({})", k.join(", "))))
                    .collect();
                Text::join(&keys, ", ", "、")
            }
        };
        findings.push(
            Finding::new(
                target,
                Some(object.to_string()),
                text!(
                    "unique keys of {object} are {on_source} on tenant {source} but {on_target} on tenant {target}",
                    "{object} 的唯一键在租户 {source} 上为 {on_source}，在租户 {target} 上却为 {on_target}";
                    on_source = list(&source_unique),
                    on_target = list(&target_unique)
                ),
            )
            .help(text!(
                "give {object} the same unique keys on both tenants",
                "使 {object} 在两个租户上的唯一键相同"
            )),
        );
    }
    findings
}

fn lowercase(columns: &[String]) -> Vec<String> {
    columns.iter().map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, KeyKind};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn is_skipped_at_the_forward_stage() {
        let evaluation = run(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_eq!(evaluation.status, Status::Skipped);
    }

    #[test]
    fn fires_on_a_table_missing_on_b() {
        let facts = facts(|f| {
            if let Fact::Observed(tables) = &mut f.b.tables {
                tables.get_mut("app").unwrap().clear();
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Reverse);
        assert_eq!(where_(&findings), vec![("b", Some("app.orders"))]);
    }

    #[test]
    fn fires_on_column_type_nullability_and_key_differences() {
        let facts = facts(|f| {
            if let Fact::Observed(tables) = &mut f.b.tables {
                tables.get_mut("app").unwrap().insert(
                    "orders".into(),
                    table(
                        &[
                            ("id", "int(11)", false),
                            ("note", "varchar(64)", false),
                            ("extra", "int(11)", true),
                        ],
                        &[
                            ("PRIMARY", KeyKind::Primary, &["id"]),
                            ("u", KeyKind::Unique, &["note"]),
                        ],
                    ),
                );
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Reverse);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.en()).collect();
        assert_eq!(
            where_(&findings),
            vec![
                ("b", Some("app.orders")),
                ("b", Some("app.orders.extra")),
                ("b", Some("app.orders.id")),
                ("b", Some("app.orders.note")),
            ],
            "{messages:#?}"
        );
    }

    #[test]
    fn identical_tables_pass_and_each_tenant_matches_itself() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Reverse);
        let mut facts = facts(|f| {
            if let Fact::Observed(tables) = &mut f.a.tables {
                tables
                    .get_mut("app")
                    .unwrap()
                    .insert("log".into(), table(&[("x", "int(11)", true)], &[]));
            }
        });
        facts.b = facts.a.clone();
        assert_clean(&RULE, &plan(), &facts, Stage::Reverse);
    }
}
