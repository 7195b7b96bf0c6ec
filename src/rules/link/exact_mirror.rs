use std::collections::BTreeMap;

use crate::facts::Fact;
use crate::facts::oms::{Project, Selection, TableFilter};
use crate::rules::{
    Check, Ctx, Finding, Input, Missing, Need, Severity, Side, Text, declare_rule, unless_undecided,
};
use crate::text;

/// The DML every link must carry.
const DML: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

declare_rule! {
    /// ## What it checks
    /// The links copy the same changes of the same objects both ways, one to one, whole. In
    /// each live project of the pair (the forward project, and the reverse project of a
    /// two-projects pair): every incremental step carries INSERT, UPDATE and DELETE
    /// (`recordTypeWhiteList`, when OMS shows it); no table is copied only in part, by a row
    /// filter (`whereClause`, OMS's 过滤条件) or a column selection (`filterColumns`, 列过滤);
    /// no two source databases or tables are written to one target (many-to-one mapping, 多表汇聚
    /// or Schema 多到一映射); and every database or table the forward project writes under
    /// another name is written back under its own name by the reverse project (renames
    /// inverted). A project whose filters OMS did not show leaves the rule inconclusive. The
    /// plan itself names the same objects on both tenants and has no way to filter rows or
    /// columns, so it is an exact mirror by construction (`link.mirrored` checks its scopes).
    ///
    /// ## Why it matters
    /// OMS does not offer reverse incremental sync for a project with many-to-one mapping
    /// ("存在多表汇聚的情况 / 存在 Schema 多到一映射的情况" are among the cases where 反向增量
    /// cannot be chosen): changes written on the merged target cannot be told apart on their
    /// way back. A rename the reverse link does not invert makes it write B's changes to a
    /// table A does not have under that name, or to another one. A link that leaves out a DML
    /// type makes the two copies diverge by design, and OMS then offers no full verification
    /// ("同步 DML 选项中未选择所有的 DML，则 … 不支持本场景下的全量数据校验"). A row filter on a
    /// link means the rows it leaves out, written on one tenant, never reach the other, and an
    /// update that moves a row out of the filter is not carried either; OMS also compares
    /// CHAR and VARCHAR values in a row filter with trailing spaces trimmed. A column selection
    /// leaves the other columns' changes behind. Either way the two copies drift apart while
    /// both links look healthy.
    ///
    /// ## How to fix
    /// Map every database and table to itself (or rename it in the forward project and map
    /// the new name back to the old one in the reverse project), clear every row filter and
    /// column selection in the projects' objects, and move merged or partly copied tables into
    /// projects of their own outside the active-active pair.
    pub static RULE = Rule {
        id: "link.exact-mirror",
        severity: Severity::Error,
        input: Input::Plan,
        optional: &[Need::OmsForward, Need::OmsReverse],
        summary: "both links carry every DML of whole tables one to one, no row or column filter, renames inverted (live projects)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let forward = live(cx.oms_forward())?;
    let reverse = if cx.plan.is_single_project() {
        // One project: OMS runs the reverse step over the inverse of the same mapping.
        None
    } else {
        live(cx.oms_reverse())?
    };
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    for project in [forward, reverse].into_iter().flatten() {
        match &project.filters {
            Fact::Observed(filters) => {
                findings.extend(filters.iter().flat_map(|filter| partial(project, filter)))
            }
            Fact::Unavailable { reason } => {
                let name = &project.name;
                undecided.push(
                    text!("project {name}: {reason}", "项目 {name}：{reason}"; reason = reason),
                )
            }
        }
        // What the project writes decides the mapping checks below; unknown is not one to one.
        // (Without transferMapping, the filters' reason above already says so.)
        if let Some(reason) = project.unknown_objects()
            && project.filters.observed().is_some()
        {
            let name = &project.name;
            undecided
                .push(text!("project {name}: {reason}", "项目 {name}：{reason}"; reason = reason));
        }
        let configs = [
            (
                text!("incremental", "增量同步"),
                project.record_types.as_ref(),
            ),
            (
                text!("reverse-incremental", "反向增量"),
                project.reverse_record_types.as_ref(),
            ),
        ];
        for (step, records) in configs {
            let Some(records) = records else {
                continue;
            };
            let missing: Vec<&str> = DML
                .iter()
                .copied()
                .filter(|dml| !records.iter().any(|r| r.eq_ignore_ascii_case(dml)))
                .collect();
            if !missing.is_empty() {
                let (name, records) = (&project.name, records.join(", "));
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(project.name.clone()),
                        text!(
                            "project {name}'s {step} step does not carry {missing} (recordTypeWhiteList {records}): those changes never reach the other tenant",
                            "项目 {name} 的{step}步骤不传递 {missing}（recordTypeWhiteList {records}）：这些变更永远不会到达另一个租户";
                            step = step,
                            missing = Text::new(missing.join(", "), missing.join("、"))
                        ),
                    )
                    .help(text!(
                        "select every DML type (INSERT, UPDATE, DELETE) for incremental sync in the project",
                        "在项目中为增量同步选择全部 DML 类型（INSERT、UPDATE、DELETE）"
                    )),
                );
            }
        }
        for merged in many_to_one(project) {
            let name = &project.name;
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    text!(
                        "project {name} writes {merged}: many-to-one mapping cannot be synced back",
                        "项目 {name} 存在多对一映射（{merged}）：无法同步回去";
                        merged = merged
                    ),
                )
                .help(text!(
                    "map each source object to a target of its own in the active-active projects",
                    "在容灾双活项目中把每个源对象映射到各自独立的目标"
                )),
            );
        }
    }
    if let (Some(forward), Some(reverse)) = (forward, reverse) {
        let back = renames(reverse);
        for (from, to) in renames(forward) {
            let inverted = back
                .get(&to.to_ascii_lowercase())
                .is_some_and(|name| name.eq_ignore_ascii_case(&from));
            if !inverted {
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(reverse.name.clone()),
                        text!(
                            "project {} writes {from} as {to}, but project {} does not write {to} back as {from}",
                            "项目 {} 把 {from} 写为 {to}，但项目 {} 没有把 {to} 写回为 {from}",
                            forward.name,
                            reverse.name
                        ),
                    )
                    .help(text!(
                        "map {to} to {from} in the reverse project",
                        "在反向项目中把 {to} 映射为 {from}"
                    )),
                );
            }
        }
        let forth = renames(forward);
        for (from, to) in back_only(&renames(reverse), &forth) {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(forward.name.clone()),
                    text!(
                        "project {} writes {to_b} as {to}, a rename project {} does not make the other way",
                        "项目 {} 把 {to_b} 写为 {to}，而项目 {} 在另一方向上没有对应的重命名",
                        reverse.name,
                        forward.name,
                        to_b = from
                    ),
                )
                .help(text!(
                    "map {to} to {from} in the forward project, or drop the rename",
                    "在正向项目中把 {to} 映射为 {from}，或取消该重命名"
                )),
            );
        }
    }
    unless_undecided(findings, &undecided, |joined| {
        text!(
            "{undecided}; to decide, collect again with this version, or look for row filters (过滤条件) and column selections (列过滤) in the projects' objects in the OMS console",
            "{undecided}；要判定，请用本版本重新采集，或在 OMS 控制台中查看项目对象里的过滤条件和列过滤";
            undecided = joined
        )
    })
}

