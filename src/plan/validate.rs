//! Validation: the plan's TOML → [`Plan`]. Each reader takes what it knows from a table, reports
//! what is wrong, and leaves the remaining keys to `reject_unknown`, so every problem of the file
//! is found in one pass.

use toml_span::value::Table;

use super::errors::{PlanProblem, did_you_mean};
use super::model::{
    DEFAULT_MAX_LAG, DEFAULT_MIN_WINDOW, DdlSide, DdlSync, LinkPlan, Migration, OmsPlan, Plan,
    SecretSource, Span, TableRef, TenantPlan, Topology,
};
use super::toml::{
    expect_table, optional_string, reject_unknown, required, required_string, span_of, string_array,
};
use super::validate_secrets::{reject_credentials, secret_source, source_string};
use crate::facts::Tenant;

const ROOT_KEYS: &[&str] = &[
    "topology", "oms", "tenants", "forward", "reverse", "waivers",
];
const OMS_KEYS: &[&str] = &[
    "url",
    "user",
    "password_env",
    "password_file",
    "password",
    "version",
    "ca",
    "max_lag",
    "min_window",
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
    "ddl_side",
    "databases",
    "tables",
];

/// The plan written in `text`, or `None` with every problem in `problems`. The plan's `path` and
/// `source` are left empty for the caller.
pub(super) fn parse_document(text: &str, problems: &mut Vec<PlanProblem>) -> Option<Plan> {
    let root = match super::toml::parse(text) {
        Ok(root) => root,
        Err(problem) => {
            problems.push(problem.help("see https://toml.io for the syntax"));
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
    reject_credentials(&root, "", "", problems);

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

    let (topology, topology_span) = parse_topology(table, problems);
    let forward = required(table, "forward", whole.clone(), "", problems)
        .and_then(|value| expect_table(value, "forward", problems))
        .and_then(|(t, span)| parse_link("forward", topology, t, span, problems));
    let reverse = match topology {
        Topology::TwoProjects => required(table, "reverse", whole, "", problems)
            .and_then(|value| expect_table(value, "reverse", problems))
            .and_then(|(t, span)| parse_link("reverse", topology, t, span, problems)),
        Topology::SingleProject => {
            if let Some(value) = table.get("reverse") {
                problems.push(
                    PlanProblem::new(
                        "a single-project pair has no [reverse] project",
                        span_of(value),
                        "remove this section",
                    )
                    .help(
                        "the one 容灾双活 project in [forward] runs the reverse step itself; \
                         declare ddl_side = \"source\" or \"target\" in [forward] for DDL, or \
                         set topology = \"two-projects\" if OMS builds two projects",
                    ),
                );
            }
            None
        }
    };

    let waivers = optional_string(table, "waivers", problems).map(|(path, _)| path);
    let mut forward = forward?;
    let reverse = match topology {
        Topology::TwoProjects => {
            let mut reverse = reverse?;
            if !reverse.scope_declared {
                // The reverse link replicates what the forward link built, so by default it
                // carries the same objects back.
                reverse.databases = forward.databases.clone();
                reverse.tables = forward.tables.clone();
            }
            reverse
        }
        Topology::SingleProject => reverse_step(&mut forward),
    };
    Some(Plan {
        path: String::new(),
        source: String::new(),
        topology,
        topology_span,
        oms,
        a: a.take()?,
        b: b.take()?,
        forward,
        reverse,
        waivers,
    })
}

/// `topology = "two-projects" | "single-project"` (default two-projects) and where it is written.
fn parse_topology(table: &Table<'_>, problems: &mut Vec<PlanProblem>) -> (Topology, Option<Span>) {
    let Some((value, span)) = optional_string(table, "topology", problems) else {
        return (Topology::default(), None);
    };
    match value.as_str() {
        "two-projects" => (Topology::TwoProjects, Some(span)),
        "single-project" => (Topology::SingleProject, Some(span)),
        other => {
            let names = ["two-projects", "single-project"];
            problems.push(
                PlanProblem::new(
                    format!("unknown topology \"{other}\""),
                    span.clone(),
                    "not a topology",
                )
                .help(did_you_mean(other, &names).unwrap_or_else(|| {
                    "use \"two-projects\" (a forward and a reverse project) or \
                     \"single-project\" (one 容灾双活 project, OMS CE 4.2.1 and later)"
                        .into()
                })),
            );
            (Topology::default(), Some(span))
        }
    }
}

/// The reverse step of a single-project pair's one project, as a link: the mirror of the
/// forward link, incremental only. The declared DDL goes to the link that carries it: the
/// forward link when DDL is executed on the source (or the side is not declared, which
/// `link.ddl-single` reports), the reverse link when it is executed on the target.
fn reverse_step(forward: &mut LinkPlan) -> LinkPlan {
    let ddl_sync = match forward.ddl_side {
        Some(DdlSide::Target) => std::mem::replace(&mut forward.ddl_sync, DdlSync::Off),
        _ => DdlSync::Off,
    };
    LinkPlan {
        name: "reverse",
        project: forward.project.clone(),
        source: forward.target,
        target: forward.source,
        migration: vec![Migration::Incremental],
        ddl_sync,
        ddl_side: forward.ddl_side,
        databases: forward.databases.clone(),
        tables: forward.tables.clone(),
        scope_declared: false,
        span: forward.span.clone(),
        migration_span: None,
        ddl_sync_span: forward.ddl_sync_span.clone(),
        ddl_side_span: forward.ddl_side_span.clone(),
    }
}

/// `max_lag = "5m"`: a whole number of seconds, minutes or hours (`"90s"`, `"5m"`, `"1h"`).
pub(super) fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "s" => number,
        "m" => number.checked_mul(60)?,
        "h" => number.checked_mul(3600)?,
        _ => return None,
    };
    (seconds > 0).then(|| std::time::Duration::from_secs(seconds))
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
    let ca = optional_string(table, "ca", problems);
    let max_lag = duration_key(table, "max_lag", DEFAULT_MAX_LAG, problems);
    let min_window = duration_key(table, "min_window", DEFAULT_MIN_WINDOW, problems);
    Some(OmsPlan {
        url: url?.0,
        user: user?.0,
        password: password?,
        version,
        ca_span: ca.as_ref().map(|(_, span)| span.clone()),
        ca: ca.map(|(ca, _)| ca),
        max_lag: max_lag?,
        min_window: min_window?,
        span,
    })
}

