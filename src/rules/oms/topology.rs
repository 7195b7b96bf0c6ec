use crate::facts::Tenant;
use crate::facts::oms::{Project, StepKind, Writes};
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Side, Text, declare_rule, unless_undecided,
};
use crate::text;

/// The first OMS Community Edition release that builds an active-active pair as one project.
const SINGLE_PROJECT_SINCE: &str = "4.2.1";

declare_rule! {
    /// ## What it checks
    /// The live projects are the plan's topology:
    ///
    /// - a **two-projects** plan: the forward project (and the reverse project, if it exists)
    ///   does not run its own reverse-incremental step (`enableReverseIncrTransfer`, a
    ///   `REVERSE_INCR_TRANSFER` step) — such a project is a single-project 容灾双活 pair, and
    ///   the plan's `[reverse]` project would be a second reverse link;
    /// - a **single-project** plan: the one project has its reverse step, no second live
    ///   project copies tenant B into tenant A's in-scope databases, and the declared OMS
    ///   `version` is one that builds such projects (OMS CE 4.2.1 and later).
    ///
    /// ## Why it matters
    /// OMS CE 3.3.1 to 4.2.0 (and OMS enterprise, as documented) build an active-active pair
    /// from two projects: a forward project, then a reverse project with incremental sync only.
    /// OMS CE 4.2.1 and later build it as one project in the 容灾双活 scenario that "automatically
    /// starts the reverse incremental synchronization before full verification" (OMS CE 4.2.1
    /// documentation, *Create an active-active disaster recovery project*). A plan of the wrong
    /// topology is checked against the wrong model: a second reverse link beside the one
    /// project's own step writes every change into A twice and defeats loop prevention, and a
    /// single-project plan against a project without its reverse step leaves the pair one-way.
    ///
    /// This tool reads OMS through the Action API (`POST /api/v2?Action=...`), which the OMS CE
    /// API reference documents from 4.1.1; 3.3.x–4.1.0 document only `/api/omsp/...` progress
    /// endpoints. Against such an OMS (an HTTP 404 at `/api/v2`, or an `[oms] version` below
    /// 4.1.1, which sends OMS nothing) the OMS facts are unavailable with that reason, and this
    /// rule and every other OMS rule is inconclusive: nothing is guessed.
    ///
    /// ## How to fix
    /// Set `topology` in the plan to what OMS builds: `"single-project"` (no `[reverse]`,
    /// `ddl_side` in `[forward]`) for one 容灾双活 project, `"two-projects"` for a forward and a
    /// reverse project. Release a reverse project created beside a single project's own
    /// reverse step.
    pub static RULE = Rule {
        id: "oms.topology",
        severity: Severity::Error,
        input: Input::Oms,
        optional: &[Need::OmsForward, Need::OmsReverse, Need::OmsOthers],
        waivable: false,
        summary: "the live projects are the plan's topology (two projects, or one 容灾双活 project with its reverse step)",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = declared_version(cx).into_iter().collect::<Vec<_>>();
    let live = if cx.plan.is_single_project() {
        single_project(cx)
    } else {
        two_projects(cx)
    };
    match live {
        Ok(mut live) => {
            findings.append(&mut live);
            Ok(findings)
        }
        // What the plan alone shows stands; the rest could not be decided.
        Err(_) if !findings.is_empty() => Ok(findings),
        Err(why) => Err(why),
    }
}

/// A single-project plan for an OMS whose declared version builds two projects.
fn declared_version(cx: &Ctx<'_>) -> Option<Finding> {
    let oms = cx.plan.oms.as_ref()?;
    let declared = oms.version.as_deref()?;
    if !cx.plan.is_single_project()
        || !crate::version::declared_before(declared, SINGLE_PROJECT_SINCE)
    {
        return None;
    }
    Some(
        Finding::new(
            Side::Plan,
            Some(cx.plan.forward.project.clone()),
            text!(
                "the plan is single-project, but OMS {declared} (declared in [oms] version) builds an active-active pair as two projects; one 容灾双活 project needs OMS CE {SINGLE_PROJECT_SINCE} or later",
                "计划为单项目，但 OMS {declared}（[oms] version 中声明）用两个项目搭建容灾双活；单个容灾双活项目需要 OMS 社区版 {SINGLE_PROJECT_SINCE} 及以上"
            ),
        )
        .help(text!(
            "set topology = \"two-projects\" and declare the [reverse] project, or correct [oms] version",
            "设置 topology = \"two-projects\" 并声明 [reverse] 项目，或修正 [oms] version"
        ))
        .at(cx.plan.topology_span.clone()),
    )
}

/// Whether a project runs a reverse step of its own, or `None` when OMS did not show enough
/// to tell (no reverse flag and its steps unread).
fn runs_reverse_step(project: &Project) -> Option<bool> {
    if project.migration.reverse_incremental || project.step(StepKind::ReverseIncremental).is_some()
    {
        return Some(true);
    }
    project.steps.observed().map(|_| false)
}

fn two_projects(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    let forward = cx.oms_forward()?;
    let reverse = cx.oms_reverse()?;
    for (project, role) in [(forward, "forward"), (reverse, "reverse")] {
        let Some(project) = project else { continue };
        if runs_reverse_step(project) == Some(true) {
            let name = &project.name;
            let described = match role {
                "forward" => text!("forward project {name}", "正向项目 {name}"),
                _ => text!("reverse project {name}", "反向项目 {name}"),
            };
            let second = match role {
                "forward" => {
                    let planned = &cx.plan.reverse.project;
                    text!(
                        ", and the plan's [reverse] project {planned} would be a second reverse link",
                        "，计划中的 [reverse] 项目 {planned} 将成为第二条反向链路"
                    )
                }
                _ => Text::same(""),
            };
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    text!(
                        "the plan has two projects, but {described} runs its own reverse-incremental step: it is a single-project 容灾双活 pair{second}",
                        "计划为两个项目，但{described} 运行自己的反向增量步骤：它本身就是单项目容灾双活{second}";
                        described = described,
                        second = second
                    ),
                )
                .help(text!(
                    "set topology = \"single-project\" in the plan and remove [reverse] (declare ddl_side in [forward]); do not create a separate reverse project",
                    "在计划中设置 topology = \"single-project\" 并删除 [reverse]（在 [forward] 中声明 ddl_side）；不要另建反向项目"
                ))
                .at(cx.plan.topology_span.clone()),
            );
        }
    }
    Ok(findings)
}