/// The longest row filter quoted in a finding; a longer one is cut.
const QUOTED: usize = 200;
/// The most columns named in a finding.
const NAMED_COLUMNS: usize = 10;

/// The findings on a table `project` copies only in part: one for its row filter, one for its
/// column selection.
fn partial(project: &Project, filter: &TableFilter) -> Vec<Finding> {
    let table = format!("{}.{}", filter.database, filter.table);
    let to = project
        .sink
        .map_or(text!("the other tenant", "另一个租户"), |tenant| {
            text!("tenant {tenant}", "租户 {tenant}")
        });
    let name = &project.name;
    let mut findings = Vec::new();
    if let Some(clause) = &filter.row_filter {
        let clause = quoted(clause);
        findings.push(
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                text!(
                    "project {name} copies only the rows of {table} where `{clause}` (row filter, whereClause): the rows it leaves out never reach {to}, and the two copies drift apart",
                    "项目 {name} 只复制 {table} 中满足 `{clause}` 的行（行过滤条件，whereClause）：被过滤掉的行永远不会到达{to}，两份数据逐渐分叉";
                    to = to
                ),
            )
            .help(text!(
                "clear the row filter of {table} in the project's objects (过滤条件); a table that must be filtered belongs in a one-way project outside the active-active pair",
                "在项目对象中清除 {table} 的过滤条件；必须过滤的表应放到容灾双活之外的单向项目中"
            )),
        );
    }
    if !filter.columns.is_empty() {
        let plural = if filter.columns.len() == 1 { "" } else { "s" };
        findings.push(
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                text!(
                    "project {name} copies only column{plural} {columns} of {table} (column selection, filterColumns): changes to its other columns never reach {to}",
                    "项目 {name} 只复制 {table} 的列 {columns}（列过滤，filterColumns）：其他列的变更永远不会到达{to}";
                    columns = named(&filter.columns),
                    to = to
                ),
            )
            .help(text!(
                "select every column of {table} in the project's objects (clear 列过滤), or move the table to a one-way project outside the active-active pair",
                "在项目对象中选择 {table} 的所有列（清除列过滤），或把该表移到容灾双活之外的单向项目中"
            )),
        );
    }
    findings
}

