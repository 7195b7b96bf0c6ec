//! The typed facts a run is judged on: what was observed on tenant A and tenant B.
//!
//! Facts are plain data, serde both ways, with `BTreeMap` everywhere so a bundle and every report
//! built from it come out in the same order each time. Collectors fill them; rules only read them.
//! Every item that a query feeds is a [`Fact`]: either observed, or unavailable with the reason,
//! so a rule can never mistake "could not look" for "nothing there".

pub mod grants;
pub mod logs;
pub mod oms;
pub mod partitions_and_foreign_keys;
pub mod sessions;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::i18n::{Text, bilingual};
use crate::text;

pub use grants::{GrantLevel, Grants, Privilege, PrivilegeGrant};
pub use logs::{ArchiveDest, LogStream, TenantRole};
pub use partitions_and_foreign_keys::{ForeignKey, Partition, Partitioning};
pub use sessions::Sessions;

/// A piece of collected information, or the reason it could not be collected. The reason is
/// said in both languages, and a bundle keeps both ([`bilingual`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact<T> {
    Observed(T),
    Unavailable {
        #[serde(with = "bilingual")]
        reason: Text,
    },
}

impl<T> Fact<T> {
    pub fn unavailable(reason: Text) -> Self {
        Fact::Unavailable { reason }
    }

    pub fn observed(&self) -> Option<&T> {
        match self {
            Fact::Observed(value) => Some(value),
            Fact::Unavailable { .. } => None,
        }
    }

    pub fn unavailable_reason(&self) -> Option<&Text> {
        match self {
            Fact::Observed(_) => None,
            Fact::Unavailable { reason } => Some(reason),
        }
    }

    /// Why it is unavailable, to be said inside a sentence; empty (in both languages) when it
    /// was observed.
    pub fn unavailable_text(&self) -> Text {
        self.unavailable_reason()
            .cloned()
            .unwrap_or_else(|| Text::same(""))
    }
}

/// Which tenant of the pair. In the forward link A is the source and B the target; the reverse
/// link swaps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tenant {
    A,
    B,
}

impl Tenant {
    pub const BOTH: [Tenant; 2] = [Tenant::A, Tenant::B];

    pub fn as_str(self) -> &'static str {
        match self {
            Tenant::A => "a",
            Tenant::B => "b",
        }
    }

    pub fn other(self) -> Tenant {
        match self {
            Tenant::A => Tenant::B,
            Tenant::B => Tenant::A,
        }
    }
}

impl std::fmt::Display for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about: one tenant, the two compared, OMS, or the plan itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    A,
    B,
    Pair,
    Oms,
    Plan,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
            Side::Pair => "pair",
            Side::Oms => "oms",
            Side::Plan => "plan",
        }
    }
}

impl From<Tenant> for Side {
    fn from(tenant: Tenant) -> Side {
        match tenant {
            Tenant::A => Side::A,
            Tenant::B => Side::B,
        }
    }
}

/// The tool that collected facts or wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// How OMS builds the pair (the plan's `topology`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Topology {
    /// A forward project A→B, then a reverse project B→A (OMS enterprise, OMS CE 3.3.1–4.2.0).
    #[default]
    TwoProjects,
    /// One 容灾双活 project A→B that starts its own reverse-incremental step (OMS CE ≥ 4.2.1).
    SingleProject,
}

impl Topology {
    pub const ALL: [Topology; 2] = [Topology::TwoProjects, Topology::SingleProject];

    pub fn as_str(self) -> &'static str {
        match self {
            Topology::TwoProjects => "two-projects",
            Topology::SingleProject => "single-project",
        }
    }
}

/// Everything collected for one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub a: TenantFacts,
    pub b: TenantFacts,
    /// None when the plan has no `[oms]` section.
    #[serde(default)]
    pub oms: Option<oms::OmsFacts>,
}

impl Facts {
    pub fn tenant(&self, tenant: Tenant) -> &TenantFacts {
        match tenant {
            Tenant::A => &self.a,
            Tenant::B => &self.b,
        }
    }
}

