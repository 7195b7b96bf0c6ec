//! The plan file (SPEC §3): TOML → [`Plan`], keeping the span of every entry a diagnostic or a
//! finding may point at, and reporting every problem at once.

mod errors;

use std::ops::Range;
use std::path::Path;

use miette::NamedSource;
use serde::Serialize;
use toml_span::value::{Table, Value};

pub use errors::{PlanErrors, PlanProblem, did_you_mean};

use crate::facts::Tenant;

pub type Span = Range<usize>;

/// A validated plan. Everything a rule needs about the intended pair, plus where it was written.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The path as the user gave it, for reports.
    pub path: String,
    /// The plan text, for labels; inline passwords are already blanked out (see [`redact`]).
    #[serde(skip)]
    pub source: String,
    pub oms: Option<OmsPlan>,
    pub a: TenantPlan,
    pub b: TenantPlan,
    pub forward: LinkPlan,
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
    #[serde(skip)]
    pub span: Span,
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
    /// CA file for TLS, if declared.
    pub tls_ca: Option<String>,
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

impl SecretSource {
    /// The password, read from the environment or the file. Problems are labelled on the
    /// `password_env` / `password_file` entry of `plan`.
    pub fn resolve(&self) -> Result<Secret, PlanProblem> {
        match self {
            SecretSource::Inline { value, .. } => Ok(value.clone()),
            SecretSource::Env { var, span } => std::env::var(var).map(Secret::new).map_err(|_| {
                PlanProblem::new(
                    format!("environment variable `{var}` is not set"),
                    span.clone(),
                    "the password is read from here",
                )
                .help(format!("export {var} before running, or use password_file"))
            }),
            SecretSource::File { path, span } => std::fs::read_to_string(path)
                .map(|text| Secret::new(text.trim_end_matches(['\r', '\n']).to_string()))
                .map_err(|error| {
                    PlanProblem::new(
                        format!("cannot read password file `{path}`: {error}"),
                        span.clone(),
                        "the password is read from this file",
                    )
                    .help("check the path (relative paths are relative to the working directory)")
                }),
        }
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
    pub ddl_sync: DdlSync,
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

    /// Reads and validates the plan at `path`.
    pub fn load(path: &Path) -> Result<Plan, PlanLoadError> {
        let text = std::fs::read_to_string(path).map_err(|error| PlanLoadError::Read {
            path: path.display().to_string(),
            error,
        })?;
        Plan::parse(&path.display().to_string(), &text).map_err(PlanLoadError::Invalid)
    }

    /// Validates plan `text`; `path` is only used to name it.
    pub fn parse(path: &str, text: &str) -> Result<Plan, PlanErrors> {
        let mut problems = Vec::new();
        let plan = parse_document(text, &mut problems);
        match plan {
            Some(mut plan) if problems.is_empty() => {
                plan.path = path.to_string();
                plan.source = redact(text, &plan);
                Ok(plan)
            }
            // The diagnostics quote the file around each problem: blank anything that looks like
            // a password first, since an invalid plan has no spans to trust.
            _ => Err(PlanErrors {
                what: "plan",
                source_code: NamedSource::new(path, blank_password_values(text)),
                problems,
            }),
        }
    }

    /// Every span at which an inline password is written.
    fn inline_secret_spans(&self) -> Vec<Span> {
        let oms = self.oms.as_ref().map(|oms| &oms.password);
        [Some(&self.a.password), Some(&self.b.password), oms]
            .into_iter()
            .flatten()
            .filter_map(|source| match source {
                SecretSource::Inline { span, .. } => Some(span.clone()),
                _ => None,
            })
            .collect()
    }
}

/// `text` with every inline password replaced by asterisks of the same length, so spans stay
/// valid and the text can be shown or stored.
pub fn redact(text: &str, plan: &Plan) -> String {
    let mut redacted = text.to_string();
    for span in plan.inline_secret_spans() {
        // toml-span's string spans cover the contents without the quotes; should they ever
        // include them, keep the quotes so the text stays valid TOML.
        let Some(literal) = redacted.get(span.clone()) else {
            continue;
        };
        let quotes = ['"', '\''];
        let inner =
            if literal.len() >= 2 && literal.starts_with(quotes) && literal.ends_with(quotes) {
                span.start + 1..span.end - 1
            } else {
                span.clone()
            };
        let stars = "*".repeat(redacted[inner.clone()].chars().count());
        redacted.replace_range(inner, &stars);
    }
    redacted
}

/// `text` with the value of every `...password... = value` line (other than `*_env` and
/// `*_file` keys) replaced by asterisks of the same length, so spans stay valid.
pub fn blank_password_values(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let Some((key, value)) = line.split_once('=') else {
                return line.to_string();
            };
            let key_name = key.trim().trim_matches('"').to_ascii_lowercase();
            let names_a_secret = key_name.contains("password")
                && !key_name.ends_with("_env")
                && !key_name.ends_with("_file");
            if !names_a_secret {
                return line.to_string();
            }
            let blanked: String = value
                .chars()
                .map(|c| if c.is_whitespace() { c } else { '*' })
                .collect();
            format!("{key}={blanked}")
        })
        .collect()
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PlanLoadError {
    #[error("cannot read plan {path}: {error}")]
    #[diagnostic(code(plan::unreadable))]
    Read { path: String, error: std::io::Error },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(PlanErrors),
}

