//! Rules about tenant-wide variables, on the live pair. Changing a global variable would disturb
//! tests running beside it, so this binary holds one test; cargo runs test binaries one after
//! another.

use oms_preflight_testkit as common;

use common::{Scenario, finding, findings, live_pair};

#[test]
#[cfg_attr(not(live_kernels), ignore = "needs two seekdb kernels (scripts/test)")]
fn time_zone_and_sql_mode_differences_are_found_and_cleared() {
    let Some(pair) = live_pair() else { return };
    let scenario = Scenario::new("globals");
    let (_dir, plan) = pair.set_up(&scenario, &scenario.healthy(), &scenario.healthy());
    let restore = [
        "SET GLOBAL time_zone = '+08:00'".to_string(),
        "SET GLOBAL sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_AUTO_CREATE_USER'".to_string(),
    ];
    pair.b.root(&[
        "SET GLOBAL time_zone = '+00:00'".into(),
        "SET GLOBAL sql_mode = 'NO_ZERO_IN_DATE'".into(),
    ]);
    let (report, code) = scenario.check(&plan, &[]);
    pair.b.root(&restore);
    assert_eq!(
        findings(&report),
        vec![
            finding("tenant.time-zone", "pair", "time_zone"),
            finding("tenant.sql-mode", "pair", "sql_mode")
        ]
    );
    assert_eq!(code, 0, "both are warnings");
    let (report, _) = scenario.check(&plan, &[]);
    assert_eq!(findings(&report), vec![], "clean once restored");
}
