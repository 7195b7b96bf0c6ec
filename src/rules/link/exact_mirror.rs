use std::collections::BTreeMap;

use crate::facts::oms::{Project, Selection};
use crate::rules::{Check, Ctx, Finding, Input, Missing, Need, Severity, Side, declare_rule};

/// The DML every link must carry.
const DML: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

declare_rule! {
    /// ## What it checks
    /// The links copy the same changes of the same objects both ways, one to one. In each
    /// live project of the pair (the forward project, and the reverse project of a
    /// two-projects pair): every incremental step carries INSERT, UPDATE and DELETE
    /// (`recordTypeWhiteList`, when OMS shows it), no two
    /// source databases or tables are written to one target (many-to-one mapping, 多表汇聚 or
    /// Schema 多到一映射), and every database or table the forward project writes under
    /// another name is written back under its own name by the reverse project (renames
    /// inverted). The plan itself names the same objects on both tenants and no filter, so it
    /// is an exact mirror by construction (`link.mirrored` checks its scopes); a project's row
    /// and column filters are not read from OMS yet.
    ///
    /// ## Why it matters
    /// OMS does not offer reverse incremental sync for a project with many-to-one mapping
    /// ("存在多表汇聚的情况 / 存在 Schema 多到一映射的情况" are among the cases where 反向增量
    /// cannot be chosen): changes written on the merged target cannot be told apart on their
    /// way back. A rename the reverse link does not invert makes it write B's changes to a
    /// table A does not have under that name, or to another one. A link that leaves out a DML
    /// type makes the two copies diverge by design, and OMS then offers no full verification
    /// ("同步 DML 选项中未选择所有的 DML，则 … 不支持本场景下的全量数据校验").
    ///
    /// ## How to fix
    /// Map every database and table to itself (or rename it in the forward project and map
    /// the new name back to the old one in the reverse project), and split merged tables into
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
        summary: "both links carry every DML of the same objects one to one, renames inverted (live projects)",
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
    for project in [forward, reverse].into_iter().flatten() {
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
    Ok(findings)
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
    use crate::facts::oms::{MappedDatabase, MappedTable};
    use crate::rules::{Stage, testing::*};

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