// ---------------------------------------------------------------------------------------------
// Validation. Each reader takes what it knows from a table, reports what is wrong, and leaves
// the remaining keys to `reject_unknown`, so every problem of the file is found in one pass.

const ROOT_KEYS: &[&str] = &["oms", "tenants", "forward", "reverse", "waivers"];
const OMS_KEYS: &[&str] = &[
    "url",
    "user",
    "password_env",
    "password_file",
    "password",
    "version",
    "ca",
];
const TENANT_KEYS: &[&str] = &[
    "host",
    "port",
    "user",
    "password_env",
    "password_file",
    "password",
    "tenant",
    "tls",
    "drc_user",
    "drc_password_env",
    "drc_password_file",
];
const TLS_KEYS: &[&str] = &["ca"];
const LINK_KEYS: &[&str] = &[
    "project",
    "source",
    "target",
    "migration",
    "ddl_sync",
    "databases",
    "tables",
];

fn parse_document(text: &str, problems: &mut Vec<PlanProblem>) -> Option<Plan> {
    let root = match toml_span::parse(text) {
        Ok(root) => root,
        Err(error) => {
            let span = error.span.start..error.span.end.max(error.span.start);
            problems.push(
                PlanProblem::new(format!("not valid TOML: {error}"), span, "here")
                    .help("see https://toml.io for the syntax"),
            );
            return None;
        }
    };
    let whole = 0..text.len().min(1);
    let Some(table) = root.as_table() else {
        problems.push(PlanProblem::new(
            "the plan must be a TOML table",
            whole,
            "here",
        ));
        return None;
    };
    reject_unknown(table, ROOT_KEYS, "", problems);

    let oms = table
        .get("oms")
        .and_then(|value| expect_table(value, "oms", problems))
        .and_then(|(oms, span)| parse_oms(oms, span, problems));

    let tenants = required(table, "tenants", whole.clone(), "", problems)
        .and_then(|value| expect_table(value, "tenants", problems));
    let (mut a, mut b) = (None, None);
    if let Some((tenants, tenants_span)) = tenants {
        reject_unknown(tenants, &["a", "b"], "tenants.", problems);
        for (tenant, slot) in [(Tenant::A, &mut a), (Tenant::B, &mut b)] {
            let key = tenant.as_str();
            let name = format!("tenants.{key}");
            *slot = required(tenants, key, tenants_span.clone(), "tenants.", problems)
                .and_then(|value| expect_table(value, &name, problems))
                .and_then(|(t, span)| parse_tenant(tenant, t, span, problems));
        }
    }

    let forward = required(table, "forward", whole.clone(), "", problems)
        .and_then(|value| expect_table(value, "forward", problems))
        .and_then(|(t, span)| parse_link("forward", t, span, problems));
    let reverse = required(table, "reverse", whole, "", problems)
        .and_then(|value| expect_table(value, "reverse", problems))
        .and_then(|(t, span)| parse_link("reverse", t, span, problems));

    let waivers = optional_string(table, "waivers", problems).map(|(path, _)| path);
    let (forward, mut reverse) = (forward?, reverse?);
    if !reverse.scope_declared {
        // The reverse link replicates what the forward link built, so by default it carries
        // the same objects back.
        reverse.databases = forward.databases.clone();
        reverse.tables = forward.tables.clone();
    }
    Some(Plan {
        path: String::new(),
        source: String::new(),
        oms,
        a: a.take()?,
        b: b.take()?,
        forward,
        reverse,
        waivers,
    })
}

