//! What a tenant's kernel says about its logs and its role: how far back its online logs
//! reach, whether it archives them, and whether it is a primary tenant OMS can read.

use serde::{Deserialize, Serialize};

/// One log stream of the tenant (`GV$OB_LOG_STAT`, `V$OB_LOG_STAT` on seekdb). SCNs are
/// nanoseconds since the epoch; LSNs are byte offsets in the stream's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogStream {
    /// The oldest log still online. 0: nothing was ever recycled, the log reaches back to the
    /// stream's creation.
    pub begin_lsn: u64,
    pub begin_scn: u64,
    pub end_scn: u64,
}

impl LogStream {
    /// Whether older logs were recycled: the stream no longer starts at its creation.
    pub fn recycled(&self) -> bool {
        self.begin_lsn > 0
    }

    /// How far back the online log reaches from its newest entry.
    pub fn window(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.end_scn.saturating_sub(self.begin_scn))
    }
}

/// One log archive destination (`DBA_OB_ARCHIVELOG`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveDest {
    pub dest_no: i64,
    /// `DOING` while archiving; `STOP`, `INTERRUPTED`, `SUSPEND` ...
    pub status: String,
    pub start_scn: Option<u64>,
    pub checkpoint_scn: Option<u64>,
}

impl ArchiveDest {
    pub fn archiving(&self) -> bool {
        self.status.eq_ignore_ascii_case("DOING")
    }
}

/// The session's own tenant as `DBA_OB_TENANTS` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRole {
    pub name: String,
    /// `PRIMARY`, `STANDBY`, `RESTORE`.
    pub role: String,
    /// `NORMAL`, `CREATING`, `DROPPING`, `RESTORE` ...
    pub status: String,
    /// `YES` or `NO`.
    pub locked: String,
}
