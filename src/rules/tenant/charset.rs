use crate::facts::Tenant;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Tenants A and B have the same `character_set_server` and `collation_server`, and every
    /// in-scope database that exists on both has the same default character set and collation.
    ///
    /// ## Why it matters
    /// Each tenant is the target of the other link. Rows written in one character set or
    /// collation and replayed into another can be converted lossily, compare differently
    /// (`utf8mb4_bin` against `utf8mb4_general_ci` decides what a duplicate key is), and tables
    /// created by schema migration or synced DDL inherit the target database's defaults.
    ///
    /// ## How to fix
    /// Align the tenant variables (`SET GLOBAL character_set_server = ...`,
    /// `SET GLOBAL collation_server = ...`) and the databases' defaults
    /// (`ALTER DATABASE db DEFAULT CHARACTER SET ... COLLATE ...`) before building the pair.
    pub static RULE = Rule {
        id: "tenant.charset",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Variables, Need::Databases],
        compares_sides: true,
        summary: "character_set_server, collation_server and in-scope database charsets are equal",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = super::variables(cx)?;
    let mut findings = Vec::new();
    let variables: [(&str, super::Get); 2] = [
        ("character_set_server", |v| &v.character_set_server),
        ("collation_server", |v| &v.collation_server),
    ];
    for (name, get) in variables {
        let (va, vb) = super::reported(name, a, b, get)?;
        if let Some(finding) = super::differs(name, va, vb) {
            findings.push(finding.help(text!(
                "set {name} to the same value on both tenants",
                "把两个租户上的 {name} 设为相同的值"
            )));
        }
    }
    let (on_a, on_b) = (
        cx.tenant(Tenant::A).databases()?,
        cx.tenant(Tenant::B).databases()?,
    );
    for database in cx.plan.scope_databases() {
        let find = |all: &'_ std::collections::BTreeMap<String, crate::facts::Database>| {
            all.iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&database))
                .map(|(_, db)| db.clone())
        };
        let (Some(da), Some(db)) = (find(on_a), find(on_b)) else {
            continue;
        };
        if da != db {
            findings.push(
                Finding::new(
                    Side::Pair,
                    Some(database.clone()),
                    text!(
                        "database {database} defaults to {} / {} on tenant a but {} / {} on tenant b",
                        "数据库 {database} 的默认字符集/排序规则在租户 a 上为 {} / {}，在租户 b 上却为 {} / {}",
                        da.charset, da.collation, db.charset, db.collation
                    ),
                )
                .help(text!(
                    "ALTER DATABASE {} DEFAULT CHARACTER SET {} COLLATE {} on the tenant that differs",
                    "在不一致的租户上执行 ALTER DATABASE {} DEFAULT CHARACTER SET {} COLLATE {}",
                    crate::rules::quote_identifier(&database),
                    da.charset,
                    da.collation
                )),
            );
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
    fn fires_on_a_different_server_collation_and_database_collation() {
        let facts = facts(|f| {
            if let Fact::Observed(v) = &mut f.b.variables {
                v.collation_server = Some("utf8mb4_bin".into());
            }
            if let Fact::Observed(dbs) = &mut f.b.databases {
                dbs.get_mut("app").unwrap().collation = "utf8mb4_bin".into();
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![("pair", Some("app")), ("pair", Some("collation_server"))]
        );
    }

    #[test]
    fn quiet_when_equal_and_on_a_tenant_with_itself() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
