//! What a validated plan says: the two tenants, OMS, the two links, and the span in the plan
//! text of every entry a diagnostic or a finding may point at.

use std::ops::Range;

use serde::Serialize;

use crate::facts::Tenant;
pub use crate::facts::Topology;

pub type Span = Range<usize>;

/// A validated plan. Everything a rule needs about the intended pair, plus where it was written.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The path as the user gave it, for reports.
    pub path: String,
    /// The plan text, for labels; inline passwords are already blanked out (see
    /// [`redact`](super::redact)).
    #[serde(skip)]
    pub source: String,
    /// Two projects, or one 容灾双活 project that runs its own reverse step.
    pub topology: Topology,
    /// Where `topology` is written, if it is.
    #[serde(skip)]
    pub topology_span: Option<Span>,
    pub oms: Option<OmsPlan>,
    pub a: TenantPlan,
    pub b: TenantPlan,
    pub forward: LinkPlan,
    /// The reverse link: the `[reverse]` project of a two-projects pair, or the reverse step of
    /// a single-project pair's one project (then derived from `[forward]`: the mirror of its
    /// scope, incremental only, carrying DDL when `ddl_side = "target"`).
    pub reverse: LinkPlan,
    /// The waiver file the plan names, as written (relative to the plan's directory).
    pub waivers: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OmsPlan {
    pub url: String,
    pub user: String,
    pub password: SecretSource,
    pub version: Option<String>,
    /// CA file for HTTPS, if declared.
    pub ca: Option<String>,
    /// Where `ca` is written, for a file that cannot be read.
    #[serde(skip)]
    pub ca_span: Option<Span>,
    /// The lag above which `oms.lag` is an error (`max_lag`, default 5 minutes).
    pub max_lag: std::time::Duration,
    /// The time left in a store or log window below which `oms.window-left` warns
    /// (`min_window`, default 1 hour).
    pub min_window: std::time::Duration,
    #[serde(skip)]
    pub span: Span,
}

/// The default `[oms] max_lag`.
pub const DEFAULT_MAX_LAG: std::time::Duration = std::time::Duration::from_secs(300);

/// The default `[oms] min_window`.
pub const DEFAULT_MIN_WINDOW: std::time::Duration = std::time::Duration::from_secs(3600);

/// Where a single-project pair executes DDL (源端执行 / 目标端执行): DDL runs there only and is
/// synced to the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DdlSide {
    /// On the forward source (A), synced A→B.
    Source,
    /// On the forward target (B), synced B→A.
    Target,
}

