use crate::facts::Tenant;
use crate::plan::TenantPlan;
use crate::rules::{Check, Ctx, Finding, Input, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Tenants A and B of the plan are two tenants: not the same host and port reaching the
    /// same tenant. The tenant an address reaches is the one the plan names (`tenant = "..."`),
    /// else the one the user names the way ODP (OBProxy) reads it (`user@tenant#cluster`,
    /// `cluster:tenant:user`); two entries on one host and port that name neither reach the
    /// same tenant. When one names a tenant and the other does not, the finding is a warning:
    /// which tenant the other reaches depends on the proxy's or the server's default.
    ///
    /// This is OMS's precheck items `DB_TABLE_CYCLICALLY` (源端和目标端同表检查) and
    /// `LOGIC_TABLE_SAME_SOURCE_AND_DEST`, met before any project exists. It reads the plan
    /// only: two different addresses of one tenant (a proxy and an OBServer node, two proxies)
    /// are not seen.
    ///
    /// ## Why it matters
    /// A link whose source and target are one tenant copies every table onto itself: the full
    /// migration writes the rows it reads, and each link's incremental sync replays its own
    /// changes. OMS refuses such a project at its precheck, after it has been created; every
    /// verdict of this tool about "the other tenant" would be about the same one.
    ///
    /// ## How to fix
    /// Correct `host`, `port`, `user` or `tenant` of `[tenants.a]` or `[tenants.b]` so that each
    /// reaches its own tenant (through ODP: `user@tenant#cluster`).
    pub static RULE = Rule {
        id: "conn.same-tenant",
        severity: Severity::Error,
        input: Input::Plan,
        summary: "tenants a and b are not one tenant reached twice",
        check: check,
    };
}

/// Which tenant a plan entry reaches, as far as the plan says: `(tenant, cluster)`, lower case.
pub(crate) fn named(planned: &TenantPlan) -> (Option<String>, Option<String>) {
    let user = planned.user.as_str();
    // `user@tenant#cluster`, `user@tenant`; or `cluster:tenant:user`.
    let (from_user, cluster) = if let Some((_, rest)) = user.split_once('@') {
        match rest.split_once('#') {
            Some((tenant, cluster)) => (Some(tenant), Some(cluster)),
            None => (Some(rest), None),
        }
    } else {
        match user.split(':').collect::<Vec<_>>().as_slice() {
            [cluster, tenant, _user] => (Some(*tenant), Some(*cluster)),
            _ => (None, None),
        }
    };
    let tenant = planned.tenant_name.as_deref().or(from_user);
    let lower = |text: Option<&str>| {
        text.map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_ascii_lowercase)
    };
    (lower(tenant), lower(cluster))
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = (cx.plan.tenant(Tenant::A), cx.plan.tenant(Tenant::B));
    if !a.host.trim().eq_ignore_ascii_case(b.host.trim()) || a.port != b.port {
        return Ok(Vec::new());
    }
    let endpoint = format!("{}:{}", b.host, b.port);
    let ((tenant_a, cluster_a), (tenant_b, cluster_b)) = (named(a), named(b));
    let clusters_differ = matches!((&cluster_a, &cluster_b), (Some(x), Some(y)) if x != y);
    let finding = match (&tenant_a, &tenant_b) {
        (Some(x), Some(y)) if x != y || clusters_differ => return Ok(Vec::new()),
        (Some(tenant), Some(_)) => Finding::new(
            Side::Plan,
            Some(endpoint.clone()),
            text!(
                "tenants a and b are both {endpoint}, tenant {tenant}: one tenant at both ends of every link",
                "租户 a 和 b 都是 {endpoint} 上的租户 {tenant}：每条链路的两端是同一个租户"
            ),
        ),
        (None, None) => Finding::new(
            Side::Plan,
            Some(endpoint.clone()),
            text!(
                "tenants a and b are both {endpoint}, and neither names a tenant (tenant = \"...\" or user@tenant): the same tenant at both ends of every link",
                "租户 a 和 b 都是 {endpoint}，且都没有指定租户（tenant = \"...\" 或 user@tenant）：每条链路的两端是同一个租户"
            ),
        ),
        (Some(tenant), None) | (None, Some(tenant)) => Finding::new(
            Side::Plan,
            Some(endpoint.clone()),
            text!(
                "tenants a and b are both {endpoint}; one names tenant {tenant}, the other no tenant, so it reaches the default one of the proxy or the server, which may be the same",
                "租户 a 和 b 都是 {endpoint}；一个指定了租户 {tenant}，另一个没有指定租户，会进入代理或服务器的默认租户，可能是同一个"
            ),
        )
        .severity(Severity::Warning),
    };
    Ok(vec![
        finding
            .help(text!(
                "correct host, port, user or tenant of [tenants.a] or [tenants.b] so that each reaches its own tenant (through ODP: user@tenant#cluster)",
                "更正 [tenants.a] 或 [tenants.b] 的 host、port、user 或 tenant，使两者各自进入自己的租户（经 ODP 时：user@tenant#cluster）"
            ))
            .at(Some(b.span.clone())),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::{Severity, Stage, testing::*};

    fn b_at(host: &str, user: &str) -> crate::plan::Plan {
        plan_edited(
            "host = \"10.0.0.2\"\nuser = \"oms_b\"\n",
            &format!("host = \"{host}\"\nuser = \"{user}\"\n"),
        )
    }

    #[test]
    fn fires_on_one_address_for_both_tenants_naming_no_tenant() {
        let findings = fire(
            &RULE,
            &b_at("10.0.0.1", "oms_b"),
            &healthy(),
            Stage::Forward,
        );
        assert_eq!(where_(&findings), vec![("plan", Some("10.0.0.1:2881"))]);
        assert!(findings[0].message.contains("neither names a tenant"));
        assert_eq!(findings[0].severity, None);
        assert!(findings[0].message.zh().contains("同一个租户"));
    }

    #[test]
    fn fires_on_one_tenant_named_twice_through_a_proxy() {
        let plan = plan_edited("user = \"oms_a\"\n", "user = \"oms_a@t1#c1\"\n");
        let plan = plan_from(&plan.source.replace(
            "host = \"10.0.0.2\"\nuser = \"oms_b\"\n",
            "host = \"10.0.0.1\"\nuser = \"c1:T1:oms_b\"\n",
        ));
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert!(
            findings[0].message.contains("tenant t1"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn one_named_tenant_against_the_default_is_a_warning() {
        let findings = fire(
            &RULE,
            &b_at("10.0.0.1", "oms_b@t2"),
            &healthy(),
            Stage::Forward,
        );
        assert_eq!(findings[0].severity, Some(Severity::Warning));
    }

    #[test]
    fn quiet_for_two_tenants_behind_one_proxy_or_two_addresses() {
        let named = plan_edited("user = \"oms_a\"\n", "user = \"oms_a@t1#c1\"\n");
        let proxied = plan_from(&named.source.replace(
            "host = \"10.0.0.2\"\nuser = \"oms_b\"\n",
            "host = \"10.0.0.1\"\nuser = \"oms_b@t2#c1\"\n",
        ));
        assert_clean(&RULE, &proxied, &healthy(), Stage::Forward);
        // The same tenant name in two clusters behind one proxy.
        let clusters = plan_from(&proxied.source.replace("oms_b@t2#c1", "oms_b@t1#c2"));
        assert_clean(&RULE, &clusters, &healthy(), Stage::Forward);
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
