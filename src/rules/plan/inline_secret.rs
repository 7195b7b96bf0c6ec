use crate::plan::SecretSource;
use crate::rules::{Check, Ctx, Finding, Input, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// No password is written inline in the plan (`password = "..."` in `[oms]` or
    /// `[tenants.x]`).
    ///
    /// ## Why it matters
    /// Plans are committed, reviewed, attached to tickets and pasted into chats. A password in
    /// one travels with it. oms-preflight blanks it in bundles and never prints it, but the
    /// file itself still holds it.
    ///
    /// ## How to fix
    /// Replace `password = "..."` with `password_env = "VAR"` (set the variable in the
    /// environment or CI secret store) or `password_file = "path"`, and rotate the password if
    /// the plan was shared.
    pub static RULE = Rule {
        id: "plan.inline-secret",
        severity: Severity::Warning,
        input: Input::Plan,
        summary: "no password written inline in the plan",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let plan = cx.plan;
    let sources = [
        ("oms.password", plan.oms.as_ref().map(|oms| &oms.password)),
        ("tenants.a.password", Some(&plan.a.password)),
        ("tenants.b.password", Some(&plan.b.password)),
    ];
    Ok(sources
        .into_iter()
        .filter_map(|(key, source)| match source {
            Some(SecretSource::Inline { span, .. }) => Some(
                Finding::new(
                    Side::Plan,
                    Some(key.to_string()),
                    text!("{key} is written inline in the plan", "计划中直接写了 {key}"),
                )
                .help(text!(
                    "use password_env or password_file instead, and rotate the password if the plan was shared",
                    "改用 password_env 或 password_file；如果计划已被分享过，请更换该密码"
                ))
                    .at(Some(span.clone())),
            ),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn fires_on_an_inline_password_and_points_at_it() {
        let plan = plan_edited("password_env = \"OB_B_PASSWORD\"", "password = \"hunter2\"");
        let findings = fire(&RULE, &plan, &healthy(), Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![("plan", Some("tenants.b.password"))]
        );
        let span = findings[0].plan_span.clone().unwrap();
        assert_eq!(
            &plan.source[span],
            crate::plan::MARKER,
            "the label points at the blanked value"
        );
    }

    #[test]
    fn quiet_with_environment_variables() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
    }
}
