use crate::rules::{Check, Ctx, Input, Need, Severity, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Tenants A and B have the same `time_zone`.
    ///
    /// ## Why it matters
    /// `TIMESTAMP` values are stored in UTC and shown in the session time zone, and
    /// `NOW()`/`CURRENT_TIMESTAMP` defaults are evaluated in it. With different zones, rows
    /// written by applications on each side carry times that disagree by the offset, and
    /// defaults filled in on one tenant differ from those on the other.
    ///
    /// ## How to fix
    /// `SET GLOBAL time_zone = '+08:00'` (or the zone the applications use) on the tenant that
    /// differs.
    pub static RULE = Rule {
        id: "tenant.time-zone",
        severity: Severity::Warning,
        stages: &[],
        topologies: &[],
        input: Input::Tenants,
        needs: &[Need::Variables],
        optional: &[],
        waivable: true,
        compares_sides: true,
        summary: "time_zone is equal on A and B",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = super::variables(cx)?;
    let (a, b) = super::reported("time_zone", a, b, |v| &v.time_zone)?;
    Ok(super::differs("time_zone", a, b)
        .map(|finding| finding.help("SET GLOBAL time_zone to the same zone on both tenants"))
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_different_zones() {
        let facts = facts(|f| {
            if let Fact::Observed(v) = &mut f.b.variables {
                v.time_zone = Some("+00:00".into());
            }
        });
        assert_eq!(
            where_(&fire(&RULE, &plan(), &facts, Stage::Forward)),
            vec![("pair", Some("time_zone"))]
        );
    }

    #[test]
    fn quiet_when_equal() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
