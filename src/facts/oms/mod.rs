//! What OMS says about the pair: its data sources, and the projects that read or write tenant
//! A or B, the planned forward and reverse projects among them.

use serde::{Deserialize, Serialize};

mod direction;
mod selection;

pub use direction::{CLOCK_SKEW, Direction, Lag, LogWindow, directions, lag, log_window_left};
pub use selection::{
    MappedDatabase, MappedTable, MatchRule, MatchingRules, Rename, Selection, Writes, matches,
};

use super::{Fact, Tenant, Topology};
use crate::i18n::{Text, bilingual};
use crate::text;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OmsFacts {
    pub url: String,
    pub access: Access,
    pub data_sources: Fact<Vec<DataSource>>,
    /// The project the plan's `[forward]` names, if it exists.
    pub forward: Fact<Option<Project>>,
    /// The project the plan's `[reverse]` names, if it exists.
    pub reverse: Fact<Option<Project>>,
    /// Every other live project whose source or sink is tenant A or B.
    pub others: Fact<Vec<Project>>,
    /// Seconds since the Unix epoch when OMS's answers were read: what lag is measured
    /// against, in a live run and in a bundle replayed next week alike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<u64>,
    /// OMS's clock, from the HTTP `Date` header of its first answer (whole seconds); unavailable
    /// when no answer carried one.
    #[serde(default = "super::not_in_bundle")]
    pub clock: Fact<super::ClockReading>,
}

/// Whether the OMS API let us in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Granted,
    /// The API answered and refused: HTTP 401/403, or a `success: false` envelope.
    Refused {
        #[serde(with = "bilingual")]
        reason: Text,
    },
    /// No usable answer: connection, timeout, HTTP 5xx, a body that is not the API's JSON.
    Unavailable {
        #[serde(with = "bilingual")]
        reason: Text,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSource {
    pub id: String,
    pub name: Option<String>,
    /// `OB_MYSQL`, `OB_ORACLE`, ...
    pub kind: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub tenant_name: Option<String>,
    pub cluster: Option<String>,
    pub user_name: Option<String>,
    /// The plan's tenant at this host and port, if any.
    pub tenant: Option<Tenant>,
    /// Set when the data source could not be told apart from a plan tenant on the same port
    /// because a host name did not resolve here; `tenant` is then `None` without meaning
    /// "another endpoint".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unresolved: Option<Unresolved>,
    /// `connExtraAttributes` of an OceanBase data source: how OMS reads its incremental logs.
    /// `None` when OMS's answer does not show them (older OMS versions, other data source
    /// types), which is not the same as showing them empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_source: Option<LogSource>,
    /// `ocpName`: the OCP the data source belongs to, through which OMS can also find its logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocp_name: Option<String>,
    /// `schema` (DB Name): the one database a data source restricted to it lets projects move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// `timezone`, as registered with the data source (e.g. `+08:00`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// What OMS reads an OceanBase data source's incremental logs with (`connExtraAttributes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSource {
    /// `drcUser`: the sys-tenant user the logs are read as; never its password.
    pub drc_user: Option<String>,
    /// `configUrl`: the cluster's config server URL.
    pub config_url: Option<String>,
}

/// A data source that may or may not be one of the plan's tenants: its port is theirs, but its
/// host (or the plan's) is a name that did not resolve where the check ran, so the two could not
/// be compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unresolved {
    /// The data source as OMS names it, with its host and port: `ob_b (db-b.internal:2881)`.
    pub data_source: String,
    /// The plan's tenants it may be: those on the same port.
    pub tenants: Vec<Tenant>,
    /// The lookup that failed and why.
    #[serde(with = "bilingual")]
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    /// As DescribeProjectProgress documents it: `INIT`, `RUNNING`, `SUSPEND`, `FAILED`,
    /// `FINISHED`, `RELEASING`, `RELEASED`, `DELETED`, `RUNNING_MODIFYING`, `RUNNING_MERGING`.
    /// Compare it with [`Project::is_running`] and the like, which ignore case.
    pub status: String,
    pub source_endpoint_id: Option<String>,
    pub sink_endpoint_id: Option<String>,
    /// The plan's tenant behind the source / sink data source, when it resolves.
    pub source: Option<Tenant>,
    pub sink: Option<Tenant>,
    /// Why the source / sink data source could not be compared with the plan's tenants, when
    /// a host name did not resolve (`source` / `sink` is then `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_unresolved: Option<Unresolved>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sink_unresolved: Option<Unresolved>,
    pub migration: Migrations,
    /// DDL types synced by the incremental config; `["DDL"]` when only `recordTypeWhiteList`
    /// says DDL. Empty: no DDL sync.
    pub ddl_sync: Vec<String>,
    /// The same for the reverse-incremental config.
    pub reverse_ddl_sync: Vec<String>,
    /// `incrTransferConfig.recordTypeWhiteList`: the record types the incremental step
    /// carries (`INSERT`, `UPDATE`, `DELETE`, `DDL`, ...); `None` when OMS does not show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_types: Option<Vec<String>>,
    /// The same for the reverse-incremental config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse_record_types: Option<Vec<String>>,
    /// `commonTransferConfig.activeActive`, when OMS echoes it.
    pub active_active: Option<bool>,
    /// The databases and tables a `SPECIFIC` mapping lists (empty in other modes).
    pub mapping: Vec<MappedDatabase>,
    /// How the project chooses its objects. Bundles recorded before matching rules were read
    /// hold only `mapping`, which is what `Listed` means.
    #[serde(default, skip_serializing_if = "Selection::is_listed")]
    pub selection: Selection,
    /// Ordered steps (only read for the planned projects).
    pub steps: Fact<Vec<Step>>,
    /// `structTransferProgress` of DescribeProjectProgress (only read for the planned projects).
    pub schema_progress: Option<u8>,
    /// The incremental checkpoints of DescribeProjectProgress (only read for the planned
    /// projects).
    #[serde(default = "progress_not_read")]
    pub progress: Fact<Progress>,
    /// The stores of each direction (DescribeProjectComponents; only read for the planned
    /// projects).
    #[serde(default = "components_not_read")]
    pub components: Fact<Components>,
    /// The full verification's result per table (ListProjectFullVerifyResult; only read for
    /// the planned projects). Counts only: no row value is ever read.
    #[serde(default = "verification_not_read")]
    pub verification: Fact<Vec<VerifiedTable>>,
    /// The tables the project moves only in part: a row filter or a column selection on them.
    /// Bundles recorded before filters were read have none, which is not "no filter".
    #[serde(default = "filters_not_read")]
    pub filters: Fact<Vec<TableFilter>>,
    /// The project's alarm level: `importance` (DescribeProject, ListProjects) or `alarmLevel`
    /// (DescribeProjectProgress), `HIGH`, `MEDIUM`, `LOW` or `IGNORE` (无保护: no alarm at all).
    /// Unavailable when OMS shows neither, or the bundle predates it.
    #[serde(default = "alarm_level_not_read")]
    pub alarm_level: Fact<String>,
}

