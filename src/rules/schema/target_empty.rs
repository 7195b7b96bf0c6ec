use crate::rules::{
    Check, Ctx, Finding, Input, MissingKind, Need, NotEvaluated, Severity, Stage, declare_rule,
};

declare_rule! {
    /// ## What it checks
    /// Before the forward project is created: every in-scope table that already exists on the
    /// forward link's target (B) is empty. Emptiness is probed with one statement
    /// (`EXISTS(SELECT 1 FROM t)` for each table), not read from `TABLE_ROWS`, which OceanBase
    /// fills in only when statistics are gathered.
    ///
    /// ## Why it matters
    /// Full migration copies A's rows into B. Rows already in B's tables collide with them on
    /// keys (the project stops) or stay next to them as rows A never had; OMS refuses
    /// non-empty targets unless told to allow them.
    ///
    /// ## How to fix
    /// Empty the target tables (or drop them and let schema migration create them) before
    /// starting the forward project, or confirm the rows are meant to be there and allow a
    /// non-empty target in OMS.
    pub static RULE = Rule {
        id: "schema.target-empty",
        severity: Severity::Warning,
        stage: Some(Stage::Forward),
        input: Input::Tenants,
        needs: &[Need::Tables],
        optional: &[Need::Rows],
        waivable: true,
        compares_sides: false,
        summary: "in-scope target tables on B are absent or empty",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let target = cx.plan.forward.target;
    // The reason names the rows, not "table rows": they are probed, not read from statistics.
    let rows = cx
        .tenant(target)
        .rows()
        .map_err(|missing| match missing.kind {
            MissingKind::Unavailable => NotEvaluated::Inconclusive(format!(
                "rows of tenant {target} unavailable: {}",
                missing.cause
            )),
            _ => missing.into(),
        })?;
    Ok(rows
        .iter()
        .map(|table| {
            Finding::new(target, Some(table.clone()), format!("table {table} on tenant {target} already holds rows"))
                .help("empty it before full migration copies tenant a's rows into it, or allow a non-empty target in OMS on purpose")
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
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

    #[test]
    fn quiet_on_empty_targets_and_inconclusive_without_the_probe() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        let unprobed = facts(|f| f.b.rows = Fact::unavailable("ERROR 1142"));
        assert_eq!(
            run(&RULE, &plan(), &unprobed, Stage::Forward).status,
            Status::Inconclusive
        );
    }
}
