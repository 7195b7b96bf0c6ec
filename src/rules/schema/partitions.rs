use super::{name_list, require_visible_scope};
use crate::facts::{Partitioning, Tenant};
use crate::rules::scope::in_scope_tables;
use crate::rules::{Check, Ctx, Finding, Input, Need, Severity, Side, Stage, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Once the forward project has created the tables on B (the reverse and running stages):
    /// every in-scope table that exists on both tenants is partitioned the same way on A and
    /// on B — the same method and expression (and subpartitioning), and the same partitions
    /// with the same bounds, in the same order. Every in-scope RANGE or LIST partitioned table
    /// is also named with a warning: its partitions are maintained by hand, and OMS does not
    /// carry that maintenance.
    ///
    /// ## Why it matters
    /// A row whose partition key falls in a partition one tenant lacks cannot be written
    /// there: OMS's incremental step stops with `CONNECTOR-SIOO00014400` ("inserted partition
    /// key does not map to any partition", 目标端表少分区), and in active-active either
    /// tenant may be the one missing it. `ADD`, `DROP` and `TRUNCATE PARTITION` are not in the
    /// DDL OMS syncs between OceanBase tenants (OMS documentation, "DDL synchronization from
    /// OceanBase MySQL to OceanBase MySQL"), so a partition added on one tenant — by hand or
    /// by a partition-management job — is never added on the other.
    ///
    /// ## How to fix
    /// Alter the table on the tenant that differs (`ALTER TABLE ... ADD PARTITION`,
    /// `REORGANIZE PARTITION`) until both show the same partitions, and run partition
    /// maintenance on both tenants at the same time, ahead of the data that needs it.
    pub static RULE = Rule {
        id: "schema.partitions",
        severity: Severity::Error,
        stages: &[Stage::Reverse, Stage::Running],
        input: Input::Tenants,
        needs: &[Need::Tables, Need::Partitions, Need::Grants],
        // The maintenance warning is about each tenant alone, so a tenant compared with
        // itself may still be named; the comparison itself finds nothing there (tested).
        summary: "partitioning is equal on A and B; RANGE and LIST partition maintenance is not synced",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    require_visible_scope(cx)?;
    let (a, b) = (cx.tenant(Tenant::A), cx.tenant(Tenant::B));
    let mut findings = Vec::new();
    for (database, name, _) in in_scope_tables(cx.plan, &a)? {
        if b.table(database, name)?.is_none() {
            // A table missing on B is schema.forward-complete's finding.
            continue;
        }
        let object = format!("{database}.{name}");
        let (on_a, on_b) = (
            a.partitioning(database, name)?,
            b.partitioning(database, name)?,
        );
        findings.extend(differences(&object, on_a, on_b));
        if let Some(maintained) = [on_a, on_b]
            .into_iter()
            .flatten()
            .find(|p| p.is_maintained())
        {
            findings.push(
                Finding::new(
                    Side::Pair,
                    Some(object.clone()),
                    text!(
                        "{object} is partitioned by {}: partitions added, dropped or truncated on one tenant are not synced to the other",
                        "{object} 按 {} 分区：在一个租户上新增、删除或清空的分区不会同步到另一个租户",
                        maintained.method
                    ),
                )
                .help(text!(
                    "run partition maintenance on both tenants, ahead of the data that needs it",
                    "在两个租户上同时执行分区维护，且要早于需要这些分区的数据到达"
                ))
                .severity(Severity::Warning),
            );
        }
    }
    Ok(findings)
}

/// What differs between `object`'s partitioning on A and on B: one finding per tenant that
/// lacks something.
fn differences(
    object: &str,
    on_a: Option<&Partitioning>,
    on_b: Option<&Partitioning>,
) -> Vec<Finding> {
    let fix = |tenant: Tenant| {
        text!(
            "alter {object} on tenant {tenant} to the partitioning of tenant {}",
            "修改租户 {tenant} 上的 {object}，使其分区方式与租户 {} 一致",
            tenant.other()
        )
    };
    let describe = |p: Option<&Partitioning>| match p {
        Some(p) => text!("partitioned by {}", "按 {} 分区", p.describe()),
        None => text!("not partitioned", "未分区"),
    };
    let same_scheme = match (on_a, on_b) {
        (None, None) => return vec![],
        (Some(a), Some(b)) => {
            a.method.eq_ignore_ascii_case(&b.method)
                && normalized(&a.expression) == normalized(&b.expression)
                && a.subpartitioning
                    .as_ref()
                    .map(|(m, e)| (m.to_ascii_uppercase(), normalized(e)))
                    == b.subpartitioning
                        .as_ref()
                        .map(|(m, e)| (m.to_ascii_uppercase(), normalized(e)))
        }
        _ => false,
    };
    if !same_scheme {
        return vec![
            Finding::new(
                Tenant::B,
                Some(object.to_string()),
                text!(
                    "{object} is {on_a} on tenant a but {on_b} on tenant b",
                    "{object} 在租户 a 上{on_a}，在租户 b 上却{on_b}";
                    on_a = describe(on_a),
                    on_b = describe(on_b)
                ),
            )
            .help(fix(Tenant::B)),
        ];
    }
    let (Some(a), Some(b)) = (on_a, on_b) else {
        return vec![];
    };
    let mut findings = Vec::new();
    for (tenant, have, other) in [(Tenant::B, a, b), (Tenant::A, b, a)] {
        let missing: Vec<String> = have
            .partitions
            .iter()
            .filter(|partition| {
                !other.partitions.iter().any(|p| {
                    p.name.eq_ignore_ascii_case(&partition.name)
                        && p.bound.as_deref().map(normalized)
                            == partition.bound.as_deref().map(normalized)
                })
            })
            .map(|partition| match &partition.bound {
                Some(bound) => format!("{} ({bound})", partition.name),
                None => partition.name.clone(),
            })
            .collect();
        if !missing.is_empty() {
            let severity_note = if have.is_maintained() {
                text!(
                    "rows in them cannot be written there",
                    "落在其中的行无法写入该租户"
                )
            } else {
                text!(
                    "the tables hash rows to different partitions",
                    "两端的表会把行散列到不同的分区"
                )
            };
            let (plural, other) = (if missing.len() == 1 { "" } else { "s" }, tenant.other());
            findings.push(
                Finding::new(
                    tenant,
                    Some(object.to_string()),
                    text!(
                        "{object} on tenant {tenant} lacks partition{plural} {missing} that tenant {other} has: {severity_note}",
                        "租户 {tenant} 上的 {object} 缺少租户 {other} 上有的分区 {missing}：{severity_note}";
                        missing = name_list(&missing),
                        severity_note = severity_note
                    ),
                )
                .help(fix(tenant)),
            );
        }
    }
    if findings.is_empty() && a.partitions.len() == b.partitions.len() {
        let order = |p: &Partitioning| -> Vec<String> {
            p.partitions
                .iter()
                .map(|p| p.name.to_ascii_lowercase())
                .collect()
        };
        if order(a) != order(b) {
            findings.push(
                Finding::new(
                    Tenant::B,
                    Some(object.to_string()),
                    text!(
                        "{object} has the same partitions on both tenants but in another order",
                        "{object} 在两个租户上的分区相同，但顺序不同"
                    ),
                )
                .help(fix(Tenant::B)),
            );
        }
    }
    findings
}

/// Text compared without case, backticks or spaces.
fn normalized(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '`' && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, Facts, Partition, Partitioning, TenantFacts};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    fn by_range(partitions: &[(&str, &str)]) -> Partitioning {
        Partitioning {
            method: "RANGE COLUMNS".into(),
            expression: "created".into(),
            subpartitioning: None,
            partitions: partitions
                .iter()
                .map(|(name, bound)| Partition {
                    name: name.to_string(),
                    bound: Some(bound.to_string()),
                })
                .collect(),
        }
    }

    fn partitioned(tenant: &mut TenantFacts, partitioning: Partitioning) {
        tenant.partitions = Fact::Observed(
            [(
                "app".to_string(),
                [("orders".to_string(), partitioning)].into(),
            )]
            .into(),
        );
    }

    fn pair(a: Partitioning, b: Option<Partitioning>) -> Facts {
        facts(|f| {
            partitioned(&mut f.a, a);
            if let Some(b) = b {
                partitioned(&mut f.b, b);
            }
        })
    }

    #[test]
    fn fires_when_b_lacks_a_range_partition_a_has() {
        let facts = pair(
            by_range(&[("p2025", "'2026-01-01'"), ("p2026", "'2027-01-01'")]),
            Some(by_range(&[("p2025", "'2026-01-01'")])),
        );
        let findings = fire(&RULE, &plan(), &facts, Stage::Reverse);
        assert_eq!(
            where_(&findings),
            vec![("b", Some("app.orders")), ("pair", Some("app.orders"))]
        );
        assert!(
            findings[0]
                .message
                .contains("lacks partition p2026 ('2027-01-01')")
        );
        assert_eq!(findings[1].severity, Some(crate::rules::Severity::Warning));
    }

    #[test]
    fn fires_when_only_one_tenant_is_partitioned() {
        let hash = Partitioning {
            method: "HASH".into(),
            expression: "id".into(),
            subpartitioning: None,
            partitions: vec![Partition {
                name: "p0".into(),
                bound: None,
            }],
        };
        let findings = fire(&RULE, &plan(), &pair(hash, None), Stage::Running);
        assert_eq!(where_(&findings), vec![("b", Some("app.orders"))]);
        assert!(
            findings[0]
                .message
                .contains("partitioned by HASH(id) on tenant a but not partitioned on tenant b")
        );
    }

    #[test]
    fn equal_hash_partitioning_is_quiet_and_range_is_only_warned() {
        let hash = Partitioning {
            method: "HASH".into(),
            expression: "id".into(),
            subpartitioning: None,
            partitions: vec![Partition {
                name: "p0".into(),
                bound: None,
            }],
        };
        assert_clean(
            &RULE,
            &plan(),
            &pair(hash.clone(), Some(hash)),
            Stage::Reverse,
        );
        assert_clean(&RULE, &plan(), &healthy(), Stage::Reverse);
        let range = by_range(&[("p2025", "'2026-01-01'")]);
        let findings = fire(
            &RULE,
            &plan(),
            &pair(range.clone(), Some(range)),
            Stage::Reverse,
        );
        assert_eq!(where_(&findings), vec![("pair", Some("app.orders"))]);
    }

    #[test]
    fn skipped_at_the_forward_stage_and_inconclusive_without_partitions() {
        let range = by_range(&[("p2025", "'2026-01-01'")]);
        assert_eq!(
            run(&RULE, &plan(), &pair(range, None), Stage::Forward).status,
            Status::Skipped
        );
        let unread =
            facts(|f| f.b.partitions = Fact::unavailable(crate::i18n::Text::english("ERROR 1142")));
        assert_eq!(
            run(&RULE, &plan(), &unread, Stage::Reverse).status,
            Status::Inconclusive
        );
    }
}
