//! `tenant`: the two tenants agree with each other and with what OMS supports.

pub mod auto_increment;
pub mod charset;
pub mod clock_skew;
pub mod log_window;
pub mod lower_case;
pub mod max_allowed_packet;
pub mod mode;
pub mod role;
pub mod sql_mode;
pub mod time_zone;
pub mod version_pair;
pub mod version_supported;

use crate::facts::{Tenant, Variables};
use crate::rules::{Ctx, Finding, Missing, NotEvaluated, Side};
use crate::text;

/// The global variables of A and of B, for rules that declare `Need::Variables`.
pub fn variables<'a>(cx: &Ctx<'a>) -> Result<(&'a Variables, &'a Variables), Missing> {
    Ok((
        cx.tenant(Tenant::A).variables()?,
        cx.tenant(Tenant::B).variables()?,
    ))
}

/// The kernels of both tenants as the reports name them (`seekdb (OceanBase 4.3.5.3)`, or
/// `X and Y` when they differ), for a rule that declares `Need::Server` optional; `None` when a
/// tenant's server was not read.
pub fn kernels(cx: &Ctx<'_>) -> Option<crate::i18n::Text> {
    let a = cx.tenant(Tenant::A).server().ok()?.kernel();
    let b = cx.tenant(Tenant::B).server().ok()?.kernel();
    Some(match a == b {
        true => crate::i18n::Text::same(a),
        false => text!("{a} and {b}", "{a} 和 {b}"),
    })
}

/// Reads one variable out of a tenant's variables.
pub type Get = fn(&Variables) -> &Option<String>;

/// One global variable on both tenants, `(a, b)`: inconclusive when a tenant did not report it.
/// A value nobody reported is unknown, not equal to another unknown one.
pub fn reported<'a>(
    name: &str,
    a: &'a Variables,
    b: &'a Variables,
    get: Get,
) -> Result<(&'a str, &'a str), NotEvaluated> {
    let missing: Vec<&str> = [(Tenant::A, get(a)), (Tenant::B, get(b))]
        .into_iter()
        .filter(|(_, value)| value.is_none())
        .map(|(tenant, _)| tenant.as_str())
        .collect();
    match (get(a).as_deref(), get(b).as_deref()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => {
            let (en, zh) = (missing.join(" and "), missing.join(" 和 "));
            Err(NotEvaluated::Inconclusive(text!(
                "{name} was not reported by tenant {en}: information_schema.GLOBAL_VARIABLES has no such row for the migration user; compare `SHOW GLOBAL VARIABLES LIKE '{name}'` on both tenants by hand",
                "租户 {zh} 没有报告 {name}：information_schema.GLOBAL_VARIABLES 中没有迁移用户可见的这一行；请在两个租户上手工比较 `SHOW GLOBAL VARIABLES LIKE '{name}'`"
            )))
        }
    }
}

/// A finding when a tenant variable differs between A and B.
pub fn differs(name: &str, a: &str, b: &str) -> Option<Finding> {
    let normalize = |value: &str| value.trim().to_ascii_lowercase();
    if normalize(a) == normalize(b) {
        return None;
    }
    Some(Finding::new(
        Side::Pair,
        Some(name.to_string()),
        text!(
            "{name} is {a} on tenant a but {b} on tenant b",
            "{name} 在租户 a 上为 {a}，在租户 b 上却为 {b}"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use crate::facts::{Fact, Facts, KeyKind, Variables};
    use crate::rules::engine::Status;
    use crate::rules::{Rule, Stage, testing::*};

    /// The variable rules, each with a table using AUTO_INCREMENT so auto-increment applies.
    fn rules() -> [&'static Rule; 5] {
        [
            &super::lower_case::RULE,
            &super::time_zone::RULE,
            &super::charset::RULE,
            &super::sql_mode::RULE,
            &super::auto_increment::RULE,
        ]
    }

    fn with_variables(edit: impl Fn(&mut Variables)) -> Facts {
        facts(|f| {
            for tenant in [&mut f.a, &mut f.b] {
                if let Fact::Observed(v) = &mut tenant.variables {
                    edit(v);
                }
                let serial = table(
                    &[("id", "bigint(20)", false)],
                    &[("PRIMARY", KeyKind::Primary, &["id"])],
                );
                orders_mut(tenant).columns = serial.columns;
                orders_mut(tenant).columns[0].auto_increment = true;
            }
        })
    }

    #[test]
    fn variables_reported_by_neither_tenant_are_unknown_not_equal() {
        let empty = with_variables(|v| *v = Variables::default());
        for rule in rules() {
            let evaluation = run(rule, &plan(), &empty, Stage::Forward);
            assert_eq!(evaluation.status, Status::Inconclusive, "{}", rule.id);
            assert!(
                evaluation
                    .reason
                    .as_ref()
                    .is_some_and(|reason| reason.contains("not reported by tenant a and b")),
                "{}: {:?}",
                rule.id,
                evaluation.reason
            );
        }
    }

    #[test]
    fn a_variable_one_tenant_did_not_report_is_unknown() {
        let partial = facts(|f| {
            if let Fact::Observed(v) = &mut f.b.variables {
                v.time_zone = None;
            }
        });
        let evaluation = run(&super::time_zone::RULE, &plan(), &partial, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("tenant b"));
    }
}
