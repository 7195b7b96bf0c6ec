use crate::facts::Tenant;
use crate::rules::scope::in_scope_tables;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, Text, declare_rule,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// When in-scope tables have an `AUTO_INCREMENT` column, the two tenants generate disjoint
    /// values: the same `auto_increment_increment` of at least 2 on both, and
    /// `auto_increment_offset` values that differ modulo it (e.g. increment 2, offsets 1 and 2).
    ///
    /// ## Why it matters
    /// In active-active both tenants take writes. With the same increment and offset, an
    /// insert on A and an insert on B generate the same key; each link then replays a row whose
    /// key already exists on the other side, and the link stops on a duplicate key or
    /// overwrites the other row.
    ///
    /// ## How to fix
    /// `SET GLOBAL auto_increment_increment = 2` on both tenants, `SET GLOBAL
    /// auto_increment_offset = 1` on A and `= 2` on B (or let the application generate keys
    /// that cannot collide).
    pub static RULE = Rule {
        id: "tenant.auto-increment",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Variables, Need::Tables],
        summary: "both sides write auto-increment keys that cannot collide",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut tables: Vec<String> = Vec::new();
    for tenant in Tenant::BOTH {
        for (database, name, table) in in_scope_tables(cx.plan, &cx.tenant(tenant))? {
            let object = format!("{database}.{name}");
            if table.columns.iter().any(|column| column.auto_increment) && !tables.contains(&object)
            {
                tables.push(object);
            }
        }
    }
    if tables.is_empty() {
        return Ok(vec![]);
    }
    let (a, b) = super::variables(cx)?;
    // A value not reported, or not a number, is unknown: assuming the default would pass a
    // pair whose keys may well collide.
    let number = |name: &str, (a, b): (&str, &str)| -> Result<(u64, u64), NotEvaluated> {
        let parse = |tenant: Tenant, value: &str| {
            value.trim().parse::<u64>().map_err(|_| {
                NotEvaluated::Inconclusive(text!(
                    "{name} on tenant {tenant} is `{value}`, not a number; check `SHOW GLOBAL VARIABLES LIKE '{name}'` there",
                    "租户 {tenant} 上的 {name} 为 `{value}`，不是数字；请在该租户上检查 `SHOW GLOBAL VARIABLES LIKE '{name}'`"
                ))
            })
        };
        Ok((parse(Tenant::A, a)?, parse(Tenant::B, b)?))
    };
    let increment = "auto_increment_increment";
    let offset = "auto_increment_offset";
    let (inc_a, inc_b) = number(
        increment,
        super::reported(increment, a, b, |v| &v.auto_increment_increment)?,
    )?;
    let (off_a, off_b) = number(
        offset,
        super::reported(offset, a, b, |v| &v.auto_increment_offset)?,
    )?;
    let disjoint = inc_a == inc_b && inc_a >= 2 && off_a % inc_a != off_b % inc_b;
    if disjoint {
        return Ok(vec![]);
    }
    tables.sort();
    let shown: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
    let (shown, more) = (shown.join(", "), tables.len().saturating_sub(5));
    let more = match more {
        0 => Text::same(""),
        more => text!(" and {more} more", " 等另外 {more} 张表"),
    };
    Ok(vec![
        Finding::new(
            Side::Pair,
            Some(tables[0].clone()),
            text!(
                "auto-increment keys can collide: increment/offset are {inc_a}/{off_a} on tenant a and {inc_b}/{off_b} on tenant b, and {shown}{more} use AUTO_INCREMENT",
                "自增键可能冲突：自增步长/偏移在租户 a 上为 {inc_a}/{off_a}，在租户 b 上为 {inc_b}/{off_b}，而 {shown}{more} 使用了 AUTO_INCREMENT";
                more = more
            ),
        )
        .help(text!(
            "SET GLOBAL auto_increment_increment = 2 on both tenants, auto_increment_offset = 1 on a and 2 on b",
            "在两个租户上 SET GLOBAL auto_increment_increment = 2，并在 a 上设 auto_increment_offset = 1、在 b 上设为 2"
        )),
    ])
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    fn with(increments: [(&str, &str); 2], auto_increment: bool) -> crate::facts::Facts {
        facts(|f| {
            for (facts, (inc, off)) in [(&mut f.a, increments[0]), (&mut f.b, increments[1])] {
                if let Fact::Observed(v) = &mut facts.variables {
                    v.auto_increment_increment = Some(inc.into());
                    v.auto_increment_offset = Some(off.into());
                }
                orders_mut(facts).columns[0].auto_increment = auto_increment;
            }
        })
    }

    #[test]
    fn fires_when_both_sides_generate_the_same_keys() {
        let findings = fire(
            &RULE,
            &plan(),
            &with([("1", "1"), ("1", "1")], true),
            Stage::Forward,
        );
        assert_eq!(where_(&findings), vec![("pair", Some("app.orders"))]);
        fire(
            &RULE,
            &plan(),
            &with([("2", "1"), ("2", "3")], true),
            Stage::Forward,
        );
    }

    #[test]
    fn quiet_with_interleaved_keys_or_without_auto_increment() {
        assert_clean(
            &RULE,
            &plan(),
            &with([("2", "1"), ("2", "2")], true),
            Stage::Forward,
        );
        assert_clean(
            &RULE,
            &plan(),
            &with([("1", "1"), ("1", "1")], false),
            Stage::Forward,
        );
    }
}
