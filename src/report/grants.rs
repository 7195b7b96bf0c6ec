//! `grants`: every statement the plan's migration user of one tenant needs, from the plan alone
//! — what `fix` writes for a user that holds nothing — as a script to review and run by hand,
//! with why each is needed. The tool never executes it.

use std::fmt::Write;

use super::fix::{Script, write_statement};
use super::printable::one_line;
use crate::facts::Tenant;
use crate::i18n::Lang;
use crate::plan::Plan;
use crate::rules::grants::{self, drc_user};
use crate::text;

/// The script of `tenant`; `plan_path` and `version` name the plan and the tool in its header.
pub fn script(plan: &Plan, plan_path: &str, tenant: Tenant, version: &str, lang: Lang) -> Script {
    let planned = plan.tenant(tenant);
    let account = grants::planned_account(plan, tenant);
    let (endpoint, shown_account) = (one_line(&planned.endpoint()), one_line(&account));
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}",
        text!(
            "-- oms-preflight {version} grants for tenant {tenant} ({endpoint}), migration user {shown_account}",
            "-- oms-preflight {version} 为租户 {tenant}（{endpoint}）列出的授权，迁移用户 {shown_account}"
        )
        .get(lang)
    );
    let (plan_path, topology) = (one_line(plan_path), plan.topology.as_str());
    let _ = writeln!(
        text,
        "{}",
        text!(
            "-- plan {plan_path}, topology {topology}; the same at every stage (forward, reverse, running)",
            "-- 计划 {plan_path}，拓扑 {topology}；各阶段（forward、reverse、running）相同"
        )
        .get(lang)
    );
    let _ = writeln!(
        text,
        "{}",
        text!(
            "-- Everything the grants rules require, for a user that holds nothing yet (`fix` writes only what is missing).\n-- Review it, then run it as an administrator of this tenant; use the host OMS connects from instead of '%' if you must. oms-preflight never runs it.",
            "-- grants 规则要求的全部授权，针对尚无任何权限的用户（`fix` 只写出缺少的部分）。\n-- 请先审阅，再以该租户管理员身份执行；如有需要，把 '%' 换成 OMS 连接时所用的主机。oms-preflight 从不执行它。"
        )
        .get(lang)
    );
    let mut statements = 0;
    let mut written: Vec<String> = Vec::new();
    for requirement in grants::required(plan, tenant) {
        let lines: Vec<String> = requirement
            .statements(&account)
            .into_iter()
            .filter(|line| !written.contains(line))
            .collect();
        if lines.is_empty() {
            continue;
        }
        let rule = requirement.rule.id;
        let why = one_line(requirement.why.get(lang));
        let _ = match requirement.from_version {
            Some(from) => writeln!(
                text,
                "\n{}",
                text!(
                    "-- {rule} (OceanBase {from} and later): {why}",
                    "-- {rule}（OceanBase {from} 及以后版本）：{why}"
                )
                .get(lang)
            ),
            None => writeln!(text, "\n-- {rule}: {why}"),
        };
        for line in lines {
            if write_statement(&mut text, &line, lang) {
                statements += 1;
            }
            written.push(line);
        }
    }
    drc(plan, tenant, lang, &mut text);
    Script { text, statements }
}

/// The DRC user: a user of the sys tenant of the tenant's cluster, so only said, in comments.
fn drc(plan: &Plan, tenant: Tenant, lang: Lang, text: &mut String) {
    let rule = drc_user::RULE.id;
    let declared = plan.tenant(tenant).drc_user.as_deref();
    let grant = one_line(&drc_user::sys_tenant_grant(declared.unwrap_or("drc_user")));
    let _ = writeln!(
        text,
        "\n{}",
        text!(
            "-- {rule}: OMS reads the incremental logs of tenant {tenant}'s cluster with a user of that cluster's sys tenant,\n-- not of this tenant, so nothing here is for it. As an administrator of the sys tenant (OMS documents SELECT on oceanbase.*):\n--   {grant}",
            "-- {rule}：OMS 用租户 {tenant} 所在集群 sys 租户中的用户读取增量日志，它不是本租户的用户，\n-- 因此这里没有它的语句。以 sys 租户管理员身份执行（OMS 文档要求 oceanbase.* 上的 SELECT）：\n--   {grant}"
        )
        .get(lang)
    );
    let note = match declared {
        Some(user) => {
            let user = one_line(user);
            text!(
                "-- then register it with the data source in OMS; the plan declares drc_user = \"{user}\"",
                "-- 然后在 OMS 的数据源中登记它；计划中声明为 drc_user = \"{user}\""
            )
        }
        None => text!(
            "-- then register it with the data source in OMS and declare it in the plan: drc_user = \"drc_user@sys\"",
            "-- 然后在 OMS 的数据源中登记它，并在计划中声明：drc_user = \"drc_user@sys\""
        ),
    };
    let _ = writeln!(text, "{}", note.get(lang));
}
