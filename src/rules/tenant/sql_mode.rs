use std::collections::BTreeSet;

use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Tenants A and B have the same `sql_mode` (the same set of modes, in any order).
    ///
    /// ## Why it matters
    /// `sql_mode` decides what a statement may write: strict modes reject out-of-range values
    /// and zero dates that lax modes store after adjusting them. Rows accepted on one tenant
    /// can then be rejected when a link replays them on the other, stopping the link.
    ///
    /// ## How to fix
    /// `SET GLOBAL sql_mode = '...'` to the same modes on both tenants.
    pub static RULE = Rule {
        id: "tenant.sql-mode",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Variables],
        compares_sides: true,
        summary: "sql_mode is equal on A and B",
        check: check,
    };
}

fn modes(value: &str) -> BTreeSet<String> {
    value
        .split(',')
        .map(|mode| mode.trim().to_ascii_uppercase())
        .filter(|mode| !mode.is_empty())
        .collect()
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = super::variables(cx)?;
    let (a, b) = super::reported("sql_mode", a, b, |v| &v.sql_mode)?;
    let (a, b) = (modes(a), modes(b));
    if a == b {
        return Ok(vec![]);
    }
    let list = |set: BTreeSet<&String>| set.into_iter().cloned().collect::<Vec<_>>().join(",");
    Ok(vec![
        Finding::new(
            Side::Pair,
            Some("sql_mode".into()),
            text!(
                "sql_mode differs: only on tenant a [{}], only on tenant b [{}]",
                "sql_mode 不一致：仅租户 a 有 [{}]，仅租户 b 有 [{}]",
                list(a.difference(&b).collect()),
                list(b.difference(&a).collect())
            ),
        )
        .help(text!(
            "SET GLOBAL sql_mode to the same modes on both tenants",
            "在两个租户上 SET GLOBAL sql_mode 为相同的模式"
        )),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    fn with_modes(a: &str, b: &str) -> crate::facts::Facts {
        facts(|f| {
            for (facts, mode) in [(&mut f.a, a), (&mut f.b, b)] {
                if let Fact::Observed(v) = &mut facts.variables {
                    v.sql_mode = Some(mode.into());
                }
            }
        })
    }

    #[test]
    fn fires_on_a_missing_strict_mode() {
        let findings = fire(
            &RULE,
            &plan(),
            &with_modes("STRICT_ALL_TABLES,NO_ZERO_IN_DATE", "NO_ZERO_IN_DATE"),
            Stage::Forward,
        );
        assert_eq!(
            findings[0].message,
            "sql_mode differs: only on tenant a [STRICT_ALL_TABLES], only on tenant b []"
        );
    }

    #[test]
    fn order_does_not_matter() {
        assert_clean(&RULE, &plan(), &with_modes("A,B", "b, a"), Stage::Forward);
    }
}
