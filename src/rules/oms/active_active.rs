use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};

declare_rule! {
    /// ## What it checks
    /// Before the reverse project is created: the forward project is flagged active-active in
    /// OMS (`commonTransferConfig.activeActive`).
    ///
    /// ## Why it matters
    /// OMS sets its anti-loop parameters (the transaction table `test.drc_txn`) automatically
    /// for projects marked active-active. Without the flag, changes the reverse link writes
    /// into A can be captured by the forward link and sent back to B: a replication loop.
    ///
    /// ## How to fix
    /// Mark the forward project as an active-active (disaster recovery) project in OMS. When
    /// OMS does not return the flag, the rule is inconclusive: check it in the console.
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
        ))),
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
}
