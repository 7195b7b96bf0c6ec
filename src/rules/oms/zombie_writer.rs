use std::collections::BTreeSet;

use crate::facts::Tenant;
use crate::facts::oms::Project;
use crate::facts::sessions::same_host;
use crate::i18n::spaced;
use crate::plan::Topology;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Stage, Text, declare_rule,
    unless_undecided,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// On each tenant, the migration user's sessions (`information_schema.PROCESSLIST`, which
    /// shows a user its own sessions without the PROCESS privilege) come only from hosts OMS
    /// lists for the planned projects' components (`DescribeProjectComponents`: the `ip` of
    /// every store, Incr-Sync, Full-Import and Full-Verification component, forward and
    /// reverse). A session from any other host is an error naming the tenant, the user, the
    /// host and how many sessions come from it.
    ///
    /// The check's own sessions are left out by their connection ids. Sessions from the
    /// address the check's own session comes from cannot be told from the check's own (the
    /// machine running it, or a proxy such as OBProxy in between): they leave the rule
    /// inconclusive unless OMS lists that host. Components that could not be read, or that
    /// OMS lists without a host, leave it inconclusive too: a host missing from the list
    /// would make a healthy writer look like a stray one.
    ///
    /// ## Why it matters
    /// OMS moves a component to another host when its host fails (OMS high availability,
    /// *200.product-introduction/210.oms-ha-intro.md* of the OMS documentation). When the old
    /// host comes back, its incremental sync can go on writing to the target, and the console
    /// no longer shows it: two writers apply the same changes, out of order, and the pair's
    /// data diverges without an alarm. Anything else writing as the migration user is as bad in
    /// an active-active pair: OMS does not carry changes made by its own user back to the other
    /// side (that is how it stops changes from looping), so they exist on one tenant only.
    ///
    /// ## How to fix
    /// On the host the finding names, stop the OMS processes of the project (or the whole
    /// stale OMS node) and check OMS's HA state in the console; then compare the two tenants
    /// (`oms.full-verify`). If it is not an OMS host, find who logs in as the migration user
    /// from there and give them an account of their own.
    pub static RULE = Rule {
        id: "oms.zombie-writer",
        severity: Severity::Error,
        stages: &[Stage::Running],
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse, Need::Sessions],
        summary: "the migration user's sessions on each tenant come only from hosts OMS lists for the projects' components",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut projects: Vec<&Project> = cx.oms_forward()?.into_iter().collect();
    if cx.plan.topology == Topology::TwoProjects {
        projects.extend(cx.oms_reverse()?.filter(|project| !project.has_ended()));
    }
    if projects.is_empty() {
        return Err(NotEvaluated::Skipped(text!(
            "OMS has none of the planned projects yet",
            "OMS 中还没有计划中的项目"
        )));
    }
    let mut undecided = Vec::new();
    let mut hosts = BTreeSet::new();
    for project in &projects {
        let name = &project.name;
        let workers = match project.components.observed() {
            None => Err(project.components.unavailable_text()),
            Some(components) => components
                .workers
                .observed()
                .ok_or_else(|| components.workers.unavailable_text()),
        };
        match workers {
            Err(reason) => undecided.push(spaced(text!(
                "the components of project {name}: {reason}",
                "项目 {name} 的组件：{reason}";
                reason = reason
            ))),
            Ok(workers) => {
                let before = hosts.len();
                hosts.extend(workers.iter().filter_map(|worker| worker.host.as_deref()));
                if hosts.len() == before && workers.iter().all(|w| w.host.is_none()) {
                    undecided.push(spaced(text!(
                        "OMS lists no component of project {name} with its host",
                        "OMS 没有列出项目 {name} 的任何带主机的组件"
                    )));
                }
            }
        }
    }
    if !undecided.is_empty() {
        return Err(NotEvaluated::Inconclusive(spaced(text!(
            "{undecided}; to decide, let the [oms] user call DescribeProjectComponents, or compare the tenants' sessions with the hosts in the OMS console",
            "{undecided}；如需判定，请让 [oms] 用户调用 DescribeProjectComponents，或将租户上的会话与 OMS 控制台中的主机对照";
            undecided = Text::join(&undecided, "; ", "；")
        ))));
    }
    let listed = hosts.iter().copied().collect::<Vec<_>>().join(", ");
    let names = projects
        .iter()
        .map(|project| project.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let sessions = on.sessions()?;
        let user = on.user();
        for (address, &count) in &sessions.from {
            if hosts.iter().any(|host| same_host(host, address)) {
                continue;
            }
            if sessions.own_address.as_deref() == Some(address.as_str()) {
                undecided.push(spaced(text!(
                    "{count} session(s) of {user} on tenant {tenant} come from {address}, the address this check's own session comes from (this machine, or a proxy in between), which OMS lists for no component: they cannot be told from the check's own",
                    "租户 {tenant} 上用户 {user} 的 {count} 个会话来自 {address}，即本检查自身会话的来源地址（本机，或中间的代理），OMS 没有为任何组件列出该主机：无法将它们与本检查自身的会话区分开"
                )));
                continue;
            }
            findings.push(
                Finding::new(
                    tenant,
                    Some(user.to_string()),
                    text!(
                        "{count} session(s) of migration user {user} on tenant {tenant} come from host {address}, which OMS lists for no component of project(s) {names} (it lists {listed}): a writer left behind by an OMS failover, or someone else logged in as the migration user",
                        "租户 {tenant} 上迁移用户 {user} 的 {count} 个会话来自主机 {address}，而 OMS 没有为项目 {names} 的任何组件列出该主机（它列出的是 {listed}）：可能是 OMS 故障切换后遗留的写入进程，或有其他人以迁移用户登录"
                    ),
                )
                .help(text!(
                    "stop the OMS processes on {address} (a stale OMS node) and check OMS's HA state; if it is no OMS host, find who logs in as {user} from there; then compare the tenants (oms.full-verify)",
                    "停止 {address} 上的 OMS 进程（已失效的 OMS 节点）并检查 OMS 的高可用状态；如果它不是 OMS 主机，查明是谁从那里以 {user} 登录；然后比对两个租户的数据（oms.full-verify）"
                )),
            );
        }
    }
    unless_undecided(findings, &undecided, |joined| {
        spaced(text!(
            "{undecided}; to decide, run the check from a host that is neither an OMS host nor behind a proxy shared with OMS",
            "{undecided}；如需判定，请在既不是 OMS 主机、也不与 OMS 共用代理的主机上运行检查";
            undecided = joined
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::RULE;
    use crate::facts::{Fact, Sessions};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn with_sessions_on_b(from: &[(&str, u64)]) -> crate::facts::Facts {
        let mut facts = with_single_project(|_| {});
        facts.b.sessions = Fact::Observed(Sessions {
            from: from
                .iter()
                .map(|(host, count)| (host.to_string(), *count))
                .collect::<BTreeMap<_, _>>(),
            own_address: Some("10.0.0.100".into()),
            own: 2,
        });
        facts
    }

    #[test]
    fn sessions_from_listed_hosts_pass_and_others_are_errors_naming_the_host() {
        assert_clean(
            &RULE,
            &single_project_plan(),
            &with_sessions_on_b(&[(OMS_HOST, 4)]),
            Stage::Running,
        );
        let facts = with_sessions_on_b(&[(OMS_HOST, 4), ("10.0.0.8", 3)]);
        let findings = fire(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(where_(&findings), [("b", Some("oms_b"))]);
        let message = findings[0].message.en();
        assert!(
            message.contains(
                "3 session(s) of migration user oms_b on tenant b come from host 10.0.0.8"
            ),
            "{message}"
        );
        assert!(message.contains("it lists 10.0.0.9"), "{message}");
    }

    #[test]
    fn sessions_from_the_checks_own_address_are_inconclusive() {
        let facts = with_sessions_on_b(&[("10.0.0.100", 3)]);
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().en().contains("cannot be told"));
    }

    #[test]
    fn components_unread_or_without_hosts_are_inconclusive() {
        let facts = with_single_project(|p| {
            if let Fact::Observed(components) = &mut p.components {
                components.workers = Fact::unavailable(crate::i18n::Text::english("old bundle"));
            }
        });
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let facts = with_single_project(|p| {
            if let Fact::Observed(components) = &mut p.components
                && let Fact::Observed(workers) = &mut components.workers
            {
                workers.iter_mut().for_each(|worker| worker.host = None);
            }
        });
        let evaluation = run(&RULE, &single_project_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().en().contains("no component"));
    }
}
