//! `grants PLAN` against the real kernels: for a migration user that holds nothing, `fix` writes
//! the same grant statements `grants` prints; and once root has run what `grants` printed, and
//! nothing else, the grants rules pass and the healthy pair exits 0.

use oms_preflight_testkit as common;

use std::collections::BTreeSet;

use common::{Scenario, fix_statements, live_pair, status};

/// The statements of a `fix` script that the `grants.*` rules wrote, without their semicolons.
fn grant_rule_statements(script: &str) -> BTreeSet<String> {
    let mut statements = BTreeSet::new();
    let mut under_grants_rule = false;
    for line in script.lines() {
        if let Some(comment) = line.strip_prefix("-- ") {
            // A finding's heading: `-- grants.source-read lt_x: ...`.
            if let Some(rule) = comment.split([' ', ':']).next()
                && rule.contains('.')
                && !rule.contains(' ')
            {
                under_grants_rule = rule.starts_with("grants.");
            }
            continue;
        }
        if under_grants_rule && !line.trim().is_empty() {
            statements.insert(line.trim_end_matches(';').to_string());
        }
    }
    statements
}

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn grants_equals_fix_on_an_empty_user_and_makes_the_grant_rules_pass() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("grants_empty");
    let empty = ["REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{user}'"];
    let (dir, plan) = pair.set_up(&scenario, &scenario.with(&empty), &scenario.with(&empty));

    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    assert_eq!(code, 1, "an empty user fails the grants rules");
    for rule in [
        "grants.source-read",
        "grants.oceanbase-read",
        "grants.target-write",
        "grants.global-select",
        "grants.antiloop",
    ] {
        assert_eq!(status(&report, rule), "fail", "{rule}");
    }

    let out = dir.path().join("fix");
    let fixed = scenario.fix(&plan, &out);
    assert!(
        matches!(fixed.status.code(), Some(0 | 3)),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    for (endpoint, tenant) in [(&pair.a, "a"), (&pair.b, "b")] {
        let printed = scenario.run(&["grants", plan.to_str().unwrap(), "--tenant", tenant]);
        assert_eq!(printed.status.code(), Some(0));
        let printed = String::from_utf8(printed.stdout).unwrap();
        let fix = std::fs::read_to_string(out.join(format!("tenant-{tenant}.sql"))).unwrap();
        let grants: Vec<String> = fix_statements(&printed);
        assert_eq!(
            grants.iter().cloned().collect::<BTreeSet<_>>(),
            grant_rule_statements(&fix),
            "tenant {tenant}: grants printed\n{printed}\nfix wrote\n{fix}"
        );
        assert!(
            grants.iter().any(|s| s.starts_with("GRANT SELECT ON *.*")),
            "{printed}"
        );
        // Root runs what `grants` printed, and nothing else.
        endpoint.root(&grants);
    }

    let (report, code) = scenario.check(&plan, &["--stage", "forward"]);
    for outcome in report["outcomes"].as_array().unwrap() {
        let rule = outcome["rule"].as_str().unwrap();
        if rule.starts_with("grants.") {
            assert_eq!(outcome["status"], "pass", "{rule}: {outcome}");
        }
    }
    assert_eq!(
        (common::findings(&report), code),
        (vec![], 0),
        "the healthy pair with only what `grants` printed"
    );
}
