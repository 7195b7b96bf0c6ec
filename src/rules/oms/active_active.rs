use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};

declare_rule! {
    /// ## What it checks
    /// Once the forward project exists: it is flagged active-active in OMS
    /// (`commonTransferConfig.activeActive`). In a two-projects pair this is a warning before
    /// the reverse project is created; in a single-project pair the one project runs its own
    /// reverse step, so an unflagged project is an error.
    ///
    /// ## Why it matters
    /// OMS sets its anti-loop parameters (the transaction table `test.drc_txn`) automatically
    /// for projects marked active-active (容灾双活). Without the flag, changes the reverse link
    /// writes into A can be captured by the forward link and sent back to B: a replication
    /// loop. A single-project pair's reverse step starts by itself before full verification,
    /// so there is no later moment to catch it.
    ///
    /// ## How to fix
    /// Create the forward project in the 容灾双活 (active-active disaster recovery) scenario.
    /// When OMS does not return the flag, the rule is inconclusive: check it in the console.
    pub static RULE = Rule {
        id: "oms.active-active",
        severity: Severity::Warning,
        stages: &[Stage::Reverse, Stage::Running],
        topologies: &[],
        input: Input::Oms,
        needs: &[Need::OmsForward],
        optional: &[],
        waivable: true,
        compares_sides: false,
        summary: "the forward project is flagged active-active",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let Some(project) = cx.oms_forward()? else {
        return Err(NotEvaluated::Skipped(
            "no forward project in OMS (see oms.forward-schema-done)".into(),
        ));
    };
    match project.active_active {
        Some(true) => Ok(vec![]),
        None => Err(NotEvaluated::Inconclusive(format!(
            "OMS does not report commonTransferConfig.activeActive for forward project {}; to decide, check in the OMS console that the project was created as active-active (容灾双活)",
            project.name
        ).into())),
        Some(false) if cx.plan.is_single_project() => Ok(vec![
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                format!("project {} is not flagged active-active, and it runs its own reverse step: that step would write into tenant {} without loop prevention", project.name, project.source.map_or("A".to_string(), |tenant| tenant.to_string())),
            )
            .help("release the project before its reverse step starts and create it again in the 容灾双活 (active-active) scenario")
            .severity(Severity::Error),
        ]),
        Some(false) => Ok(vec![
            Finding::new(
                Side::Oms,
                Some(project.name.clone()),
                format!("forward project {} is not flagged active-active", project.name),
            )
            .help("mark the forward project as active-active in OMS so its anti-loop settings are applied"),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn flagged(flag: Option<bool>) -> crate::facts::Facts {
        with_oms(|oms| {
            if let Fact::Observed(Some(project)) = &mut oms.forward {
                project.active_active = flag;
            }
        })
    }

    #[test]
    fn fires_when_unflagged_and_is_inconclusive_when_unreported() {
        fire(&RULE, &oms_plan(), &flagged(Some(false)), Stage::Reverse);
        assert_eq!(
            run(&RULE, &oms_plan(), &flagged(None), Stage::Reverse).status,
            Status::Inconclusive
        );
        assert_clean(&RULE, &oms_plan(), &flagged(Some(true)), Stage::Reverse);
    }

    #[test]
    fn an_unflagged_single_project_is_an_error() {
        let findings = fire(
            &RULE,
            &single_project_plan(),
            &flagged(Some(false)),
            Stage::Reverse,
        );
        assert_eq!(findings[0].severity, Some(crate::rules::Severity::Error));
        assert!(findings[0].message.contains("its own reverse step"));
        assert_eq!(
            fire(&RULE, &oms_plan(), &flagged(Some(false)), Stage::Reverse)[0].severity,
            None
        );
    }
}