fn parse_oms(table: &Table<'_>, span: Span, problems: &mut Vec<PlanProblem>) -> Option<OmsPlan> {
    reject_unknown(table, OMS_KEYS, "oms.", problems);
    let url = required_string(table, "url", &span, "oms.", problems);
    if let Some((url, url_span)) = &url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        problems.push(
            PlanProblem::new(
                "the OMS url must start with http:// or https://",
                url_span.clone(),
                "this url",
            )
            .help("e.g. url = \"http://oms.example.internal:8089\""),
        );
    }
    let user = required_string(table, "user", &span, "oms.", problems);
    let password = secret_source(table, &span, "oms", problems);
    let version = optional_string(table, "version", problems).map(|(v, _)| v);
    let ca = optional_string(table, "ca", problems).map(|(ca, _)| ca);
    Some(OmsPlan {
        url: url?.0,
        user: user?.0,
        password: password?,
        version,
        ca,
        span,
    })
}

fn parse_tenant(
    tenant: Tenant,
    table: &Table<'_>,
    span: Span,
    problems: &mut Vec<PlanProblem>,
) -> Option<TenantPlan> {
    let prefix = format!("tenants.{tenant}.");
    reject_unknown(table, TENANT_KEYS, &prefix, problems);
    let host = required_string(table, "host", &span, &prefix, problems);
    let port = match table.get("port") {
        None => Some(2881),
        Some(value) => {
            match value.as_integer() {
                Some(port) if (1..=65535).contains(&port) => Some(port as u16),
                _ => {
                    problems.push(
                    PlanProblem::new("port must be an integer between 1 and 65535", value.span.start..value.span.end, "this value")
                        .help("OceanBase MySQL-mode tenants usually listen on 2881 (or 2883 through ODP)"),
                );
                    None
                }
            }
        }
    };
    let user = required_string(table, "user", &span, &prefix, problems);
    let password = secret_source(table, &span, &format!("tenants.{tenant}"), problems);
    let tenant_name = optional_string(table, "tenant", problems).map(|(v, _)| v);
    let tls_ca = table.get("tls").and_then(|value| {
        let (tls, tls_span) = expect_table(value, &format!("tenants.{tenant}.tls"), problems)?;
        reject_unknown(tls, TLS_KEYS, &format!("tenants.{tenant}.tls."), problems);
        required_string(
            tls,
            "ca",
            &tls_span,
            &format!("tenants.{tenant}.tls."),
            problems,
        )
        .map(|(ca, _)| ca)
    });
    let drc_user = optional_string(table, "drc_user", problems);
    let drc_env = optional_string(table, "drc_password_env", problems);
    let drc_file = optional_string(table, "drc_password_file", problems);
    let drc_password = match (drc_env, drc_file) {
        (Some(_), Some((_, file_span))) => {
            problems.push(
                PlanProblem::new(
                    "give drc_password_env or drc_password_file, not both",
                    file_span,
                    "second password source",
                )
                .help("keep one of the two"),
            );
            None
        }
        (Some((var, span)), None) => Some(SecretSource::Env { var, span }),
        (None, Some((path, span))) => Some(SecretSource::File { path, span }),
        (None, None) => None,
    };
    if let (None, Some(source)) = (&drc_user, &drc_password) {
        let span = match source {
            SecretSource::Env { span, .. }
            | SecretSource::File { span, .. }
            | SecretSource::Inline { span, .. } => span.clone(),
        };
        problems.push(
            PlanProblem::new("a DRC password without drc_user", span, "whose password?")
                .help("add drc_user = \"drc_user@sys\" (the sys-tenant user OMS reads logs with)"),
        );
    }
    Some(TenantPlan {
        tenant,
        host: host?.0,
        port: port?,
        user: user?.0,
        password: password?,
        tenant_name,
        tls_ca,
        drc_user: drc_user.map(|(user, _)| user),
        drc_password,
        span,
    })
}

