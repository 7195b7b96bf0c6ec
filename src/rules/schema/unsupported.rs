use super::require_visible_scope;
use crate::facts::Tenant;
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, declare_rule};

declare_rule! {
    /// ## What it checks
    /// The in-scope objects on both tenants hold nothing incremental sync does not carry:
    /// generated columns (`VIRTUAL` or `STORED`) and views in the in-scope databases.
    ///
    /// ## Why it matters
    /// OMS migrates table rows. Generated columns are excluded from what it reads and writes
    /// (the target computes them, and a differing expression gives different values); views
    /// are not replicated by incremental sync, so a view changed on one tenant silently
    /// differs on the other.
    ///
    /// ## How to fix
    /// Keep the generation expressions identical on both tenants and create or change views
    /// on both tenants yourself (or move the logic into the application).
    pub static RULE = Rule {
        id: "schema.unsupported",
        severity: Severity::Warning,
        stages: &[],
        topologies: &[],
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Views, Need::Grants],
        optional: &[],
        waivable: true,
        compares_sides: false,
        summary: "no generated columns or views that incremental sync does not carry",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let scope = cx.plan.scope_databases();
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        for (database, table, facts) in in_scope_tables(cx.plan, &cx.tenant(tenant))? {
            for column in &facts.columns {
                if let Some(kind) = &column.generated {
                    findings.push(
                        Finding::new(
                            tenant,
                            Some(format!("{database}.{table}.{}", column.name)),
                            format!("column {database}.{table}.{} on tenant {tenant} is generated ({kind}); OMS does not sync it", column.name),
                        )
                        .help("keep the generation expression identical on both tenants"),
                    );
                }
            }
        }
        for view in cx.tenant(tenant).views()? {
            let database = view.split('.').next().unwrap_or_default();
            if scope.iter().any(|d| d.eq_ignore_ascii_case(database)) {
                findings.push(
                    Finding::new(
                        tenant,
                        Some(view.clone()),
                        format!(
                            "view {view} on tenant {tenant} is not carried by incremental sync"
                        ),
                    )
                    .help("create and change the view on both tenants yourself"),
                );
            }
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_generated_columns_and_views() {
        let facts = facts(|f| {
            orders_mut(&mut f.a).columns[1].generated = Some("VIRTUAL".into());
            f.b.views = Fact::Observed(vec!["app.open_orders".into(), "other.v".into()]);
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![
                ("a", Some("app.orders.note")),
                ("b", Some("app.open_orders"))
            ]
        );
    }

    #[test]
    fn quiet_otherwise() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