pub fn steps_not_read() -> Fact<Vec<Step>> {
    Fact::unavailable(text!(
        "steps were not read for this project",
        "未读取该项目的步骤"
    ))
}

pub fn progress_not_read() -> Fact<Progress> {
    Fact::unavailable(text!(
        "progress was not read for this project",
        "未读取该项目的进度"
    ))
}

pub fn components_not_read() -> Fact<Components> {
    Fact::unavailable(text!(
        "components were not read for this project",
        "未读取该项目的组件"
    ))
}

pub fn verification_not_read() -> Fact<Vec<VerifiedTable>> {
    Fact::unavailable(text!(
        "the full verification was not read for this project",
        "未读取该项目的全量校验"
    ))
}

fn filters_not_read() -> Fact<Vec<TableFilter>> {
    Fact::unavailable(text!(
        "its row and column filters were not read (a bundle recorded by an older version)",
        "未读取其行过滤和列过滤（旧版本记录的数据包）"
    ))
}

pub fn alarm_level_not_read() -> Fact<String> {
    Fact::unavailable(text!(
        "its alarm level was not read (a bundle recorded by an older version)",
        "未读取其告警等级（旧版本记录的数据包）"
    ))
}

fn workers_not_read() -> Fact<Vec<Worker>> {
    Fact::unavailable(text!(
        "its components' hosts and delays were not read (a bundle recorded by an older version)",
        "未读取其组件的主机和延迟（旧版本记录的数据包）"
    ))
}

/// A table a project moves only in part (`transferMapping`, a table of `databases[].tables`
/// or, in wildcard mode, `specificTables`): the rows its `whereClause` keeps, or the columns
/// its `filterColumns` lists. Configuration only: never a row value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableFilter {
    /// Source-side names, as OMS shows them (a pattern in wildcard mode).
    pub database: String,
    pub table: String,
    /// `whereClause`: the condition a row must meet to be moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_filter: Option<String>,
    /// `filterColumns`: the only columns moved; empty when every column is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
}

