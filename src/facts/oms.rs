//! What OMS says about the pair: its data sources, and the projects that read or write tenant
//! A or B, the planned forward and reverse projects among them.

use serde::{Deserialize, Serialize};

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

impl Unresolved {
    /// `tenant b`, `tenant a or tenant b`.
    pub fn candidates(&self) -> String {
        self.tenants
            .iter()
            .map(|tenant| format!("tenant {tenant}"))
            .collect::<Vec<_>>()
            .join(" or ")
    }
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Components {
    pub stores: Vec<Store>,
    pub reverse_stores: Vec<Store>,
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

    /// Why what the project writes is not known, if it is not: its selection could not be read
    /// (no transferMapping, a mode this tool cannot evaluate), or lists nothing — OMS refuses a
    /// project without objects, so an empty list is an answer missing them. Every rule reads
    /// the mapping through this one answer.
    pub fn unknown_objects(&self) -> Option<Text> {
        match &self.selection {
            Selection::Unknown { reason } => Some(reason.clone()),
            Selection::Listed if self.mapping.is_empty() => Some(text!(
                "OMS lists no database it writes, so what it writes is not known",
                "OMS 没有列出它写入的任何数据库，因此不知道它写入什么"
            )),
            _ => None,
        }
    }

    /// Whether the project writes any table of `database` (a target-side name).
    pub fn writes_database(&self, database: &str) -> Writes {
        if let Some(reason) = self.unknown_objects() {
            return Writes::Undecided(reason);
        }
        match &self.selection {
            Selection::Listed => Writes::listed(
                self.mapping
                    .iter()
                    .any(|db| db.target_name().eq_ignore_ascii_case(database)),
            ),
            Selection::Matching(rules) => rules.writes_database(database),
            Selection::Unknown { reason } => Writes::Undecided(reason.clone()),
        }
    }

    /// Whether the project writes `database`.`table` (target-side names).
    pub fn writes(&self, database: &str, table: &str) -> Writes {
        if let Some(reason) = self.unknown_objects() {
            return Writes::Undecided(reason);
        }
        match &self.selection {
            Selection::Listed => Writes::listed(self.mapping.iter().any(|db| {
                db.target_name().eq_ignore_ascii_case(database)
                    && (db.tables.is_empty()
                        || db
                            .tables
                            .iter()
                            .any(|t| t.target_name().eq_ignore_ascii_case(table)))
            })),
            Selection::Matching(rules) => rules.writes(database, table),
            Selection::Unknown { reason } => Writes::Undecided(reason.clone()),
        }
    }
}

/// One direction of the pair as OMS runs it: the forward project's incremental sync, or the
/// reverse link — the reverse project's incremental sync, or a single project's reverse step.
#[derive(Debug, Clone, Copy)]
pub struct Direction<'a> {
    /// `forward` or `reverse`.
    pub name: &'static str,
    pub project: &'a Project,
    /// The step that applies this direction's changes, if the project shows it.
    pub step: Option<&'a Step>,
    /// Up to when this direction has applied changes (seconds since the Unix epoch): the
    /// project's progress checkpoint, else its step's.
    pub checkpoint: Option<u64>,
}