impl DdlSide {
    pub fn as_str(self) -> &'static str {
        match self {
            DdlSide::Source => "source",
            DdlSide::Target => "target",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TenantPlan {
    pub tenant: Tenant,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: SecretSource,
    /// Expected tenant name, if declared.
    pub tenant_name: Option<String>,
    /// Where it is declared, for a finding that it is not the tenant connected to.
    #[serde(skip)]
    pub tenant_name_span: Option<Span>,
    /// CA file for TLS, if declared.
    pub tls_ca: Option<String>,
    /// Where `tls_ca` is written, for a file that cannot be read.
    #[serde(skip)]
    pub tls_ca_span: Option<Span>,
    /// The sys-tenant user OMS reads this cluster's logs with (`drcUserName`), if declared.
    pub drc_user: Option<String>,
    /// Its password source, when the check should try logging in with it.
    pub drc_password: Option<SecretSource>,
    #[serde(skip)]
    pub span: Span,
}

impl TenantPlan {
    pub fn endpoint(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The migration user's name inside the tenant: `user` without what ODP (OBProxy) adds to
    /// route it (`oms_a@tenant#cluster`, `cluster:tenant:oms_a`).
    pub fn user_name(&self) -> &str {
        user_name(&self.user)
    }
}

/// `user` without ODP's routing: `oms_a@tenant#cluster` and `cluster:tenant:oms_a` are `oms_a`.
pub fn user_name(user: &str) -> &str {
    if let Some((name, _)) = user.split_once('@').filter(|(name, _)| !name.is_empty()) {
        return name;
    }
    match user.splitn(3, ':').collect::<Vec<_>>()[..] {
        [_, _, name] if !name.is_empty() => name,
        _ => user,
    }
}

/// Where a password comes from. The password itself is never part of a plan value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretSource {
    Env {
        var: String,
        #[serde(skip)]
        span: Span,
    },
    File {
        path: String,
        #[serde(skip)]
        span: Span,
    },
    /// Written inline in the plan (a `plan.inline-secret` finding). The value stays in memory
    /// only, in [`Secret`].
    Inline {
        #[serde(skip)]
        value: Secret,
        #[serde(skip)]
        span: Span,
    },
}

/// A password. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkPlan {
    /// `forward` or `reverse`.
    pub name: &'static str,
    pub project: String,
    pub source: Tenant,
    pub target: Tenant,
    pub migration: Vec<Migration>,
    /// The DDL this link carries. In a single-project pair the forward link carries the
    /// declared DDL when `ddl_side` is `source` (or undeclared), the reverse link when it is
    /// `target`.
    pub ddl_sync: DdlSync,
    /// `ddl_side` of a single-project pair's `[forward]`.
    pub ddl_side: Option<DdlSide>,
    pub databases: Vec<String>,
    pub tables: Vec<TableRef>,
    /// False when the scope was left out and mirrors the other link.
    pub scope_declared: bool,
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    pub migration_span: Option<Span>,
    #[serde(skip)]
    pub ddl_sync_span: Option<Span>,
    #[serde(skip)]
    pub ddl_side_span: Option<Span>,
}

impl LinkPlan {
    /// Every database the link touches: the declared databases and those of declared tables.
    pub fn scope_databases(&self) -> Vec<String> {
        let mut databases = self.databases.clone();
        for table in &self.tables {
            if !databases.contains(&table.database) {
                databases.push(table.database.clone());
            }
        }
        databases
    }

    /// Whether `db.table` is in the link's scope.
    pub fn covers(&self, database: &str, table: &str) -> bool {
        self.databases
            .iter()
            .any(|d| d.eq_ignore_ascii_case(database))
            || self.tables.iter().any(|t| {
                t.database.eq_ignore_ascii_case(database) && t.table.eq_ignore_ascii_case(table)
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRef {
    pub database: String,
    pub table: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Migration {
    Schema,
    Full,
    Incremental,
}

impl Migration {
    pub fn as_str(self) -> &'static str {
        match self {
            Migration::Schema => "schema",
            Migration::Full => "full",
            Migration::Incremental => "incremental",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DdlSync {
    Off,
    All,
    Types(Vec<String>),
}

impl DdlSync {
    pub fn enabled(&self) -> bool {
        match self {
            DdlSync::Off => false,
            DdlSync::All => true,
            DdlSync::Types(types) => !types.is_empty(),
        }
    }
}

impl Plan {
    /// The databases in scope on `tenant`: both links' scopes (names are the same on both
    /// sides; the plan has no renaming).
    pub fn scope_databases(&self) -> Vec<String> {
        let mut databases = self.forward.scope_databases();
        for database in self.reverse.scope_databases() {
            if !databases.contains(&database) {
                databases.push(database);
            }
        }
        databases.sort();
        databases
    }

    pub fn tenant(&self, tenant: Tenant) -> &TenantPlan {
        match tenant {
            Tenant::A => &self.a,
            Tenant::B => &self.b,
        }
    }

    pub fn links(&self) -> [&LinkPlan; 2] {
        [&self.forward, &self.reverse]
    }

    pub fn is_single_project(&self) -> bool {
        self.topology == Topology::SingleProject
    }
}

#[cfg(test)]
mod tests {
    use super::user_name;

    #[test]
    fn the_user_name_leaves_out_what_odp_routes_by() {
        assert_eq!(user_name("oms_a"), "oms_a");
        assert_eq!(user_name("oms_a@tenant_a#cluster1"), "oms_a");
        assert_eq!(user_name("cluster1:tenant_a:oms_a"), "oms_a");
        assert_eq!(user_name("@odd"), "@odd");
    }
}