/// A project's log stores: `storeList` serves its forward incremental sync,
/// `reverseStoreList` a single project's reverse step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Components {
    pub stores: Vec<Store>,
    pub reverse_stores: Vec<Store>,
    /// Every component DescribeProjectComponents lists (stores, Incr-Sync, Full-Import,
    /// Full-Verification, forward and reverse) with the host it runs on and, for stores and
    /// Incr-Sync, its delay. Unavailable in a bundle recorded before they were read.
    #[serde(default = "workers_not_read")]
    pub workers: Fact<Vec<Worker>>,
}

impl Components {
    /// Stores and the components of a project OMS lists nothing else of (tests, bodies
    /// without the other lists).
    pub fn with_stores(stores: Vec<Store>, reverse_stores: Vec<Store>) -> Components {
        Components {
            stores,
            reverse_stores,
            workers: Fact::Observed(Vec::new()),
        }
    }
}

/// What a component of a project does, by the list DescribeProjectComponents shows it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerKind {
    /// `storeList`: pulls the forward link's changes from the source's logs.
    Store,
    /// `reverseStoreList`.
    ReverseStore,
    /// `incrSyncComponents`: applies the forward link's changes to the target.
    IncrSync,
    /// `reverseIncrSyncComponents`.
    ReverseIncrSync,
    /// `fullImportComponents`.
    FullImport,
    /// `fullVerifyComponents`.
    FullVerify,
}

impl WorkerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerKind::Store => "store",
            WorkerKind::ReverseStore => "reverse store",
            WorkerKind::IncrSync => "Incr-Sync",
            WorkerKind::ReverseIncrSync => "reverse Incr-Sync",
            WorkerKind::FullImport => "Full-Import",
            WorkerKind::FullVerify => "Full-Verification",
        }
    }
}

/// One component of a project as DescribeProjectComponents shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    pub kind: WorkerKind,
    /// `name` (a store's, `ip-port:...`), or `identity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ip`: the host it runs on; `None` when OMS does not say.
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `delay`, seconds: how far behind the source a store is, how far behind an Incr-Sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<u64>,
    /// An Incr-Sync's `checkpoint` (seconds since the Unix epoch): up to where it applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<u64>,
}

/// A store: the window of logs it keeps, which a link can resume from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub id: Option<String>,
    /// `ACTIVE`, ...
    pub status: String,
    /// The oldest change it still serves (seconds since the Unix epoch).
    pub begin: Option<u64>,
    /// The newest change it has pulled.
    pub end: Option<u64>,
    /// Its last heartbeat.
    pub heartbeat: Option<u64>,
    pub error: Option<String>,
}

/// One table of a full verification: how many rows differ, never which.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedTable {
    /// `db.table` on the source.
    pub source: String,
    /// `db.table` on the target, when OMS names it.
    pub target: Option<String>,
    pub source_only: u64,
    pub target_only: u64,
    pub mismatched: u64,
    /// `RUNNING`, `ERROR`, `FINISHED`, `SUSPEND`.
    pub status: String,
    /// `resultDesc` / `errorDetails` of a table that could not be verified.
    pub error: Option<String>,
}

impl VerifiedTable {
    pub fn differences(&self) -> u64 {
        self.source_only
            .saturating_add(self.target_only)
            .saturating_add(self.mismatched)
    }
}

/// Where a project's incremental sync has got to (DescribeProjectProgress).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// `incrSyncCheckpoint`: seconds since the Unix epoch up to which the forward direction
    /// has applied changes.
    pub incremental_checkpoint: Option<u64>,
    /// `reverseIncrTransferCheckpoint`: the same for a single project's reverse step.
    pub reverse_checkpoint: Option<u64>,
}

impl Project {
    /// Whether the project no longer runs and never will again (released, finished).
    pub fn has_ended(&self) -> bool {
        has_ended(&self.status)
    }

    /// Whether the project runs: `RUNNING`, or running while its objects are changed
    /// (`RUNNING_MODIFYING`) or its changes merged (`RUNNING_MERGING`).
    pub fn is_running(&self) -> bool {
        RUNNING_STATUSES
            .iter()
            .any(|running| self.status.trim().eq_ignore_ascii_case(running))
    }

    /// Whether the project is `FAILED`.
    pub fn is_failed(&self) -> bool {
        self.status.trim().eq_ignore_ascii_case("FAILED")
    }

