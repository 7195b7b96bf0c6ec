use crate::facts::oms::CLOCK_SKEW;
use crate::facts::{ClockReading, Side, Tenant};
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Text, declare_rule, unless_undecided,
};
use crate::text;

/// Above this many microseconds of skew, a warning: clocks kept by NTP agree within
/// milliseconds, so two seconds apart is a clock nothing keeps.
pub const WARN_US: i64 = 2_000_000;
/// Above this, an error: past the 60 s `oms.lag` allows a checkpoint to lie after the time OMS
/// was read ([`CLOCK_SKEW`]), lag read from these clocks is not a lag.
pub const ERROR_US: i64 = CLOCK_SKEW as i64 * 1_000_000;

declare_rule! {
    /// ## What it checks
    /// The clocks of tenant A, tenant B and, when the plan has `[oms]`, OMS agree within 2
    /// seconds (a warning above) and within 60 seconds (an error above). Each clock is read
    /// against the clock of the machine running the check: a tenant's by `UTC_TIMESTAMP(6)`
    /// (whatever its `time_zone`), sent with the first statement of the collection; OMS's by
    /// the HTTP `Date` header of its first answer, which gives whole seconds. Each reading is
    /// bracketed by the time the question was sent and the answer came back, so what is
    /// compared is an interval: the skew is reported only when the whole interval is beyond a
    /// bound, and the rule is inconclusive when a slow round trip leaves it astride one.
    ///
    /// This is OMS's precheck item `DB_TIME_SYNC` ("Check database clock synchronization").
    /// OMS documents no tolerance: the bounds are this tool's. Two seconds is far beyond what
    /// NTP keeps (milliseconds); sixty seconds is how far `oms.lag` lets a checkpoint lie after
    /// the time OMS was read before it calls the lag unknown.
    ///
    /// ## Why it matters
    /// OMS asks for synchronized clocks on its hosts and warns that, without them, the latency
    /// it shows for incremental and reverse-incremental sync is wrong, even negative. Lag,
    /// checkpoints and the time windows of the links are read from these clocks: skewed
    /// clocks make a lagging link look current, or a current one lagging, and
    /// `CURRENT_TIMESTAMP` values written on the two tenants disagree by the skew.
    ///
    /// ## How to fix
    /// Synchronize the clocks of the OceanBase servers of both tenants and of the OMS hosts
    /// with NTP (chrony), against the same source; run the check again from a machine whose
    /// round trip to them is short if the rule was inconclusive.
    pub static RULE = Rule {
        id: "tenant.clock-skew",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Clock],
        optional: &[Need::OmsClock],
        compares_sides: true,
        summary: "the clocks of A, B and OMS agree within 2 s",
        check: check,
    };
}

/// A clock as people read it, and its offset from this machine's.
struct Clock {
    name: Text,
    side: Side,
    offset: (i64, i64),
}

impl Clock {
    fn of(name: Text, side: Side, reading: &ClockReading) -> Clock {
        Clock {
            name,
            side,
            offset: reading.offset_us(),
        }
    }
}