/// What one tenant looks like through its OMS migration user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantFacts {
    /// `host:port` as written in the plan; never a password.
    pub endpoint: String,
    /// The migration user the plan names.
    pub user: String,
    /// Whether the migration user could open a session at all.
    pub login: Fact<()>,
    pub server: Fact<Server>,
    pub mode: Fact<Mode>,
    pub variables: Fact<Variables>,
    pub grants: Fact<Grants>,
    /// Every database the migration user can see, in scope or not.
    pub databases: Fact<BTreeMap<String, Database>>,
    /// The databases whose tables were collected (the plan's scope on this tenant).
    pub scope: BTreeSet<String>,
    /// Tables of the in-scope databases, by database then table name.
    pub tables: Fact<BTreeMap<String, BTreeMap<String, Table>>>,
    /// Views of the in-scope databases, as `db.view`.
    #[serde(default = "not_in_bundle")]
    pub views: Fact<Vec<String>>,
    pub triggers: Fact<Vec<Trigger>>,
    /// Where `triggers` were read: the kernel's trigger dictionary lists every trigger to a
    /// user with SELECT on `oceanbase`.*, `information_schema.TRIGGERS` only those on tables
    /// the user holds TRIGGER on. `None` when they were not read (the tenant was unreachable)
    /// or the bundle predates this field, when they came from information_schema.
    #[serde(default)]
    pub trigger_catalog: Option<Catalog>,
    /// In-scope tables (`db.table`) holding at least one row. Probed on the forward link's
    /// target only, where schema migration and full migration will write.
    #[serde(default = "not_in_bundle")]
    pub rows: Fact<BTreeSet<String>>,
    /// Where the list of tables the row probe went through came from: the inner tables name
    /// every table that exists, information_schema only those the user may see, so a probe
    /// over the latter says nothing about the tables the user cannot see. `None` when nothing
    /// was probed, or the bundle predates this field.
    #[serde(default)]
    pub probed_tables_from: Option<CatalogSource>,
    /// How `rows` was decided: how many tables the tablet manager proved empty, how many were
    /// probed, how many hold rows and how many were left unprobed once enough were found.
    /// `None` when nothing was probed, or the bundle predates this field.
    #[serde(default)]
    pub emptiness: Option<Emptiness>,
    /// The name of the tenant the session is connected to, asked only when the plan declares
    /// the tenant it expects (`tenant = "..."`); `None` when it was not asked.
    #[serde(default)]
    pub tenant_name: Option<Fact<String>>,
    /// Whether the declared sys-tenant DRC user could log in; `None` when no password was given.
    #[serde(default)]
    pub drc_login: Option<Fact<()>>,
    /// Where the columns and keys in `tables` were read; `None` when they were not read (the
    /// tenant was unreachable, or the bundle predates this field).
    #[serde(default)]
    pub catalog: Option<Catalog>,
    /// The partitioned in-scope tables, by database then table name (a table that is not
    /// partitioned is not listed).
    #[serde(default = "not_in_bundle")]
    pub partitions: Fact<BTreeMap<String, BTreeMap<String, Partitioning>>>,
    /// Where `partitions` were read, and why not from the dictionary when they were not.
    #[serde(default)]
    pub partition_catalog: Option<Catalog>,
    /// Foreign keys of the in-scope tables, by database, table and name.
    #[serde(default = "not_in_bundle")]
    pub foreign_keys: Fact<Vec<ForeignKey>>,
    /// Where `foreign_keys` were read, and why not from the dictionary when they were not.
    #[serde(default)]
    pub foreign_key_catalog: Option<Catalog>,
    /// The tenant's log streams: how far back its online logs reach.
    #[serde(default = "not_in_bundle")]
    pub log_streams: Fact<Vec<LogStream>>,
    /// The log archive destinations; `None` when the kernel has no log archive at all
    /// (seekdb has no `DBA_OB_ARCHIVELOG`).
    #[serde(default = "not_in_bundle")]
    pub archive: Fact<Option<Vec<ArchiveDest>>>,
    /// The session's tenant, its role and state; `None` when the kernel has no tenants
    /// (seekdb has no `DBA_OB_TENANTS`), hence no standby.
    #[serde(default = "not_in_bundle")]
    pub tenant_role: Fact<Option<TenantRole>>,
    /// The migration user's other sessions on the tenant, by the address they come from.
    #[serde(default = "not_in_bundle")]
    pub sessions: Fact<Sessions>,
    /// The tenant's clock (`UTC_TIMESTAMP(6)`), read beside the server's identity and
    /// bracketed by this machine's clock.
    #[serde(default = "not_in_bundle")]
    pub clock: Fact<ClockReading>,
}

