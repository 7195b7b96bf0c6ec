use super::require_visible_scope;
use crate::facts::{Index, KeyKind, Table, Tenant};
use crate::rules::scope::in_scope_tables;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, Text, declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// While both directions run: the in-scope schemas of A and B are the same in both
    /// directions — every in-scope table on one tenant exists on the other, with the same
    /// columns (name, type, nullability, generated or not, default, `ON UPDATE
    /// CURRENT_TIMESTAMP`), the same primary and unique keys and the same other B-tree indexes
    /// (full-text, spatial and vector indexes are not compared). A finding names the tenant
    /// that has the extra or different object.
    ///
    /// ## Why it matters
    /// In an active-active pair DDL is synced one way only (or not at all). A schema change run
    /// on the other tenant — or while DDL sync was off — stays there: the link that carries
    /// rows the other way then fails on the first row that uses it (OMS:
    /// `CONNECTOR-SIAL00000001 handleColumnsOnlyInSource`), or writes rows the other side
    /// cannot hold. Drift found now is a repair; drift found by a failed link is an outage.
    ///
    /// ## How to fix
    /// Apply the same DDL on the other tenant (by hand, outside OMS) so the schemas match
    /// again, and from now on run schema changes only on the side whose link syncs DDL.
    pub static RULE = Rule {
        id: "schema.drift",
        severity: Severity::Error,
        stages: &[Stage::Running],
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Grants],
        compares_sides: true,
        summary: "A and B in-scope schemas are identical in both directions (tables, columns, defaults, keys, indexes)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let mut findings = Vec::new();
    let cause = |extra_on: Tenant| ddl_cause(cx, extra_on);
    // Tables on one side only, in both directions.
    for (here, there) in [(Tenant::A, Tenant::B), (Tenant::B, Tenant::A)] {
        for (database, name, _) in in_scope_tables(cx.plan, &cx.tenant(here))? {
            if cx.tenant(there).table(database, name)?.is_none() {
                let object = format!("{database}.{name}");
                findings.push(
                    Finding::new(
                        here,
                        Some(object.clone()),
                        text!(
                            "table {object} exists on tenant {here} but not on tenant {there}{cause}",
                            "表 {object} 存在于租户 {here} 上，但不存在于租户 {there} 上{cause}";
                            cause = cause(here)
                        ),
                    )
                    .help(text!(
                        "create {object} on tenant {there} as it is on tenant {here} (or drop it from tenant {here}), then run schema changes only on the side whose link syncs DDL",
                        "按租户 {here} 上的定义在租户 {there} 上创建 {object}（或从租户 {here} 上删除它），此后只在同步 DDL 的链路所在的一端进行结构变更"
                    )),
                );
            }
        }
    }
    let mut details_unknown = false;
    for (database, name, a) in in_scope_tables(cx.plan, &cx.tenant(Tenant::A))? {
        let Some(b) = cx.tenant(Tenant::B).table(database, name)? else {
            continue;
        };
        details_unknown |= [a, b].iter().any(|table| !details_known(table));
        findings.extend(differences(&format!("{database}.{name}"), a, b, &cause));
    }
    if findings.is_empty() && details_unknown {
        return Err(NotEvaluated::Inconclusive(text!(
            "tables, columns and keys are the same, but column defaults and non-unique indexes \
             were not collected (a bundle written by an earlier version): collect again to \
             compare them",
            "表、列和键都相同，但未采集列默认值和非唯一索引（由早先版本写出的采集包）：\
             重新采集后才能比较它们"
        )));
    }
    Ok(findings)
}

/// Whether `table`'s facts hold its column defaults and non-unique indexes (a bundle written
/// before they were collected has neither).
fn details_known(table: &Table) -> bool {
    table.indexes.is_some()
        && table
            .columns
            .iter()
            .all(|column| !column.default.is_unknown())
}

