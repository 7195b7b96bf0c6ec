use crate::facts::Tenant;
use crate::facts::oms::{Project, Writes};
use crate::i18n::spaced;
use crate::rules::scope::Object;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Side, Text, declare_rule, unless_undecided,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// No live OMS project other than the planned forward and reverse projects writes to the
    /// in-scope databases or tables of tenant A or B: by its sink data source, and by the
    /// objects it selects — listed ones with their mapped names, or matching rules
    /// (`WILDCARD`: white lists, black lists and excluded databases, `*` `?` `[...]` patterns).
    /// A project whose objects cannot be evaluated (`COMPLEX` mode), or whose sink data source
    /// names a host that does not resolve where the check runs, leaves the rule inconclusive,
    /// naming the project.
    ///
    /// ## Why it matters
    /// Two projects writing the same target tables overwrite each other's rows, and their
    /// changes are captured again by the active-active links and sent to the other tenant:
    /// data diverges and loops appear. A leftover migration project on the same tables is the
    /// usual cause.
    ///
    /// ## How to fix
    /// Release (or stop and release) the other project in OMS, or narrow its objects (or its
    /// matching rules) so it no longer writes the pair's tables.
    pub static RULE = Rule {
        id: "oms.conflicts",
        severity: Severity::Error,
        input: Input::Oms,
        needs: &[Need::OmsOthers],
        summary: "no other live OMS project writes the same target tables",
        check: check,
    };
}

/// What a project writes among the in-scope objects of one tenant.
#[derive(Default)]
struct Overlap {
    objects: Vec<String>,
    /// The matching rules that select them, as OMS shows them.
    rules: Vec<String>,
    /// Why some object could not be decided.
    undecided: Option<Text>,
}

fn overlap(cx: &Ctx<'_>, project: &Project, tenant: Tenant) -> Overlap {
    let mut overlap = Overlap::default();
    for link in cx.links_into(tenant) {
        for object in Object::scope(link) {
            let writes = match object {
                Object::Database(database) => project.writes_database(database),
                Object::Table(database, table) => project.writes(database, table),
            };
            match writes {
                Writes::No => {}
                Writes::Yes { rule } => {
                    if !overlap.objects.contains(&object.name()) {
                        overlap.objects.push(object.name());
                    }
                    if let Some(rule) = rule.filter(|rule| !overlap.rules.contains(rule)) {
                        overlap.rules.push(rule);
                    }
                }
                Writes::Undecided(reason) => overlap.undecided = Some(reason),
            }
        }
    }
    overlap
}