/// `clause`, cut after [`QUOTED`] characters.
fn quoted(clause: &str) -> String {
    match clause.char_indices().nth(QUOTED) {
        Some((cut, _)) => format!("{}…", &clause[..cut]),
        None => clause.to_string(),
    }
}

/// `id, amount`, or the first [`NAMED_COLUMNS`] and how many more.
fn named(columns: &[String]) -> Text {
    let shown = &columns[..columns.len().min(NAMED_COLUMNS)];
    let (en, zh) = (shown.join(", "), shown.join("、"));
    match columns.len().saturating_sub(NAMED_COLUMNS) {
        0 => Text::new(en, zh),
        more => text!("{en} and {more} more", "{zh} 及另外 {more} 列"),
    }
}

/// The live project, `None` when it does not exist or this run has no OMS; an OMS error is
/// the rule's inconclusive reason.
fn live(project: Result<Option<&Project>, Missing>) -> Result<Option<&Project>, Missing> {
    match project {
        Err(missing) if missing.is_not_collected() => Ok(None),
        other => other,
    }
}

/// What `project` writes from more than one source: `app2.orders from app.orders and
/// app.orders_old`, `app2 from app and legacy` (in Chinese, the sources and then the target:
/// `app、legacy 写入 app2`).
fn many_to_one(project: &Project) -> Vec<Text> {
    let mut merged = Vec::new();
    match &project.selection {
        Selection::Listed => {
            let mut databases: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for db in &project.mapping {
                databases
                    .entry(db.target_name().to_ascii_lowercase())
                    .or_default()
                    .push(&db.name);
                for table in &db.tables {
                    tables
                        .entry(
                            format!("{}.{}", db.target_name(), table.target_name())
                                .to_ascii_lowercase(),
                        )
                        .or_default()
                        .push(format!("{}.{}", db.name, table.name));
                }
            }
            let from = |target: &str, sources: &[&str]| {
                text!(
                    "{target} from {sources}",
                    "{sources} 写入 {target}";
                    sources = Text::new(sources.join(" and "), sources.join("、"))
                )
            };
            for (target, sources) in databases {
                if sources.len() > 1 {
                    merged.push(from(&target, &sources));
                }
            }
            for (target, sources) in tables {
                if sources.len() > 1 {
                    let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
                    merged.push(from(&target, &sources));
                }
            }
        }
        Selection::Matching(rules) => {
            let wild = |pattern: &str| pattern.contains(['*', '?', '[']);
            for rule in &rules.include {
                if rule.mapped_table.is_some() && wild(&rule.table) {
                    merged.push(text!(
                        "every table matching {rule} into one",
                        "匹配 {rule} 的所有表写入同一张表"
                    ));
                } else if rule.mapped_database.is_some() && wild(&rule.database) {
                    merged.push(text!(
                        "every database matching {rule} into one",
                        "匹配 {rule} 的所有库写入同一个库"
                    ));
                }
            }
        }
        Selection::Unknown { .. } => {}
    }
    merged
}

/// What `project` writes under another name, by source name: `app` → `app2`,
/// `app.orders` → `app.orders_v2`.
fn renames(project: &Project) -> BTreeMap<String, String> {
    let mut renamed = BTreeMap::new();
    let mut add = |from: String, to: String| {
        if !from.eq_ignore_ascii_case(&to) {
            renamed.insert(from.to_ascii_lowercase(), to);
        }
    };
    match &project.selection {
        Selection::Listed => {
            for db in &project.mapping {
                add(db.name.clone(), db.target_name().to_string());
                for table in &db.tables {
                    add(
                        format!("{}.{}", db.name, table.name),
                        format!("{}.{}", db.target_name(), table.target_name()),
                    );
                }
            }
        }
        Selection::Matching(rules) => {
            for rule in &rules.include {
                if let Some(database) = &rule.mapped_database {
                    add(rule.database.clone(), database.clone());
                }
            }
            for rename in &rules.renames {
                add(
                    format!("{}.{}", rename.database, rename.table),
                    format!("{}.{}", rename.mapped_database, rename.mapped_table),
                );
            }
        }
        Selection::Unknown { .. } => {}
    }
    renamed
}

