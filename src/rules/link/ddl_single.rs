use crate::facts::oms::Project;
use crate::plan::{LinkPlan, Span};
use crate::rules::{
    Check, Ctx, Finding, Input, Missing, Need, NotEvaluated, Severity, Side, declare_rule,
};

declare_rule! {
    /// ## What it checks
    /// DDL sync is enabled on at most one of the two links. Each link's setting is taken from
    /// its live OMS project when that project exists (`supportDDLTypes` non-empty, or `DDL` in
    /// `recordTypeWhiteList`, of its incremental and reverse-incremental configs), and from
    /// `ddl_sync` in the plan otherwise.
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
    /// link) and set `ddl_sync = false` on the other, in the plan and in OMS.
    pub static RULE = Rule {
        id: "link.ddl-single",
        severity: Severity::Error,
        stages: &[],
        topologies: &[],
        input: Input::Plan,
        needs: &[],
        optional: &[Need::OmsForward, Need::OmsReverse],
        waivable: false,
        compares_sides: false,
        summary: "DDL sync enabled on at most one link",
        check: check,
    };
}

/// Where a link's DDL setting was read, and what it says.
struct Setting {
    enabled: bool,
    origin: String,
    span: Option<Span>,
}

fn check(cx: &Ctx<'_>) -> Check {
    let setting =
        |link: &LinkPlan, live: Result<Option<&Project>, Missing>| -> Result<Setting, String> {
            let from_plan = || Setting {
                enabled: link.ddl_sync.enabled(),
                origin: format!("the plan's [{}] ddl_sync", link.name),
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
                            origin: format!(
                                "live {} project {} ({})",
                                link.name,
                                project.name,
                                ddl.join(", ")
                            ),
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
                format!("DDL sync is enabled on both links: forward by {}, reverse by {}", forward.origin, reverse.origin),
            )
            .help("set ddl_sync = false on one link (in the plan and in OMS); OMS allows DDL sync on only one link of an active-active pair")
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
                        "DDL sync is enabled on both links in the plan".to_string(),
                    )
                    .help("set ddl_sync = false on one link; OMS allows DDL sync on only one link of an active-active pair")
                    .at(cx.plan.reverse.ddl_sync_span.clone()),
                ]);
            }
            Err(NotEvaluated::Inconclusive(format!("the live projects' DDL settings could not be read: {reason}; to decide, let OMS describe both projects (or check their DDL settings in the OMS console)")))
        }
    }
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
        let facts = with_oms(|oms| oms.forward = Fact::unavailable("DescribeProject: HTTP 500"));
        assert_eq!(
            run(&RULE, &oms_plan(), &facts, Stage::Reverse).status,
            Status::Inconclusive
        );
    }
}