fn check(cx: &Ctx<'_>) -> Check {
    let others = cx.oms_others()?;
    let mut findings = Vec::new();
    let mut undecided: Vec<Text> = Vec::new();
    for project in others {
        let (name, id, status) = (&project.name, &project.id, &project.status);
        let label = text!(
            "project {name} ({id}, {status})",
            "项目 {name}（{id}，{status}）"
        );
        if let Some(tenant) = project.sink {
            let overlap = overlap(cx, project, tenant);
            if !overlap.objects.is_empty() {
                let objects = overlap.objects.join(", ");
                let selected_by = match overlap.rules.as_slice() {
                    [] => Text::same(""),
                    [rule] => text!(
                        ", selected by its matching rule {rule}",
                        "，由其匹配规则 {rule} 选中"
                    ),
                    rules => {
                        let rules = rules.join(", ");
                        text!(
                            ", selected by its matching rules {rules}",
                            "，由其匹配规则 {rules} 选中"
                        )
                    }
                };
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(project.name.clone()),
                        spaced(text!(
                            "{label} also writes {objects} on tenant {tenant}{selected_by}",
                            "{label} 也写入租户 {tenant} 上的 {objects}{selected_by}";
                            label = label,
                            selected_by = selected_by
                        )),
                    )
                    .help(text!(
                        "release the other project, or remove these objects from it, before building the pair",
                        "在搭建双活之前，释放另一个项目，或从中移除这些对象"
                    )),
                );
            } else if let Some(reason) = overlap.undecided {
                undecided.push(spaced(text!(
                    "{label} writes tenant {tenant}, but {reason}: check in OMS that it writes none of the pair's objects, or release it",
                    "{label} 写入租户 {tenant}，但无法判断它写入哪些对象（{reason}）：请在 OMS 中确认它不写入这一对租户的任何对象，或释放它";
                    label = label,
                    reason = reason
                )));
            }
        } else if let Some(unresolved) = &project.sink_unresolved {
            // It may write one of the tenants: decide as if it did, and say what is unknown.
            for tenant in &unresolved.tenants {
                let overlap = overlap(cx, project, *tenant);
                let would = if !overlap.objects.is_empty() {
                    let objects = overlap.objects.join(", ");
                    text!("would write {objects}", "会写入 {objects}")
                } else if let Some(reason) = overlap.undecided {
                    text!(
                        "might write the pair's objects ({reason})",
                        "可能写入这一对租户的对象（{reason}）";
                        reason = reason
                    )
                } else {
                    continue;
                };
                let (data_source, reason) = (&unresolved.data_source, &unresolved.reason);
                undecided.push(spaced(text!(
                    "{label} writes data source {data_source}, which could not be compared with tenant {tenant} ({reason}); if it is tenant {tenant}, the project {would}: make the host name resolvable where the check runs, or register the data source by IP",
                    "{label} 写入数据源 {data_source}，它无法与租户 {tenant} 比较（{reason}）；若它就是租户 {tenant}，该项目{would}：请让检查所在机器能够解析该主机名，或以 IP 登记该数据源";
                    label = label,
                    reason = reason,
                    would = would
                )));
            }
        }
    }
    unless_undecided(findings, &undecided, |joined| joined)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::oms::{
        MappedDatabase, MappedTable, MatchRule, MatchingRules, Project, Selection, Unresolved,
    };
    use crate::facts::{Fact, Facts, Tenant};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn with_other(project: Project) -> Facts {
        with_oms(|oms| oms.others = Fact::Observed(vec![project]))
    }

    fn third_project(database: &str, table: Option<&str>) -> Facts {
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
        with_other(project)
    }

    fn rule(database: &str, table: &str) -> MatchRule {
        MatchRule {
            database: database.into(),
            table: table.into(),
            mapped_database: None,
            mapped_table: None,
        }
    }

    /// A project into tenant B that selects its objects by matching rules.
    fn wildcard_project(include: Vec<MatchRule>, exclude: Vec<MatchRule>) -> Project {
        Project {
            mapping: vec![],
            selection: Selection::Matching(MatchingRules {
                include,
                exclude,
                renames: vec![],
            }),
            ..live_project("np_w", "copy_by_rule", "e_x", "e_b")
        }
    }

    /// The rule's status and reason.
    fn outcome(facts: &Facts) -> (Status, String) {
        let evaluation = run(&RULE, &oms_plan(), facts, Stage::Forward);
        (
            evaluation.status,
            evaluation.reason.unwrap_or_default().to_string(),
        )
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

    #[test]
    fn fires_on_a_project_whose_matching_rule_selects_the_scope() {
        let facts = with_other(wildcard_project(vec![rule("APP", "*")], vec![]));
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(
            findings[0].message,
            "project copy_by_rule (np_w, RUNNING) also writes app on tenant b, selected by its matching rule APP.*"
        );
    }

    #[test]
    fn quiet_when_the_black_list_excludes_the_scope() {
        let whole_database = wildcard_project(vec![rule("a*", "*")], vec![rule("app", "*")]);
        assert_clean(
            &RULE,
            &oms_plan(),
            &with_other(whole_database),
            Stage::Forward,
        );
        let same_pattern = wildcard_project(vec![rule("app", "t_*")], vec![rule("app", "T_*")]);
        assert_clean(
            &RULE,
            &oms_plan(),
            &with_other(same_pattern),
            Stage::Forward,
        );
    }

    #[test]
    fn a_selection_it_cannot_evaluate_is_inconclusive_naming_the_project() {
        let project = Project {
            selection: Selection::Unknown {
                reason: crate::i18n::Text::english(
                    "its objects are chosen in COMPLEX mode, which this tool cannot evaluate",
                ),
            },
            ..live_project("np_c", "complex_copy", "e_x", "e_b")
        };
        let (status, reason) = outcome(&with_other(project));
        assert_eq!(status, Status::Inconclusive);
        assert!(
            reason.contains("project complex_copy (np_c, RUNNING) writes tenant b, but its objects are chosen in COMPLEX mode"),
            "{reason}"
        );
    }

    fn unresolved_sink(project: Project) -> Project {
        Project {
            sink: None,
            sink_unresolved: Some(Unresolved {
                data_source: "ob_b (db-b.internal:2881)".into(),
                tenants: vec![Tenant::A, Tenant::B],
                reason: crate::i18n::Text::english("host name db-b.internal does not resolve here"),
            }),
            ..project
        }
    }

    #[test]
    fn a_sink_that_may_be_a_tenant_is_inconclusive_when_its_objects_overlap() {
        let project = unresolved_sink(live_project("np_u", "by_name", "e_x", "e_y"));
        let (status, reason) = outcome(&with_other(project));
        assert_eq!(status, Status::Inconclusive);
        assert!(
            reason.contains("writes data source ob_b (db-b.internal:2881), which could not be compared with tenant a")
                && reason.contains("the project would write app")
                && reason.contains("tenant b"),
            "{reason}"
        );
    }

    #[test]
    fn a_sink_that_may_be_a_tenant_is_quiet_when_its_objects_do_not_overlap() {
        let mut project = unresolved_sink(live_project("np_u", "by_name", "e_x", "e_y"));
        project.mapping[0].name = "reporting".into();
        project.mapping[0].mapped_name = None;
        assert_clean(&RULE, &oms_plan(), &with_other(project), Stage::Forward);
    }
}