/// The renames of `back` whose inverse `forth` does not make: the reverse renames something
/// the forward project writes under its own name.
fn back_only(
    back: &BTreeMap<String, String>,
    forth: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    back.iter()
        .filter(|(from, to)| {
            !forth
                .get(&to.to_ascii_lowercase())
                .is_some_and(|name| name.eq_ignore_ascii_case(from))
        })
        .map(|(from, to)| (from.clone(), to.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::facts::oms::{MappedDatabase, MappedTable, TableFilter};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn filtered(row_filter: Option<&str>, columns: &[&str]) -> Fact<Vec<TableFilter>> {
        Fact::Observed(vec![TableFilter {
            database: "app".into(),
            table: "orders".into(),
            row_filter: row_filter.map(str::to_string),
            columns: columns.iter().map(|c| c.to_string()).collect(),
        }])
    }

    #[test]
    fn fires_on_a_row_filter_naming_the_table_and_the_filter() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.filters = filtered(Some("amount >= 100"), &[]);
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_a_to_b"))]);
        assert!(
            findings[0].message.contains(
                "project dr_a_to_b copies only the rows of app.orders where `amount >= 100`"
            ) && findings[0].message.contains("never reach tenant b"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[0]
                .help
                .as_ref()
                .unwrap()
                .contains("clear the row filter of app.orders")
        );
        // The filter and the names stay as OMS shows them in the Chinese sentence.
        assert_eq!(
            findings[0].message.zh(),
            "项目 dr_a_to_b 只复制 app.orders 中满足 `amount >= 100` 的行（行过滤条件，whereClause）：\
             被过滤掉的行永远不会到达租户 b，两份数据逐渐分叉"
        );
    }

    #[test]
    fn fires_on_a_column_selection_of_the_reverse_project() {
        let facts = with_oms(|oms| {
            let mut reverse = reverse_project();
            reverse.filters = filtered(None, &["id", "amount"]);
            oms.reverse = Fact::Observed(Some(reverse));
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Running);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_b_to_a"))]);
        assert!(
            findings[0]
                .message
                .contains("copies only columns id, amount of app.orders")
                && findings[0].message.contains("never reach tenant a"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn a_long_filter_is_cut_and_many_columns_counted() {
        let clause = format!("id IN ({})", vec!["1"; 300].join(","));
        let columns: Vec<String> = (0..12).map(|i| format!("c{i}")).collect();
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.filters = filtered(Some(&clause), &columns);
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().any(|f| f.message.contains("…`")));
        assert!(findings.iter().all(|f| f.message.en().len() < 600));
        assert!(findings.iter().any(|f| {
            f.message
                .contains("c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 2 more")
        }));
    }

    /// Filters OMS did not show are not "no filter": inconclusive, unless something fired.
    #[test]
    fn unknown_filters_leave_it_inconclusive_unless_it_fires() {
        let unknown = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.filters =
                    Fact::unavailable(crate::i18n::Text::english("OMS showed no transferMapping"));
            }
        });
        let evaluation = run(&RULE, &oms_plan(), &unknown, Stage::Reverse);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap();
        assert!(
            reason.contains("project dr_a_to_b: OMS showed no transferMapping"),
            "{reason}"
        );
        let fired = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.filters =
                    Fact::unavailable(crate::i18n::Text::english("OMS showed no transferMapping"));
                forward.record_types = Some(vec!["INSERT".into()]);
            }
        });
        assert_eq!(fire(&RULE, &oms_plan(), &fired, Stage::Reverse).len(), 1);
    }

    fn db(name: &str, mapped: &str, tables: &[(&str, &str)]) -> MappedDatabase {
        MappedDatabase {
            name: name.into(),
            mapped_name: Some(mapped.into()),
            tables: tables
                .iter()
                .map(|(name, mapped)| MappedTable {
                    name: name.to_string(),
                    mapped_name: Some(mapped.to_string()),
                })
                .collect(),
        }
    }

    #[test]
    fn fires_on_two_tables_written_to_one() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.mapping = vec![db(
                    "app",
                    "app",
                    &[("orders", "orders"), ("orders_2025", "orders")],
                )];
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_a_to_b"))]);
        assert!(
            findings[0]
                .message
                .contains("app.orders from app.orders and app.orders_2025")
        );
    }

    #[test]
    fn fires_on_a_rename_the_reverse_project_does_not_invert() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.mapping = vec![db("app", "app_b", &[])];
            }
            let mut reverse = reverse_project();
            reverse.mapping = vec![db("app", "app", &[])];
            oms.reverse = Fact::Observed(Some(reverse));
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Running);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_b_to_a"))]);
        assert!(findings[0].message.contains(
            "writes app as app_b, but project dr_b_to_a does not write app_b back as app"
        ));
        let inverted = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.mapping = vec![db("app", "app_b", &[])];
            }
            let mut reverse = reverse_project();
            reverse.mapping = vec![db("app_b", "app", &[])];
            oms.reverse = Fact::Observed(Some(reverse));
        });
        assert_clean(&RULE, &oms_plan(), &inverted, Stage::Running);
    }

    #[test]
    fn fires_on_a_link_that_leaves_deletes_out() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.record_types = Some(vec!["INSERT".into(), "UPDATE".into(), "DDL".into()]);
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_a_to_b"))]);
        assert!(findings[0].message.contains("does not carry DELETE"));
    }

    #[test]
    fn quiet_on_one_to_one_projects_and_without_oms() {
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Reverse);
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
