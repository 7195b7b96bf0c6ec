//! The tenant's logs and role, asked of the views OceanBase 4.x keeps for them, one statement
//! each: how far back the online logs reach (`GV$OB_LOG_STAT`), whether logs are archived
//! (`DBA_OB_ARCHIVELOG`), and the tenant's role and state (`DBA_OB_TENANTS`).
//!
//! seekdb, checked on seekdb 1.4 (OceanBase 4.3.5.3), has `V$OB_LOG_STAT` only: no `GV$`
//! view, no `DBA_OB_ARCHIVELOG`, no `DBA_OB_TENANTS` (ERROR 1146) — it has no log archive and
//! no tenants, hence no standby. There the archive and the role are recorded as absent from
//! the edition, without a statement. On OceanBase 4.0 `DBA_OB_TENANTS` is a sys-tenant view
//! (and has no TENANT_ROLE): the role is unavailable, saying the view does not exist on that
//! version, without a statement. A view that exists and cannot be read leaves the fact
//! unavailable, with the server's error.

use super::layout::Kernel;
use super::queries::cell;
use super::statements::{Rows, ShapeError};
use super::{Dictionary, Fetcher, to_fact};
use crate::facts::{ArchiveDest, Fact, LogStream, TenantRole};
use crate::text;

/// OceanBase 4.x: every replica of every log stream of the tenant.
pub const LOG_STAT: &str = "SELECT begin_lsn, begin_scn, end_scn FROM oceanbase.GV$OB_LOG_STAT";
/// seekdb: the one server's log streams.
pub const LOG_STAT_SEEKDB: &str =
    "SELECT begin_lsn, begin_scn, end_scn FROM oceanbase.V$OB_LOG_STAT";
pub const ARCHIVE: &str =
    "SELECT dest_no, status, start_scn, checkpoint_scn FROM oceanbase.DBA_OB_ARCHIVELOG";
/// A user tenant's `DBA_OB_TENANTS` holds its own row only.
pub const TENANT_ROLE: &str =
    "SELECT tenant_name, tenant_role, status, locked FROM oceanbase.DBA_OB_TENANTS";

fn number(row: &[Option<String>], index: usize) -> Result<Option<u64>, ShapeError> {
    match cell(row, index)? {
        None => Ok(None),
        Some(text) => text.trim().parse().map(Some).map_err(|_| {
            ShapeError(text!(
                "column {} is not a number",
                "第 {} 列不是数字",
                index + 1
            ))
        }),
    }
}

fn required(row: &[Option<String>], index: usize) -> Result<u64, ShapeError> {
    number(row, index)?
        .ok_or_else(|| ShapeError(text!("column {} is NULL", "第 {} 列为 NULL", index + 1)))
}

pub fn log_streams(rows: &Rows) -> Result<Vec<LogStream>, ShapeError> {
    if rows.is_empty() {
        return Err(ShapeError(text!(
            "the log stat view lists no log stream",
            "日志统计视图中没有列出任何日志流"
        )));
    }
    rows.iter()
        .map(|row| {
            Ok(LogStream {
                begin_lsn: required(row, 0)?,
                begin_scn: required(row, 1)?,
                end_scn: required(row, 2)?,
            })
        })
        .collect()
}

pub fn archive(rows: &Rows) -> Result<Option<Vec<ArchiveDest>>, ShapeError> {
    rows.iter()
        .map(|row| {
            Ok(ArchiveDest {
                dest_no: cell(row, 0)?
                    .and_then(|text| text.trim().parse().ok())
                    .ok_or_else(|| {
                        ShapeError(text!("dest_no is not a number", "dest_no 不是数字"))
                    })?,
                status: cell(row, 1)?.unwrap_or_default().to_string(),
                start_scn: number(row, 2)?,
                checkpoint_scn: number(row, 3)?,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

pub fn tenant_role(rows: &Rows) -> Result<Option<TenantRole>, ShapeError> {
    let [row] = rows.as_slice() else {
        return Err(ShapeError(text!(
            "DBA_OB_TENANTS lists {} tenants, not the session's own alone",
            "DBA_OB_TENANTS 列出了 {} 个租户，而不只是会话所在的租户",
            rows.len()
        )));
    };
    let text = |index| Ok::<_, ShapeError>(cell(row, index)?.unwrap_or_default().to_string());
    Ok(Some(TenantRole {
        name: text(0)?,
        role: text(1)?,
        status: text(2)?,
        locked: text(3)?,
    }))
}

/// Log streams, archive and role, side by side; the kernel's layout says which views it has.
pub(super) async fn fetch(
    fetcher: &Fetcher<'_>,
    layout: &Dictionary,
) -> (
    Fact<Vec<LogStream>>,
    Fact<Option<Vec<ArchiveDest>>>,
    Fact<Option<TenantRole>>,
) {
    let layout = match layout {
        Ok(layout) => *layout,
        Err(reason) => {
            let reason = super::naming(fetcher.endpoint, reason.clone());
            return (
                Fact::unavailable(reason.clone()),
                Fact::unavailable(reason.clone()),
                Fact::unavailable(reason),
            );
        }
    };
    let streams = async {
        match layout.first_readable(&[LOG_STAT, LOG_STAT_SEEKDB]) {
            Ok(statement) => fetcher.dictionary(layout, statement).await,
            Err(why) => Err(super::naming(fetcher.endpoint, why)),
        }
    };
    match layout.kernel {
        Kernel::Seekdb => (
            to_fact(streams.await, log_streams),
            Fact::Observed(None),
            Fact::Observed(None),
        ),
        Kernel::OceanBase => {
            let (streams, archived, role) = tokio::join!(
                streams,
                fetcher.dictionary(layout, ARCHIVE),
                fetcher.dictionary(layout, TENANT_ROLE)
            );
            (
                to_fact(streams, log_streams),
                to_fact(archived, archive),
                to_fact(role, tenant_role),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::tenant::statements::rows;

    /// What seekdb 1.4 answered a few minutes after boot: nothing recycled yet.
    #[test]
    fn a_young_log_reaches_back_to_its_start() {
        let streams = log_streams(&rows(&[&[
            Some("0"),
            Some("2"),
            Some("1796156728915480021"),
        ]]))
        .unwrap();
        assert!(!streams[0].recycled());
        assert!(log_streams(&rows(&[])).is_err());
        assert!(log_streams(&rows(&[&[Some("x"), Some("2"), Some("3")]])).is_err());
    }

    #[test]
    fn archive_destinations_and_the_tenants_own_row() {
        let dests = archive(&rows(&[&[
            Some("1"),
            Some("DOING"),
            Some("1780000000000000000"),
            None,
        ]]))
        .unwrap()
        .unwrap();
        assert!(dests[0].archiving());
        assert_eq!(archive(&rows(&[])).unwrap(), Some(vec![]));
        let role = tenant_role(&rows(&[&[
            Some("t1"),
            Some("STANDBY"),
            Some("NORMAL"),
            Some("NO"),
        ]]))
        .unwrap()
        .unwrap();
        assert_eq!(role.role, "STANDBY");
        assert!(tenant_role(&rows(&[])).is_err());
    }
}