impl<'a> Direction<'a> {
    fn of(name: &'static str, project: &'a Project, kind: StepKind) -> Direction<'a> {
        let step = project.step(kind);
        let progress = project.progress.observed().and_then(|progress| match kind {
            StepKind::ReverseIncremental => progress.reverse_checkpoint,
            _ => progress.incremental_checkpoint,
        });
        Direction {
            name,
            project,
            step,
            checkpoint: progress.or(step.and_then(|step| step.checkpoint)),
        }
    }

    /// The project's steps that carry this direction, `None` when they could not be read: a
    /// single project's reverse step for its reverse link, its other steps for its forward
    /// link; a project of its own carries one direction with all its steps.
    pub fn steps(&self) -> Option<impl Iterator<Item = &'a Step>> {
        let reverse_step = self
            .step
            .is_some_and(|step| step.kind == StepKind::ReverseIncremental);
        let steps = self.project.steps.observed()?;
        Some(
            steps
                .iter()
                .filter(move |step| (step.kind == StepKind::ReverseIncremental) == reverse_step),
        )
    }

    /// `forward project dr_a_to_b`, `the reverse link of project dr_app`.
    pub fn describe(&self) -> String {
        self.describe_text().en().to_string()
    }

    /// [`describe`](Self::describe) in every language of the reports: `正向项目 dr_a_to_b`,
    /// `项目 dr_app 的反向链路`.
    pub fn describe_text(&self) -> Text {
        let project = &self.project.name;
        match (self.step.map(|step| step.kind), self.name) {
            (Some(StepKind::ReverseIncremental), _) => text!(
                "the reverse link of project {project}",
                "项目 {project} 的反向链路"
            ),
            (_, "forward") => text!("forward project {project}", "正向项目 {project}"),
            (_, "reverse") => text!("reverse project {project}", "反向项目 {project}"),
            (_, name) => text!("{name} project {project}", "{name} 项目 {project}"),
        }
    }

    /// How far behind the time OMS was read (`now`) this direction's checkpoint is.
    pub fn lag(&self, now: u64) -> Lag {
        match self.checkpoint {
            None => Lag::Unreported,
            Some(checkpoint) => lag(checkpoint, now),
        }
    }

    /// The stores that serve this direction.
    pub fn stores(&self) -> Option<&'a [Store]> {
        let components = self.project.components.observed()?;
        Some(match self.step.map(|step| step.kind) {
            Some(StepKind::ReverseIncremental) => &components.reverse_stores,
            _ => &components.stores,
        })
    }
}

/// A checkpoint compared with the time OMS was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lag {
    /// Seconds behind (0 within [`CLOCK_SKEW`] ahead).
    Behind(u64),
    /// Later than the reading time by more than clocks differ: a unit misread (microseconds
    /// as seconds) or a clock far ahead. The lag is not known, and is not zero.
    Ahead {
        checkpoint: u64,
        read_at: u64,
    },
    Unreported,
}

/// How far a checkpoint may lie after the time OMS was read and still count as "now": the
/// clocks of OMS and of the machine running the check differ by a little.
pub const CLOCK_SKEW: u64 = 60;

/// `checkpoint` against `now` (both seconds since the Unix epoch).
pub fn lag(checkpoint: u64, now: u64) -> Lag {
    if checkpoint > now.saturating_add(CLOCK_SKEW) {
        Lag::Ahead {
            checkpoint,
            read_at: now,
        }
    } else {
        Lag::Behind(now.saturating_sub(checkpoint))
    }
}

/// The directions OMS shows for a pair of `topology`: the forward one once the forward
/// project exists; the reverse one once the (live) reverse project exists, or, for one project,
/// once it has its reverse step.
pub fn directions<'a>(
    topology: Topology,
    forward: Option<&'a Project>,
    reverse: Option<&'a Project>,
) -> Vec<Direction<'a>> {
    let mut directions = Vec::new();
    if let Some(project) = forward {
        directions.push(Direction::of("forward", project, StepKind::Incremental));
    }
    match topology {
        Topology::TwoProjects => {
            if let Some(project) = reverse.filter(|project| !project.has_ended()) {
                directions.push(Direction::of("reverse", project, StepKind::Incremental));
            }
        }
        Topology::SingleProject => {
            if let Some(project) = forward
                && project.step(StepKind::ReverseIncremental).is_some()
            {
                directions.push(Direction::of(
                    "reverse",
                    project,
                    StepKind::ReverseIncremental,
                ));
            }
        }
    }
    directions
}

/// Whether a project writes an object, as far as its object selection tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Writes {
    No,
    /// It does: the object is listed, or `rule` (as OMS shows it) matches it.
    Yes {
        rule: Option<String>,
    },
    /// The selection cannot be evaluated, and why.
    Undecided(Text),
}

impl Writes {
    fn listed(listed: bool) -> Writes {
        if listed {
            Writes::Yes { rule: None }
        } else {
            Writes::No
        }
    }
}