fn single_project(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    let plan = &cx.plan.forward;
    if let Some(project) = cx.oms_forward()? {
        match runs_reverse_step(project) {
            Some(true) => {}
            Some(false) => findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    text!(
                        "the plan is single-project, but project {} has no reverse-incremental step (enableReverseIncrTransfer is off and no REVERSE_INCR_TRANSFER step): the pair is one-way",
                        "计划为单项目，但项目 {} 没有反向增量步骤（enableReverseIncrTransfer 未开启，也没有 REVERSE_INCR_TRANSFER 步骤）：双活只剩单向",
                        project.name
                    ),
                )
                .help(text!(
                    "create the project in the 容灾双活 scenario with incremental sync (OMS starts the reverse step itself), or set topology = \"two-projects\" and declare a [reverse] project",
                    "在容灾双活场景中创建带增量同步的项目（OMS 会自行启动反向步骤），或设置 topology = \"two-projects\" 并声明 [reverse] 项目"
                ))
                .at(cx.plan.topology_span.clone()),
            ),
            None => undecided.push(text!(
                "whether project {} runs a reverse step (OMS shows no enableReverseIncrTransfer and its steps could not be read)",
                "项目 {} 是否运行反向步骤（OMS 未显示 enableReverseIncrTransfer，且无法读取其步骤）",
                project.name
            )),
        }
    }
    // A second live link copying B into A beside the one project's reverse step.
    let scope = cx.plan.reverse.scope_databases();
    for other in cx.oms_others()? {
        if other.source != Some(Tenant::B) || other.sink != Some(Tenant::A) {
            continue;
        }
        let mut overlap = Vec::new();
        for database in &scope {
            match other.writes_database(database) {
                Writes::Yes { .. } => overlap.push(database.clone()),
                Writes::No => {}
                Writes::Undecided(reason) => {
                    let name = &other.name;
                    undecided.push(text!(
                        "whether project {name} writes `{database}` on tenant a ({reason})",
                        "项目 {name} 是否写入租户 a 上的 `{database}`（{reason}）";
                        reason = reason
                    ))
                }
            }
        }
        if !overlap.is_empty() {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(other.name.clone()),
                    text!(
                        "project {} ({}) copies tenant b into tenant a ({}) beside the reverse step of the single project {}: a second reverse link",
                        "项目 {}（{}）在单项目 {3} 的反向步骤之外，把租户 b 复制到租户 a（{2}）：这是第二条反向链路",
                        other.name,
                        other.status,
                        overlap.join(", "),
                        plan.project
                    ),
                )
                .help(text!(
                    "release the second project: the single project's own reverse step already carries B's changes back to A",
                    "释放第二个项目：单项目自身的反向步骤已经把 B 的变更带回 A"
                ))
                .at(cx.plan.topology_span.clone()),
            );
        }
    }
    unless_undecided(findings, &undecided, |joined| {
        text!(
            "could not tell {undecided}; to decide, let OMS describe the projects (DescribeProject, DescribeProjectSteps) or check them in the OMS console",
            "无法判断{undecided}；如需判定，请让 OMS 描述这些项目（DescribeProject、DescribeProjectSteps），或在 OMS 控制台中查看";
            undecided = joined
        )
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::facts::Tenant;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};
    use crate::version::number as version_number;

    #[test]
    fn quiet_when_the_live_projects_are_the_plan_s_topology() {
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Reverse);
        let both = with_oms(|oms| oms.reverse = Fact::Observed(Some(reverse_project())));
        assert_clean(&RULE, &oms_plan(), &both, Stage::Running);
        assert_clean(
            &RULE,
            &single_project_plan(),
            &with_single_project(|_| {}),
            Stage::Running,
        );
        // Before the project exists there is nothing to compare.
        let absent = with_oms(|oms| oms.forward = Fact::Observed(None));
        assert_clean(&RULE, &single_project_plan(), &absent, Stage::Forward);
    }

    #[test]
    fn a_two_projects_plan_against_one_project_with_its_own_reverse_step() {
        let findings = fire(
            &RULE,
            &oms_plan(),
            &with_single_project(|_| {}),
            Stage::Reverse,
        );
        assert!(
            findings[0]
                .message
                .contains("runs its own reverse-incremental step"),
            "{}",
            findings[0].message
        );
        assert!(findings[0].message.contains("dr_b_to_a"));
    }

    #[test]
    fn a_single_project_plan_against_a_project_without_reverse_step() {
        let one_way = with_oms(|_| {});
        let findings = fire(&RULE, &single_project_plan(), &one_way, Stage::Reverse);
        assert!(
            findings[0].message.contains("one-way"),
            "{}",
            findings[0].message
        );
        // Steps unread and no flag: cannot tell.
        let unread = with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.steps = Fact::unavailable(crate::i18n::Text::english("HTTP 500"));
            }
        });
        let evaluation = run(&RULE, &single_project_plan(), &unread, Stage::Reverse);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("to decide"));
    }

    #[test]
    fn a_single_project_plan_with_a_second_live_reverse_project() {
        let facts = with_oms(|oms| {
            oms.forward = Fact::Observed(Some(single_project()));
            let mut second = reverse_project();
            second.name = "manual_b_to_a".into();
            assert_eq!(
                (second.source, second.sink),
                (Some(Tenant::B), Some(Tenant::A))
            );
            oms.others = Fact::Observed(vec![second]);
        });
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert!(findings[0].message.contains("manual_b_to_a"));
        assert!(findings[0].message.contains("a second reverse link"));
    }

    #[test]
    fn a_single_project_plan_for_an_oms_that_builds_two_projects() {
        let plan = plan_from(&format!(
            "{SINGLE_PROJECT_PLAN}\n{OMS_SECTION}version = \"V4.2.0-CE\"\n"
        ));
        let findings = fire(&RULE, &plan, &with_single_project(|_| {}), Stage::Running);
        assert!(findings[0].message.contains("OMS CE 4.2.1 or later"));
        // Decided from the plan even when OMS cannot be asked.
        let down = with_oms(|oms| {
            oms.forward = Fact::unavailable(crate::i18n::Text::english("connection refused"))
        });
        fire(&RULE, &plan, &down, Stage::Forward);
        let newer = plan_from(&format!(
            "{SINGLE_PROJECT_PLAN}\n{OMS_SECTION}version = \"4.2.2\"\n"
        ));
        assert_clean(&RULE, &newer, &with_single_project(|_| {}), Stage::Running);
        assert_eq!(version_number("V4.2.1-CE"), "4.2.1");
        assert_eq!(version_number("4.2.1_CE"), "4.2.1");
        assert_eq!(version_number("enterprise"), "");
    }

    #[test]
    fn inconclusive_when_oms_cannot_say_and_the_plan_alone_does_not_decide() {
        let down = with_oms(|oms| {
            oms.forward = Fact::unavailable(crate::i18n::Text::english("connection refused"))
        });
        assert_eq!(
            run(&RULE, &single_project_plan(), &down, Stage::Forward).status,
            Status::Inconclusive
        );
    }
}
