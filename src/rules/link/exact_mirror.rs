use std::collections::BTreeMap;

use crate::facts::Fact;
use crate::facts::oms::{Project, Selection, TableFilter};
use crate::rules::{
    Check, Ctx, Finding, Input, Missing, Need, NotEvaluated, Severity, Side, declare_rule,
};

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
        stages: &[],
        topologies: &[],
        input: Input::Plan,
        needs: &[],
        optional: &[Need::OmsForward, Need::OmsReverse],
        waivable: true,
        compares_sides: false,
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
                undecided.push(format!("project {}: {reason}", project.name))
            }
        }
        let configs = [
            ("incremental", project.record_types.as_ref()),
            ("reverse-incremental", project.reverse_record_types.as_ref()),
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
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(project.name.clone()),
                        format!(
                            "project {}'s {step} step does not carry {} (recordTypeWhiteList {}): those changes never reach the other tenant",
                            project.name,
                            missing.join(", "),
                            records.join(", ")
                        ),
                    )
                    .help("select every DML type (INSERT, UPDATE, DELETE) for incremental sync in the project"),
                );
            }
        }
        for merged in many_to_one(project) {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    format!(
                        "project {} writes {merged}: many-to-one mapping cannot be synced back",
                        project.name
                    ),
                )
                .help(
                    "map each source object to a target of its own in the active-active projects",
                ),
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
                        format!(
                            "project {} writes {from} as {to}, but project {} does not write {to} back as {from}",
                            forward.name, reverse.name
                        ),
                    )
                    .help(format!("map {to} to {from} in the reverse project")),
                );
            }
        }
        let forth = renames(forward);
        for (from, to) in back_only(&renames(reverse), &forth) {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(forward.name.clone()),
                    format!(
                        "project {} writes {to_b} as {to}, a rename project {} does not make the other way",
                        reverse.name,
                        forward.name,
                        to_b = from
                    ),
                )
                .help(format!("map {to} to {from} in the forward project, or drop the rename")),
            );
        }
    }
    if findings.is_empty() && !undecided.is_empty() {
        return Err(NotEvaluated::Inconclusive(format!(
            "{}; to decide, collect again with this version, or look for row filters (过滤条件) and column selections (列过滤) in the projects' objects in the OMS console",
            undecided.join("; ")
        ).into()));
    }
    Ok(findings)
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
        .map_or("the other tenant".to_string(), |tenant| {
            format!("tenant {tenant}")
        });
    let mut findings = Vec::new();
    if let Some(clause) = &filter.row_filter {
        findings.push(
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                format!(
                    "project {} copies only the rows of {table} where `{}` (row filter, whereClause): the rows it leaves out never reach {to}, and the two copies drift apart",
                    project.name,
                    quoted(clause)
                ),
            )
            .help(format!(
                "clear the row filter of {table} in the project's objects (过滤条件); a table that must be filtered belongs in a one-way project outside the active-active pair"
            )),
        );
    }
    if !filter.columns.is_empty() {
        findings.push(
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                format!(
                    "project {} copies only column{} {} of {table} (column selection, filterColumns): changes to its other columns never reach {to}",
                    project.name,
                    if filter.columns.len() == 1 { "" } else { "s" },
                    named(&filter.columns)
                ),
            )
            .help(format!(
                "select every column of {table} in the project's objects (clear 列过滤), or move the table to a one-way project outside the active-active pair"
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
fn named(columns: &[String]) -> String {
    let shown = columns[..columns.len().min(NAMED_COLUMNS)].join(", ");
    match columns.len().saturating_sub(NAMED_COLUMNS) {
        0 => shown,
        more => format!("{shown} and {more} more"),
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
/// app.orders_old`, `app2 from app and legacy`.
fn many_to_one(project: &Project) -> Vec<String> {
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
            for (target, sources) in databases {
                if sources.len() > 1 {
                    merged.push(format!("{target} from {}", sources.join(" and ")));
                }
            }
            for (target, sources) in tables {
                if sources.len() > 1 {
                    merged.push(format!("{target} from {}", sources.join(" and ")));
                }
            }
        }
        Selection::Matching(rules) => {
            let wild = |pattern: &str| pattern.contains(['*', '?', '[']);
            for rule in &rules.include {
                if rule.mapped_table.is_some() && wild(&rule.table) {
                    merged.push(format!("every table matching {rule} into one"));
                } else if rule.mapped_database.is_some() && wild(&rule.database) {
                    merged.push(format!("every database matching {rule} into one"));
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
                forward.filters = Fact::unavailable("OMS showed no transferMapping");
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
                forward.filters = Fact::unavailable("OMS showed no transferMapping");
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