/// "DDL run on the side that does not sync it", when the plan says which side syncs DDL.
fn ddl_cause(cx: &Ctx<'_>, extra_on: Tenant) -> Text {
    let syncing: Vec<Tenant> = cx
        .plan
        .links()
        .iter()
        .filter(|link| link.ddl_sync.enabled())
        .map(|link| link.source)
        .collect();
    match syncing.as_slice() {
        [source] if *source != extra_on => text!(
            " (DDL is synced from tenant {source} only: DDL run on tenant {extra_on} stays there)",
            "（DDL 只从租户 {source} 同步：在租户 {extra_on} 上执行的 DDL 只留在那里）"
        ),
        [] => text!(
            " (neither link syncs DDL: each change must be run on both tenants)",
            "（两条链路都不同步 DDL：每个变更都须在两个租户上执行）"
        ),
        _ => Text::same(""),
    }
}

/// Column and key differences of one table present on both tenants.
fn differences(object: &str, a: &Table, b: &Table, cause: &dyn Fn(Tenant) -> Text) -> Vec<Finding> {
    let mut findings = Vec::new();
    let help = text!(
        "make {object} the same on both tenants, then run schema changes only on the side whose link syncs DDL",
        "使 {object} 在两个租户上一致，此后只在同步 DDL 的链路所在的一端进行结构变更"
    );
    for (here, there, mine, theirs) in [(Tenant::A, Tenant::B, a, b), (Tenant::B, Tenant::A, b, a)]
    {
        for column in &mine.columns {
            if theirs.column(&column.name).is_none() {
                let (name, column_type) = (&column.name, &column.column_type);
                findings.push(
                    Finding::new(
                        here,
                        Some(format!("{object}.{}", column.name)),
                        text!(
                            "column {object}.{name} ({column_type}) exists on tenant {here} but not on tenant {there}{cause}",
                            "列 {object}.{name}（{column_type}）存在于租户 {here} 上，但不存在于租户 {there} 上{cause}";
                            cause = cause(here)
                        ),
                    )
                    .help(help.clone()),
                );
            }
        }
    }
    for column in &a.columns {
        let Some(other) = b.column(&column.name) else {
            continue;
        };
        let name = &column.name;
        let describe = |c: &crate::facts::Column| {
            let (column_type, null) =
                (&c.column_type, if c.nullable { "NULL" } else { "NOT NULL" });
            let generated = match c.generated.as_deref() {
                Some(g) => text!(" {g} generated", " {g} 生成列"),
                None => Text::same(""),
            };
            text!("{column_type} {null}{generated}", "{column_type} {null}{generated}"; generated = generated)
        };
        let (on_a, on_b) = (describe(column), describe(other));
        let defaults = |c: &crate::facts::Column| {
            let on_update = if c.on_update_current_timestamp {
                " ON UPDATE CURRENT_TIMESTAMP"
            } else {
                ""
            };
            let value = match &c.default {
                crate::facts::ColumnDefault::None => text!("none", "无"),
                value => Text::same(value.to_string()),
            };
            text!(
                "default {value}{on_update}",
                "默认值 {value}{on_update}";
                value = value
            )
        };
        let known = !column.default.is_unknown() && !other.default.is_unknown();
        if on_a.en().eq_ignore_ascii_case(on_b.en())
            && known
            && (column.default != other.default
                || column.on_update_current_timestamp != other.on_update_current_timestamp)
        {
            findings.push(
                Finding::new(
                    Side::Pair,
                    Some(format!("{object}.{}", column.name)),
                    text!(
                        "column {object}.{name} has {on_a} on tenant a but {on_b} on tenant b: rows inserted without it differ by the side they are written on",
                        "列 {object}.{name} 在租户 a 上为{on_a}，在租户 b 上却为{on_b}：不指定该列而插入的行，其值因写入的租户而不同";
                        on_a = defaults(column),
                        on_b = defaults(other)
                    ),
                )
                .help(help.clone()),
            );
        }
        if !on_a.en().eq_ignore_ascii_case(on_b.en()) {
            findings.push(
                Finding::new(
                    Side::Pair,
                    Some(format!("{object}.{}", column.name)),
                    text!(
                        "column {object}.{name} is {on_a} on tenant a but {on_b} on tenant b",
                        "列 {object}.{name} 在租户 a 上为 {on_a}，在租户 b 上却为 {on_b}";
                        on_a = on_a,
                        on_b = on_b
                    ),
                )
                .help(help.clone()),
            );
        }
    }
    let keys = |table: &Table| -> Vec<String> {
        let mut keys: Vec<String> = table
            .keys
            .iter()
            .map(|key| {
                let kind = match key.kind {
                    KeyKind::Primary => "PRIMARY KEY",
                    KeyKind::Unique => "UNIQUE",
                };
                format!("{kind} ({})", key.columns.join(", ").to_ascii_lowercase())
            })
            .collect();
        keys.sort();
        keys
    };
    let (keys_a, keys_b) = (keys(a), keys(b));
    if keys_a != keys_b {
        let list = |keys: &[String]| match keys {
            [] => text!("none", "无"),
            _ => Text::new(keys.join(", "), keys.join("、")),
        };
        findings.push(
            Finding::new(
                Side::Pair,
                Some(object.to_string()),
                text!(
                    "keys of {object} are {on_a} on tenant a but {on_b} on tenant b",
                    "{object} 的键在租户 a 上为 {on_a}，在租户 b 上却为 {on_b}";
                    on_a = list(&keys_a),
                    on_b = list(&keys_b)
                ),
            )
            .help(help.clone()),
        );
    }
    if let (Some(on_a), Some(on_b)) = (&a.indexes, &b.indexes) {
        findings.extend(index_differences(object, on_a, on_b, &help, cause));
    }
    findings
}

