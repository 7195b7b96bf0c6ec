use crate::facts::Tenant;
use crate::rules::versions::Matrix;
use crate::rules::{Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Each tenant's OceanBase version (`ob_version()`) is within a range the supported
    /// version matrix (`rules/versions.toml`) gives for the OMS version declared in the plan
    /// (`[oms] version`; a Community Edition release is written `4.2.2-CE`), or within the OB
    /// 4.x range of active-active when none is declared. The Community Edition rows are the
    /// data-migration column of each OMS CE release's limits page (使用限制): OMS CE 4.2.2, for
    /// one, lists no OceanBase 4.3.
    ///
    /// ## Why it matters
    /// OMS reads incremental changes with a CDC reader built for a range of OceanBase
    /// versions; outside it the links cannot capture changes, and active-active between
    /// OceanBase tenants needs the 4.x anti-loop support.
    ///
    /// ## How to fix
    /// Upgrade OMS or the cluster to a supported combination. When the declared OMS version is
    /// not in the matrix, the rule is inconclusive: add the row from the OMS release note.
    pub static RULE = Rule {
        id: "tenant.version-supported",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Server],
        summary: "each OceanBase version is within the supported matrix",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let declared = cx.plan.oms.as_ref().and_then(|oms| oms.version.as_deref());
    let ranges = Matrix::get().for_oms(declared).ok_or_else(|| {
        NotEvaluated::Inconclusive(text!(
            "OMS {} is not in the version matrix (rules/versions.toml); to decide, declare the OMS release as it appears there (e.g. \"4.2.5\", or \"4.2.2-CE\" for the Community Edition) in [oms] version",
            "OMS {} 不在版本矩阵（rules/versions.toml）中；要作出判定，请在 [oms] 的 version 中按矩阵里的写法声明 OMS 版本（例如 \"4.2.5\"，社区版写 \"4.2.2-CE\"）",
            declared.unwrap_or_default()
        ))
    })?;
    let against = match declared {
        Some(oms) => text!("OMS {oms}", "OMS {oms}"),
        None => text!(
            "active-active without a declared OMS version",
            "未声明 OMS 版本的容灾双活"
        ),
    };
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let version = &cx.tenant(tenant).server()?.ob_version;
        if !ranges.iter().any(|range| range.contains(version)) {
            let supported: Vec<String> = ranges
                .iter()
                .map(|range| format!("{} ({})", range.describe(), range.source))
                .collect();
            let (en, zh) = (supported.join("; "), supported.join("；"));
            findings.push(
                Finding::new(
                    tenant,
                    None,
                    text!(
                        "tenant {tenant} runs OceanBase {version}; {against} supports {en}",
                        "租户 {tenant} 运行 OceanBase {version}；{against} 支持 {zh}";
                        against = against
                    ),
                )
                .help(text!(
                    "upgrade OMS or the cluster to a supported combination, or declare the OMS version in [oms]",
                    "把 OMS 或集群升级到受支持的组合，或在 [oms] 中声明 OMS 版本"
                )),
            );
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    const OMS: &str =
        "[oms]\nurl = \"http://oms:8089\"\nuser = \"admin\"\npassword_env = \"OMS_PASSWORD\"\n";

    #[test]
    fn fires_on_an_ob_3_tenant() {
        let facts = facts(|f| {
            if let Fact::Observed(server) = &mut f.b.server {
                server.ob_version = "3.2.4.1".into();
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("b", None)]);
        assert!(findings[0].message.contains(">= 4.0.0, < 4.4.0"));
    }

    #[test]
    fn follows_the_declared_oms_version() {
        let old_oms = plan_from(&format!("{OMS}version = \"4.0.1\"\n{PLAN}"));
        let findings = fire(&RULE, &old_oms, &healthy(), Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", None), ("b", None)]);
        let new_oms = plan_from(&format!("{OMS}version = \"4.2.5\"\n{PLAN}"));
        assert_clean(&RULE, &new_oms, &healthy(), Stage::Forward);
    }

    #[test]
    fn community_releases_are_read_against_their_own_rows() {
        let ce = plan_from(&format!("{OMS}version = \"4.2.2-CE\"\n{PLAN}"));
        let findings = fire(&RULE, &ce, &healthy(), Stage::Forward);
        assert!(
            findings[0].message.contains("OMS 4.2.2-CE supports"),
            "{}",
            findings[0].message
        );
        let facts = facts(|f| {
            for tenant in [&mut f.a, &mut f.b] {
                if let Fact::Observed(server) = &mut tenant.server {
                    server.ob_version = "4.2.1.8".into();
                }
            }
        });
        assert_clean(&RULE, &ce, &facts, Stage::Forward);
    }

    #[test]
    fn an_oms_version_outside_the_matrix_is_inconclusive() {
        let unknown = plan_from(&format!("{OMS}version = \"4.1.5\"\n{PLAN}"));
        assert_eq!(
            run(&RULE, &unknown, &healthy(), Stage::Forward).status,
            Status::Inconclusive
        );
    }
}
