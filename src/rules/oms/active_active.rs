use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Stage, declare_rule,
};
use crate::text;

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
        input: Input::Oms,
        needs: &[Need::OmsForward],
        summary: "the forward project is flagged active-active",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let Some(project) = cx.oms_forward()? else {
        return Err(NotEvaluated::Skipped(text!(
            "no forward project in OMS (see oms.forward-schema-done)",
            "OMS 中没有正向项目（见 oms.forward-schema-done）"
        )));
    };
    let name = &project.name;
    match project.active_active {
        Some(true) => Ok(vec![]),
        None => Err(NotEvaluated::Inconclusive(text!(
            "OMS does not report commonTransferConfig.activeActive for forward project {name}; to decide, check in the OMS console that the project was created as active-active (容灾双活)",
            "OMS 未报告正向项目 {name} 的 commonTransferConfig.activeActive；如需判定，请在 OMS 控制台中确认该项目是按容灾双活创建的"
        ))),
        Some(false) if cx.plan.is_single_project() => {
            let tenant = project.source.map_or("A".to_string(), |tenant| tenant.to_string());
            Ok(vec![
                Finding::new(
                    Side::Oms,
                    Some(name.clone()),
                    text!(
                        "project {name} is not flagged active-active, and it runs its own reverse step: that step would write into tenant {tenant} without loop prevention",
                        "项目 {name} 未标记为容灾双活，而它运行自己的反向步骤：该步骤会在没有防回环的情况下写入租户 {tenant}"
                    ),
                )
                .help(text!(
                    "release the project before its reverse step starts and create it again in the 容灾双活 (active-active) scenario",
                    "在其反向步骤启动之前释放该项目，并在容灾双活场景中重新创建"
                ))
                .severity(Severity::Error),
            ])
        }
        Some(false) => Ok(vec![
            Finding::new(
                Side::Oms,
                Some(name.clone()),
                text!(
                    "forward project {name} is not flagged active-active",
                    "正向项目 {name} 未标记为容灾双活"
                ),
            )
            .help(text!(
                "mark the forward project as active-active in OMS so its anti-loop settings are applied",
                "在 OMS 中将正向项目标记为容灾双活，使其防回环设置生效"
            )),
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
