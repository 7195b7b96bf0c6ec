use std::time::Duration;

use crate::facts::oms::{StepKind, directions};
use crate::facts::{ArchiveDest, LogStream, Tenant};
use crate::i18n::spaced;
use crate::plan::date::utc;
use crate::plan::{LinkPlan, Migration, Topology};
use crate::rules::DescribeLink;
use crate::rules::{
    Check, Ctx, Finding, Input, Missing, Need, NotEvaluated, Severity, Stage, Text, declare_rule,
    link_name,
};
use crate::text;

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
    /// start, which is not held against it.
    ///
    /// At the reverse and running stages it also checks every link OMS runs (each direction
    /// whose incremental step has started): the link's checkpoint, the point its Store must
    /// resume from (`DescribeProjectProgress`, else the incremental step's
    /// `incrTimestampCheckpoint`), must not be older than the oldest change its source tenant
    /// still has. Without an archiving destination that is the start of its online logs (the
    /// newest `BEGIN_SCN` among its recycled log streams: each stream must still hold the
    /// checkpoint); with one, whichever reaches further back, the archive's `START_SCN` or the
    /// online logs. A checkpoint older than that is an error. A checkpoint OMS did not report
    /// (or a run without `[oms]`) is said in the archive warning, or leaves the rule
    /// inconclusive when nothing else fired; a tenant whose online logs were never recycled
    /// needs no checkpoint to be judged. Skipped on an edition without log archive (seekdb)
    /// when there is nothing to compare.
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
    /// log disk (`log_disk_size`) for the window its link needs. A link whose checkpoint its
    /// source no longer has cannot be repaired in place: rebuild it from a full migration, and
    /// do not switch the application over to it until then.
    pub static RULE = Rule {
        id: "tenant.log-window",
        severity: Severity::Warning,
        input: Input::Tenants,
        needs: &[Need::Archive],
        optional: &[Need::LogStreams, Need::OmsForward, Need::OmsReverse, Need::Server],
        summary: "log archive is on, or the online logs cover what the links need; each running link's checkpoint is still in its source's logs",
        check: check,
    };
}

fn check(cx: &Ctx<'_>) -> Check {
    let links_run = matches!(cx.stage, Stage::Reverse | Stage::Running);
    let links = if links_run { links(cx) } else { vec![] };
    let mut without_archive = Vec::new();
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    let mut compared = false;
    for tenant in Tenant::BOTH {
        let on = cx.tenant(tenant);
        let dests = on.archive()?;
        let archiving: Vec<&ArchiveDest> = dests
            .into_iter()
            .flatten()
            .filter(|dest| dest.archiving())
            .collect();
        let reach = Reach::of(&archiving, on.log_streams());
        let mut warning = match dests {
            None => {
                without_archive.push(tenant);
                None
            }
            Some(_) if !archiving.is_empty() => None,
            Some(dests) => Some(archive_off(cx, tenant, dests, on.log_streams())),
        };
        for link in links.iter().filter(|link| link.source == tenant) {
            let unknown = match (&link.checkpoint, &reach) {
                (_, Reach::Start) => continue,
                (Err(why), Reach::Unknown(reach)) => spaced(text!(
                    "the checkpoint of {name} is unknown ({why}), and so is {reach}",
                    "{name} 的位点未知（{why}），同样未知的还有{reach}";
                    name = link.name,
                    why = why,
                    reach = reach
                )),
                (Err(why), _) => spaced(text!(
                    "the checkpoint of {name} is unknown ({why})",
                    "{name} 的位点未知（{why}）";
                    name = link.name,
                    why = why
                )),
                (Ok(_), Reach::Unknown(why)) => spaced(text!(
                    "whether the checkpoint of {name} is still within its logs is unknown ({why})",
                    "无法确定{name} 的位点是否仍在其日志之内（{why}）";
                    name = link.name,
                    why = why
                )),
                (Ok(checkpoint), Reach::From { scn, by, unsure }) => {
                    compared = true;
                    if checkpoint.saturating_mul(NANOS) >= *scn {
                        continue;
                    }
                    match unsure {
                        Some(why) => {
                            let at = utc(*checkpoint);
                            spaced(text!(
                                "the checkpoint of {name} ({at}) is older than what tenant {tenant} surely still has ({by}), and whether it keeps older logs is unknown ({why})",
                                "{name} 的位点（{at}）早于租户 {tenant} 确定仍保留的日志（{by}），而它是否保留更早的日志未知（{why}）";
                                name = link.name,
                                by = by,
                                why = why
                            ))
                        }
                        None => {
                            findings.push(out_of_reach(tenant, link, *checkpoint, by));
                            continue;
                        }
                    }
                }
            };
            match &mut warning {
                Some(finding) => {
                    finding.message = finding
                        .message
                        .concat(&text!("; {unknown}", "；{unknown}"; unknown = unknown))
                }
                None => undecided.push(spaced(text!(
                    "tenant {tenant}: {unknown}",
                    "租户 {tenant}：{unknown}";
                    unknown = unknown
                ))),
            }
        }
        findings.extend(warning);
    }
    if !undecided.is_empty() && findings.is_empty() {
        return Err(NotEvaluated::Inconclusive(spaced(text!(
            "{undecided}; to decide, let the [oms] user read the projects' progress (DescribeProjectProgress) and let the check read GV$OB_LOG_STAT and DBA_OB_ARCHIVELOG",
            "{undecided}；如需判定，请让 [oms] 用户读取项目进度（DescribeProjectProgress），并让检查能够读取 GV$OB_LOG_STAT 和 DBA_OB_ARCHIVELOG";
            undecided = Text::join(&undecided, "; ", "；")
        ))));
    }
    if without_archive.len() == Tenant::BOTH.len() && findings.is_empty() && !compared {
        return Err(NotEvaluated::Skipped(match super::kernels(cx) {
            Some(kernels) => text!(
                "neither kernel has a log archive (no DBA_OB_ARCHIVELOG on {kernels}): nothing to turn on",
                "两个内核都没有日志归档（{kernels} 上没有 DBA_OB_ARCHIVELOG）：无需开启";
                kernels = kernels
            ),
            None => text!(
                "neither kernel has a log archive (no DBA_OB_ARCHIVELOG): nothing to turn on",
                "两个内核都没有日志归档（没有 DBA_OB_ARCHIVELOG）：无需开启"
            ),
        }));
    }
    Ok(findings)
}

