use crate::rules::{Check, Ctx, Input, Need, Severity, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Tenants A and B have the same `lower_case_table_names`.
    ///
    /// ## Why it matters
    /// The variable decides whether `Orders` and `orders` are one table or two. With different
    /// values the links map names differently in each direction: a table created as `Orders`
    /// on one side is looked up as `orders` on the other, and rows or DDL miss their target.
    ///
    /// ## How to fix
    /// `lower_case_table_names` is fixed when a tenant is created; pair tenants created with
    /// the same value.
    pub static RULE = Rule {
        id: "tenant.lower-case",
        severity: Severity::Error,
        input: Input::Tenants,
        needs: &[Need::Variables],
        compares_sides: true,
        summary: "lower_case_table_names is equal on A and B",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let (a, b) = super::variables(cx)?;
    let name = "lower_case_table_names";
    let (a, b) = super::reported(name, a, b, |v| &v.lower_case_table_names)?;
    Ok(super::differs(name, a, b)
        .map(|finding| {
            finding.help(text!(
                "pair tenants created with the same lower_case_table_names (it cannot be changed later)",
                "用创建时 lower_case_table_names 相同的两个租户组成双活（该值创建后无法修改）"
            ))
        })
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_different_values() {
        let facts = facts(|f| {
            if let Fact::Observed(v) = &mut f.a.variables {
                v.lower_case_table_names = Some("0".into());
            }
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(
            findings[0].message,
            "lower_case_table_names is 0 on tenant a but 1 on tenant b"
        );
    }

    #[test]
    fn quiet_when_equal() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
