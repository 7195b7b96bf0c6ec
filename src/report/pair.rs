//! The pair as OMS runs it, for the head of the human and Markdown reports of a pair whose
//! links exist: each direction's steps, lag and checkpoint, and its stores' window — the picture
//! a support engineer needs before the findings. It only restates facts; the rules judge them.

use crate::facts::Facts;
use crate::facts::oms::{Direction, Lag, LogWindow, directions, log_window_left};
use crate::i18n::{Lang, Text};
use crate::plan::Plan;
use crate::plan::date::{duration, utc};
use crate::rules::DescribeLink;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PairState {
    pub directions: Vec<DirectionState>,
    /// When OMS was read (seconds since the Unix epoch), what lags are measured against.
    pub read_at: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DirectionState {
    /// `forward` or `reverse`.
    pub name: &'static str,
    /// `forward project dr_a_to_b`, `the reverse link of project dr_app`.
    pub link: Text,
    /// Its project's status.
    pub project_status: String,
    /// `NAME STATUS` of the steps that carry this direction, in order; empty when unread.
    pub steps: Vec<String>,
    /// Seconds between the checkpoint and the time OMS was read; `None` when either is not
    /// known, or the checkpoint is later than that time (`checkpoint_ahead`).
    pub lag: Option<u64>,
    /// The checkpoint lies after the time OMS was read, beyond clock skew: the lag is unknown.
    pub checkpoint_ahead: bool,
    pub checkpoint: Option<u64>,
    /// The oldest and newest change its stores keep, and their statuses.
    pub store_window: Option<(u64, u64)>,
    pub store_statuses: Vec<String>,
    /// How far behind the source its stores are (their `delay`): the capture side.
    pub capture_lag: Option<u64>,
    /// How far behind its stores the writer is: the apply side.
    pub apply_lag: Option<u64>,
    /// How long the direction may stand still before its checkpoint leaves its stores' window.
    pub store_left: Option<u64>,
    /// The same for its source tenant's online logs: seconds, or `archived` / `not_recycled`
    /// when they do not limit it; `None` when unknown.
    #[serde(serialize_with = "log_left")]
    pub log_left: Option<LogWindow>,
}

/// `log_left` in the JSON report: seconds left, `"archived"`, `"not_recycled"` or null.
fn log_left<S: serde::Serializer>(
    window: &Option<LogWindow>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match window {
        None => serializer.serialize_none(),
        Some(LogWindow::Left(seconds)) => serializer.serialize_u64(*seconds),
        Some(LogWindow::Archived) => serializer.serialize_str("archived"),
        Some(LogWindow::NotRecycled) => serializer.serialize_str("not_recycled"),
    }
}

/// The pair's state when OMS showed at least the forward project; `None` otherwise.
pub fn state(plan: &Plan, facts: Option<&Facts>) -> Option<PairState> {
    let facts = facts?;
    let oms = facts.oms.as_ref()?;
    let forward = oms.forward.observed()?.as_ref();
    let reverse = oms.reverse.observed().and_then(Option::as_ref);
    let directions = directions(plan.topology, forward, reverse);
    if directions.is_empty() {
        return None;
    }
    let read_at = oms.collected_at;
    Some(PairState {
        directions: directions
            .iter()
            .map(|direction| describe(direction, read_at, facts))
            .collect(),
        read_at,
    })
}

fn describe(direction: &Direction<'_>, read_at: Option<u64>, facts: &Facts) -> DirectionState {
    let steps = direction
        .steps()
        .map(|steps| {
            steps
                .map(|step| format!("{} {}", step.name, step.status))
                .collect()
        })
        .unwrap_or_default();
    let stores = direction.stores().unwrap_or_default();
    let begin = stores.iter().filter_map(|store| store.begin).min();
    let end = stores.iter().filter_map(|store| store.end).max();
    let lag = read_at.map(|now| direction.lag(now));
    let log_left = direction
        .checkpoint
        .zip(direction.source())
        .and_then(|(checkpoint, source)| {
            let tenant = facts.tenant(source);
            let archive = tenant.archive.observed()?.as_deref();
            let streams = tenant.log_streams.observed().map(Vec::as_slice);
            match (
                log_window_left(checkpoint, archive, streams.unwrap_or_default()),
                streams,
            ) {
                (LogWindow::Archived, _) => Some(LogWindow::Archived),
                (_, None) => None,
                (window, Some(_)) => Some(window),
            }
        });
    DirectionState {
        name: direction.name,
        link: direction.describe_text(),
        project_status: direction.project.status.clone(),
        steps,
        lag: match lag {
            Some(Lag::Behind(lag)) => Some(lag),
            _ => None,
        },
        checkpoint_ahead: matches!(lag, Some(Lag::Ahead { .. })),
        checkpoint: direction.checkpoint,
        store_window: begin.zip(end),
        store_statuses: stores.iter().map(|store| store.status.clone()).collect(),
        capture_lag: direction.capture_lag(),
        apply_lag: direction.apply_lag(),
        store_left: direction.store_window_left(),
        log_left,
    }
}

/// The lines a report opens with, plain enough to paste into a ticket.
pub fn lines(state: &PairState, lang: Lang) -> Vec<String> {
    let zh = lang.is_zh();
    let mut lines = Vec::new();
    for direction in &state.directions {
        let name = match (zh, direction.name) {
            (true, "forward") => "正向链路",
            (true, _) => "反向链路",
            (false, name) => name,
        };
        let mut line = if zh {
            format!(
                "{name}（{}）：{}",
                direction.link.zh(),
                direction.project_status
            )
        } else {
            format!(
                "{} ({name}): {}",
                direction.link.en(),
                direction.project_status
            )
        };
        let sep = if zh { "；" } else { "; " };
        if !direction.steps.is_empty() {
            let label = if zh { "步骤 " } else { "steps " };
            line.push_str(&format!("{sep}{label}{}", direction.steps.join(", ")));
        }
        match (direction.lag, direction.checkpoint) {
            (Some(lag), Some(checkpoint)) => line.push_str(&if zh {
                format!("{sep}延迟 {}（位点 {}）", duration(lag), utc(checkpoint))
            } else {
                format!(
                    "{sep}lag {} (checkpoint {})",
                    duration(lag),
                    utc(checkpoint)
                )
            }),
            (None, Some(checkpoint)) if direction.checkpoint_ahead => {
                let read_at = state.read_at.map(utc).unwrap_or_default();
                line.push_str(&if zh {
                    format!(
                        "{sep}延迟未知：位点 {} 晚于读取 OMS 的时间 {read_at}",
                        utc(checkpoint)
                    )
                } else {
                    format!(
                        "{sep}lag unknown: checkpoint {} is later than the time OMS was read, {read_at}",
                        utc(checkpoint)
                    )
                })
            }
            (None, Some(checkpoint)) => line.push_str(&if zh {
                format!("{sep}位点 {}", utc(checkpoint))
            } else {
                format!("{sep}checkpoint {}", utc(checkpoint))
            }),
            _ => line.push_str(if zh {
                "；未报告位点"
            } else {
                "; no checkpoint reported"
            }),
        }
        if let Some((begin, end)) = direction.store_window {
            let statuses = direction.store_statuses.join(", ");
            line.push_str(&if zh {
                format!(
                    "{sep}Store 日志窗口 {} 至 {}（{statuses}）",
                    utc(begin),
                    utc(end)
                )
            } else {
                format!(
                    "{sep}store window {} to {} ({statuses})",
                    utc(begin),
                    utc(end)
                )
            });
        }
        if direction.capture_lag.is_some() || direction.apply_lag.is_some() {
            let unknown = if zh { "未知" } else { "unknown" };
            let shown = |lag: Option<u64>| lag.map_or(unknown.to_string(), duration);
            line.push_str(&if zh {
                format!(
                    "{sep}Store 落后源端 {}，写入落后 Store {}",
                    shown(direction.capture_lag),
                    shown(direction.apply_lag)
                )
            } else {
                format!(
                    "{sep}store behind source {}, writer behind store {}",
                    shown(direction.capture_lag),
                    shown(direction.apply_lag)
                )
            });
        }
        let mut left = Vec::new();
        if let Some(store) = direction.store_left {
            left.push(if zh {
                format!("Store 窗口 {}", duration(store))
            } else {
                format!("store window {}", duration(store))
            });
        }
        match direction.log_left {
            Some(LogWindow::Left(logs)) => left.push(if zh {
                format!("源端日志 {}", duration(logs))
            } else {
                format!("source logs {}", duration(logs))
            }),
            Some(LogWindow::Archived) => left.push(if zh {
                "源端日志已归档".to_string()
            } else {
                "source logs archived".to_string()
            }),
            Some(LogWindow::NotRecycled) => left.push(if zh {
                "源端日志未回收".to_string()
            } else {
                "source logs never recycled".to_string()
            }),
            None => {}
        }
        if !left.is_empty() {
            line.push_str(&if zh {
                format!("{sep}停滞时的剩余时间：{}", left.join("，"))
            } else {
                format!("{sep}time left if it stood still: {}", left.join(", "))
            });
        }
        lines.push(line);
    }
    if let Some(read_at) = state.read_at {
        lines.push(if zh {
            format!("OMS 读取于 {}", utc(read_at))
        } else {
            format!("OMS read at {}", utc(read_at))
        });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn a_running_single_project_shows_both_directions() {
        let facts = with_single_project(|_| {});
        let state = state(&single_project_plan(), Some(&facts)).unwrap();
        let lines = lines(&state, Lang::En);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(
            lines[0].starts_with(
                "forward project dr_a_to_b (forward): RUNNING; steps TRANSFER_PRECHECK FINISHED"
            ),
            "{}",
            lines[0]
        );
        assert!(!lines[0].contains("REVERSE_INCR_TRANSFER"));
        assert!(
            lines[0].contains("lag 2 s (checkpoint 2026-11-18 "),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("the reverse link of project dr_a_to_b (reverse): RUNNING; steps REVERSE_INCR_TRANSFER MONITORING; lag 3 s"), "{}", lines[1]);
        assert!(lines[1].contains("store window"));
        assert_eq!(lines[2], format!("OMS read at {}", utc(NOW)));
    }

    #[test]
    fn capture_and_apply_lag_and_the_time_left_per_direction() {
        let facts = with_single_project(|_| {});
        let state = state(&single_project_plan(), Some(&facts)).unwrap();
        let lines = lines(&state, Lang::En);
        // The forward store is 1 s behind A; the writer applied up to 2 s ago, the store pulled
        // up to 1 s ago. The sources archive their logs: only the stores' window limits.
        assert!(
            lines[0].contains(
                "; store behind source 1 s, writer behind store 1 s; time left if it stood still: store window 23 h 59 min, source logs archived"
            ),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains("writer behind store 2 s"), "{}", lines[1]);
        let zh = super::lines(&state, Lang::ZhCn);
        assert!(zh[0].contains("Store 落后源端 1 s"), "{}", zh[0]);
        let json = serde_json::to_value(&state.directions[0]).unwrap();
        assert_eq!(json["capture_lag"], 1);
        assert_eq!(json["log_left"], "archived");
        assert_eq!(json["store_left"], 86_398);
    }

    #[test]
    fn a_checkpoint_after_the_reading_time_is_no_lag_of_zero() {
        let facts = with_single_project(|project| {
            if let crate::facts::Fact::Observed(progress) = &mut project.progress {
                progress.incremental_checkpoint = Some(NOW + 30 * 86_400);
            }
        });
        let state = state(&single_project_plan(), Some(&facts)).unwrap();
        assert_eq!(state.directions[0].lag, None);
        let line = &lines(&state, Lang::En)[0];
        assert!(!line.contains("lag 0 s"), "{line}");
        assert!(
            line.contains("lag unknown: checkpoint ")
                && line.contains("is later than the time OMS was read"),
            "{line}"
        );
        let zh = &lines(&state, Lang::ZhCn)[0];
        assert!(zh.contains("延迟未知"), "{zh}");
    }

    #[test]
    fn nothing_before_the_forward_project_exists() {
        let facts = with_oms(|oms| oms.forward = crate::facts::Fact::Observed(None));
        assert_eq!(state(&oms_plan(), Some(&facts)), None);
        assert_eq!(state(&oms_plan(), Some(&healthy())), None);
    }

    #[test]
    fn times_read_like_a_console() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_795_000_000), "2026-11-18 11:06:40 UTC");
        assert_eq!(duration(14), "14 s");
        assert_eq!(duration(903), "15 min 3 s");
        assert_eq!(duration(7500), "2 h 5 min");
        assert_eq!(duration(90_000), "1 d 1 h");
    }
}