fn parse_link(
    name: &'static str,
    table: &Table<'_>,
    span: Span,
    problems: &mut Vec<PlanProblem>,
) -> Option<LinkPlan> {
    let prefix = format!("{name}.");
    reject_unknown(table, LINK_KEYS, &prefix, problems);
    let project = required_string(table, "project", &span, &prefix, problems);
    let mut side = |key: &str| -> Option<(Tenant, Span)> {
        let (value, value_span) = required_string(table, key, &span, &prefix, problems)?;
        match value.as_str() {
            "a" => Some((Tenant::A, value_span)),
            "b" => Some((Tenant::B, value_span)),
            _ => {
                problems.push(
                    PlanProblem::new(
                        format!("{name}.{key} must be \"a\" or \"b\""),
                        value_span,
                        "not a tenant of [tenants]",
                    )
                    .help("links join the two tenants declared as [tenants.a] and [tenants.b]"),
                );
                None
            }
        }
    };
    let source = side("source");
    let target = side("target");
    if let (Some((source, _)), Some((target, target_span))) = (&source, &target)
        && source == target
    {
        problems.push(
            PlanProblem::new(
                format!("{name} link goes from tenant {source} to itself"),
                target_span.clone(),
                "same as source",
            )
            .help("a link joins the two tenants: source = \"a\", target = \"b\" or the reverse"),
        );
    }

    let migration_value = table.get("migration");
    let migration = match migration_value {
        None => {
            problems.push(
                PlanProblem::new(
                    format!("{name} has no migration list"),
                    span.clone(),
                    "in this link",
                )
                .help(if name == "forward" {
                    "migration = [\"schema\", \"full\", \"incremental\"]"
                } else {
                    "migration = [\"incremental\"]"
                }),
            );
            None
        }
        Some(value) => string_array(value, &format!("{name}.migration"), problems).map(|items| {
            let mut migration = Vec::new();
            for (item, item_span) in items {
                let kind = match item.as_str() {
                    "schema" => Migration::Schema,
                    "full" => Migration::Full,
                    "incremental" => Migration::Incremental,
                    other => {
                        problems.push(
                            PlanProblem::new(
                                format!("unknown migration type \"{other}\""),
                                item_span,
                                "not a migration type",
                            )
                            .help(
                                did_you_mean(other, &["schema", "full", "incremental"])
                                    .unwrap_or_else(|| {
                                        "use \"schema\", \"full\" or \"incremental\"".into()
                                    }),
                            ),
                        );
                        continue;
                    }
                };
                if migration.contains(&kind) {
                    problems.push(PlanProblem::new(
                        format!("\"{item}\" is listed twice"),
                        item_span,
                        "duplicate",
                    ));
                } else {
                    migration.push(kind);
                }
            }
            migration
        }),
    };

    let ddl_sync = match table.get("ddl_sync") {
        None => Some(DdlSync::Off),
        Some(value) => match value.as_bool() {
            Some(true) => Some(DdlSync::All),
            Some(false) => Some(DdlSync::Off),
            None => match value.as_array() {
                Some(_) => string_array(value, &format!("{name}.ddl_sync"), problems)
                    .map(|items| DdlSync::Types(items.into_iter().map(|(item, _)| item).collect())),
                None => {
                    problems.push(
                        PlanProblem::new(
                            format!("{name}.ddl_sync must be true, false or a list of DDL types"),
                            value.span.start..value.span.end,
                            "this value",
                        )
                        .help("e.g. ddl_sync = [\"CREATE_TABLE\", \"ADD_COLUMN\"]"),
                    );
                    None
                }
            },
        },
    };

    let databases = match table.get("databases") {
        None => Some(Vec::new()),
        Some(value) => string_array(value, &format!("{name}.databases"), problems).map(|items| {
            items
                .into_iter()
                .filter_map(|(database, item_span)| {
                    if database.is_empty() || database.contains('.') {
                        problems.push(
                            PlanProblem::new(format!("\"{database}\" is not a database name"), item_span, "here")
                                .help("databases take plain names; put single tables in tables = [\"db.table\"]"),
                        );
                        None
                    } else {
                        Some(database)
                    }
                })
                .collect()
        }),
    };
    let tables = match table.get("tables") {
        None => Some(Vec::new()),
        Some(value) => string_array(value, &format!("{name}.tables"), problems).map(|items| {
            items
                .into_iter()
                .filter_map(|(item, item_span)| match item.split_once('.') {
                    Some((database, table))
                        if !database.is_empty() && !table.is_empty() && !table.contains('.') =>
                    {
                        Some(TableRef {
                            database: database.to_string(),
                            table: table.to_string(),
                        })
                    }
                    _ => {
                        problems.push(
                            PlanProblem::new(
                                format!("\"{item}\" is not a `database.table` name"),
                                item_span,
                                "here",
                            )
                            .help("write tables as \"app.orders\""),
                        );
                        None
                    }
                })
                .collect()
        }),
    };
    let (databases, tables) = (databases?, tables?);
    if name == "forward" && databases.is_empty() && tables.is_empty() {
        problems.push(
            PlanProblem::new("the forward link has no scope", span.clone(), "this link")
                .help("add databases = [\"app\"] or tables = [\"app.orders\"]"),
        );
    }
    Some(LinkPlan {
        name,
        project: project?.0,
        source: source?.0,
        target: target?.0,
        migration: migration?,
        ddl_sync: ddl_sync?,
        scope_declared: !databases.is_empty() || !tables.is_empty(),
        databases,
        tables,
        migration_span: migration_value.map(|value| value.span.start..value.span.end),
        ddl_sync_span: table
            .get("ddl_sync")
            .map(|value| value.span.start..value.span.end),
        span,
    })
}

