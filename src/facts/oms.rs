//! What OMS says about the pair: its data sources, and the projects that read or write tenant
//! A or B, the planned forward and reverse projects among them.

use serde::{Deserialize, Serialize};

use super::{Fact, Tenant};

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
}

/// Whether the OMS API let us in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Granted,
    /// The API answered and refused: HTTP 401/403, or a `success: false` envelope.
    Refused {
        reason: String,
    },
    /// No usable answer: connection, timeout, HTTP 5xx, a body that is not the API's JSON.
    Unavailable {
        reason: String,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    /// `RUNNING`, `FAILED`, `SUSPEND`, `RELEASED`, ...
    pub status: String,
    pub source_endpoint_id: Option<String>,
    pub sink_endpoint_id: Option<String>,
    /// The plan's tenant behind the source / sink data source, when it resolves.
    pub source: Option<Tenant>,
    pub sink: Option<Tenant>,
    pub migration: Migrations,
    /// DDL types synced by the incremental config; `["DDL"]` when only `recordTypeWhiteList`
    /// says DDL. Empty: no DDL sync.
    pub ddl_sync: Vec<String>,
    /// The same for the reverse-incremental config.
    pub reverse_ddl_sync: Vec<String>,
    /// `commonTransferConfig.activeActive`, when OMS echoes it.
    pub active_active: Option<bool>,
    pub mapping: Vec<MappedDatabase>,
    /// Ordered steps (only read for the planned projects).
    pub steps: Fact<Vec<Step>>,
    /// `structTransferProgress` of DescribeProjectProgress (only read for the forward project).
    pub schema_progress: Option<u8>,
}

impl Project {
    /// The step of `kind`, if the project has one.
    pub fn step(&self, kind: StepKind) -> Option<&Step> {
        self.steps.observed()?.iter().find(|step| step.kind == kind)
    }

    /// Whether the project writes any table of `database` (by the mapped, target-side name).
    pub fn writes_database(&self, database: &str) -> bool {
        self.mapping
            .iter()
            .any(|db| db.target_name().eq_ignore_ascii_case(database))
    }

    /// Whether the project writes `database`.`table` (by the mapped, target-side names).
    pub fn writes(&self, database: &str, table: &str) -> bool {
        self.mapping.iter().any(|db| {
            db.target_name().eq_ignore_ascii_case(database)
                && (db.tables.is_empty()
                    || db
                        .tables
                        .iter()
                        .any(|t| t.target_name().eq_ignore_ascii_case(table)))
        })
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
pub struct MappedDatabase {
    pub name: String,
    pub mapped_name: Option<String>,
    /// Empty: the whole database.
    pub tables: Vec<MappedTable>,
}

impl MappedDatabase {
    pub fn target_name(&self) -> &str {
        mapped_or(&self.name, self.mapped_name.as_deref())
    }
}

/// The name an object gets on the target: its mapped name, unless OMS left that empty.
fn mapped_or<'n>(name: &'n str, mapped: Option<&'n str>) -> &'n str {
    mapped.filter(|mapped| !mapped.is_empty()).unwrap_or(name)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedTable {
    pub name: String,
    pub mapped_name: Option<String>,
}

impl MappedTable {
    pub fn target_name(&self) -> &str {
        mapped_or(&self.name, self.mapped_name.as_deref())
    }
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
