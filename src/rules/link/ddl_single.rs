use crate::facts::oms::Project;
use crate::plan::{DdlSide, LinkPlan, Span};
use crate::rules::{
    Check, Ctx, Finding, Input, Missing, Need, NotEvaluated, Severity, Side, Text, declare_rule,
    link_name,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// DDL sync is enabled on at most one of the two links. Each link's setting is taken from
    /// its live OMS project when that project exists (`supportDDLTypes` non-empty, or `DDL` in
    /// `recordTypeWhiteList`, of its incremental and reverse-incremental configs), and from
    /// `ddl_sync` in the plan otherwise.
    ///
    /// In a single-project pair (one 容灾双活 project, OMS CE 4.2.1 and later) DDL is executed on
    /// one declared side only (源端执行 / 目标端执行): with `ddl_sync` on, the plan must say
    /// `ddl_side = "source"` or `"target"`, and the live project must not sync DDL in both its
    /// incremental and its reverse-incremental configs, nor in the direction the plan does not
    /// declare.
    ///
    /// ## Why it matters
    /// OMS documents that in an OceanBase active-active pair the DDL parameters may be enabled
    /// for only one link. With DDL synced both ways, a DDL applied by one link is captured
    /// again on the other tenant and sent back: schema changes loop, or the two links fight
    /// over the same objects. What counts is what runs: a forward project already syncing DDL
    /// forbids DDL on the reverse link whatever the plan's `[forward]` says.
    ///
    /// ## How to fix
    /// Keep DDL sync on the link in whose source schema changes are made (usually the forward
    /// link) and set `ddl_sync = false` on the other, in the plan and in OMS. In a
    /// single-project plan, declare `ddl_side` in `[forward]` as chosen in OMS (源端执行 is
    /// `"source"`, 目标端执行 is `"target"`), and make schema changes on that side only.
    pub static RULE = Rule {
        id: "link.ddl-single",
        severity: Severity::Error,
        input: Input::Plan,
        optional: &[Need::OmsForward, Need::OmsReverse],
        waivable: false,
        summary: "DDL sync enabled on at most one link",
        check: check,
    };
}

/// Where a link's DDL setting was read, and what it says.
struct Setting {
    enabled: bool,
    origin: Text,
    span: Option<Span>,
}

fn check(cx: &Ctx<'_>) -> Check {
    if cx.plan.is_single_project() {
        return check_single_project(cx);
    }
    let setting =
        |link: &LinkPlan, live: Result<Option<&Project>, Missing>| -> Result<Setting, Text> {
            let from_plan = || Setting {
                enabled: link.ddl_sync.enabled(),
                origin: text!(
                    "the plan's [{}] ddl_sync",
                    "计划中 [{}] 的 ddl_sync",
                    link.name
                ),
                span: link.ddl_sync_span.clone(),
            };
            match live {
                Err(missing) if missing.is_not_collected() => Ok(from_plan()),
                Err(missing) => Err(missing.cause),
                Ok(live) => match live {
                    None => Ok(from_plan()),
                    Some(project) => {
                        let ddl: Vec<&str> = project
                            .ddl_sync
                            .iter()
                            .chain(&project.reverse_ddl_sync)
                            .map(String::as_str)
                            .collect();
                        Ok(Setting {
                            enabled: !ddl.is_empty(),
                            origin: {
                                let (name, ddl) = (&project.name, ddl.join(", "));
                                text!(
                                    "live {link} project {name} ({ddl})",
                                    "运行中的{link}项目 {name}（{ddl}）";
                                    link = link_name(link.name)
                                )
                            },
                            span: None,
                        })
                    }
                },
            }
        };
    let forward = setting(&cx.plan.forward, cx.oms_forward());
    let reverse = setting(&cx.plan.reverse, cx.oms_reverse());
    match (forward, reverse) {
        (Ok(forward), Ok(reverse)) if forward.enabled && reverse.enabled => Ok(vec![
            Finding::new(
                Side::Plan,
                Some(cx.plan.reverse.project.clone()),
                text!(
                    "DDL sync is enabled on both links: forward by {forward}, reverse by {reverse}",
                    "两条链路都开启了 DDL 同步（正向链路：{forward}；反向链路：{reverse}）";
                    forward = forward.origin,
                    reverse = reverse.origin
                ),
            )
            .help(text!(
                "set ddl_sync = false on one link (in the plan and in OMS); OMS allows DDL sync on only one link of an active-active pair",
                "在其中一条链路上设置 ddl_sync = false（计划和 OMS 中都要改）；容灾双活中 OMS 只允许一条链路开启 DDL 同步"
            ))
            .at(reverse.span.or(forward.span)),
        ]),
        (Ok(_), Ok(_)) => Ok(vec![]),
        (Err(reason), _) | (_, Err(reason)) => {
            // The plan alone may already decide it.
            if cx.plan.forward.ddl_sync.enabled() && cx.plan.reverse.ddl_sync.enabled() {
                return Ok(vec![
                    Finding::new(
                        Side::Plan,
                        Some(cx.plan.reverse.project.clone()),
                        text!(
                            "DDL sync is enabled on both links in the plan",
                            "计划中两条链路都开启了 DDL 同步"
                        ),
                    )
                    .help(text!(
                        "set ddl_sync = false on one link; OMS allows DDL sync on only one link of an active-active pair",
                        "在其中一条链路上设置 ddl_sync = false；容灾双活中 OMS 只允许一条链路开启 DDL 同步"
                    ))
                    .at(cx.plan.reverse.ddl_sync_span.clone()),
                ]);
            }
            Err(NotEvaluated::Inconclusive(text!(
                "the live projects' DDL settings could not be read: {reason}; to decide, let OMS describe both projects (or check their DDL settings in the OMS console)",
                "无法读取运行中项目的 DDL 同步设置：{reason}；要作出判定，请让 OMS 能查询两个项目的详情（或在 OMS 控制台中查看其 DDL 同步设置）";
                reason = reason
            )))
        }
    }
}