    /// The step of `kind`, if the project has one.
    pub fn step(&self, kind: StepKind) -> Option<&Step> {
        self.steps.observed()?.iter().find(|step| step.kind == kind)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migrations {
    pub schema: bool,
    pub full: bool,
    pub incremental: bool,
    pub reverse_incremental: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub order: Option<i64>,
    /// As OMS names it: `STRUCT_TRANSFER`, `STRUCT_MIGRATION`, ...
    pub name: String,
    pub kind: StepKind,
    /// `INIT`, `RUNNING`, `FAILED`, `FINISHED`, `SUSPEND`, `MONITORING`.
    pub status: String,
    pub progress: Option<u8>,
    /// `extraInfo.errorCode` / `errorMsg` of a failed step.
    pub error: Option<String>,
    /// `stepInfo.incrTimestampCheckpoint` of an incremental step: seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<u64>,
    /// `stepInfo.checkpointSampleTimestamp`: when OMS last measured that checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_sampled_at: Option<u64>,
}

impl Step {
    /// Whether the step is RUNNING or MONITORING (caught up once; OMS never switches back).
    pub fn is_running(&self) -> bool {
        self.is(&["RUNNING", "MONITORING"])
    }

    /// Whether the step is `FAILED`.
    pub fn is_failed(&self) -> bool {
        self.is(&["FAILED"])
    }

    /// Whether the step has stopped: `FAILED` or `SUSPEND`.
    pub fn has_stopped(&self) -> bool {
        self.is(&["FAILED", "SUSPEND"])
    }

    /// Whether the step is `FINISHED`.
    pub fn is_finished(&self) -> bool {
        self.is(&["FINISHED"])
    }

    fn is(&self, statuses: &[&str]) -> bool {
        let status = self.status.trim();
        statuses.iter().any(|s| status.eq_ignore_ascii_case(s))
    }

    /// Whether the step has run: anything but not started (`INIT`, or no status). A step that
    /// ran and then failed or was suspended has started.
    pub fn has_started(&self) -> bool {
        let status = self.status.trim().to_ascii_uppercase();
        !(status.is_empty() || status == "INIT" || status == "NOT_STARTED")
    }
}

/// What a step does, whichever of OMS's two naming schemes it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Precheck,
    Prepare,
    Schema,
    Index,
    Full,
    LogPull,
    Incremental,
    ReverseIncremental,
    Verify,
    Switch,
    Other,
}

impl StepKind {
    pub fn of(name: &str) -> StepKind {
        match name.to_ascii_uppercase().as_str() {
            "PRE_CHECK" | "TRANSFER_PRECHECK" => StepKind::Precheck,
            "PREPARE" | "SYNC_PREPARE" | "TRANSFER_PREPARE" => StepKind::Prepare,
            "STRUCT_TRANSFER" | "STRUCT_MIGRATION" | "STRUCT_SYNC" => StepKind::Schema,
            "INDEX_TRANSFER" | "INDEX_MIGRATION" => StepKind::Index,
            "FULL_TRANSFER" | "FULL_MIGRATION" | "CONNECTOR_FULL_SYNC" => StepKind::Full,
            "TRANSFER_INCR_LOG_PULL" | "INCR_LOG_PULL" | "SYNC_INCR_LOG_PULL" => StepKind::LogPull,
            "INCR_TRANSFER" | "INCR_SYNC" | "CONNECTOR_INCR_SYNC" => StepKind::Incremental,
            "REVERSE_INCR_TRANSFER" | "REVERSE_INCR_SYNC" => StepKind::ReverseIncremental,
            "FULL_VERIFIER" | "FULL_VALIDATION" | "INCR_VERIFIER" => StepKind::Verify,
            "APP_SWITCH" | "TRANSFER_APP_SWITCH" => StepKind::Switch,
            _ => StepKind::Other,
        }
    }
}

/// Project statuses of projects that no longer run and never will again.
pub const ENDED_STATUSES: &[&str] = &["RELEASED", "RELEASING", "DELETED", "FINISHED"];

/// Project statuses of a running project (DescribeProjectProgress's status table): modifying
/// its objects or merging its changes, a project goes on running.
pub const RUNNING_STATUSES: &[&str] = &["RUNNING", "RUNNING_MODIFYING", "RUNNING_MERGING"];

/// Whether a project of `status` has ended, whatever the case it is written in.
pub fn has_ended(status: &str) -> bool {
    ENDED_STATUSES
        .iter()
        .any(|ended| status.trim().eq_ignore_ascii_case(ended))
}