/// A reading of another machine's clock, bracketed by this machine's: the question went out at
/// `sent_us` and the answer came back at `received_us` (this machine's clock), and the other
/// clock read `remote_us` somewhere in between, truncated to `resolution_us`. All in
/// microseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockReading {
    pub remote_us: i64,
    pub sent_us: i64,
    pub received_us: i64,
    /// 1 for `UTC_TIMESTAMP(6)`; 1,000,000 for an HTTP `Date` header, which gives whole seconds.
    pub resolution_us: i64,
}

impl ClockReading {
    /// The other clock minus this machine's, as the interval `(low, high)` in microseconds that
    /// certainly holds it: the reading was taken at some instant between sending and receiving,
    /// and the true time lies in `[remote, remote + resolution)`.
    pub fn offset_us(&self) -> (i64, i64) {
        (
            self.remote_us - self.received_us,
            self.remote_us + self.resolution_us - self.sent_us,
        )
    }
}

/// Where a tenant's metadata of one kind (columns and keys, triggers) was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub source: CatalogSource,
    /// Why the inner tables were not used, when they were tried and could not be.
    #[serde(with = "bilingual::option")]
    pub fallback_reason: Option<Text>,
}

/// How the forward target's in-scope tables were found empty or not (`rows`): first from the
/// tablet manager (`oceanbase.__all_virtual_table_mgr`), which proves a table empty without a
/// statement naming it (one-sided: it never proves a table holds rows); the rest with `LIMIT 1`
/// probes, which stop once [`Emptiness::LISTED`] tables with rows are found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emptiness {
    /// The in-scope tables that exist on the target: what the verdict covers.
    pub tables: usize,
    /// Proven empty by the tablet manager.
    pub decided_by_dictionary: usize,
    /// Probed with `LIMIT 1`.
    pub probed: usize,
    /// Found holding rows; the first [`Emptiness::LISTED`] of them, in name order, are `rows`.
    pub non_empty: usize,
    /// Left unprobed once [`Emptiness::LISTED`] tables with rows were found: any may hold rows.
    pub not_probed: usize,
    /// Why the tablet manager decided nothing, when it could not be read or used.
    #[serde(default, with = "bilingual::option")]
    pub dictionary_unavailable: Option<Text>,
}

impl Emptiness {
    /// How many tables with rows are named; probing stops once that many are found.
    pub const LISTED: usize = 100;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogSource {
    /// The kernel's own dictionary (`oceanbase.__all_column`, `__all_table`, the trigger
    /// table): every object, whatever the user's privileges on it.
    InnerTables,
    /// `information_schema` (`COLUMNS` and `STATISTICS`, `TRIGGERS`): what the user's
    /// privileges let it see.
    InformationSchema,
}

impl From<CatalogSource> for Catalog {
    fn from(source: CatalogSource) -> Catalog {
        Catalog {
            source,
            fallback_reason: None,
        }
    }
}

impl CatalogSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogSource::InnerTables => "inner_tables",
            CatalogSource::InformationSchema => "information_schema",
        }
    }
}

