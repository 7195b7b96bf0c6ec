use crate::rules::scope::Object;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};

declare_rule! {
    /// ## What it checks
    /// No live OMS project other than the planned forward and reverse projects writes to the
    /// in-scope databases or tables of tenant A or B (by its sink data source and the mapped
    /// names of its object mapping).
    ///
    /// ## Why it matters
    /// Two projects writing the same target tables overwrite each other's rows, and their
    /// changes are captured again by the active-active links and sent to the other tenant:
    /// data diverges and loops appear. A leftover migration project on the same tables is the
    /// usual cause.
    ///
    /// ## How to fix
    /// Release (or stop and release) the other project in OMS, or narrow its objects so it no
    /// longer writes the pair's tables.
    pub static RULE = Rule {
        id: "oms.conflicts",
        severity: Severity::Error,
        stage: None,
        input: Input::Oms,
        needs: &[Need::OmsOthers],
        optional: &[],
        waivable: true,
        compares_sides: false,
        summary: "no other live OMS project writes the same target tables",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let others = cx.oms_others()?;
    let mut findings = Vec::new();
    for project in others {
        let Some(tenant) = project.sink else { continue };
        let mut overlaps: Vec<String> = Vec::new();
        for link in cx.links_into(tenant) {
            for object in Object::scope(link) {
                let writes = match object {
                    Object::Database(database) => project.writes_database(database),
                    Object::Table(database, table) => project.writes(database, table),
                };
                if writes && !overlaps.contains(&object.name()) {
                    overlaps.push(object.name());
                }
            }
        }
        if overlaps.is_empty() {
            continue;
        }
        findings.push(
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                format!(
                    "project {} ({}, {}) also writes {} on tenant {tenant}",
                    project.name,
                    project.id,
                    project.status,
                    overlaps.join(", ")
                ),
            )
            .help("release the other project, or remove these objects from it, before building the pair"),
        );
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::facts::oms::{MappedDatabase, MappedTable};
    use crate::rules::{Stage, testing::*};

    fn third_project(database: &str, table: Option<&str>) -> crate::facts::Facts {
        with_oms(|oms| {
            let mut project = live_project("np_3", "nightly_copy", "e_a", "e_b");
            project.mapping = vec![MappedDatabase {
                name: database.into(),
                mapped_name: None,
                tables: table
                    .into_iter()
                    .map(|t| MappedTable {
                        name: t.into(),
                        mapped_name: None,
                    })
                    .collect(),
            }];
            oms.others = Fact::Observed(vec![project]);
        })
    }

    #[test]
    fn fires_on_a_third_project_writing_the_same_tables() {
        let findings = fire(
            &RULE,
            &oms_plan(),
            &third_project("app", Some("orders")),
            Stage::Forward,
        );
        assert_eq!(where_(&findings), vec![("oms", Some("nightly_copy"))]);
        assert_eq!(
            findings[0].message,
            "project nightly_copy (np_3, RUNNING) also writes app on tenant b"
        );
    }

    #[test]
    fn quiet_for_projects_on_other_databases() {
        assert_clean(
            &RULE,
            &oms_plan(),
            &third_project("reporting", None),
            Stage::Forward,
        );
    }
}
