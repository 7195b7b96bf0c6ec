use crate::facts::{Tenant, Variables};
use crate::rules::column_size::{OMS_LOB_LIMIT, bytes, largest_row};
use crate::rules::scope::in_scope_tables;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, declare_rule, link_name,
};
use crate::text;

/// Tables named in one finding; the rest are counted.
const NAMED: usize = 10;

declare_rule! {
    /// ## What it checks
    /// For each link, the target's `max_allowed_packet` holds the largest row each in-scope
    /// table of the source can hold, and the two tenants have the same `max_allowed_packet`
    /// (a difference is a finding of its own).
    ///
    /// A table's largest row is its columns' largest values added up, from their types:
    /// `varchar(n)` and `char(n)` at 4 bytes a character (the most any OceanBase character set
    /// takes: a column's own character set is not collected), `varbinary(n)` at n bytes,
    /// `TEXT` at 64 KB, `MEDIUMTEXT` at 16 MB, and a LOB that can hold more (`LONGTEXT`,
    /// `LONGBLOB`, `JSON`, the spatial types, a type this tool does not know) at the 48 MB OMS
    /// carries in one value (`schema.lob-size` names those tables). The statement that writes
    /// the row adds its own text to that: the row is the least it takes.
    ///
    /// This is OMS's precheck item `DB_MAX_ALLOWED_PACKET` ("Check the maximum packet size
    /// allowed"). OMS documents only its title: no value, and not which side it checks; this
    /// rule checks the side that has to accept the rows, on both links.
    ///
    /// ## Why it matters
    /// A statement larger than `max_allowed_packet` is refused by the tenant that receives it
    /// (`ERROR 1153: Got a packet bigger than 'max_allowed_packet' bytes`). The first row that
    /// large stops the link that writes it, full migration or incremental sync, until the
    /// variable is raised. Different values on the two tenants mean a row written on one side
    /// can be one the other side cannot take back.
    ///
    /// ## How to fix
    /// `SET GLOBAL max_allowed_packet = 1073741824` (or at least the largest row named) on the
    /// target, and the same value on both tenants; or leave the tables with such rows out of
    /// the pair.
    pub static RULE = Rule {
        id: "tenant.max-allowed-packet",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Variables, Need::Tables],
        summary: "max_allowed_packet holds the largest in-scope rows and is equal on A and B",
        check: check,
    };
}