fn not_in_bundle<T>() -> Fact<T> {
    Fact::unavailable(text!(
        "not collected in this bundle",
        "此数据包中没有采集该项"
    ))
}

impl TenantFacts {
    /// Facts of a tenant nothing could be learnt about, every item carrying the same reason.
    pub fn unreachable(endpoint: String, user: String, reason: &Text) -> Self {
        TenantFacts {
            endpoint,
            user,
            login: Fact::unavailable(reason.clone()),
            server: Fact::unavailable(reason.clone()),
            mode: Fact::unavailable(reason.clone()),
            variables: Fact::unavailable(reason.clone()),
            grants: Fact::unavailable(reason.clone()),
            databases: Fact::unavailable(reason.clone()),
            scope: BTreeSet::new(),
            tables: Fact::unavailable(reason.clone()),
            views: Fact::unavailable(reason.clone()),
            triggers: Fact::unavailable(reason.clone()),
            trigger_catalog: None,
            rows: Fact::unavailable(reason.clone()),
            probed_tables_from: None,
            emptiness: None,
            tenant_name: None,
            drc_login: None,
            catalog: None,
            partitions: Fact::unavailable(reason.clone()),
            partition_catalog: None,
            foreign_keys: Fact::unavailable(reason.clone()),
            foreign_key_catalog: None,
            log_streams: Fact::unavailable(reason.clone()),
            archive: Fact::unavailable(reason.clone()),
            tenant_role: Fact::unavailable(reason.clone()),
            sessions: Fact::unavailable(reason.clone()),
            clock: Fact::unavailable(reason.clone()),
        }
    }

    /// The table `db.table` when tables were collected and it exists. Names compare without
    /// case, as in OceanBase MySQL mode (`lower_case_table_names = 1`); an exact match is looked
    /// up first, so finding each of 10,000 tables costs a map lookup, not a scan.
    pub fn table(&self, db: &str, table: &str) -> Option<&Table> {
        fn get<'m, T>(map: &'m BTreeMap<String, T>, name: &str) -> Option<&'m T> {
            map.get(name).or_else(|| {
                map.iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
                    .map(|(_, value)| value)
            })
        }
        get(get(self.tables.observed()?, db)?, table)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Server {
    /// `ob_version()`, e.g. `4.3.5.3`: the only version string that cannot be faked with
    /// `SET GLOBAL version`.
    pub ob_version: String,
    /// `version()`, the MySQL-compatible string with the OceanBase suffix.
    pub version: String,
    pub version_comment: String,
    pub edition: Edition,
    /// `current_user()`: the account the grants belong to, e.g. `oms_a@%`.
    pub current_user: String,
}

impl Server {
    /// The kernel as every report and reason names it: `OceanBase 4.3.5.3`,
    /// `OceanBase CE 4.3.5.3`, `seekdb (OceanBase 4.3.5.3)`.
    pub fn kernel(&self) -> String {
        match self.edition {
            Edition::Seekdb => format!("seekdb (OceanBase {})", self.ob_version),
            Edition::Community => format!("OceanBase CE {}", self.ob_version),
            Edition::Enterprise | Edition::Unknown => format!("OceanBase {}", self.ob_version),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    Enterprise,
    Community,
    Seekdb,
    Unknown,
}

impl Edition {
    /// The edition named by `@@version_comment` (`OceanBase_CE 4.3.0.1 ...` is community,
    /// `OceanBase 4.2.1.2 ...` enterprise, `... seekdb (r1.4.0.0)` the embedded seekdb kernel).
    pub fn from_version_comment(comment: &str) -> Edition {
        if comment.contains("seekdb") {
            Edition::Seekdb
        } else if comment.starts_with("OceanBase_CE") {
            Edition::Community
        } else if comment.starts_with("OceanBase") {
            Edition::Enterprise
        } else {
            Edition::Unknown
        }
    }
}

/// The tenant's compatibility mode and how it was learnt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mode {
    pub mode: CompatibilityMode,
    #[serde(with = "bilingual")]
    pub evidence: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CompatibilityMode {
    Mysql,
    Oracle,
}

impl CompatibilityMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CompatibilityMode::Mysql => "MYSQL",
            CompatibilityMode::Oracle => "ORACLE",
        }
    }
}

