use crate::facts::Tenant;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Tenants A and B have the same `time_zone`, and, when OMS shows it, each tenant's zone
    /// is the `timezone` its OMS data source is registered with.
    ///
    /// ## Why it matters
    /// `TIMESTAMP` values are stored in UTC and shown in the session time zone, and
    /// `NOW()`/`CURRENT_TIMESTAMP` defaults are evaluated in it. With different zones, rows
    /// written by applications on each side carry times that disagree by the offset, and
    /// defaults filled in on one tenant differ from those on the other. OMS converts temporal
    /// values with the data source's `timezone` (its writer defaults to `+08:00`): a data
    /// source registered with another zone than its tenant's shifts the times the links carry.
    ///
    /// ## How to fix
    /// `SET GLOBAL time_zone = '+08:00'` (or the zone the applications use) on the tenant that
    /// differs; correct the data source's time zone in OMS to its tenant's.
    pub static RULE = Rule {
        id: "tenant.time-zone",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Variables],
        optional: &[Need::OmsDataSources],
        compares_sides: true,
        summary: "time_zone is equal on A and B",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = super::variables(cx)?;
    let (a, b) = super::reported("time_zone", a, b, |v| &v.time_zone)?;
    let mut findings: Vec<Finding> = super::differs("time_zone", a, b)
        .map(|finding| {
            finding.help(text!(
                "SET GLOBAL time_zone to the same zone on both tenants",
                "在两个租户上 SET GLOBAL time_zone 为相同的时区"
            ))
        })
        .into_iter()
        .collect();
    // OMS's data sources, when this run has them: each tenant's zone is its data source's.
    if let Ok(sources) = cx.oms_data_sources() {
        for (tenant, zone) in [(Tenant::A, a), (Tenant::B, b)] {
            for source in sources.iter().filter(|s| s.tenant == Some(tenant)) {
                let Some(registered) = &source.timezone else {
                    continue;
                };
                if same_zone(registered, zone) {
                    continue;
                }
                let name = source.name.clone().unwrap_or_else(|| source.id.clone());
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(name.clone()),
                        text!(
                            "data source {name} of tenant {tenant} is registered with time zone {registered}, but the tenant's time_zone is {zone}",
                            "租户 {tenant} 的数据源 {name} 登记的时区为 {registered}，而该租户的 time_zone 为 {zone}"
                        ),
                    )
                    .help(text!(
                        "set the data source's time zone in OMS to {zone}",
                        "在 OMS 中把该数据源的时区设为 {zone}"
                    )),
                );
            }
        }
    }
    Ok(findings)
}

/// Whether two zones are the same: equal names, or equal UTC offsets (`+8:00`, `+08:00`).
fn same_zone(left: &str, right: &str) -> bool {
    fn offset(zone: &str) -> Option<i32> {
        let zone = zone.trim();
        let (sign, rest) = match zone.chars().next()? {
            '+' => (1, &zone[1..]),
            '-' => (-1, &zone[1..]),
            _ => return None,
        };
        let (hours, minutes) = rest.split_once(':')?;
        Some(sign * (hours.parse::<i32>().ok()? * 60 + minutes.parse::<i32>().ok()?))
    }
    match (offset(left), offset(right)) {
        (Some(l), Some(r)) => l == r,
        _ => left.trim().eq_ignore_ascii_case(right.trim()),
    }
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
    fn fires_on_a_data_source_registered_with_another_zone() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[0].timezone = Some("+00:00".into());
                sources[1].timezone = Some("+8:00".into());
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("oms", Some("ob_a"))]);
        assert!(
            findings[0]
                .message
                .contains("registered with time zone +00:00")
        );
    }

    #[test]
    fn quiet_when_equal() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