/// The non-unique indexes of `object` one tenant has and the other has not, by name, and
/// those whose columns differ.
fn index_differences(
    object: &str,
    a: &[Index],
    b: &[Index],
    help: &Text,
    cause: &dyn Fn(Tenant) -> Text,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let columns = |index: &Index| index.columns.join(", ").to_ascii_lowercase();
    for (here, there, mine, theirs) in [(Tenant::A, Tenant::B, a, b), (Tenant::B, Tenant::A, b, a)]
    {
        for index in mine {
            let same_name = theirs
                .iter()
                .find(|other| other.name.eq_ignore_ascii_case(&index.name));
            let (name, on) = (&index.name, columns(index));
            match same_name {
                None => findings.push(
                    Finding::new(
                        here,
                        Some(format!("{object}.{}", index.name)),
                        text!(
                            "index {name} ({on}) of {object} exists on tenant {here} but not on tenant {there}{cause}",
                            "{object} 的索引 {name}（{on}）存在于租户 {here} 上，但不存在于租户 {there} 上{cause}";
                            cause = cause(here)
                        ),
                    )
                    .help(help.clone()),
                ),
                Some(other) if here == Tenant::A && columns(index) != columns(other) => findings
                    .push(
                        Finding::new(
                            Side::Pair,
                            Some(format!("{object}.{}", index.name)),
                            text!(
                                "index {name} of {object} is on ({on}) on tenant a but on ({}) on tenant b",
                                "{object} 的索引 {name} 在租户 a 上建在 ({on}) 上，在租户 b 上却建在 ({}) 上",
                                columns(other)
                            ),
                        )
                        .help(help.clone()),
                    ),
                Some(_) => {}
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Column, ColumnDefault, Fact, Index, Table};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn orders(f: &mut crate::facts::Facts, tenant: char) -> &mut Table {
        let tenant = if tenant == 'a' { &mut f.a } else { &mut f.b };
        let Fact::Observed(tables) = &mut tenant.tables else {
            panic!("tables observed")
        };
        tables.get_mut("app").unwrap().get_mut("orders").unwrap()
    }

    #[test]
    fn quiet_on_identical_schemas_and_only_at_the_running_stage() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Running);
        assert_eq!(
            run(&RULE, &plan(), &healthy(), Stage::Reverse).status,
            Status::Skipped
        );
    }

    #[test]
    fn a_column_added_on_b_only_names_b_and_the_cause() {
        let facts = facts(|f| {
            orders(f, 'b').columns.push(Column {
                name: "remark".into(),
                column_type: "varchar(64)".into(),
                nullable: true,
                auto_increment: false,
                generated: None,
                default: ColumnDefault::None,
                on_update_current_timestamp: false,
            });
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Running);
        assert_eq!(where_(&findings), vec![("b", Some("app.orders.remark"))]);
        assert!(
            findings[0]
                .message
                .contains("DDL is synced from tenant a only"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn a_table_on_a_only_and_a_type_difference() {
        let facts = facts(|f| {
            orders(f, 'a').columns[0].column_type = "bigint(20) unsigned".into();
            if let Fact::Observed(tables) = &mut f.a.tables {
                let copy = tables["app"]["orders"].clone();
                tables
                    .get_mut("app")
                    .unwrap()
                    .insert("refunds".into(), copy);
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Running);
        let sides = where_(&findings);
        assert!(sides.contains(&("a", Some("app.refunds"))), "{sides:?}");
        assert!(
            sides.iter().any(|(side, object)| *side == "pair"
                && object.is_some_and(|o| o.starts_with("app.orders."))),
            "{sides:?}"
        );
    }

    #[test]
    fn a_default_changed_on_one_side_is_a_pair_finding() {
        let changed = facts(|f| {
            orders(f, 'b').columns[1].default = ColumnDefault::Value("open".into());
        });
        let findings = fire(&RULE, &plan(), &changed, Stage::Running);
        assert_eq!(findings.len(), 1);
        assert_eq!(where_(&findings), vec![("pair", Some("app.orders.note"))]);
        assert!(
            findings[0]
                .message
                .contains("has default none on tenant a but default 'open' on tenant b"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[0]
                .message
                .zh()
                .contains("在租户 a 上为默认值 无，在租户 b 上却为默认值 'open'"),
            "{}",
            findings[0].message.zh()
        );
        let on_update = facts(|f| orders(f, 'a').columns[1].on_update_current_timestamp = true);
        assert_eq!(fire(&RULE, &plan(), &on_update, Stage::Running).len(), 1);
    }

    #[test]
    fn an_index_created_on_b_only_names_b_and_different_columns_name_the_pair() {
        let index = |columns: &[&str]| Index {
            name: "idx_status".into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
        };
        let on_b_only = facts(|f| {
            orders(f, 'b').indexes = Some(vec![index(&["id"])]);
        });
        let findings = fire(&RULE, &plan(), &on_b_only, Stage::Running);
        assert_eq!(
            where_(&findings),
            vec![("b", Some("app.orders.idx_status"))]
        );
        let different = facts(|f| {
            orders(f, 'a').indexes = Some(vec![index(&["id"])]);
            orders(f, 'b').indexes = Some(vec![index(&["id", "total"])]);
        });
        let findings = fire(&RULE, &plan(), &different, Stage::Running);
        assert_eq!(
            where_(&findings),
            vec![("pair", Some("app.orders.idx_status"))]
        );
    }

    #[test]
    fn a_bundle_without_defaults_and_indexes_is_inconclusive_unless_something_differs() {
        let old = facts(|f| {
            orders(f, 'a').indexes = None;
        });
        let outcome = run(&RULE, &plan(), &old, Stage::Running);
        assert_eq!(outcome.status, Status::Inconclusive);
        assert!(outcome.reason.unwrap().contains("collect again"));
        let old_and_drifted = facts(|f| {
            orders(f, 'a').indexes = None;
            orders(f, 'a').columns[0].column_type = "bigint(20) unsigned".into();
        });
        assert_eq!(
            fire(&RULE, &plan(), &old_and_drifted, Stage::Running).len(),
            1
        );
    }
}
