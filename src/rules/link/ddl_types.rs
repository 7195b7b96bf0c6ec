use crate::plan::DdlSync;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};
use crate::text;

/// DDL OMS syncs between OceanBase MySQL tenants (the OMS documentation on DDL synchronisation
/// between OceanBase tenants), in the names DDL types are given in plans and in
/// `supportDDLTypes`.
pub const SUPPORTED: &[&str] = &[
    "CREATE_TABLE",
    "DROP_TABLE",
    "TRUNCATE_TABLE",
    "RENAME_TABLE",
    "ADD_COLUMN",
    "MODIFY_COLUMN",
    "DROP_COLUMN",
    "ALTER_COLUMN_DEFAULT",
    "CREATE_INDEX",
    "DROP_INDEX",
];

declare_rule! {
    /// ## What it checks
    /// The DDL types a link syncs (a list in `ddl_sync`, or a live project's
    /// `supportDDLTypes`) are among those OMS syncs between OceanBase MySQL tenants:
    /// CREATE_TABLE, DROP_TABLE, TRUNCATE_TABLE, RENAME_TABLE, ADD_COLUMN, MODIFY_COLUMN,
    /// DROP_COLUMN, ALTER_COLUMN_DEFAULT, CREATE_INDEX and DROP_INDEX.
    ///
    /// ## Why it matters
    /// OMS ignores other DDL (or stops on it): a schema change of another kind made on the
    /// source never reaches the target, and the next rows written against the changed schema
    /// fail to apply.
    ///
    /// ## How to fix
    /// Remove the unsupported types from `ddl_sync`, and make such schema changes on both
    /// tenants by hand, in a window without writes.
    pub static RULE = Rule {
        id: "link.ddl-types",
        severity: Severity::Warning,
        input: Input::Plan,
        optional: &[Need::OmsForward, Need::OmsReverse],
        summary: "the DDL types chosen are ones OMS syncs between OB tenants",
        check: check,
    };
}

fn unsupported<'t>(types: impl IntoIterator<Item = &'t String>) -> Vec<&'t str> {
    types
        .into_iter()
        .map(String::as_str)
        // "DDL" marks DDL sync switched on through recordTypeWhiteList, without a type list.
        .filter(|t| *t != "DDL" && !SUPPORTED.iter().any(|s| s.eq_ignore_ascii_case(t)))
        .collect()
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut findings = Vec::new();
    for link in cx.plan.links() {
        if let DdlSync::Types(types) = &link.ddl_sync {
            let bad = unsupported(types);
            if !bad.is_empty() {
                findings.push(
                    Finding::new(
                        Side::Plan,
                        Some(link.project.clone()),
                        text!(
                            "[{}] ddl_sync lists DDL OMS does not sync between OceanBase tenants: {}",
                            "[{}] 的 ddl_sync 列出了 OMS 不在 OceanBase 租户之间同步的 DDL：{}",
                            link.name,
                            bad.join(", ")
                        ),
                    )
                    .help(text!(
                        "keep only {}",
                        "只保留 {}",
                        SUPPORTED.join(", ")
                    ))
                    .at(link.ddl_sync_span.clone()),
                );
            }
        }
    }
    {
        let live = [cx.oms_forward(), cx.oms_reverse()];
        for project in live
            .into_iter()
            .filter_map(|project| project.ok().flatten())
        {
            let bad = unsupported(project.ddl_sync.iter().chain(&project.reverse_ddl_sync));
            if !bad.is_empty() {
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(project.name.clone()),
                        text!(
                            "live project {} syncs DDL types OMS does not support between OceanBase tenants: {}",
                            "运行中的项目 {} 同步了 OMS 不支持在 OceanBase 租户之间同步的 DDL 类型：{}",
                            project.name,
                            bad.join(", ")
                        ),
                    )
                    .help(text!(
                        "remove them from the project's DDL settings",
                        "从该项目的 DDL 同步设置中移除它们"
                    )),
                );
            }
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_an_unsupported_type() {
        let plan = plan_edited(
            "ddl_sync = true",
            "ddl_sync = [\"CREATE_TABLE\", \"CREATE_VIEW\"]",
        );
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(where_(&findings), vec![("plan", Some("dr_a_to_b"))]);
        assert!(findings[0].message.ends_with(": CREATE_VIEW"));
    }

    #[test]
    fn quiet_on_supported_types_and_on_a_plain_switch() {
        assert_clean(
            &RULE,
            &plan_edited(
                "ddl_sync = true",
                "ddl_sync = [\"add_column\", \"DROP_INDEX\"]",
            ),
            &healthy(),
            Stage::Forward,
        );
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Reverse);
    }
}