/// Global system variables that must agree between the two tenants. A variable the server does
/// not report stays `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variables {
    pub character_set_server: Option<String>,
    pub collation_server: Option<String>,
    pub lower_case_table_names: Option<String>,
    pub time_zone: Option<String>,
    pub sql_mode: Option<String>,
    pub auto_increment_increment: Option<String>,
    pub auto_increment_offset: Option<String>,
    pub ob_compatibility_mode: Option<String>,
    /// In bytes. Absent from bundles written before it was read (then `None`, as when the
    /// server does not report it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_allowed_packet: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Database {
    pub charset: String,
    pub collation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// `information_schema.TABLES.TABLE_ROWS`: an estimate, enough to tell empty from not.
    pub approximate_rows: Option<u64>,
    pub collation: Option<String>,
    /// In ordinal order.
    pub columns: Vec<Column>,
    /// Primary and unique keys, primary first, then by name.
    pub keys: Vec<Key>,
    /// The other B-tree indexes (`KEY`/`INDEX`, not unique), by name. `None` in a bundle
    /// written before they were collected: nothing is known of them (nor of column defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexes: Option<Vec<Index>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|column| column.name.eq_ignore_ascii_case(name))
    }

    pub fn primary_key(&self) -> Option<&Key> {
        self.keys.iter().find(|key| key.kind == KeyKind::Primary)
    }

    /// A key OMS can use as a row identity: the primary key, or a unique key whose columns are
    /// all NOT NULL (OMS discards unique keys with nullable columns).
    pub fn row_identity(&self) -> Option<&Key> {
        self.primary_key().or_else(|| {
            self.keys.iter().find(|key| {
                key.kind == KeyKind::Unique
                    && key
                        .columns
                        .iter()
                        .all(|name| self.column(name).is_some_and(|column| !column.nullable))
            })
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// `COLUMN_TYPE` as the server prints it, e.g. `varchar(32)`, `bigint(20) unsigned`.
    pub column_type: String,
    pub nullable: bool,
    pub auto_increment: bool,
    /// `VIRTUAL` or `STORED` for a generated column.
    pub generated: Option<String>,
    /// `COLUMN_DEFAULT` as information_schema prints it (a generated column's expression).
    #[serde(default, skip_serializing_if = "ColumnDefault::is_unknown")]
    pub default: ColumnDefault,
    /// `ON UPDATE CURRENT_TIMESTAMP`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_update_current_timestamp: bool,
}

/// A column's default value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnDefault {
    /// Not collected (a bundle written before defaults were).
    #[default]
    Unknown,
    /// No default, or `DEFAULT NULL`: information_schema does not tell them apart.
    None,
    /// The default as information_schema prints it: `0`, `x y`, `CURRENT_TIMESTAMP`, `b'101'`.
    Value(String),
}

impl ColumnDefault {
    pub fn is_unknown(&self) -> bool {
        *self == ColumnDefault::Unknown
    }

    /// From `information_schema.COLUMNS.COLUMN_DEFAULT`.
    pub fn from_column_default(text: Option<&str>) -> ColumnDefault {
        text.map_or(ColumnDefault::None, |text| {
            ColumnDefault::Value(text.to_string())
        })
    }
}

impl std::fmt::Display for ColumnDefault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnDefault::Unknown => f.write_str("unknown"),
            ColumnDefault::None => f.write_str("none"),
            ColumnDefault::Value(text) => write!(f, "'{text}'"),
        }
    }
}

/// A B-tree index that is not unique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// In index order.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub name: String,
    pub kind: KeyKind,
    /// In key order.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    Primary,
    Unique,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub database: String,
    pub name: String,
    pub table: String,
    pub timing: String,
    pub event: String,
}
