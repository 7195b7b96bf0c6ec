use crate::facts::Tenant;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Tenants A and B run the same OceanBase major.minor version (`ob_version()`). Different
    /// minors are a warning; different majors an error.
    ///
    /// ## Why it matters
    /// Each tenant is the source of one link and the target of the other. OMS reads each
    /// source with a CDC reader chosen by its version (4.0–4.2.1, 4.2.2–4.3, 4.3+), and DDL
    /// and types valid on one side may not exist on the other; a pair on different versions
    /// behaves differently per direction.
    ///
    /// ## How to fix
    /// Upgrade the older tenant's cluster so both run the same major.minor before building
    /// the pair.
    pub static RULE = Rule {
        id: "tenant.version-pair",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Server],
        compares_sides: true,
        summary: "A and B run the same OceanBase major.minor",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = (
        cx.tenant(Tenant::A).server()?.ob_version.as_str(),
        cx.tenant(Tenant::B).server()?.ob_version.as_str(),
    );
    let parts = |v: &str| -> Vec<String> { v.split('.').take(2).map(str::to_string).collect() };
    let (pa, pb) = (parts(a), parts(b));
    if pa == pb {
        return Ok(vec![]);
    }
    let finding = Finding::new(
        Side::Pair,
        None,
        text!(
            "tenant a runs OceanBase {a}, tenant b runs {b}",
            "租户 a 运行 OceanBase {a}，租户 b 运行 {b}"
        ),
    )
    .help(text!(
        "upgrade the older cluster so both tenants run the same major.minor",
        "升级较旧的集群，使两个租户运行相同的主版本.次版本"
    ));
    Ok(vec![if pa.first() != pb.first() {
        finding.severity(Severity::Error)
    } else {
        finding
    }])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Tenant;
    use crate::rules::{Severity, Stage, testing::*};

    fn with_versions(a: &str, b: &str) -> crate::facts::Facts {
        facts(|f| {
            for (tenant, version) in [(Tenant::A, a), (Tenant::B, b)] {
                if let crate::facts::Fact::Observed(server) = &mut tenant_mut(f, tenant).server {
                    server.ob_version = version.into();
                }
            }
        })
    }

    #[test]
    fn different_minor_is_a_warning_and_different_major_an_error() {
        let minor = fire(
            &RULE,
            &plan(),
            &with_versions("4.2.1.2", "4.3.5.3"),
            Stage::Forward,
        );
        assert_eq!(minor[0].severity, None);
        assert_eq!(RULE.severity, Severity::Warning);
        let major = fire(
            &RULE,
            &plan(),
            &with_versions("3.2.4.1", "4.3.5.3"),
            Stage::Forward,
        );
        assert_eq!(major[0].severity, Some(Severity::Error));
        assert_eq!(where_(&major), vec![("pair", None)]);
    }

    #[test]
    fn patch_levels_may_differ() {
        assert_clean(
            &RULE,
            &plan(),
            &with_versions("4.3.5.1", "4.3.5.3"),
            Stage::Forward,
        );
    }
}
