use crate::rules::{Check, Ctx, Finding, Input, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Every waiver of the run (`--waivers`, or the plan's `waivers` file) is current and
    /// accepts at least one finding. Expired waivers accept nothing. This rule runs after the
    /// waivers were applied to every other rule's findings.
    ///
    /// ## Why it matters
    /// A waiver is a decision with an owner and a date. Once it expires the finding it covered
    /// must be looked at again; a waiver that matches nothing is either stale (the problem was
    /// fixed) or wrong (a typo in its rule, side or object), and in both cases it no longer
    /// says what the team believes it says.
    ///
    /// ## How to fix
    /// Renew the waiver with a new date after reviewing the finding, correct its rule, side or
    /// object, or delete it.
    pub static RULE = Rule {
        id: "plan.waivers",
        severity: Severity::Warning,
        input: Input::Plan,
        after_waivers: true,
        summary: "every waiver is current and matches a finding",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let expired = cx
        .waivers
        .iter()
        .filter(|waiver| waiver.expires < cx.today)
        .map(|waiver| {
            Finding::new(
                Side::Plan,
                Some(waiver.describe()),
                text!(
                    "the waiver for {} (owner {}) expired on {}",
                    "针对 {} 的豁免（负责人 {}）已于 {} 过期",
                    waiver.describe(),
                    waiver.owner,
                    waiver.expires
                ),
            )
            .help(text!(
                "review the finding again, then renew the waiver with a new date or delete it",
                "重新审阅该问题，然后用新日期续期该豁免，或删除它"
            ))
        });
    // A current waiver that accepted nothing is stale or wrong.
    let matches = cx.waiver_matches.unwrap_or_default();
    let unmatched = cx
        .waivers
        .iter()
        .zip(matches)
        .filter(|(waiver, matched)| !**matched && waiver.expires >= cx.today)
        .map(|(waiver, _)| {
            Finding::new(
                Side::Plan,
                Some(waiver.describe()),
                text!(
                    "the waiver for {waiver} matched no finding",
                    "针对 {waiver} 的豁免没有匹配到任何问题",
                    waiver = waiver.describe()
                ),
            )
            .help(text!(
                "remove the waiver, or correct its rule, side or object",
                "删除该豁免，或更正其规则、端或对象"
            ))
        });
    Ok(expired.chain(unmatched).collect())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::plan::{date::Date, waiver_file::Waivers};
    use crate::rules::engine::{self, Inputs, Status};
    use crate::rules::{Stage, registry, testing::*};

    fn waivers(text: &str) -> Vec<crate::plan::waiver_file::Waiver> {
        Waivers::parse("w.toml", text, &registry::Catalog)
            .unwrap()
            .list
    }

    const TODAY: Date = Date {
        year: 2026,
        month: 11,
        day: 24,
    };

    /// plan.waivers and grants.drc-user (which fires on the healthy pair) under `list`.
    fn evaluate_with(list: &[crate::plan::waiver_file::Waiver]) -> Vec<engine::Evaluation> {
        let (plan, facts) = (plan(), healthy());
        let inputs = Inputs {
            plan: &plan,
            facts: Some(&facts),
            stage: Stage::Forward,
            stage_undecided: None,
            waivers: list,
            today: TODAY,
        };
        engine::evaluate(
            &[&RULE, registry::find("grants.drc-user").unwrap()],
            &inputs,
        )
    }

    #[test]
    fn an_expired_waiver_is_a_finding_and_waives_nothing() {
        let list = waivers(
            "[[waiver]]\nrule = \"grants.drc-user\"\nreason = \"r\"\nowner = \"dba\"\nexpires = \"2026-01-31\"\n",
        );
        let evaluations = evaluate_with(&list);
        assert_eq!(evaluations[0].status, Status::Fail);
        assert!(
            evaluations[0].findings[0]
                .finding
                .message
                .contains("expired on 2026-01-31")
        );
        assert_eq!(
            evaluations[1].status,
            Status::Fail,
            "the expired waiver did not waive drc-user"
        );
    }

    #[test]
    fn a_current_waiver_waives_and_an_unmatched_one_is_reported() {
        let list = waivers(
            "[[waiver]]\nrule = \"grants.drc-user\"\nreason = \"sys users are managed by the platform team\"\nowner = \"dba\"\nexpires = \"2027-01-31\"\n\
             [[waiver]]\nrule = \"schema.triggers\"\nobject = \"app.*\"\nreason = \"r\"\nowner = \"dba\"\nexpires = \"2027-01-31\"\n",
        );
        let evaluations = evaluate_with(&list);
        assert_eq!(evaluations[1].status, Status::Waived);
        assert!(
            evaluations[1]
                .findings
                .iter()
                .all(|judged| judged.waiver.is_some())
        );
        assert_eq!(evaluations[0].status, Status::Fail);
        assert_eq!(
            evaluations[0].findings[0].finding.message,
            "the waiver for schema.triggers for app.* matched no finding"
        );
    }
}
