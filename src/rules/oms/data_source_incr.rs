use crate::facts::Tenant;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Side, Text, declare_rule, unless_undecided,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// The OMS data source of each tenant can serve as the source of incremental sync: its
    /// `connExtraAttributes` name a sys-tenant user to read logs with (`drcUser`), and a config
    /// URL (`configUrl`) or an OCP (`ocpName`) to find the cluster by; a data source restricted
    /// to one database (`schema`, DB Name) must have every in-scope database be that one.
    ///
    /// ## Why it matters
    /// In active-active both tenants are the source of a link. OMS CE reads an OceanBase CE
    /// source's incremental logs through the sys tenant ("Configurl 或者 rootservice、用户名和
    /// 密码"), and "设置所属 OCP 是为了 OMS 社区版正常获取 OceanBase 社区版的增量日志，空置本选项会造成
    /// 增量同步和反向增量选项无法被选择" (OMS documentation, adding an OceanBase CE data source).
    /// A data source without them can be a target but never a source: the reverse link cannot
    /// be created. With DB Name set, "数据迁移或数据同步项目仅支持选择指定 DB Name 下的迁移或同步对象".
    ///
    /// ## How to fix
    /// Edit the data source in OMS: fill in the sys-tenant user (and its password) and the
    /// config URL, or choose the OCP that manages the cluster; clear DB Name, or make it the
    /// one database in scope.
    pub static RULE = Rule {
        id: "oms.data-source-incr",
        severity: Severity::Error,
        input: Input::Oms,
        needs: &[Need::OmsDataSources],
        summary: "both data sources can serve incremental capture: log user and config URL or OCP set",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let sources = cx.oms_data_sources()?;
    let scope = cx.plan.scope_databases();
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    for tenant in Tenant::BOTH {
        let registered: Vec<_> = sources
            .iter()
            .filter(|source| source.tenant == Some(tenant))
            .collect();
        if registered.is_empty() {
            undecided.push(text!(
                "tenant {tenant} is no registered OMS data source (see oms.data-sources)",
                "租户 {tenant} 不是已登记的 OMS 数据源（见 oms.data-sources）"
            ));
        }
        for source in registered {
            let name = source.name.clone().unwrap_or_else(|| source.id.clone());
            let mut lacks = Vec::new();
            match &source.log_source {
                None => {
                    undecided.push(text!(
                        "OMS does not show connExtraAttributes of data source {name} (tenant {tenant}); check its sys-tenant user and config URL in the OMS console",
                        "OMS 未显示数据源 {name}（租户 {tenant}）的 connExtraAttributes；请在 OMS 控制台中检查其 sys 租户用户和 config URL"
                    ));
                }
                Some(log_source) => {
                    if log_source.drc_user.is_none() {
                        lacks.push(text!(
                            "no sys-tenant user to read its logs (drcUser)",
                            "没有用于读取其日志的 sys 租户用户（drcUser）"
                        ));
                    }
                    if log_source.config_url.is_none() && source.ocp_name.is_none() {
                        lacks.push(text!(
                            "neither a config URL (configUrl) nor an OCP (ocpName)",
                            "既没有 config URL（configUrl），也没有 OCP（ocpName）"
                        ));
                    }
                }
            }
            if let Some(only) = &source.schema {
                let outside: Vec<&str> = scope
                    .iter()
                    .filter(|db| !db.eq_ignore_ascii_case(only))
                    .map(String::as_str)
                    .collect();
                if !outside.is_empty() {
                    let outside = outside.join(", ");
                    lacks.push(text!(
                        "it is restricted to database {only} (DB Name), but the scope also names {outside}",
                        "它被限定为数据库 {only}（DB Name），但范围中还有 {outside}"
                    ));
                }
            }
            if !lacks.is_empty() {
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(name.clone()),
                        text!(
                            "data source {name} of tenant {tenant} cannot serve as the source of the link it feeds: {lacks}",
                            "租户 {tenant} 的数据源 {name} 无法作为其所供链路的源端：{lacks}";
                            lacks = Text::join(&lacks, "; ", "；")
                        ),
                    )
                    .help(text!(
                        "edit the data source in OMS: set the sys-tenant user and the config URL (or the OCP), and clear DB Name",
                        "在 OMS 中编辑该数据源：填写 sys 租户用户和 config URL（或选择 OCP），并清空 DB Name"
                    )),
                );
            }
        }
    }
    unless_undecided(findings, &undecided, |joined| joined)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_data_source_without_log_user_or_config_url() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[1].log_source.as_mut().unwrap().drc_user = None;
                sources[1].log_source.as_mut().unwrap().config_url = None;
                sources[0].schema = Some("other".into());
            }
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![("oms", Some("ob_a")), ("oms", Some("ob_b"))]
        );
        assert!(findings[0].message.contains("restricted to database other"));
        assert!(findings[1].message.contains("drcUser"));
        assert!(findings[1].message.contains("neither a config URL"));
    }

    #[test]
    fn an_ocp_stands_for_the_config_url_and_unshown_attributes_are_unknown() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[0].log_source.as_mut().unwrap().config_url = None;
                sources[0].ocp_name = Some("ocp1".into());
            }
        });
        assert_clean(&RULE, &oms_plan(), &facts, Stage::Forward);
        let unknown = with_oms(|oms| {
            if let Fact::Observed(sources) = &mut oms.data_sources {
                sources[1].log_source = None;
            }
        });
        let evaluation = run(&RULE, &oms_plan(), &unknown, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(
            evaluation
                .reason
                .unwrap()
                .contains("does not show connExtraAttributes of data source ob_b")
        );
    }
}
