use crate::plan::LinkPlan;
use crate::rules::conn::same_tenant::named;
use crate::rules::scope::Object;
use crate::rules::{Check, Ctx, Finding, Input, Severity, Side, declare_rule, link_name};
use crate::text;

/// The longest white list OMS accepts, in characters: "64K" in the precheck item's title, taken
/// as 64 × 1024 (OMS says no more).
pub const LIMIT: usize = 64 * 1024;

/// The longest tenant name OceanBase allows (`OB_MAX_TENANT_NAME_LENGTH`, `ob_define.h`): the
/// length assumed when the plan does not name the source tenant.
const LONGEST_TENANT_NAME: usize = 64;

declare_rule! {
    /// ## What it checks
    /// The object selection of each link's project, written as OMS writes an OceanBase
    /// store's white list, is at most 64 K (65,536) characters long. The list is rendered from
    /// the plan: one entry per selected database (`tenant.database.*`) and per table outside
    /// those (`tenant.database.table`), joined by `|`, the tenant being the link's source. Its
    /// name is the plan's `tenant = "..."`, or the one in an ODP user (`user@tenant#cluster`);
    /// when the plan names neither, the list is measured with the shortest and the longest
    /// tenant name OceanBase allows (1 and 64 characters): an error when even the shortest
    /// exceeds the limit, a warning when only the longest does.
    ///
    /// This is OMS's precheck item `DB_WHITE_LIST_LENGTH` (白名单 64K 长度限制检查), which
    /// fails with `GHANA-PCHKNP002020` "The whitelist is too long". The white list's format is
    /// that of the `tb_white_list` parameter of an OceanBase store (*Parameters of an OceanBase
    /// store* in the OMS documentation: `租户名.库名.表名`, e.g. `mytenant1.db1.tb1|mytenant2.db2.*`).
    /// Which string OMS's precheck measures exactly, and whether 64 K means 65,536 or 64,000,
    /// OMS does not document: this rule measures that list against 65,536.
    ///
    /// ## Why it matters
    /// A project that selects thousands of tables one by one (`tables = [...]` in table mode)
    /// is created, then refused at its precheck; the reverse project, built from the same
    /// list, meets the same refusal later.
    ///
    /// ## How to fix
    /// Select whole databases (`databases = [...]`) where every table of a database moves, or
    /// split the tables across projects; in OMS, select objects with matching rules instead of
    /// one by one, as the error's own solution says.
    pub static RULE = Rule {
        id: "plan.white-list-length",
        severity: Severity::Error,
        input: Input::Plan,
        summary: "each project's object white list fits OMS's 64 K characters",
        check: check,
    };
}