/// Seconds to SCN nanoseconds.
const NANOS: u64 = 1_000_000_000;

/// The warning on a tenant that has a log archive and does not archive: how far back its
/// online logs reach against what its link needs.
fn archive_off(
    cx: &Ctx<'_>,
    tenant: Tenant,
    dests: &[ArchiveDest],
    streams: Result<&[LogStream], Missing>,
) -> Finding {
    let (needed, link) = need(cx, tenant);
    let state = if dests.is_empty() {
        text!("has no log archive destination", "没有日志归档目的地")
    } else {
        let statuses: Vec<Text> = dests
            .iter()
            .map(|dest| {
                text!(
                    "destination {} is {}",
                    "目的地 {} 为 {}",
                    dest.dest_no,
                    dest.status
                )
            })
            .collect();
        text!(
            "does not archive its logs ({statuses})",
            "未归档其日志（{statuses}）";
            statuses = Text::join(&statuses, ", ", "，")
        )
    };
    let reach = match streams {
        Err(missing) => text!(
            "how far back its online logs reach is unknown ({cause})",
            "其在线日志能回溯多远未知（{cause}）";
            cause = missing.cause
        ),
        Ok(streams) => match streams
            .iter()
            .filter(|s| s.recycled())
            .map(|s| s.window())
            .min()
        {
            None => text!(
                "its online logs still reach back to the tenant's start",
                "其在线日志仍可回溯到租户创建之时"
            ),
            Some(window) if window < needed => spaced(text!(
                "its online logs reach back only {window}, less than the {needed} the {link} link it feeds needs",
                "其在线日志只能回溯 {window}，少于其所供的{link}链路所需的 {needed}";
                window = hours(window),
                needed = hours(needed),
                link = link_name(link)
            )),
            Some(window) => text!(
                "its online logs reach back {window}",
                "其在线日志可回溯 {window}";
                window = hours(window)
            ),
        },
    };
    Finding::new(
        tenant,
        None,
        text!(
            "tenant {tenant} {state}; {reach}: once they are recycled, a link that falls behind, pauses or is rebuilt cannot resume",
            "租户 {tenant} {state}；{reach}：日志一旦被回收，落后、暂停或需要重建的链路就无法继续";
            state = state,
            reach = reach
        ),
    )
    .help(text!(
        "turn log archive on (ALTER SYSTEM SET LOG_ARCHIVE_DEST, then ALTER SYSTEM ARCHIVELOG) on both tenants",
        "在两个租户上开启日志归档（先执行 ALTER SYSTEM SET LOG_ARCHIVE_DEST，再执行 ALTER SYSTEM ARCHIVELOG）"
    ))
}

