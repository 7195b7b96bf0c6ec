use crate::facts::Tenant;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Tenants A and B have the same compatibility mode: both MySQL or both Oracle.
    ///
    /// ## Why it matters
    /// OMS builds active-active pairs only between tenants of the same type (MySQL ↔ MySQL,
    /// Oracle ↔ Oracle); a mixed pair cannot be created, and the privileges and objects it
    /// needs differ by mode.
    ///
    /// ## How to fix
    /// Pair tenants of the same mode. The mode is fixed when a tenant is created and cannot be
    /// changed afterwards.
    pub static RULE = Rule {
        id: "tenant.mode",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Mode],
        compares_sides: true,
        summary: "A and B have the same compatibility mode",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = (cx.tenant(Tenant::A).mode()?, cx.tenant(Tenant::B).mode()?);
    if a.mode == b.mode {
        return Ok(vec![]);
    }
    Ok(vec![
        Finding::new(
            Side::Pair,
            None,
            {
                let (mode_a, mode_b) = (a.mode.as_str(), b.mode.as_str());
                text!(
                    "tenant a is {mode_a} ({evidence_a}) but tenant b is {mode_b} ({evidence_b})",
                    "租户 a 为 {mode_a}（{evidence_a}），租户 b 却为 {mode_b}（{evidence_b}）";
                    evidence_a = a.evidence,
                    evidence_b = b.evidence
                )
            },
        )
        .help(text!(
            "OMS pairs only tenants of the same mode; choose two MySQL-mode or two Oracle-mode tenants",
            "OMS 只能在兼容模式相同的租户之间建立双活；请选择两个 MySQL 模式或两个 Oracle 模式的租户"
        )),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{CompatibilityMode, Fact, Mode};
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_mysql_oracle_pair() {
        let facts = facts(|f| {
            f.b.mode = Fact::Observed(Mode {
                mode: CompatibilityMode::Oracle,
                evidence: crate::i18n::Text::same("ob_compatibility_mode = ORACLE"),
            })
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("pair", None)]);
        assert!(findings[0].message.contains("tenant b is ORACLE"));
    }

    #[test]
    fn quiet_on_same_mode_and_on_each_tenant_with_itself() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        let mut facts = healthy();
        facts.b = facts.a.clone();
        assert_clean(&RULE, &plan(), &facts, Stage::Forward);
    }

    #[test]
    fn inconclusive_when_a_mode_is_unknown() {
        let facts = facts(|f| {
            f.a.mode = Fact::unavailable(crate::i18n::Text::english(
                "the tenant does not report ob_compatibility_mode",
            ))
        });
        let evaluation = run(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            evaluation.status,
            crate::rules::engine::Status::Inconclusive
        );
        assert!(evaluation.reason.unwrap().contains("tenant a"));
    }
}
