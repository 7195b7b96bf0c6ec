use std::collections::BTreeSet;

use crate::facts::oms::{Selection, Writes};
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Text, declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// The reverse link mirrors the forward link: its source is the forward target and its
    /// target the forward source, and its scope (databases and tables) is the forward scope.
    /// When the forward project exists in OMS, its source and sink data sources must be the
    /// plan's forward source and target, and the databases it writes must be the reverse
    /// link's scope.
    ///
    /// ## Why it matters
    /// Active-active replicates the same objects both ways between the same two tenants. A
    /// reverse link over a different set of objects leaves changes on B to some tables never
    /// reaching A; a link between other data sources replicates into a third tenant.
    ///
    /// ## How to fix
    /// Make `[reverse]` source/target the swap of `[forward]`, and leave its scope out (it then
    /// mirrors `[forward]`) or list the same databases and tables.
    pub static RULE = Rule {
        id: "link.mirrored",
        severity: Severity::Error,
        input: Input::Plan,
        optional: &[Need::OmsForward],
        summary: "the reverse link is the mirror of the forward link",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (forward, reverse) = (&cx.plan.forward, &cx.plan.reverse);
    let mut findings = Vec::new();
    if reverse.source != forward.target || reverse.target != forward.source {
        findings.push(
            Finding::new(
                Side::Plan,
                Some(reverse.project.clone()),
                text!(
                    "the reverse link goes {} → {}, the forward link {} → {}: the reverse must go {} → {}",
                    "反向链路为 {} → {}，正向链路为 {} → {}：反向链路必须是 {} → {}",
                    reverse.source, reverse.target, forward.source, forward.target, forward.target, forward.source
                ),
            )
            .help(text!(
                "swap [forward] source and target for [reverse]",
                "在 [reverse] 中使用 [forward] 互换后的 source 和 target"
            ))
            .at(Some(reverse.span.clone())),
        );
    }
    let names = |link: &crate::plan::LinkPlan| -> BTreeSet<String> {
        link.databases
            .iter()
            .map(|d| d.to_ascii_lowercase())
            .chain(
                link.tables
                    .iter()
                    .map(|t| format!("{}.{}", t.database, t.table).to_ascii_lowercase()),
            )
            .collect()
    };
    let (forward_scope, reverse_scope) = (names(forward), names(reverse));
    if forward_scope != reverse_scope {
        let only = |left: &BTreeSet<String>, right: &BTreeSet<String>| {
            left.difference(right)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        findings.push(
            Finding::new(
                Side::Plan,
                Some(reverse.project.clone()),
                text!(
                    "the reverse scope differs from the forward scope: only forward [{}], only reverse [{}]",
                    "反向链路的迁移范围与正向链路不同：仅正向有 [{}]，仅反向有 [{}]",
                    only(&forward_scope, &reverse_scope),
                    only(&reverse_scope, &forward_scope)
                ),
            )
            .help(text!(
                "leave the scope out of [reverse] so it mirrors [forward], or list the same objects",
                "在 [reverse] 中不写迁移范围以镜像 [forward]，或列出相同的对象"
            ))
            .at(Some(reverse.span.clone())),
        );
    }
    // Read when OMS showed it; the plan alone decides otherwise.
    let live = cx.oms_forward().ok().flatten();
    let mut undecided = None;
    if let Some(project) = live {
        // An endpoint whose host name did not resolve is unknown, not "outside the plan": it is
        // compared only when it could be (oms.data-sources says what did not resolve).
        let differs =
            |known: Option<crate::facts::Tenant>,
             unresolved: &Option<crate::facts::oms::Unresolved>,
             planned| { unresolved.is_none() && known != Some(planned) };
        if differs(project.source, &project.source_unresolved, forward.source)
            || differs(project.sink, &project.sink_unresolved, forward.target)
        {
            let side = |t: Option<crate::facts::Tenant>| match t {
                Some(t) => text!("tenant {t}", "租户 {t}"),
                None => text!("a data source outside the plan", "计划之外的数据源"),
            };
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    {
                        let (name, from, to) = (&project.name, forward.source, forward.target);
                        text!(
                            "live forward project {name} reads {source} and writes {sink}; the plan's forward link is {from} → {to}",
                            "运行中的正向项目 {name} 读取{source}、写入{sink}；计划中的正向链路为 {from} → {to}";
                            source = side(project.source),
                            sink = side(project.sink)
                        )
                    },
                )
                .help(text!(
                    "check the plan's tenants against the project's data sources",
                    "对照项目的数据源检查计划中的租户"
                )),
            );
        }
        let reverse_databases: BTreeSet<String> = reverse
            .scope_databases()
            .iter()
            .map(|d| d.to_ascii_lowercase())
            .collect();
        // Unknown, the objects decide nothing; listed, they are the databases written; selected
        // by rules, which cannot list what they write, each database the reverse link reads
        // must be one they select.
        let undecided_here = |reason: Text| {
            let name = &project.name;
            text!(
                "live forward project {name}: {reason}",
                "运行中的正向项目 {name}：{reason}";
                reason = reason
            )
        };
        let mut written = BTreeSet::new();
        match (&project.selection, project.unknown_objects()) {
            (_, Some(reason)) => {
                // Nothing to compare: the reverse scope stands in for what it writes.
                written.extend(reverse_databases.iter().cloned());
                undecided = Some(undecided_here(reason));
            }
            (Selection::Listed, None) => written.extend(
                project
                    .mapping
                    .iter()
                    .map(|db| db.target_name().to_ascii_lowercase()),
            ),
            (_, None) => {
                for database in &reverse_databases {
                    match project.writes_database(database) {
                        Writes::Yes { .. } => {
                            written.insert(database.clone());
                        }
                        Writes::No => {}
                        Writes::Undecided(reason) => {
                            written.insert(database.clone());
                            undecided = Some(undecided_here(reason));
                        }
                    }
                }
            }
        }
        if written != reverse_databases {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    text!(
                        "live forward project {} writes databases [{}]; the reverse link reads [{}]",
                        "运行中的正向项目 {} 写入数据库 [{}]；反向链路读取 [{}]",
                        project.name,
                        written.iter().cloned().collect::<Vec<_>>().join(", "),
                        reverse_databases.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
                .help(text!(
                    "give the reverse link the databases the forward project writes",
                    "让反向链路读取正向项目所写入的数据库"
                )),
            );
        }
    }
    if let Some(reason) = undecided.filter(|_| findings.is_empty()) {
        return Err(NotEvaluated::Inconclusive(text!(
            "{reason}; to decide, read the forward project's objects in the OMS console",
            "{reason}；如需判定，请在 OMS 控制台中查看正向项目的迁移对象";
            reason = reason
        )));
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_reverse_that_is_not_the_swap() {
        let plan = plan_edited(
            "source = \"b\"\ntarget = \"a\"",
            "source = \"a\"\ntarget = \"b\"",
        );
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert!(findings[0].message.contains("the reverse must go b → a"));
    }

    #[test]
    fn fires_on_a_narrower_reverse_scope() {
        let plan = plan_edited(
            "ddl_sync = false\n",
            "ddl_sync = false\ntables = [\"app.orders\"]\n",
        );
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert!(
            findings[0]
                .message
                .contains("only forward [app], only reverse [app.orders]"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn fires_when_the_live_forward_project_writes_elsewhere() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.mapping[0].mapped_name = Some("app_copy".into());
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(where_(&findings), vec![("oms", Some("dr_a_to_b"))]);
    }

    #[test]
    fn quiet_on_a_mirrored_plan_and_project() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Reverse);
    }

    #[test]
    fn a_sink_whose_host_name_did_not_resolve_is_not_called_outside_the_plan() {
        let unresolved = |project: &mut crate::facts::oms::Project| {
            project.sink = None;
            project.sink_unresolved = Some(crate::facts::oms::Unresolved {
                data_source: "ob_b (db-b.invalid:2881)".into(),
                tenants: vec![crate::facts::Tenant::B],
                reason: crate::i18n::Text::english("failed to lookup address information"),
            });
        };
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                unresolved(project);
            }
        });
        assert_clean(&RULE, &oms_plan(), &facts, Stage::Reverse);
        // Still compared where it can be: a known sink elsewhere fires.
        let elsewhere = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.sink = Some(crate::facts::Tenant::A);
            }
        });
        fire(&RULE, &oms_plan(), &elsewhere, Stage::Reverse);
    }

    #[test]
    fn a_mapping_oms_does_not_show_is_inconclusive_here_as_in_exact_mirror() {
        use crate::facts::oms::Selection;
        use crate::rules::engine::Status;
        for selection in [
            Selection::Listed,
            Selection::Unknown {
                reason: crate::i18n::Text::english(
                    "OMS showed no transferMapping, so what it writes is not known",
                ),
            },
        ] {
            let facts = with_oms(|oms| {
                if let Fact::Observed(Some(project)) = &mut oms.forward {
                    project.mapping.clear();
                    project.selection = selection.clone();
                    project.filters = Fact::Observed(vec![]);
                }
            });
            for rule in [&RULE, &crate::rules::link::exact_mirror::RULE] {
                let evaluation = run(rule, &oms_plan(), &facts, Stage::Reverse);
                assert_eq!(
                    evaluation.status,
                    Status::Inconclusive,
                    "{} {selection:?}",
                    rule.id
                );
            }
        }
    }
}
