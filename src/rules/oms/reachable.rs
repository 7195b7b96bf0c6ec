use crate::facts::oms::Access;
use crate::rules::{Check, Ctx, Finding, Input, NotEvaluated, Severity, Side, declare_rule};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// The OMS API at `[oms] url` answers `ListDataSource` and `ListProjects` with HTTP 200 and a
    /// `success: true` envelope for the user of `[oms]`.
    ///
    /// ## Why it matters
    /// The OMS rules and the live-project checks of the link rules need these answers; without
    /// them the stage cannot be detected and the forward project's state is unknown. A refused
    /// login (HTTP 401/403) or a `success: false` answer is a configuration error; a timeout, a
    /// 5xx or a body that is not the API's JSON leaves this rule inconclusive, with the reason.
    ///
    /// ## How to fix
    /// Check `[oms] url` (scheme, host, port, path prefix: actions are
    /// `POST {url}/api/v2?Action=NAME`), the OMS console user and its password source, and that
    /// no login page or proxy sits in front of the API.
    pub static RULE = Rule {
        id: "oms.reachable",
        severity: Severity::Error,
        input: Input::Oms,
        summary: "OMS API reachable, credentials accepted, success=true envelope",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let Some((url, access)) = cx.oms_access() else {
        return Err(NotEvaluated::Skipped(text!(
            "the plan has no [oms] section",
            "计划中没有 [oms] 段"
        )));
    };
    match access {
        Access::Granted => Ok(vec![]),
        // The collector's reason alone says what failed; Chinese says that OMS gave no answer.
        Access::Unavailable { reason } => Err(NotEvaluated::Inconclusive(text!(
            "{reason}",
            "OMS 没有给出可用的应答：{reason}";
            reason = reason
        ))),
        Access::Refused { reason } => Ok(vec![
            Finding::new(
                Side::Oms,
                Some(url.to_string()),
                text!(
                    "OMS at {url} refused the request: {reason}",
                    "{url} 上的 OMS 拒绝了请求：{reason}";
                    reason = reason
                ),
            )
            .help(text!(
                "check [oms] user and its password, and that the user may call the OpenAPI",
                "检查 [oms] user 及其密码，并确认该用户有权调用 OpenAPI"
            ))
            .at(cx.plan.oms.as_ref().map(|plan| plan.span.clone())),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::oms::Access;
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn refused_credentials_fail_and_transport_faults_are_inconclusive() {
        let plan = oms_plan();
        let refused = with_oms(|oms| {
            oms.access = Access::Refused {
                reason: crate::i18n::Text::english("ListDataSource: HTTP 401"),
            }
        });
        let findings = fire(&RULE, &plan, &refused, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![("oms", Some("http://oms.example:8089"))]
        );
        let down = with_oms(|oms| {
            oms.access = Access::Unavailable {
                reason: crate::i18n::Text::english("HTTP 500"),
            }
        });
        assert_eq!(
            run(&RULE, &plan, &down, Stage::Forward).status,
            Status::Inconclusive
        );
        assert_clean(&RULE, &plan, &with_oms(|_| {}), Stage::Forward);
    }

    #[test]
    fn skipped_without_an_oms_section() {
        assert_eq!(
            run(&RULE, &plan(), &healthy(), Stage::Forward).status,
            Status::Skipped
        );
    }
}