/// The error on a link whose checkpoint its source no longer has the logs for.
fn out_of_reach(tenant: Tenant, link: &Link, checkpoint: u64, by: &Text) -> Finding {
    let at = utc(checkpoint);
    Finding::new(
        tenant,
        link.project.clone(),
        spaced(text!(
            "{name} must resume from its checkpoint {at}, older than the oldest change tenant {tenant} still has ({by}): the link can never resume from it",
            "{name} 必须从其位点 {at} 恢复，而该位点早于租户 {tenant} 仍保留的最早变更（{by}）：链路再也无法从该位点恢复";
            name = link.name,
            by = by
        )),
    )
    .help(text!(
        "rebuild the link from a full migration (a new project) and do not switch the application over to it until then; turn on log archive on tenant {tenant} (ALTER SYSTEM SET LOG_ARCHIVE_DEST, then ALTER SYSTEM ARCHIVELOG) so that a paused link can resume from the archive next time",
        "通过全量迁移（新建项目）重建该链路，在此之前不要把应用切换到该链路上；在租户 {tenant} 上开启日志归档（先执行 ALTER SYSTEM SET LOG_ARCHIVE_DEST，再执行 ALTER SYSTEM ARCHIVELOG），以便下次暂停的链路能从归档继续"
    ))
    .severity(Severity::Error)
}

/// How far back a tenant can still serve a link its changes.
enum Reach {
    /// To the tenant's start: no online log was recycled.
    Start,
    /// From SCN `scn` on, as `by` says; before it nothing is left, or, with `unsure`, whether
    /// anything is left is unknown and why.
    From {
        scn: u64,
        by: Text,
        unsure: Option<Text>,
    },
    /// Not known, and why.
    Unknown(Text),
}

impl Reach {
    /// From the archive destinations that archive and the log streams. Each stream must serve
    /// a link from its checkpoint on, so the newest start of a recycled stream bounds the
    /// online logs (a stream never recycled still holds everything since its creation); an
    /// archive serves from the oldest `START_SCN` of a destination that archives.
    fn of(archiving: &[&ArchiveDest], streams: Result<&[LogStream], Missing>) -> Reach {
        let online = streams.map(|streams| {
            streams
                .iter()
                .filter(|stream| stream.recycled())
                .map(|stream| stream.begin_scn)
                .max()
        });
        let archive = archiving.iter().filter_map(|dest| dest.start_scn).min();
        let archive_unsure = (archiving.iter().any(|dest| dest.start_scn.is_none())).then(|| {
            text!(
                "DBA_OB_ARCHIVELOG shows no START_SCN for an archiving destination",
                "DBA_OB_ARCHIVELOG 中有正在归档的目的地没有 START_SCN"
            )
        });
        let online_from = |scn: u64| {
            text!(
                "its online logs begin at {}, older ones recycled",
                "其在线日志始于 {}，更早的已被回收",
                utc(scn / NANOS)
            )
        };
        match (online, archive) {
            (Ok(None), _) => Reach::Start,
            (Ok(Some(online)), None) => Reach::From {
                scn: online,
                by: if archiving.is_empty() {
                    spaced(text!(
                        "{online}, and no log archive",
                        "{online}，且没有日志归档";
                        online = online_from(online)
                    ))
                } else {
                    online_from(online)
                },
                unsure: archive_unsure,
            },
            (Ok(Some(online)), Some(archive)) => Reach::From {
                scn: online.min(archive),
                by: spaced(text!(
                    "its log archive begins at {archive}; {online}",
                    "其日志归档始于 {archive}；{online}";
                    archive = Text::same(utc(archive / NANOS)),
                    online = online_from(online)
                )),
                unsure: archive_unsure,
            },
            (Err(missing), Some(archive)) => Reach::From {
                scn: archive,
                by: text!(
                    "its log archive begins at {}",
                    "其日志归档始于 {}",
                    utc(archive / NANOS)
                ),
                unsure: Some(text!(
                    "its online logs: {cause}",
                    "其在线日志：{cause}";
                    cause = missing.cause
                )),
            },
            (Err(missing), None) => Reach::Unknown(text!(
                "how far back its online logs reach: {cause}",
                "其在线日志能回溯多远：{cause}";
                cause = missing.cause
            )),
        }
    }
}

