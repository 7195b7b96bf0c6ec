use crate::rules::{Check, Ctx, Finding, Input, Severity, Side, declare_rule};

declare_rule! {
    /// ## What it checks
    /// DDL sync is enabled on at most one of the two links (`ddl_sync` in `[forward]` and
    /// `[reverse]`).
    ///
    /// ## Why it matters
    /// OMS documents that in an OceanBase active-active pair the DDL parameters may be enabled
    /// for only one link. With DDL synced both ways, a DDL applied by one link is captured
    /// again on the other tenant and sent back: schema changes loop, or the two links fight
    /// over the same objects.
    ///
    /// ## How to fix
    /// Keep `ddl_sync` on the link in whose source schema changes are made (usually the
    /// forward link) and set `ddl_sync = false` on the other.
    pub static RULE = Rule {
        id: "link.ddl-single",
        severity: Severity::Error,
        stage: None,
        input: Input::Plan,
        needs: &[],
        summary: "DDL sync enabled on at most one link",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (forward, reverse) = (&cx.plan.forward, &cx.plan.reverse);
    if !(forward.ddl_sync.enabled() && reverse.ddl_sync.enabled()) {
        return Ok(vec![]);
    }
    Ok(vec![
        Finding::new(
            Side::Plan,
            Some(reverse.project.clone()),
            format!(
                "DDL sync is enabled on both links: forward project {} and reverse project {}",
                forward.project, reverse.project
            ),
        )
        .help("set ddl_sync = false on one link; OMS allows DDL sync on only one link of an active-active pair")
        .at(reverse.ddl_sync_span.clone()),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
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
    fn an_empty_type_list_is_no_ddl_sync() {
        assert_clean(
            &RULE,
            &plan_edited("ddl_sync = false", "ddl_sync = []"),
            &healthy(),
            Stage::Forward,
        );
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
