use std::time::Duration;

use crate::facts::Tenant;
use crate::plan::Migration;
use crate::rules::{Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, declare_rule};

/// How far back a link's source must keep its logs without an archive (OMS and Alibaba Cloud
/// DTS ask for 7 days when the link migrates fully, 48 hours for incremental sync only).
const FULL_LINK: Duration = Duration::from_secs(7 * 86_400);
const INCREMENTAL_LINK: Duration = Duration::from_secs(48 * 3_600);

declare_rule! {
    /// ## What it checks
    /// Each tenant, the source of one link, archives its logs (`DBA_OB_ARCHIVELOG` has a
    /// destination in status `DOING`). When it does not, the finding says how far back its
    /// online logs still reach (`GV$OB_LOG_STAT`: the oldest `BEGIN_SCN` of its log streams)
    /// against what its link needs: 7 days for a link that migrates fully, 48 hours for an
    /// incremental-only link. A tenant whose logs were never recycled reaches back to its own
    /// start, which is not held against it. Skipped on an edition without log archive
    /// (seekdb).
    ///
    /// ## Why it matters
    /// OMS's Store pulls each link's changes from its source's logs, from the link's start
    /// point or its last checkpoint. OceanBase 4.x recycles online logs by log-disk usage, not
    /// by age; once the needed logs are gone a link that fell behind, paused or must be rebuilt
    /// cannot continue (`CM-RESOIE000201 No available store`, "Invalid start time, shall within
    /// store's data keep time"). OMS CE documents for OceanBase 4.x: "强烈建议您开启日志归档 …
    /// 如果 Clog 被回收，OMS 仍然可以通过消费日志归档来实现增量同步", and its precheck has an item
    /// for the archive switch (源端-OceanBase 数据库 4.x 版本日志归档开关检查). In active-active both
    /// tenants are sources.
    ///
    /// ## How to fix
    /// Turn on log archive on both tenants (`ALTER SYSTEM SET LOG_ARCHIVE_DEST = 'LOCATION=...'`
    /// then `ALTER SYSTEM ARCHIVELOG`, as the tenant's administrator), or give the tenant enough
    /// log disk (`log_disk_size`) for the window its link needs.
    pub static RULE = Rule {
        id: "tenant.log-window",
        severity: Severity::Warning,
        stages: &[],
        topologies: &[],
        input: Input::Tenants,
        needs: &[Need::Archive],
        optional: &[Need::LogStreams],
        waivable: true,
        compares_sides: false,
        summary: "log archive is on, or the online logs cover what the links need",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut without_archive = Vec::new();
    let mut findings = Vec::new();
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let Some(dests) = on.archive()? else {
            without_archive.push(tenant);
            continue;
        };
        if dests.iter().any(|dest| dest.archiving()) {
            continue;
        }
        let (needed, link) = need(cx, tenant);
        let state = if dests.is_empty() {
            "has no log archive destination".to_string()
        } else {
            let statuses: Vec<String> = dests
                .iter()
                .map(|dest| format!("destination {} is {}", dest.dest_no, dest.status))
                .collect();
            format!("does not archive its logs ({})", statuses.join(", "))
        };
        let reach = match on.log_streams() {
            Err(missing) => format!(
                "how far back its online logs reach is unknown ({})",
                missing.cause
            ),
            Ok(streams) => match streams
                .iter()
                .filter(|s| s.recycled())
                .map(|s| s.window())
                .min()
            {
                None => "its online logs still reach back to the tenant's start".to_string(),
                Some(window) if window < needed => format!(
                    "its online logs reach back only {}, less than the {} the {link} link it feeds needs",
                    hours(window),
                    hours(needed)
                ),
                Some(window) => format!("its online logs reach back {}", hours(window)),
            },
        };
        findings.push(
            Finding::new(
                tenant,
                None,
                format!("tenant {tenant} {state}; {reach}: once they are recycled, a link that falls behind, pauses or is rebuilt cannot resume"),
            )
            .help("turn log archive on (ALTER SYSTEM SET LOG_ARCHIVE_DEST, then ALTER SYSTEM ARCHIVELOG) on both tenants"),
        );
    }
    if without_archive.len() == Tenant::BOTH.len() {
        return Err(NotEvaluated::Skipped(
            "neither kernel has a log archive (seekdb has no DBA_OB_ARCHIVELOG): nothing to turn on".into(),
        ));
    }
    Ok(findings)
}

/// The window `tenant`'s link needs, and the link's name: the forward link with full
/// migration needs the longest.
fn need(cx: &Ctx<'_>, tenant: Tenant) -> (Duration, &'static str) {
    cx.links_from(tenant)
        .map(|link| {
            let needed = if link.migration.contains(&Migration::Full) {
                FULL_LINK
            } else {
                INCREMENTAL_LINK
            };
            (needed, link.name)
        })
        .max()
        .unwrap_or((INCREMENTAL_LINK, "reverse"))
}

fn hours(window: Duration) -> String {
    let hours = window.as_secs() / 3_600;
    if hours >= 48 {
        format!("{} days", hours / 24)
    } else {
        format!("{hours} h")
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{ArchiveDest, Fact, LogStream};
    use crate::rules::engine::Status;
    use crate::rules::{Stage, testing::*};

    const HOUR: u64 = 3_600 * 1_000_000_000;

    fn stopped() -> Fact<Option<Vec<ArchiveDest>>> {
        Fact::Observed(Some(vec![ArchiveDest {
            dest_no: 1,
            status: "STOP".into(),
            start_scn: None,
            checkpoint_scn: None,
        }]))
    }

    #[test]
    fn fires_when_archive_is_off_and_says_how_far_the_logs_reach() {
        let facts = facts(|f| {
            f.a.archive = stopped();
            f.a.log_streams = Fact::Observed(vec![LogStream {
                begin_lsn: 1 << 20,
                begin_scn: 1_780_000_000_000_000_000,
                end_scn: 1_780_000_000_000_000_000 + 20 * HOUR,
            }]);
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert_eq!(where_(&findings), vec![("a", None)]);
        assert!(
            findings[0]
                .message
                .contains("reach back only 20 h, less than the 7 days the forward link"),
            "{}",
            findings[0].message
        );
    }

    /// A young kernel's logs reach back to its start: archive off is said, the window is not
    /// held against it.
    #[test]
    fn a_young_kernel_is_not_blamed_for_its_age() {
        let facts = facts(|f| {
            f.b.archive = Fact::Observed(Some(vec![]));
            f.b.log_streams = Fact::Observed(vec![LogStream {
                begin_lsn: 0,
                begin_scn: 2,
                end_scn: 1_780_000_000_000_000_000,
            }]);
        });
        let findings = fire(&RULE, &plan(), &facts, Stage::Forward);
        assert!(findings[0].message.contains(
            "has no log archive destination; its online logs still reach back to the tenant's start"
        ));
    }

    #[test]
    fn quiet_when_archiving_and_skipped_without_an_archive() {
        assert_clean(&RULE, &plan(), &healthy(), Stage::Running);
        let seekdb = facts(|f| {
            f.a.archive = Fact::Observed(None);
            f.b.archive = Fact::Observed(None);
        });
        assert_eq!(
            run(&RULE, &plan(), &seekdb, Stage::Forward).status,
            Status::Skipped
        );
        let unreadable = facts(|f| f.b.archive = Fact::unavailable("ERROR 1142 (42000): denied"));
        assert_eq!(
            run(&RULE, &plan(), &unreadable, Stage::Forward).status,
            Status::Inconclusive
        );
    }
}
