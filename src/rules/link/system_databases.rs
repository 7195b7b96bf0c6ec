use crate::rules::{Check, Ctx, Finding, Input, Severity, Side, declare_rule, link_name};
use crate::text;

/// The databases OMS refuses to migrate or synchronise (`GHANA-PCHKNP001010`).
const SYSTEM: &[&str] = &[
    "mysql",
    "oceanbase",
    "information_schema",
    "performance_schema",
    "sys",
    "__recyclebin",
];

/// The database OMS keeps its anti-loop transaction tables in.
const ANTI_LOOP: &str = "test";

declare_rule! {
    /// ## What it checks
    /// No link's scope names a system database (`mysql`, `oceanbase`, `information_schema`,
    /// `performance_schema`, `sys`, `__recyclebin`), as a database or through a table, and
    /// none names `test`, the database OMS keeps its anti-loop tables in (a warning).
    ///
    /// ## Why it matters
    /// OMS's precheck refuses a project that migrates or synchronises a system database
    /// (`GHANA-PCHKNP001010`: "数据库 {schemaName} 是系统库，禁止向系统库迁移或同步数据"), after
    /// the project has been created. `test` holds the `drc_txn*` tables that keep the two
    /// links from replaying each other's changes; OMS excludes them from sync, but user tables
    /// kept beside them share a database the links treat specially, and a grant or cleanup
    /// meant for them also reaches the anti-loop tables.
    ///
    /// ## How to fix
    /// Remove the system databases from `databases` and `tables` in the plan (and from the
    /// project in OMS), and move user tables out of `test` into a database of their own.
    pub static RULE = Rule {
        id: "link.system-databases",
        severity: Severity::Error,
        input: Input::Plan,
        summary: "no system database in scope; test, the anti-loop database, is a warning",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut seen: Vec<String> = Vec::new();
    let mut findings = Vec::new();
    for link in cx.plan.links() {
        for database in link.scope_databases() {
            let lower = database.to_ascii_lowercase();
            if seen.contains(&lower) {
                continue;
            }
            let finding = if SYSTEM.contains(&lower.as_str()) {
                Finding::new(
                    Side::Plan,
                    Some(database.clone()),
                    {
                        let name = link.name;
                        text!(
                            "the [{name}] link's scope names the system database {database}: OMS refuses to migrate or synchronise it (GHANA-PCHKNP001010)",
                            "[{name}]（{link}链路）的迁移范围包含系统库 {database}：OMS 拒绝迁移或同步它（GHANA-PCHKNP001010）";
                            link = link_name(link.name)
                        )
                    },
                )
                .help(text!(
                    "remove it from databases and tables in the plan",
                    "把它从计划的 databases 和 tables 中移除"
                ))
            } else if lower == ANTI_LOOP {
                Finding::new(
                    Side::Plan,
                    Some(database.clone()),
                    {
                        let name = link.name;
                        text!(
                            "the [{name}] link's scope names {database}, the database OMS keeps its anti-loop tables (drc_txn*) in",
                            "[{name}]（{link}链路）的迁移范围包含 {database}，OMS 把防回环表（drc_txn*）放在这个库中";
                            link = link_name(link.name)
                        )
                    },
                )
                .help(text!(
                    "move the user tables out of test into a database of their own",
                    "把业务表从 test 库移到单独的数据库中"
                ))
                .severity(Severity::Warning)
            } else {
                continue;
            };
            seen.push(lower);
            let span = if link.scope_declared {
                Some(link.span.clone())
            } else {
                Some(cx.plan.forward.span.clone())
            };
            findings.push(finding.at(span));
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::{Severity, Stage, testing::*};

    #[test]
    fn fires_on_system_databases_and_warns_on_test() {
        let plan = plan_edited(
            "databases = [\"app\"]",
            "databases = [\"app\", \"mysql\", \"test\"]\ntables = [\"oceanbase.__all_table\"]",
        );
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![
                ("plan", Some("mysql")),
                ("plan", Some("oceanbase")),
                ("plan", Some("test"))
            ]
        );
        assert_eq!(findings[2].severity, Some(Severity::Warning));
        assert!(findings[0].message.contains("GHANA-PCHKNP001010"));
    }

    #[test]
    fn quiet_on_user_databases() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