/// `max_allowed_packet` of `tenant`, in bytes: inconclusive when it was not reported or is not
/// a number.
fn packet(tenant: Tenant, variables: &Variables) -> Result<u64, NotEvaluated> {
    let value = variables.max_allowed_packet.as_deref();
    value
        .and_then(|value| value.trim().parse::<u64>().ok())
        .ok_or_else(|| {
            let value = value.unwrap_or("nothing");
            NotEvaluated::Inconclusive(text!(
                "max_allowed_packet of tenant {tenant} is not known (read: {value}): the tenant did not report it in information_schema.GLOBAL_VARIABLES, or the facts predate this check (collect them again); compare `SHOW GLOBAL VARIABLES LIKE 'max_allowed_packet'` by hand",
                "租户 {tenant} 的 max_allowed_packet 未知（读到：{value}）：该租户没有在 information_schema.GLOBAL_VARIABLES 中报告它，或这些事实早于本检查（请重新采集）；请手工比较 `SHOW GLOBAL VARIABLES LIKE 'max_allowed_packet'`"
            ))
        })
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = super::variables(cx)?;
    let packets = [packet(Tenant::A, a)?, packet(Tenant::B, b)?];
    let of = |tenant: Tenant| packets[tenant as usize];
    let mut findings = Vec::new();
    if packets[0] != packets[1] {
        let (pa, pb) = (packets[0], packets[1]);
        findings.push(
            Finding::new(
                Side::Pair,
                Some("max_allowed_packet".into()),
                text!(
                    "max_allowed_packet is {pa} on tenant a but {pb} on tenant b",
                    "max_allowed_packet 在租户 a 上为 {pa}，在租户 b 上却为 {pb}"
                ),
            )
            .help(text!(
                "SET GLOBAL max_allowed_packet to the same value on both tenants (the larger one)",
                "在两个租户上把 max_allowed_packet SET GLOBAL 为相同的值（取较大者）"
            )),
        );
    }
    for link in cx.plan.links() {
        let (source, target) = (link.source, link.target);
        let limit = of(target);
        let mut larger: Vec<(u64, String)> = in_scope_tables(cx.plan, &cx.tenant(source))?
            .filter(|(database, table, _)| link.covers(database, table))
            .map(|(database, table, facts)| (largest_row(facts), format!("{database}.{table}")))
            .filter(|(row, _)| *row > limit)
            .collect();
        if larger.is_empty() {
            continue;
        }
        larger.sort_by(|l, r| r.0.cmp(&l.0).then(l.1.cmp(&r.1)));
        let count = larger.len();
        let mut listed: Vec<String> = larger
            .iter()
            .take(NAMED)
            .map(|(row, table)| format!("{table} ({})", bytes(*row)))
            .collect();
        if count > NAMED {
            listed.push(format!("+{}", count - NAMED));
        }
        let (listed, shown) = (listed.join(", "), bytes(limit));
        let (name, lob) = (link.name, bytes(OMS_LOB_LIMIT));
        findings.push(
            Finding::new(
                target,
                Some("max_allowed_packet".into()),
                text!(
                    "the [{name}] link writes {count} in-scope tables of tenant {source} whose rows can be larger than max_allowed_packet = {limit} ({shown}) of tenant {target}: {listed}",
                    "[{name}]（{link}链路）写入的租户 {source} 的 {count} 张表，其行可能大于租户 {target} 的 max_allowed_packet = {limit}（{shown}）：{listed}";
                    link = link_name(name)
                ),
            )
            .help(text!(
                "SET GLOBAL max_allowed_packet on tenant {target} to at least the largest row (a LOB counts up to the {lob} OMS carries), up to 1073741824",
                "在租户 {target} 上把 max_allowed_packet SET GLOBAL 为不小于最大行的值（LOB 按 OMS 可传输的 {lob} 计算），最大 1073741824"
            ))
            .fix(vec![format!(
                "SET GLOBAL max_allowed_packet = {};",
                larger[0].0.clamp(limit, 1 << 30)
            )]),
        );
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, Facts};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn packets(a: &str, b: Option<&str>) -> Facts {
        facts(|f| {
            for (tenant, value) in [(&mut f.a, Some(a)), (&mut f.b, b)] {
                if let Fact::Observed(v) = &mut tenant.variables {
                    v.max_allowed_packet = value.map(str::to_string);
                }
            }
        })
    }

    #[test]
    fn fires_on_different_packets() {
        let findings = fire(
            &RULE,
            &plan(),
            &packets("16777216", Some("67108864")),
            Stage::Forward,
        );
        assert_eq!(
            where_(&findings),
            vec![("pair", Some("max_allowed_packet"))]
        );
    }

    #[test]
    fn fires_on_each_link_whose_target_cannot_take_a_lob_row() {
        let facts = facts(|f| {
            for tenant in [&mut f.a, &mut f.b] {
                orders_mut(tenant).columns[1].column_type = "longblob".into();
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![
                ("a", Some("max_allowed_packet")),
                ("b", Some("max_allowed_packet"))
            ]
        );
        let message = &findings[1].message;
        assert!(
            message.contains(
                "max_allowed_packet = 16777216 (16 MiB) of tenant b: app.orders (48.0 MiB)"
            ),
            "{message}"
        );
        assert_eq!(
            findings[1].fix,
            vec!["SET GLOBAL max_allowed_packet = 50331680;"]
        );
    }

    #[test]
    fn an_unreported_packet_is_inconclusive() {
        let evaluation = run(&RULE, &plan(), &packets("16777216", None), Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("tenant b is not known"));
    }

    #[test]
    fn quiet_when_rows_fit_and_packets_agree() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