/// An optional duration key of `[oms]` (`max_lag`, `min_window`): `default` when absent,
/// `None` with the problem when it is not a duration.
fn duration_key(
    table: &Table<'_>,
    key: &str,
    default: std::time::Duration,
    problems: &mut Vec<PlanProblem>,
) -> Option<std::time::Duration> {
    match optional_string(table, key, problems) {
        None => Some(default),
        Some((text, text_span)) => {
            let duration = parse_duration(&text);
            if duration.is_none() {
                problems.push(
                    PlanProblem::new(
                        format!("\"{text}\" is not a duration"),
                        text_span,
                        "this value",
                    )
                    .help("write a whole number of seconds, minutes or hours: \"90s\", \"5m\", \"1h\""),
                );
            }
            duration
        }
    }
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
                    PlanProblem::new("port must be an integer between 1 and 65535", span_of(value), "this value")
                        .help("OceanBase MySQL-mode tenants usually listen on 2881 (or 2883 through ODP)"),
                );
                    None
                }
            }
        }
    };
    let user = required_string(table, "user", &span, &prefix, problems);
    let password = secret_source(table, &span, &format!("tenants.{tenant}"), problems);
    let tenant_name = optional_string(table, "tenant", problems);
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
    });
    let drc_user = optional_string(table, "drc_user", problems);
    let section = format!("tenants.{tenant}");
    let drc_env = source_string(table, "drc_password_env", &section, problems);
    let drc_file = source_string(table, "drc_password_file", &section, problems);
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
        tenant_name_span: tenant_name.as_ref().map(|(_, span)| span.clone()),
        tenant_name: tenant_name.map(|(name, _)| name),
        tls_ca_span: tls_ca.as_ref().map(|(_, span)| span.clone()),
        tls_ca: tls_ca.map(|(ca, _)| ca),
        drc_user: drc_user.map(|(user, _)| user),
        drc_password,
        span,
    })
}

fn parse_link(
    name: &'static str,
    topology: Topology,
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
                            span_of(value),
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
    let ddl_side = match optional_string(table, "ddl_side", problems) {
        None => Some(None),
        Some((_, side_span)) if topology == Topology::TwoProjects => {
            problems.push(
                PlanProblem::new(
                    "ddl_side applies to a single-project pair",
                    side_span,
                    "in a two-projects plan",
                )
                .help(
                    "in two projects, DDL sync is on for one link: set ddl_sync on [forward] or \
                     [reverse]; or set topology = \"single-project\" for one 容灾双活 project",
                ),
            );
            None
        }
        Some((side, side_span)) => match side.as_str() {
            "source" => Some(Some((DdlSide::Source, side_span))),
            "target" => Some(Some((DdlSide::Target, side_span))),
            other => {
                problems.push(
                    PlanProblem::new(
                        format!("ddl_side must be \"source\" or \"target\", not \"{other}\""),
                        side_span,
                        "this value",
                    )
                    .help(
                        "where DDL is executed: \"source\" (源端执行, on the forward source) or \
                         \"target\" (目标端执行, on the forward target)",
                    ),
                );
                None
            }
        },
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
        ddl_side: ddl_side.clone()?.map(|(side, _)| side),
        ddl_side_span: ddl_side?.map(|(_, span)| span),
        scope_declared: !databases.is_empty() || !tables.is_empty(),
        databases,
        tables,
        migration_span: migration_value.map(span_of),
        ddl_sync_span: table.get("ddl_sync").map(span_of),
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PLAN_WITH_INLINE_PASSWORD;

    #[test]
    fn the_reverse_scope_mirrors_the_forward_scope_unless_given() {
        let plan = Plan::parse("p.toml", PLAN_WITH_INLINE_PASSWORD).unwrap();
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
            &PLAN_WITH_INLINE_PASSWORD.replace(
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
