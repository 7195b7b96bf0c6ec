use crate::facts::Emptiness;
use crate::rules::schema::{cannot_list, unlisted};
use crate::rules::{
    Check, Ctx, Finding, Input, MissingKind, Need, NotEvaluated, Severity, Stage, Text,
    declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Before the forward project is created: every in-scope table that already exists on the
    /// forward link's target (B) is empty. Emptiness is not read from `TABLE_ROWS`, which
    /// OceanBase fills in only when statistics are gathered. The tablet manager
    /// (`oceanbase.__all_virtual_table_mgr`) decides first: a table whose every tablet shows no
    /// data memtable, no data block in a minor or mini sstable and an empty major sstable is
    /// empty, exactly, without a statement naming it (naming a table makes the kernel load its
    /// schema, ~10 ms a table cold). Every other table is probed (`SELECT ... FROM t LIMIT 1`, a
    /// hundred tables a statement), and the probe is the judge: a row deleted or an insert
    /// rolled back leaves a memtable, so the table is probed and found empty. Probing stops
    /// once 100 tables with rows are found: those are named, and one more finding says how many
    /// more hold rows or may. The tablet manager lists every tablet of the tenant, and a cold
    /// kernel loads each one it has not loaded yet to list it (about 1 ms a tablet): when the
    /// tenant has more than 5,000 tablets and more than five per table to decide, probing costs
    /// less, and every table is probed. When the tablet manager is not used that way, or cannot
    /// be read, the report says why (`endpoints.b.emptiness`). The tables considered are those the
    /// kernel's inner tables name, visible to the migration user or not; when the inner tables
    /// cannot be read, those information_schema lists, and then the rule is inconclusive where
    /// the user holds no privilege that lets it list a target database's tables. A table the
    /// user cannot read rows of leaves the rule inconclusive with the server's error.
    ///
    /// ## Why it matters
    /// Full migration copies A's rows into B. Rows already in B's tables collide with them on
    /// keys (the project stops) or stay next to them as rows A never had; OMS refuses
    /// non-empty targets unless told to allow them.
    ///
    /// ## How to fix
    /// Empty the target tables (or drop them and let schema migration create them) before
    /// starting the forward project, or confirm the rows are meant to be there and allow a
    /// non-empty target in OMS. When the rule is inconclusive, grant the migration user SELECT
    /// on the target databases and on `oceanbase`.*, as OMS requires.
    pub static RULE = Rule {
        id: "schema.target-empty",
        severity: Severity::Warning,
        stages: &[Stage::Forward],
        input: Input::Tenants,
        needs: &[Need::Tables],
        optional: &[Need::Rows, Need::Grants],
        summary: "in-scope target tables on B are absent or empty",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let target = cx.plan.forward.target;
    let on = cx.tenant(target);
    // The reason names the rows, not "table rows": they are probed, not read from statistics.
    let rows = on.rows().map_err(|missing| match missing.kind {
        MissingKind::Unavailable => {
            NotEvaluated::Inconclusive(text!(
                "rows of tenant {target} unavailable: {cause}; the migration user needs SELECT on the target tables",
                "租户 {target} 的表行数据不可用：{cause}；迁移用户需要目标表的 SELECT 权限";
                cause = missing.cause
            ))
        }
        _ => missing.into(),
    })?;
    if !on.rows_probed_every_table()? {
        // Only the tables information_schema listed were probed: one the user cannot list
        // may hold rows all the same.
        let unseen = unlisted(cx, target, &[&cx.plan.forward])?;
        if !unseen.is_empty() {
            let why: Vec<Text> = unseen
                .iter()
                .map(|name| cannot_list(cx, target, name))
                .collect();
            return Err(NotEvaluated::Inconclusive(text!(
                "only the tables the migration user can list were probed for rows: {why}; grant SELECT on the target databases, or on `oceanbase`.* so the inner tables name every table (read unless --catalog information-schema is given)",
                "只探测了迁移用户能列出的表中是否有行：{why}；请授予目标库的 SELECT 权限，或授予 `oceanbase`.* 的 SELECT 权限，使内部表列出每张表（除非指定 --catalog information-schema，否则会读取内部表）";
                why = Text::join(&why, "; ", "；")
            )));
        }
    }
    let mut findings: Vec<Finding> = rows
        .iter()
        .map(|table| {
            Finding::new(
                target,
                Some(table.clone()),
                text!(
                    "table {table} on tenant {target} already holds rows",
                    "租户 {target} 上的表 {table} 中已有数据行"
                ),
            )
            .help(text!(
                "empty it before full migration copies tenant a's rows into it, or allow a non-empty target in OMS on purpose",
                "在全量迁移把租户 a 的行复制进来之前清空它，或有意在 OMS 中允许非空的目标端"
            ))
        })
        .collect();
    if let Some(more) = more_than_listed(on.emptiness(), rows.len(), target) {
        findings.push(more);
    }
    Ok(findings)
}

/// One finding for the tables with rows beyond those named: how many were found, and how many
/// were left unprobed once enough were (any of them may hold rows).
fn more_than_listed(
    emptiness: Option<&Emptiness>,
    named: usize,
    target: crate::facts::Tenant,
) -> Option<Finding> {
    let emptiness = emptiness?;
    let more = emptiness.non_empty.saturating_sub(named);
    let unprobed = emptiness.not_probed;
    if more == 0 && unprobed == 0 {
        return None;
    }
    let said = if unprobed == 0 {
        text!(
            "{more} more tables on tenant {target} hold rows (only the first {named} are named)",
            "租户 {target} 上还有 {more} 张表中有数据行（只列出了前 {named} 张）"
        )
    } else {
        text!(
            "at least {more} more tables on tenant {target} hold rows; probing stopped after {named} were found, {unprobed} tables not probed may hold rows too",
            "租户 {target} 上至少还有 {more} 张表中有数据行；找到 {named} 张后停止探测，未探测的 {unprobed} 张表也可能有数据行"
        )
    };
    Some(Finding::new(target, None, said).help(text!(
        "empty the tables (or drop them and let schema migration create them) and run the check again to see the rest",
        "清空这些表（或删除它们，由结构迁移重新创建），再次运行检查以查看其余的表"
    )))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{CatalogSource, Emptiness, Fact};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_a_target_table_with_rows() {
        let facts = facts(|f| f.b.rows = Fact::Observed(["app.orders".to_string()].into()));
        assert_eq!(
            where_(&fire(&RULE, &plan(), &facts, Stage::Forward)),
            vec![("b", Some("app.orders"))]
        );
    }

    /// Beyond the tables named, one finding without an object counts the rest: exactly when
    /// every table was probed, "at least" when probing stopped.
    #[test]
    fn the_tables_with_rows_beyond_those_named_are_counted() {
        let counted = |non_empty, not_probed| {
            facts(move |f| {
                f.b.rows = Fact::Observed(["app.orders".to_string()].into());
                f.b.emptiness = Some(Emptiness {
                    tables: 500,
                    decided_by_dictionary: 100,
                    probed: 400 - not_probed,
                    non_empty,
                    not_probed,
                    dictionary_unavailable: None,
                });
            })
        };
        let messages = |facts: crate::facts::Facts| -> Vec<(Option<String>, String)> {
            fire(&RULE, &plan(), &facts, Stage::Forward)
                .into_iter()
                .map(|f| (f.object, f.message.en().to_string()))
                .collect()
        };
        assert_eq!(messages(counted(1, 0)).len(), 1);
        let more = |findings: Vec<(Option<String>, String)>| -> Vec<String> {
            assert_eq!(findings.len(), 2, "{findings:?}");
            findings
                .into_iter()
                .filter(|(object, _)| object.is_none())
                .map(|(_, message)| message)
                .collect()
        };
        let exact = more(messages(counted(3, 0)));
        assert!(
            exact[0].starts_with("2 more tables on tenant b hold rows"),
            "{exact:?}"
        );
        let stopped = more(messages(counted(3, 200)));
        assert!(
            stopped[0].starts_with("at least 2 more tables on tenant b hold rows")
                && stopped[0].contains("200 tables not probed"),
            "{stopped:?}"
        );
    }

    #[test]
    fn quiet_on_empty_targets_and_inconclusive_without_the_probe() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        let unprobed = facts(|f| {
            f.b.rows = Fact::unavailable(crate::i18n::Text::english(
                "ERROR 1142 (42000): SELECT command denied",
            ))
        });
        let evaluation = run(&RULE, &plan(), &unprobed, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(
            evaluation
                .reason
                .unwrap()
                .contains("needs SELECT on the target tables")
        );
    }

    /// A user with no privilege on `app` sees none of its tables in information_schema: an
    /// empty probe over what it listed says nothing about them.
    #[test]
    fn a_probe_over_listed_tables_is_inconclusive_where_the_user_cannot_list() {
        let blind = |probed_from| {
            facts(move |f| {
                f.b.grants = Fact::Observed(grants(&["GRANT SELECT ON `oceanbase`.* TO 'oms_b'"]));
                f.b.tables = Fact::Observed(Default::default());
                f.b.probed_tables_from = probed_from;
            })
        };
        for probed_from in [None, Some(CatalogSource::InformationSchema)] {
            let evaluation = run(&RULE, &plan(), &blind(probed_from), Stage::Forward);
            assert_eq!(evaluation.status, Status::Inconclusive, "{probed_from:?}");
            let reason = evaluation.reason.unwrap();
            assert!(
                reason.contains("oms_b holds no privilege on app"),
                "{reason}"
            );
        }
        // The inner tables named every table, and the probe found them empty.
        assert_clean(
            &RULE,
            &plan(),
            &blind(Some(CatalogSource::InnerTables)),
            Stage::Forward,
        );
    }
}