/// A link as OMS runs it, from its source's point of view.
struct Link {
    source: Tenant,
    /// `the forward link (forward project dr_a_to_b)`.
    name: Text,
    project: Option<String>,
    /// Where it resumes from (seconds since the Unix epoch), or why that is unknown.
    checkpoint: Result<u64, Text>,
}

/// The links whose source must still hold the logs of their checkpoints: every direction OMS
/// shows that has started (a direction not started yet resumes from nothing). A project OMS
/// could not be asked about is a link with an unknown checkpoint.
fn links(cx: &Ctx<'_>) -> Vec<Link> {
    let forward_link = &cx.plan.forward;
    let reverse_link = &cx.plan.reverse;
    let single = cx.plan.is_single_project();
    let unknown = |link: &LinkPlan, missing: Missing| {
        // One project runs both links: the reverse one is its reverse step.
        let project = if single {
            &forward_link.project
        } else {
            &link.project
        };
        let name = if single && link.name == "reverse" {
            text!(
                "the reverse link of project {project}",
                "项目 {project} 的反向链路"
            )
        } else {
            spaced(text!(
                "the {link} link ({link} project {project})",
                "{link}链路（{link}项目 {project}）";
                link = link_name(link.name)
            ))
        };
        Link {
            source: link.source,
            name,
            project: Some(project.clone()),
            checkpoint: Err(missing.reason),
        }
    };
    let mut links = Vec::new();
    let forward = match cx.oms_forward() {
        Ok(forward) => forward,
        Err(missing) => {
            if single {
                links.push(unknown(reverse_link, missing.clone()));
            }
            links.push(unknown(forward_link, missing));
            None
        }
    };
    let reverse = match cx.plan.topology {
        Topology::SingleProject => None,
        Topology::TwoProjects => match cx.oms_reverse() {
            Ok(reverse) => reverse,
            Err(missing) => {
                links.push(unknown(reverse_link, missing));
                None
            }
        },
    };
    for direction in directions(cx.plan.topology, forward, reverse) {
        if direction.step.is_some_and(|step| !step.has_started()) {
            continue;
        }
        let link = if direction.name == "forward" {
            forward_link
        } else {
            reverse_link
        };
        let checkpoint = direction.checkpoint.ok_or_else(|| {
            let why: Vec<&Text> = [
                direction.project.progress.unavailable_reason(),
                direction.project.steps.unavailable_reason(),
            ]
            .into_iter()
            .flatten()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
            if why.is_empty() {
                text!("OMS reports none", "OMS 未报告位点")
            } else {
                text!(
                    "OMS reports none: {why}",
                    "OMS 未报告位点：{why}";
                    why = Text::join(why, "; ", "；")
                )
            }
        });
        links.push(Link {
            source: link.source,
            // A single project's reverse direction already says it is the reverse link.
            name: match direction.step.map(|step| step.kind) {
                Some(StepKind::ReverseIncremental) => direction.describe_text(),
                _ => spaced(text!(
                    "the {link} link ({direction})",
                    "{link}链路（{direction}）";
                    link = link_name(link.name),
                    direction = direction.describe_text()
                )),
            },
            project: Some(direction.project.name.clone()),
            checkpoint,
        });
    }
    links
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

fn hours(window: Duration) -> Text {
    let hours = window.as_secs() / 3_600;
    if hours >= 48 {
        text!("{} days", "{} 天", hours / 24)
    } else {
        text!("{hours} h", "{hours} 小时")
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::{ArchiveDest, Fact, Facts, LogStream, TenantFacts};
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

    fn archiving_since(seconds: u64) -> Fact<Option<Vec<ArchiveDest>>> {
        Fact::Observed(Some(vec![ArchiveDest {
            dest_no: 1,
            status: "DOING".into(),
            start_scn: Some(scn(seconds)),
            checkpoint_scn: Some(scn(NOW)),
        }]))
    }

    /// An SCN at `seconds` since the epoch.
    fn scn(seconds: u64) -> u64 {
        seconds * 1_000_000_000
    }

    /// One log stream whose online logs were recycled up to `seconds`.
    fn recycled_since(seconds: u64) -> Fact<Vec<LogStream>> {
        Fact::Observed(vec![LogStream {
            begin_lsn: 1 << 30,
            begin_scn: scn(seconds),
            end_scn: scn(NOW),
        }])
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
        assert_clean(&RULE, &plan(), &healthy(), Stage::Forward);
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Running);
        let seekdb = facts(|f| {
            f.a.archive = Fact::Observed(None);
            f.b.archive = Fact::Observed(None);
        });
        assert_eq!(
            run(&RULE, &plan(), &seekdb, Stage::Forward).status,
            Status::Skipped
        );
        let unreadable = facts(|f| {
            f.b.archive =
                Fact::unavailable(crate::i18n::Text::english("ERROR 1142 (42000): denied"))
        });
        assert_eq!(
            run(&RULE, &plan(), &unreadable, Stage::Forward).status,
            Status::Inconclusive
        );
    }

    /// The forward link resumes from two hours ago; tenant A recycled its logs up to an hour
    /// ago and archives nothing: an error naming A, the link and both times, beside the
    /// archive warning. The same facts at the forward stage (no link runs yet) give the warning
    /// alone.
    #[test]
    fn fires_when_a_running_links_checkpoint_is_older_than_its_sources_online_logs() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward
                && let Fact::Observed(progress) = &mut forward.progress
            {
                progress.incremental_checkpoint = Some(NOW - 7_200);
            }
        });
        let facts = Facts {
            a: TenantFacts {
                archive: stopped(),
                log_streams: recycled_since(NOW - 3_600),
                ..facts.a
            },
            ..facts
        };
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(
            where_(&findings),
            vec![("a", Some("dr_a_to_b")), ("a", None)]
        );
        let error = &findings[0];
        assert_eq!(error.severity, Some(crate::rules::Severity::Error));
        assert!(
            error.message.contains(
                "the forward link (forward project dr_a_to_b) must resume from its checkpoint 2026-11-18 09:06:40 UTC, older than the oldest change tenant a still has (its online logs begin at 2026-11-18 10:06:40 UTC, older ones recycled, and no log archive)"
            ),
            "{}",
            error.message
        );
        assert!(error.help.as_ref().unwrap().contains("full migration"));
        assert_eq!(
            where_(&fire(&RULE, &oms_plan(), &facts, Stage::Forward)),
            vec![("a", None)]
        );
    }

    /// With an archive, the archive's START_SCN bounds what is left when it reaches further
    /// back than the online logs.
    #[test]
    fn an_archive_that_started_after_the_checkpoint_does_not_save_it() {
        let edit = |archive_start: u64| {
            let facts = with_oms(|oms| {
                if let Fact::Observed(Some(forward)) = &mut oms.forward
                    && let Fact::Observed(progress) = &mut forward.progress
                {
                    progress.incremental_checkpoint = Some(NOW - 7_200);
                }
            });
            Facts {
                a: TenantFacts {
                    archive: archiving_since(archive_start),
                    log_streams: recycled_since(NOW - 1_800),
                    ..facts.a
                },
                ..facts
            }
        };
        let late = fire(&RULE, &oms_plan(), &edit(NOW - 3_600), Stage::Running);
        assert_eq!(where_(&late), vec![("a", Some("dr_a_to_b"))]);
        assert!(
            late[0]
                .message
                .contains("its log archive begins at 2026-11-18 10:06:40 UTC; its online logs begin at 2026-11-18 10:36:40 UTC"),
            "{}",
            late[0].message
        );
        assert_clean(&RULE, &oms_plan(), &edit(NOW - 86_400), Stage::Running);
    }

    /// A single project's reverse step reads tenant B; a reverse step not started yet resumes
    /// from nothing.
    #[test]
    fn the_reverse_step_of_a_single_project_is_judged_against_tenant_b() {
        let old_reverse = |status: &'static str| {
            let facts = with_single_project(|project| {
                if let Fact::Observed(progress) = &mut project.progress {
                    progress.reverse_checkpoint = Some(NOW - 7_200);
                }
                if let Fact::Observed(steps) = &mut project.steps {
                    steps.last_mut().unwrap().status = status.into();
                }
            });
            Facts {
                b: TenantFacts {
                    archive: Fact::Observed(Some(vec![])),
                    log_streams: recycled_since(NOW - 3_600),
                    ..facts.b
                },
                ..facts
            }
        };
        let findings = fire(
            &RULE,
            &single_project_plan(),
            &old_reverse("MONITORING"),
            Stage::Running,
        );
        assert_eq!(
            where_(&findings),
            vec![("b", Some("dr_a_to_b")), ("b", None)]
        );
        assert!(
            findings[0]
                .message
                .contains("the reverse link of project dr_a_to_b"),
            "{}",
            findings[0].message
        );
        assert_eq!(
            where_(&fire(
                &RULE,
                &single_project_plan(),
                &old_reverse("INIT"),
                Stage::Reverse
            )),
            vec![("b", None)]
        );
    }

    /// Without OMS the checkpoints are unknown: said in the archive warning, or inconclusive
    /// when nothing else fired. Never needed when no log was recycled.
    #[test]
    fn an_unknown_checkpoint_is_said_or_inconclusive_never_a_pass() {
        let no_archive = facts(|f| {
            f.a.archive = stopped();
            f.a.log_streams = recycled_since(NOW - 3_600);
        });
        let findings = fire(&RULE, &plan(), &no_archive, Stage::Running);
        assert_eq!(where_(&findings), vec![("a", None)]);
        assert!(
            findings[0].message.contains(
                "; the checkpoint of the forward link (forward project dr_a_to_b) is unknown (the OMS forward project: the plan has no [oms] section)"
            ),
            "{}",
            findings[0].message
        );
        let evaluation = run(&RULE, &plan(), &healthy(), Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap();
        assert!(
            reason.contains("tenant a: the checkpoint of the forward link")
                && reason.contains("tenant b: the checkpoint of the reverse link"),
            "{reason}"
        );
        let unread = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward {
                forward.progress = Fact::unavailable(crate::i18n::Text::english("HTTP 500"));
                forward.steps = Fact::unavailable(crate::i18n::Text::english("HTTP 500"));
            }
        });
        let evaluation = run(&RULE, &oms_plan(), &unread, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        assert!(
            evaluation
                .reason
                .unwrap()
                .contains("OMS reports none: HTTP 500"),
        );
        let young = facts(|f| {
            for tenant in [&mut f.a, &mut f.b] {
                tenant.archive = Fact::Observed(None);
                tenant.log_streams = Fact::Observed(vec![LogStream {
                    begin_lsn: 0,
                    begin_scn: 2,
                    end_scn: scn(NOW),
                }]);
            }
        });
        assert_eq!(
            run(&RULE, &plan(), &young, Stage::Running).status,
            Status::Skipped
        );
    }

    /// An edition without log archive (seekdb) still has online logs: a running link whose
    /// checkpoint they no longer hold is an error there too.
    #[test]
    fn an_edition_without_archive_still_compares_checkpoints_with_its_online_logs() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward
                && let Fact::Observed(progress) = &mut forward.progress
            {
                progress.incremental_checkpoint = Some(NOW - 7_200);
            }
        });
        let facts = Facts {
            a: TenantFacts {
                archive: Fact::Observed(None),
                log_streams: recycled_since(NOW - 3_600),
                ..facts.a
            },
            b: TenantFacts {
                archive: Fact::Observed(None),
                ..facts.b
            },
            ..facts
        };
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Running);
        assert_eq!(where_(&findings), vec![("a", Some("dr_a_to_b"))]);
    }

    /// An archive without START_SCN may or may not reach back further than the online logs.
    #[test]
    fn an_archive_of_unknown_start_leaves_an_older_checkpoint_undecided() {
        let facts = with_oms(|oms| {
            if let Fact::Observed(Some(forward)) = &mut oms.forward
                && let Fact::Observed(progress) = &mut forward.progress
            {
                progress.incremental_checkpoint = Some(NOW - 7_200);
            }
        });
        let facts = Facts {
            a: TenantFacts {
                archive: Fact::Observed(Some(vec![ArchiveDest {
                    dest_no: 1,
                    status: "DOING".into(),
                    start_scn: None,
                    checkpoint_scn: None,
                }])),
                log_streams: recycled_since(NOW - 3_600),
                ..facts.a
            },
            ..facts
        };
        let evaluation = run(&RULE, &oms_plan(), &facts, Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap();
        assert!(
            reason.contains(
                "whether it keeps older logs is unknown (DBA_OB_ARCHIVELOG shows no START_SCN"
            ),
            "{reason}"
        );
    }

    /// Without OMS, a single project's two links are its forward sync and its reverse step.
    #[test]
    fn without_oms_a_single_projects_links_are_named_by_its_one_project() {
        let plan = plan_from(SINGLE_PROJECT_PLAN);
        let evaluation = run(&RULE, &plan, &healthy(), Stage::Running);
        assert_eq!(evaluation.status, Status::Inconclusive);
        let reason = evaluation.reason.unwrap();
        assert!(
            reason.contains("the reverse link of project dr_a_to_b"),
            "{reason}"
        );
    }
}