/// The length of `link`'s white list with a source tenant name of `tenant_name` characters.
pub fn length(link: &LinkPlan, tenant_name: usize) -> usize {
    let objects = Object::scope(link);
    let names: usize = objects
        .iter()
        .map(|object| match object {
            Object::Database(database) => database.chars().count() + ".*".len(),
            Object::Table(database, table) => database.chars().count() + 1 + table.chars().count(),
        })
        .sum();
    // Each entry is `tenant.` and its name; the entries are joined by `|`.
    names + objects.len() * (tenant_name + 1) + objects.len().saturating_sub(1)
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    let mut projects = Vec::new();
    for link in cx.plan.links() {
        // A single project's two links are one project, whose list is each of theirs.
        let source = cx.plan.tenant(link.source);
        let entries = Object::scope(link).len();
        let project = &link.project;
        let name = link.name;
        let finding = match named(source).0 {
            Some(tenant) => {
                let long = length(link, tenant.chars().count());
                if long <= LIMIT {
                    continue;
                }
                Finding::new(
                    Side::Plan,
                    Some(project.clone()),
                    text!(
                        "the [{name}] link's project {project} selects {entries} objects: its white list (tenant {tenant}) is {long} characters, more than the 64 K ({LIMIT}) OMS accepts (GHANA-PCHKNP002020)",
                        "[{name}]（{link}链路）的项目 {project} 选择了 {entries} 个对象：其白名单（租户 {tenant}）长 {long} 个字符，超过 OMS 接受的 64K（{LIMIT}）（GHANA-PCHKNP002020）";
                        link = link_name(name)
                    ),
                )
            }
            None => {
                let (short, long) = (length(link, 1), length(link, LONGEST_TENANT_NAME));
                if long <= LIMIT {
                    continue;
                }
                let finding = Finding::new(
                    Side::Plan,
                    Some(project.clone()),
                    text!(
                        "the [{name}] link's project {project} selects {entries} objects: its white list is {short} to {long} characters, depending on the length of the source tenant's name, which the plan does not give; OMS accepts 64 K ({LIMIT}) (GHANA-PCHKNP002020)",
                        "[{name}]（{link}链路）的项目 {project} 选择了 {entries} 个对象：其白名单长 {short} 到 {long} 个字符，取决于源端租户名的长度，而计划中没有给出租户名；OMS 接受 64K（{LIMIT}）（GHANA-PCHKNP002020）";
                        link = link_name(name)
                    ),
                );
                if short > LIMIT {
                    finding
                } else {
                    finding.severity(Severity::Warning)
                }
            }
        };
        // One project in a single-project pair: said once.
        if projects.contains(project) {
            continue;
        }
        projects.push(project.clone());
        findings.push(
            finding
                .help(text!(
                    "select whole databases with databases = [...], or split the tables across projects; name the tenant (tenant = \"...\") to measure the list exactly",
                    "用 databases = [...] 选择整个库，或把这些表分到多个项目中；指定租户（tenant = \"...\"）以便精确计算白名单长度"
                ))
                .at(Some(link.span.clone())),
        );
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::{LIMIT, RULE, length};
    use crate::rules::{Severity, Stage, testing::*};

    /// The test plan with `count` tables of `app2` selected one by one on the forward link.
    fn tables(count: usize, tenant: Option<&str>) -> crate::plan::Plan {
        let list: Vec<String> = (0..count)
            .map(|n| format!("\"app2.table_with_a_long_name_{n:05}\""))
            .collect();
        let mut text = PLAN.replace(
            "databases = [\"app\"]\n",
            &format!("databases = [\"app\"]\ntables = [{}]\n", list.join(", ")),
        );
        if let Some(tenant) = tenant {
            text = text.replace(
                "user = \"oms_a\"\n",
                &format!("user = \"oms_a\"\ntenant = \"{tenant}\"\n"),
            );
        }
        plan_from(&text)
    }

    #[test]
    fn the_list_is_measured_as_oms_writes_it() {
        let plan = tables(2, Some("t1"));
        // t1.app.*|t1.app2.table_with_a_long_name_00000|t1.app2.table_with_a_long_name_00001
        assert_eq!(length(&plan.forward, 2), 8 + 1 + 36 + 1 + 36);
    }

    #[test]
    fn fires_on_thousands_of_tables_with_the_tenant_named() {
        let plan = tables(2_000, Some("tenant_a"));
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        // The reverse project mirrors the forward one's scope, from B, whose name is not given.
        assert_eq!(
            where_(&findings),
            vec![("plan", Some("dr_a_to_b")), ("plan", Some("dr_b_to_a"))]
        );
        assert!(
            findings[0].message.contains("2001 objects")
                && findings[0].message.contains("(tenant tenant_a) is 86014")
                && findings[0].message.contains(&LIMIT.to_string()),
            "{}",
            findings[0].message
        );
        assert_eq!(findings[0].severity, None);
    }

    #[test]
    fn an_unnamed_tenant_gives_bounds_and_a_warning_when_only_the_longest_name_exceeds() {
        // 1,700 tables: 61,207 characters with a 1-character name, 168,400 with 64.
        let plan = tables(1_700, None);
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(findings[0].severity, Some(Severity::Warning));
        assert!(findings[0].message.contains("depending on the length"));
        let plan = tables(3_000, None);
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(findings[0].severity, None);
    }

    #[test]
    fn quiet_for_databases_and_short_lists() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_clean(&RULE, &tables(100, None), &healthy(), Stage::Forward);
    }
}