/// One project, DDL executed on one declared side.
fn check_single_project(cx: &Ctx<'_>) -> Check {
    let forward = &cx.plan.forward;
    let declared = forward.ddl_sync.enabled() || cx.plan.reverse.ddl_sync.enabled();
    let mut findings = Vec::new();
    if declared && forward.ddl_side.is_none() {
        findings.push(
            Finding::new(
                Side::Plan,
                Some(forward.project.clone()),
                text!(
                    "DDL sync is on for project {} but the plan does not say on which side DDL is executed",
                    "项目 {} 开启了 DDL 同步，但计划没有说明 DDL 在哪一端执行",
                    forward.project
                ),
            )
            .help(text!(
                "add ddl_side = \"source\" (源端执行: DDL on tenant A, synced to B) or ddl_side = \"target\" (目标端执行: DDL on tenant B, synced to A) to [forward], as chosen in OMS",
                "按 OMS 中的选择，在 [forward] 中添加 ddl_side = \"source\"（源端执行：DDL 在租户 A 上执行，同步到 B）或 ddl_side = \"target\"（目标端执行：DDL 在租户 B 上执行，同步到 A）"
            ))
            .at(forward.ddl_sync_span.clone()),
        );
    }
    let project = match cx.oms_forward() {
        Err(missing) if missing.is_not_collected() => None,
        Err(missing) if findings.is_empty() => {
            let project = &forward.project;
            return Err(NotEvaluated::Inconclusive(text!(
                "the live project's DDL settings could not be read: {cause}; to decide, let OMS describe project {project} (or check its DDL settings in the OMS console)",
                "无法读取运行中项目的 DDL 同步设置：{cause}；要作出判定，请让 OMS 能查询项目 {project} 的详情（或在 OMS 控制台中查看其 DDL 同步设置）";
                cause = missing.cause
            )));
        }
        Err(_) => None,
        Ok(project) => project,
    };
    let Some(project) = project else {
        return Ok(findings);
    };
    let (forward_ddl, reverse_ddl) = (&project.ddl_sync, &project.reverse_ddl_sync);
    let live = |ddl: &[String]| ddl.join(", ");
    if !forward_ddl.is_empty() && !reverse_ddl.is_empty() {
        findings.push(
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                text!(
                    "project {} syncs DDL both ways: forward ({}) and in its reverse step ({})",
                    "项目 {} 双向同步 DDL：正向（{}）以及其反向增量步骤（{}）",
                    project.name,
                    live(forward_ddl),
                    live(reverse_ddl)
                ),
            )
            .help(text!(
                "turn DDL sync off for one direction in OMS; DDL must be executed on one side only",
                "在 OMS 中关闭其中一个方向的 DDL 同步；DDL 只能在一端执行"
            ))
            .at(forward.ddl_sync_span.clone()),
        );
    } else if let Some(side) = forward.ddl_side {
        let (plan_dir, live_dir, live_ddl) = match side {
            DdlSide::Source => (
                text!("source (A→B)", "源端（A→B）"),
                text!("reverse step (B→A)", "反向增量步骤（B→A）"),
                reverse_ddl,
            ),
            DdlSide::Target => (
                text!("target (B→A)", "目标端（B→A）"),
                text!("forward direction (A→B)", "正向（A→B）"),
                forward_ddl,
            ),
        };
        if !live_ddl.is_empty() {
            findings.push(
                Finding::new(
                    Side::Oms,
                    Some(project.name.clone()),
                    {
                        let (name, ddl) = (&project.name, live(live_ddl));
                        text!(
                            "the plan executes DDL on the {plan_dir}, but project {name} syncs DDL in its {live_dir} ({ddl})",
                            "计划在{plan_dir}执行 DDL，但项目 {name} 在其{live_dir}同步 DDL（{ddl}）";
                            plan_dir = plan_dir,
                            live_dir = live_dir
                        )
                    },
                )
                .help(text!(
                    "make ddl_side in the plan match the project's DDL execution side in OMS, and run schema changes on that side only",
                    "让计划中的 ddl_side 与 OMS 中该项目的 DDL 执行端一致，并只在该端执行结构变更"
                ))
                .at(forward.ddl_side_span.clone()),
            );
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_when_both_links_sync_ddl_and_points_at_the_second() {
        let plan = plan_edited("ddl_sync = false", "ddl_sync = [\"CREATE_TABLE\"]");
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(where_(&findings), vec![("plan", Some("dr_b_to_a"))]);
        let span = findings[0].plan_span.clone().unwrap();
        assert_eq!(&plan.source[span], "[\"CREATE_TABLE\"]");
    }

    #[test]
    fn the_live_forward_project_wins_over_the_plan() {
        // The plan moves DDL sync to the reverse link, but the live forward project syncs DDL.
        let plan = oms_plan_from(
            &PLAN
                .replace("ddl_sync = false", "ddl_sync = [\"CREATE_TABLE\"]")
                .replace("ddl_sync = true", "ddl_sync = false"),
        );
        let findings = fire(&RULE, &plan, &with_oms(|_| {}), Stage::Reverse);
        assert!(
            findings[0]
                .message
                .contains("forward by live forward project dr_a_to_b (CREATE_TABLE"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[0]
                .message
                .contains("reverse by the plan's [reverse] ddl_sync")
        );
    }

    #[test]
    fn an_empty_type_list_is_no_ddl_sync() {
        assert_clean(
            &RULE,
            &plan_edited("ddl_sync = false", "ddl_sync = []"),
            &healthy(),
            Stage::Forward,
        );
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }

    #[test]
    fn inconclusive_when_the_live_project_cannot_be_read() {
        let facts = with_oms(|oms| {
            oms.forward = Fact::unavailable(crate::i18n::Text::english("DescribeProject: HTTP 500"))
        });
        assert_eq!(
            run(&RULE, &oms_plan(), &facts, Stage::Reverse).status,
            Status::Inconclusive
        );
    }

    #[test]
    fn single_project_needs_a_ddl_side_when_ddl_sync_is_on() {
        let plan =
            single_project_plan_from(&SINGLE_PROJECT_PLAN.replace("ddl_side = \"source\"\n", ""));
        let findings = fire(&RULE, &plan, &with_single_project(|_| {}), Stage::Reverse);
        assert!(
            findings[0]
                .message
                .contains("on which side DDL is executed")
        );
        // Without DDL sync there is no side to declare.
        let off = single_project_plan_from(
            &SINGLE_PROJECT_PLAN
                .replace("ddl_side = \"source\"\n", "")
                .replace("ddl_sync = true", "ddl_sync = false"),
        );
        let no_ddl = with_single_project(|project| project.ddl_sync.clear());
        assert_clean(&RULE, &off, &no_ddl, Stage::Reverse);
    }

    #[test]
    fn single_project_live_ddl_follows_the_declared_side() {
        let plan = single_project_plan();
        assert_clean(&RULE, &plan, &with_single_project(|_| {}), Stage::Running);
        let both = with_single_project(|project| {
            project.reverse_ddl_sync = vec!["DDL".into()];
        });
        let findings = fire(&RULE, &plan, &both, Stage::Running);
        assert!(
            findings[0].message.contains("both ways"),
            "{}",
            findings[0].message
        );
        let flipped = with_single_project(|project| {
            project.reverse_ddl_sync = std::mem::take(&mut project.ddl_sync);
        });
        let findings = fire(&RULE, &plan, &flipped, Stage::Running);
        assert!(
            findings[0].message.contains("reverse step (B→A)"),
            "{}",
            findings[0].message
        );
        // The same project is right for a plan that executes DDL on the target.
        let target =
            single_project_plan_from(&SINGLE_PROJECT_PLAN.replace("\"source\"\n", "\"target\"\n"));
        assert_clean(&RULE, &target, &flipped, Stage::Running);
    }
}