/// How a project chooses its objects (`transferMapping.mode`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// `SPECIFIC`: exactly the databases and tables of `mapping`.
    #[default]
    Listed,
    /// `WILDCARD`: every table or view that a rule includes and no rule excludes.
    Matching(MatchingRules),
    /// A selection this tool cannot evaluate (`COMPLEX`, a mode it does not know, or no
    /// mapping in OMS's answer), and why.
    Unknown {
        #[serde(with = "bilingual")]
        reason: Text,
    },
}

impl Selection {
    pub fn is_listed(&self) -> bool {
        matches!(self, Selection::Listed)
    }
}

/// Matching rules (OMS's 匹配规则): patterns over source-side `database.table` names with `*`
/// (any run, also empty), `?` (one character), `[abc]`, `[a-z]` and `[!abc]`.
///
/// OMS documents its rules as case-sensitive; here they match without regard to case, like
/// OceanBase MySQL-mode names. The difference can only make this tool see an overlap OMS would
/// not, never miss one it would.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchingRules {
    /// What is selected (`tableAndViewWhiteList`, `databases`).
    pub include: Vec<MatchRule>,
    /// What is excluded, even when included (`tableAndViewBlackList`, `databasesBlack`).
    pub exclude: Vec<MatchRule>,
    /// Single tables written under another name (`specificTables` in wildcard mode).
    pub renames: Vec<Rename>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRule {
    /// Pattern over source database names.
    pub database: String,
    /// Pattern over source table and view names; `*` for every one.
    pub table: String,
    /// The target database every match is written to, when the rule renames it.
    pub mapped_database: Option<String>,
    /// The one target table every match is written to (`a.*=c.d`: many tables into one).
    pub mapped_table: Option<String>,
}

impl std::fmt::Display for MatchRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.database, self.table)?;
        match (&self.mapped_database, &self.mapped_table) {
            (None, None) => Ok(()),
            (database, table) => write!(
                f,
                "={}.{}",
                database.as_deref().unwrap_or(&self.database),
                table.as_deref().unwrap_or("*")
            ),
        }
    }
}

/// A source table written to the target under other names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    pub database: String,
    pub table: String,
    pub mapped_database: String,
    pub mapped_table: String,
}

impl std::fmt::Display for Rename {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{}={}.{}",
            self.database, self.table, self.mapped_database, self.mapped_table
        )
    }
}

impl MatchingRules {
    /// Whether source `database`.`table` is excluded.
    fn excluded(&self, database: &str, table: &str) -> bool {
        self.exclude
            .iter()
            .any(|rule| matches(&rule.database, database) && matches(&rule.table, table))
    }

    /// Whether every table `include` selects in source `database` is excluded: an exclusion on
    /// the whole database, or on the very same table pattern. Any other overlap of two patterns
    /// counts as "something gets through": a false overlap is a finding a person can read, a
    /// missed one a silent pass.
    fn excludes_all_of(&self, include: &MatchRule, database: &str) -> bool {
        self.exclude.iter().any(|rule| {
            matches(&rule.database, database)
                && (rule.table == "*" || rule.table.eq_ignore_ascii_case(&include.table))
        })
    }

    /// The rename of source `database`.`table`, if it has one.
    fn rename_of(&self, database: &str, table: &str) -> Option<&Rename> {
        self.renames.iter().find(|rename| {
            rename.database.eq_ignore_ascii_case(database)
                && rename.table.eq_ignore_ascii_case(table)
        })
    }

    /// The source database `include` reads when it writes target `database`, if it writes
    /// there: its literal database when it renames it, else the target's own name when the
    /// pattern matches it.
    fn source_database<'r>(include: &'r MatchRule, database: &'r str) -> Option<&'r str> {
        match &include.mapped_database {
            Some(mapped) => mapped
                .eq_ignore_ascii_case(database)
                .then_some(include.database.as_str()),
            None => matches(&include.database, database).then_some(database),
        }
    }

    /// The first rename that lands in `database` (and, when given, in `table`) and is not
    /// black-listed, as the rule that writes there.
    fn renamed_into(&self, database: &str, table: Option<&str>) -> Option<Writes> {
        self.renames
            .iter()
            .find(|rename| {
                rename.mapped_database.eq_ignore_ascii_case(database)
                    && table.is_none_or(|table| rename.mapped_table.eq_ignore_ascii_case(table))
                    && !self.excluded(&rename.database, &rename.table)
            })
            .map(|rename| Writes::Yes {
                rule: Some(rename.to_string()),
            })
    }