/// Exactly one of `password_env`, `password_file`, `password`.
fn secret_source(
    table: &Table<'_>,
    span: &Span,
    section: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<SecretSource> {
    let env = optional_string(table, "password_env", problems);
    let file = optional_string(table, "password_file", problems);
    let inline = optional_string(table, "password", problems);
    let given = [env.is_some(), file.is_some(), inline.is_some()]
        .iter()
        .filter(|given| **given)
        .count();
    if given > 1 {
        problems.push(
            PlanProblem::new(
                format!("[{section}] gives more than one password source"),
                span.clone(),
                "in this table",
            )
            .help("keep one of password_env, password_file and password"),
        );
        return None;
    }
    if let Some((var, span)) = env {
        Some(SecretSource::Env { var, span })
    } else if let Some((path, span)) = file {
        Some(SecretSource::File { path, span })
    } else if let Some((value, span)) = inline {
        Some(SecretSource::Inline {
            value: Secret::new(value),
            span,
        })
    } else {
        problems.push(
            PlanProblem::new(
                format!("[{section}] has no password source"),
                span.clone(),
                "in this table",
            )
            .help("add password_env = \"VAR\" (or password_file = \"path\")"),
        );
        None
    }
}

fn reject_unknown(
    table: &Table<'_>,
    known: &[&str],
    prefix: &str,
    problems: &mut Vec<PlanProblem>,
) {
    for key in table.keys() {
        if !known.contains(&key.name.as_ref()) {
            let help = did_you_mean(&key.name, known)
                .unwrap_or_else(|| format!("known keys here: {}", known.join(", ")));
            problems.push(
                PlanProblem::new(
                    format!("unknown key `{prefix}{}`", key.name),
                    key.span.start..key.span.end,
                    "unknown key",
                )
                .help(help),
            );
        }
    }
}

fn required<'t, 'de>(
    table: &'t Table<'de>,
    key: &str,
    span: Span,
    prefix: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<&'t Value<'de>> {
    let value = table.get(key);
    if value.is_none() {
        problems.push(
            PlanProblem::new(
                format!("missing `{prefix}{key}`"),
                span,
                format!("`{key}` is required here"),
            )
            .help(format!("add `{key}` (see SPEC §3 for the plan format)")),
        );
    }
    value
}

fn expect_table<'t, 'de>(
    value: &'t Value<'de>,
    name: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(&'t Table<'de>, Span)> {
    let span = value.span.start..value.span.end;
    match value.as_table() {
        Some(table) => Some((table, span)),
        None => {
            problems.push(
                PlanProblem::new(format!("`{name}` must be a table"), span, "not a table")
                    .help(format!("write it as a [{name}] section")),
            );
            None
        }
    }
}

fn required_string(
    table: &Table<'_>,
    key: &str,
    span: &Span,
    prefix: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(String, Span)> {
    let value = required(table, key, span.clone(), prefix, problems)?;
    string_value(value, &format!("{prefix}{key}"), problems)
}

fn optional_string(
    table: &Table<'_>,
    key: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(String, Span)> {
    string_value(table.get(key)?, key, problems)
}

fn string_value(
    value: &Value<'_>,
    name: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(String, Span)> {
    let span = value.span.start..value.span.end;
    match value.as_str() {
        Some(text) if !text.is_empty() => Some((text.to_string(), span)),
        Some(_) => {
            problems.push(PlanProblem::new(
                format!("`{name}` is empty"),
                span,
                "empty string",
            ));
            None
        }
        None => {
            problems.push(
                PlanProblem::new(
                    format!("`{name}` must be a string"),
                    span,
                    format!("this is {}", type_name(value)),
                )
                .help("quote the value"),
            );
            None
        }
    }
}

fn string_array(
    value: &Value<'_>,
    name: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<Vec<(String, Span)>> {
    let Some(items) = value.as_array() else {
        problems.push(
            PlanProblem::new(
                format!("`{name}` must be a list of strings"),
                value.span.start..value.span.end,
                format!("this is {}", type_name(value)),
            )
            .help("write it as [\"one\", \"two\"]"),
        );
        return None;
    };
    let before = problems.len();
    let strings: Vec<_> = items
        .iter()
        .filter_map(|item| string_value(item, name, problems))
        .collect();
    (problems.len() == before).then_some(strings)
}

fn type_name(value: &Value<'_>) -> &'static str {
    match value.as_str() {
        Some(_) => "a string",
        None if value.as_integer().is_some() => "an integer",
        None if value.as_bool().is_some() => "a boolean",
        None if value.as_array().is_some() => "a list",
        None if value.as_table().is_some() => "a table",
        None => "another type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INLINE: &str = r#"
[tenants.a]
host = "h"
user = "u"
password = "Inline-Secret-1"

[tenants.b]
host = "h"
user = "u"
password_env = "X"

[forward]
project = "f"
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]
tables = ["app.orders"]

[reverse]
project = "r"
source = "b"
target = "a"
migration = ["incremental"]
"#;

    #[test]
    fn an_inline_password_never_leaves_memory() {
        let plan = Plan::parse("p.toml", INLINE).unwrap();
        assert!(!plan.source.contains("Inline-Secret-1"));
        assert!(
            plan.source.contains("password = \"***************\""),
            "{}",
            plan.source
        );
        assert!(!format!("{plan:?}").contains("Inline-Secret-1"));
        assert!(
            !serde_json::to_string(&plan)
                .unwrap()
                .contains("Inline-Secret-1")
        );
        assert_eq!(
            plan.a.password.resolve().unwrap().expose(),
            "Inline-Secret-1"
        );
        // The redacted text is itself a valid plan: bundles replay it.
        Plan::parse("p.toml", &plan.source).unwrap();
    }

    #[test]
    fn an_invalid_plan_never_quotes_a_password() {
        let text = INLINE.replace(
            "user = \"u\"\npassword = \"Inline-Secret-1\"",
            "usr = \"u\"\npassword = \"Inline-Secret-1\"\ndrc_password = \"Drc-Secret-2\"",
        );
        let errors = Plan::parse("p.toml", &text).unwrap_err();
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
        let mut rendered = String::new();
        handler.render_report(&mut rendered, &errors).unwrap();
        assert!(
            rendered.contains("unknown key `tenants.a.drc_password`"),
            "{rendered}"
        );
        assert!(
            !rendered.contains("Inline-Secret-1") && !rendered.contains("Drc-Secret-2"),
            "{rendered}"
        );
        assert_eq!(
            blank_password_values("password_env = \"X\"\n"),
            "password_env = \"X\"\n"
        );
    }

    #[test]
    fn the_reverse_scope_mirrors_the_forward_scope_unless_given() {
        let plan = Plan::parse("p.toml", INLINE).unwrap();
        assert_eq!(plan.reverse.tables, plan.forward.tables);
        assert!(!plan.reverse.scope_declared);
        assert_eq!(plan.scope_databases(), vec!["app"]);
        assert!(plan.reverse.covers("APP", "Orders"));
        assert!(!plan.reverse.covers("app", "refunds"));
    }

    #[test]
    fn ddl_sync_takes_a_bool_or_a_list() {
        let plan = Plan::parse(
            "p.toml",
            &INLINE.replace(
                "migration = [\"incremental\"]",
                "migration = [\"incremental\"]\nddl_sync = [\"CREATE_TABLE\"]",
            ),
        )
        .unwrap();
        assert_eq!(
            plan.reverse.ddl_sync,
            DdlSync::Types(vec!["CREATE_TABLE".into()])
        );
        assert!(plan.reverse.ddl_sync.enabled());
        assert_eq!(plan.forward.ddl_sync, DdlSync::Off);
    }
}