/// `1.25 s`.
fn seconds(us: i64) -> String {
    format!("{:.2} s", us as f64 / 1e6)
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut clocks = Vec::new();
    for tenant in Tenant::BOTH {
        let reading = cx.tenant(tenant).clock()?;
        clocks.push(Clock::of(
            text!("tenant {tenant}", "租户 {tenant}"),
            tenant.into(),
            reading,
        ));
    }
    // OMS's clock when the plan has OMS; why it could not be compared otherwise.
    let mut undecided: Vec<Text> = Vec::new();
    match cx.oms_clock() {
        Ok(reading) => clocks.push(Clock::of(Text::same("OMS"), Side::Oms, reading)),
        Err(missing) if missing.is_not_collected() => {}
        Err(missing) => undecided.push(text!(
            "OMS's clock could not be compared: {reason}",
            "无法比较 OMS 的时钟：{reason}";
            reason = missing.reason
        )),
    }
    let mut findings = Vec::new();
    for (i, x) in clocks.iter().enumerate() {
        for y in &clocks[i + 1..] {
            // x − y, from x − local and y − local.
            let (low, high) = (x.offset.0 - y.offset.1, x.offset.1 - y.offset.0);
            let least = if low <= 0 && high >= 0 {
                0
            } else {
                low.abs().min(high.abs())
            };
            let most = low.abs().max(high.abs());
            let (skew, uncertainty) = ((low + high) / 2, (high - low) / 2);
            let (xn, yn) = (&x.name, &y.name);
            let (ahead, by, within) = (skew >= 0, seconds(skew.abs()), seconds(uncertainty));
            let said = if ahead {
                text!("{xn} is {by} ahead of {yn} (± {within})", "{xn} 比 {yn} 快 {by}（± {within}）"; xn = xn, yn = yn)
            } else {
                text!("{xn} is {by} behind {yn} (± {within})", "{xn} 比 {yn} 慢 {by}（± {within}）"; xn = xn, yn = yn)
            };
            if least > WARN_US {
                let side = if x.side == Side::Oms || y.side == Side::Oms {
                    Side::Oms
                } else {
                    Side::Pair
                };
                let (warn, error) = (seconds(WARN_US), seconds(ERROR_US));
                let finding = Finding::new(
                    side,
                    Some("clock".into()),
                    text!(
                        "clocks differ: {said}; the bounds are {warn} (warning) and {error} (error)",
                        "时钟不一致：{said}；界限为 {warn}（警告）和 {error}（错误）";
                        said = said
                    ),
                )
                .help(text!(
                    "synchronize the clocks of both tenants' OceanBase servers and of the OMS hosts with NTP against the same source",
                    "用 NTP 让两个租户的 OceanBase 服务器和 OMS 主机的时钟与同一时间源同步"
                ));
                findings.push(if least > ERROR_US {
                    finding.severity(Severity::Error)
                } else {
                    finding
                });
            } else if most > WARN_US {
                let warn = seconds(WARN_US);
                undecided.push(text!(
                    "{said}: the readings are too coarse (OMS gives whole seconds) or their round trips too long to tell whether the skew is above {warn}",
                    "{said}：读数过粗（OMS 只给出整秒）或往返时间过长，无法判断偏差是否超过 {warn}";
                    said = said
                ));
            }
        }
    }
    unless_undecided(findings, &undecided, |joined| {
        text!(
            "{why}; run the check from a machine close to the tenants and OMS",
            "{why}；请在离租户和 OMS 较近的机器上运行检查";
            why = joined
        )
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{Fact, Facts};
    use crate::rules::engine::Status;
    use crate::rules::{Severity, Stage, testing::*};

    fn b_ahead(us: i64, round_trip_us: i64) -> Facts {
        facts(|f| f.b.clock = Fact::Observed(clock_reading(us, round_trip_us, 1)))
    }

    #[test]
    fn quiet_within_two_seconds() {
        assert_clean(&RULE, &plan(), &b_ahead(1_500_000, 1_000), Stage::Forward);
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Forward);
    }

    #[test]
    fn a_few_seconds_is_a_warning_and_a_minute_an_error() {
        let findings = fire(&RULE, &plan(), &b_ahead(-5_000_000, 2_000), Stage::Forward);
        assert_eq!(where_(&findings), vec![("pair", Some("clock"))]);
        assert_eq!(findings[0].severity, None);
        assert!(
            findings[0]
                .message
                .contains("tenant a is 5.00 s ahead of tenant b (± 0.00 s)"),
            "{}",
            findings[0].message
        );
        let findings = fire(&RULE, &plan(), &b_ahead(90_000_000, 2_000), Stage::Forward);
        assert_eq!(findings[0].severity, Some(Severity::Error));
        assert!(
            findings[0]
                .message
                .contains("tenant a is 90.00 s behind tenant b")
        );
    }

    #[test]
    fn omss_date_header_is_compared_to_its_second() {
        let mut facts = with_oms(|oms| {
            oms.clock = Fact::Observed(clock_reading(-4_000_000, 50_000, 1_000_000));
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(
            where_(&findings),
            vec![("oms", Some("clock")), ("oms", Some("clock"))]
        );
        // 2.5 s behind, read to the second: it may be 2 s, so it is not known to pass.
        facts.oms.as_mut().unwrap().clock =
            Fact::Observed(clock_reading(-2_500_000, 50_000, 1_000_000));
        let evaluation = run(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("too coarse"),);
    }

    #[test]
    fn a_slow_round_trip_is_inconclusive_not_a_pass() {
        let evaluation = run(
            &RULE,
            &plan(),
            &b_ahead(1_000_000, 6_000_000),
            Stage::Forward,
        );
        assert_eq!(evaluation.status, Status::Inconclusive);
    }

    #[test]
    fn an_unreadable_oms_clock_is_said() {
        let facts = with_oms(|oms| {
            oms.clock = Fact::unavailable(crate::i18n::Text::english("no Date header"));
        });
        let evaluation = run(&RULE, &oms_plan(), &facts, Stage::Forward);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(evaluation.reason.unwrap().contains("no Date header"));
    }
}