    fn writes_database(&self, database: &str) -> Writes {
        if let Some(writes) = self.renamed_into(database, None) {
            return writes;
        }
        for include in &self.include {
            let Some(source) = Self::source_database(include, database) else {
                continue;
            };
            if !self.excludes_all_of(include, source) {
                return Writes::Yes {
                    rule: Some(include.to_string()),
                };
            }
        }
        Writes::No
    }

    fn writes(&self, database: &str, table: &str) -> Writes {
        if let Some(writes) = self.renamed_into(database, Some(table)) {
            return writes;
        }
        for include in &self.include {
            let Some(source) = Self::source_database(include, database) else {
                continue;
            };
            let lands_here = match &include.mapped_table {
                // Many tables into one: whichever of them gets through lands here.
                Some(mapped) => {
                    mapped.eq_ignore_ascii_case(table) && !self.excludes_all_of(include, source)
                }
                None => {
                    matches(&include.table, table)
                        && !self.excluded(source, table)
                        && self.rename_of(source, table).is_none()
                }
            };
            if lands_here {
                return Writes::Yes {
                    rule: Some(include.to_string()),
                };
            }
        }
        Writes::No
    }
}

/// Whether `name` matches the wildcard `pattern`, without regard to case. Bounded by
/// pattern length × name length steps: only the last `*` is ever retried.
pub fn matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let (mut p, mut n) = (0, 0);
    // The position after the last `*` seen, and the name position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match pattern.get(p) {
            Some('*') => {
                star = Some((p + 1, n));
                p += 1;
                continue;
            }
            Some('?') => Some(p + 1),
            Some('[') => match class(&pattern[p..], name[n]) {
                Some((true, width)) => Some(p + width),
                Some((false, _)) => None,
                // An unclosed `[` is an ordinary character.
                None => (name[n] == '[').then_some(p + 1),
            },
            Some(&c) => (c == name[n]).then_some(p + 1),
            None => None,
        };
        match (step, star) {
            (Some(next), _) => {
                p = next;
                n += 1;
            }
            (None, Some((after_star, tried))) => {
                p = after_star;
                n = tried + 1;
                star = Some((after_star, tried + 1));
            }
            (None, None) => return false,
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// `[...]` at the start of `pattern` against `c`: whether it matches and how many pattern
/// characters it spans; `None` when the bracket is never closed.
fn class(pattern: &[char], c: char) -> Option<(bool, usize)> {
    let negated = pattern.get(1) == Some(&'!');
    let start = if negated { 2 } else { 1 };
    let close = start + pattern[start..].iter().position(|x| *x == ']')?;
    let set = &pattern[start..close];
    let mut hit = false;
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            hit |= set[i] <= c && c <= set[i + 2];
            i += 3;
        } else {
            hit |= set[i] == c;
            i += 1;
        }
    }
    Some((hit != negated, close + 1))
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

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_match_as_oms_documents_them() {
        for (pattern, name) in [
            ("*", ""),
            ("*", "orders"),
            ("app", "APP"),
            ("order_*", "order_"),
            ("order_*", "order_2024"),
            ("*_log", "audit_log"),
            ("t?", "t1"),
            ("t??", "t12"),
            ("a*b*c", "axxbyyc"),
            ("[abc]x", "bx"),
            ("[a-c]x", "Cx"),
            ("[!a-c]x", "dx"),
            ("t[", "t["),
        ] {
            assert!(matches(pattern, name), "{pattern} matches {name}");
        }
        for (pattern, name) in [
            ("t?", "t"),
            ("t?", "t12"),
            ("order_*", "orders"),
            ("a*b*c", "axxbyy"),
            ("[abc]x", "dx"),
            ("[!a-c]x", "bx"),
            ("app", "app2"),
        ] {
            assert!(!matches(pattern, name), "{pattern} does not match {name}");
        }
    }
}
