//! Collects one tenant's facts over the MySQL protocol with `mysql_async`.
//!
//! One pool per tenant, a handful of connections so the fixed set of statements in [`queries`]
//! runs concurrently; every session is read-only before it sends anything else, and every
//! statement runs under the run's timeout. A failed statement makes only the facts it feeds
//! unavailable, with the reason; collection goes on.

pub mod inner;
pub mod queries;
pub mod show_grants;

use std::collections::BTreeSet;
use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{OptsBuilder, Pool, PoolConstraints, PoolOpts, Row, SslOpts, Value};

use crate::collect::CatalogChoice;
use crate::facts::{Catalog, CatalogSource, Fact, Server, Table, TenantFacts};
use crate::plan::{LinkPlan, Secret, TenantPlan};
use inner::{InnerColumn, InnerTable, TypeNumbering};
use queries::{Rows, ShapeError};

/// Connections per tenant: enough to run the catalogue queries side by side.
const CONNECTIONS: usize = 4;

/// What to collect from one tenant besides its own facts.
pub struct Extras<'a> {
    /// Probe these in-scope tables for rows (the forward link's target only).
    pub probe_rows_of: Option<&'a LinkPlan>,
    /// Try logging in as the declared sys-tenant DRC user.
    pub drc: Option<(&'a str, &'a Secret)>,
    /// Where columns and keys are read.
    pub catalog: CatalogChoice,
}

pub async fn collect(
    plan: &TenantPlan,
    password: &Secret,
    scope: &[String],
    timeout: Duration,
    extras: Extras<'_>,
) -> TenantFacts {
    let pool = Pool::new(options(plan, &plan.user, password, timeout));
    let (mut facts, drc_login) = tokio::join!(
        collect_with(
            &pool,
            plan,
            scope,
            timeout,
            extras.probe_rows_of,
            extras.catalog
        ),
        async {
            match extras.drc {
                Some((user, secret)) => Some(drc_login(plan, user, secret, timeout).await),
                None => None,
            }
        }
    );
    facts.drc_login = drc_login;
    // Closing is best effort: the facts are already in hand.
    let _ = tokio::time::timeout(timeout, pool.disconnect()).await;
    facts
}

/// Whether `user` can open a session: the sys-tenant DRC user OMS reads logs with.
async fn drc_login(
    plan: &TenantPlan,
    user: &str,
    password: &Secret,
    timeout: Duration,
) -> Fact<()> {
    let endpoint = plan.endpoint();
    let connect = mysql_async::Conn::new(options(plan, user, password, timeout));
    match tokio::time::timeout(timeout, connect).await {
        Err(_) => Fact::unavailable(format!(
            "no answer from {endpoint} within {}s",
            timeout.as_secs_f64()
        )),
        Ok(Err(error)) => Fact::unavailable(format!(
            "cannot log in to {endpoint} as {user}: {}",
            describe(&error)
        )),
        Ok(Ok(conn)) => {
            let _ = tokio::time::timeout(timeout, conn.disconnect()).await;
            Fact::Observed(())
        }
    }
}

fn options(plan: &TenantPlan, user: &str, password: &Secret, timeout: Duration) -> OptsBuilder {
    let mut setup: Vec<String> = queries::SESSION_SETUP
        .iter()
        .map(|s| s.to_string())
        .collect();
    // OceanBase cancels statements after ob_query_timeout (10 s by default); the first
    // information_schema.COLUMNS query on a cold tenant can take longer, and our own timeout is
    // the one the user chose.
    setup.push(format!(
        "SET SESSION ob_query_timeout = {}",
        timeout.as_micros().max(1_000_000)
    ));
    let constraints = PoolConstraints::new(0, CONNECTIONS).expect("0 <= CONNECTIONS");
    let builder = OptsBuilder::default()
        .ip_or_hostname(plan.host.clone())
        .tcp_port(plan.port)
        .user(Some(user.to_string()))
        .pass(Some(password.expose().to_string()))
        .prefer_socket(false)
        .init(setup)
        .pool_opts(PoolOpts::default().with_constraints(constraints));
    match &plan.tls_ca {
        Some(ca) => builder.ssl_opts(
            SslOpts::default().with_root_certs(vec![std::path::PathBuf::from(ca).into()]),
        ),
        None => builder,
    }
}

async fn collect_with(
    pool: &Pool,
    plan: &TenantPlan,
    scope: &[String],
    timeout: Duration,
    probe_rows_of: Option<&LinkPlan>,
    catalog: CatalogChoice,
) -> TenantFacts {
    let endpoint = plan.endpoint();
    let user = plan.user.clone();
    match tokio::time::timeout(timeout, pool.get_conn()).await {
        Err(_) => {
            let reason = format!(
                "no answer from {endpoint} within {}s",
                timeout.as_secs_f64()
            );
            return TenantFacts::unreachable(endpoint, user, &reason);
        }
        Ok(Err(error)) => {
            let reason = format!(
                "cannot log in to {endpoint} as {user}: {}",
                describe(&error)
            );
            return TenantFacts::unreachable(endpoint, user, &reason);
        }
        Ok(Ok(conn)) => drop(conn),
    }

    let endpoint_text = format!("tenant {} ({endpoint})", plan.tenant);
    let params: Vec<Value> = scope.iter().map(|db| Value::from(db.as_str())).collect();
    let scoped = Scoped {
        pool,
        endpoint: &endpoint_text,
        scope,
        params: &params,
        timeout,
    };
    // Columns and keys: the inner tables first unless told otherwise; information_schema at
    // once when asked for it.
    let columns = async {
        match catalog {
            CatalogChoice::InformationSchema => {
                let (columns, keys) =
                    tokio::join!(scoped.rows(queries::COLUMNS), scoped.rows(queries::KEYS));
                Fetched::InformationSchema { columns, keys }
            }
            CatalogChoice::Auto | CatalogChoice::InnerTables => {
                let (columns, tables) = tokio::join!(
                    scoped.map(inner::COLUMNS, inner::inner_column),
                    scoped.map(inner::TABLES, inner::inner_table),
                );
                Fetched::Inner { columns, tables }
            }
        }
    };
    // The pool hands out connections in the order they are asked for: the longest statements
    // first, the small ones share what is left.
    let (columns, tables, server, variables, grants, databases, triggers) = tokio::join!(
        columns,
        scoped.rows(queries::TABLES),
        run(pool, &endpoint_text, queries::SERVER, vec![], timeout),
        run(pool, &endpoint_text, queries::VARIABLES, vec![], timeout),
        run(pool, &endpoint_text, queries::GRANTS, vec![], timeout),
        run(pool, &endpoint_text, queries::DATABASES, vec![], timeout),
        scoped.rows(queries::TRIGGERS),
    );

    let server = to_fact(server, queries::server);
    let variables = to_fact(variables, queries::variables);
    let mode = queries::mode(&variables, &server);
    let views = match &tables {
        Ok(rows) => to_fact(Ok(()), |_| queries::views(rows)),
        Err(reason) => Fact::unavailable(reason.clone()),
    };
    let (tables, catalog) = match (tables, columns) {
        (Err(reason), _) => (Fact::unavailable(reason), None),
        (Ok(tables), Fetched::InformationSchema { columns, keys }) => (
            from_information_schema(&tables, columns, keys),
            Some(CatalogSource::InformationSchema.into()),
        ),
        (Ok(listed), Fetched::Inner { columns, tables }) => {
            match from_inner(&listed, columns, tables, &server)
                .map_err(|reason| naming(&endpoint_text, reason))
            {
                Ok(filled) => (
                    Fact::Observed(filled),
                    Some(CatalogSource::InnerTables.into()),
                ),
                Err(reason) if catalog == CatalogChoice::InnerTables => (
                    Fact::unavailable(reason),
                    Some(CatalogSource::InnerTables.into()),
                ),
                Err(reason) => {
                    let (columns, keys) =
                        tokio::join!(scoped.rows(queries::COLUMNS), scoped.rows(queries::KEYS));
                    (
                        from_information_schema(&listed, columns, keys),
                        Some(Catalog {
                            source: CatalogSource::InformationSchema,
                            fallback_reason: Some(reason),
                        }),
                    )
                }
            }
        }
    };
    let rows = match (probe_rows_of, &tables) {
        (None, _) => Fact::unavailable(format!(
            "rows are probed on the forward link's target at the forward stage only, not on tenant {}",
            plan.tenant
        )),
        (Some(_), Fact::Unavailable { reason }) => Fact::unavailable(reason.clone()),
        (Some(link), Fact::Observed(tables)) => {
            let probed: Vec<(String, String)> = tables
                .iter()
                .flat_map(|(database, tables)| {
                    tables
                        .keys()
                        .map(move |table| (database.clone(), table.clone()))
                })
                .filter(|(database, table)| link.covers(database, table))
                .collect();
            probe_rows(pool, &endpoint_text, &probed, timeout).await
        }
    };
    TenantFacts {
        endpoint,
        user,
        login: Fact::Observed(()),
        server,
        mode,
        variables,
        grants: to_fact(grants, queries::grants),
        databases: to_fact(databases, queries::databases),
        scope: scope.iter().cloned().collect(),
        tables,
        views,
        triggers: to_fact(triggers, queries::triggers),
        rows,
        drc_login: None,
        catalog,
    }
}

/// The run's statements over the in-scope databases: each template's `{scope}` becomes one
/// placeholder per database, bound to the names.
struct Scoped<'a> {
    pool: &'a Pool,
    endpoint: &'a str,
    scope: &'a [String],
    params: &'a [Value],
    timeout: Duration,
}

impl Scoped<'_> {
    async fn rows(&self, template: &'static str) -> Result<Rows, String> {
        self.map(template, text_row).await
    }

    async fn map<T>(
        &self,
        template: &'static str,
        parse: fn(Vec<Value>) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, String> {
        if self.params.is_empty() {
            // Nothing in scope: nothing to ask.
            return Ok(Vec::new());
        }
        let sql = queries::with_scope(template, self.scope.len());
        run_map(
            self.pool,
            self.endpoint,
            &sql,
            self.params.to_vec(),
            self.timeout,
            parse,
        )
        .await
    }
}

type Tables = std::collections::BTreeMap<String, std::collections::BTreeMap<String, Table>>;

fn from_information_schema(
    tables: &Rows,
    columns: Result<Rows, String>,
    keys: Result<Rows, String>,
) -> Fact<Tables> {
    match (columns, keys) {
        (Ok(columns), Ok(keys)) => to_fact(Ok(()), |_| queries::tables(tables, &columns, &keys)),
        (columns, keys) => Fact::unavailable(
            [columns.err(), keys.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// The tables `information_schema.TABLES` listed, with columns and keys from the inner tables;
/// an error is why they could not be used.
/// Columns and keys as fetched, before they are joined to the tables TABLES listed.
enum Fetched {
    InformationSchema {
        columns: Result<Rows, String>,
        keys: Result<Rows, String>,
    },
    Inner {
        columns: Result<Vec<InnerColumn>, String>,
        tables: Result<Vec<InnerTable>, String>,
    },
}

/// `reason`, starting with the tenant it concerns (statement errors already do).
fn naming(endpoint: &str, reason: String) -> String {
    if reason.starts_with(endpoint) {
        reason
    } else {
        format!("{endpoint}: {reason}")
    }
}

fn from_inner(
    tables: &Rows,
    columns: Result<Vec<InnerColumn>, String>,
    inner_tables: Result<Vec<InnerTable>, String>,
    server: &Fact<Server>,
) -> Result<Tables, String> {
    let numbering = match server {
        Fact::Observed(server) => TypeNumbering::of(server)?,
        Fact::Unavailable { reason } => {
            return Err(format!("the kernel's version is unknown: {reason}"));
        }
    };
    let (columns, inner_tables) = (columns?, inner_tables?);
    let mut filled = queries::tables(tables, &Rows::new(), &Rows::new())
        .map_err(|ShapeError(problem)| format!("unexpected result shape: {problem}"))?;
    inner::fill_tables(&mut filled, inner_tables, columns, numbering)?;
    Ok(filled)
}

/// Which of `tables` hold rows, in statements of [`queries::ROW_PROBE_BATCH`] tables each: one
/// statement over a thousand tables exceeds OceanBase's per-query memory limit (ERROR 11049 on
/// seekdb with 1 GB), so the probe, unlike the metadata queries, grows with the number of target
/// tables that already exist.
async fn probe_rows(
    pool: &Pool,
    endpoint: &str,
    tables: &[(String, String)],
    timeout: Duration,
) -> Fact<BTreeSet<String>> {
    let mut present = BTreeSet::new();
    for batch in tables.chunks(queries::ROW_PROBE_BATCH) {
        let rows = match run(pool, endpoint, &queries::row_probe(batch), vec![], timeout).await {
            Ok(rows) => rows,
            Err(reason) => return Fact::unavailable(reason),
        };
        match queries::rows_present(&rows, batch) {
            Ok(found) => present.extend(found),
            Err(ShapeError(problem)) => {
                return Fact::unavailable(format!("unexpected result shape: {problem}"));
            }
        }
    }
    Fact::Observed(present)
}

/// Runs one statement under the timeout; the error names the tenant and the statement.
async fn run(
    pool: &Pool,
    endpoint: &str,
    sql: &str,
    params: Vec<Value>,
    timeout: Duration,
) -> Result<Rows, String> {
    run_map(pool, endpoint, sql, params, timeout, text_row).await
}

fn text_row(values: Vec<Value>) -> Result<Vec<Option<String>>, ShapeError> {
    Ok(values.into_iter().map(value_to_text).collect())
}

/// [`run`], each row turned into a `T` as it arrives: a large result is never held twice.
async fn run_map<T>(
    pool: &Pool,
    endpoint: &str,
    sql: &str,
    params: Vec<Value>,
    timeout: Duration,
    parse: fn(Vec<Value>) -> Result<T, ShapeError>,
) -> Result<Vec<T>, String> {
    let statement = sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
    if !queries::is_allowed(sql) {
        // A programming error, never a user's: refuse rather than send it.
        return Err(format!(
            "{endpoint}: `{statement} …` is not an allowlisted read statement; not sent"
        ));
    }
    let work = async {
        let mut conn = pool.get_conn().await?;
        let convert = |row: Row| parse(row.unwrap());
        let rows: Vec<Result<T, ShapeError>> = if params.is_empty() {
            conn.query_iter(sql).await?.map(convert).await?
        } else {
            conn.exec_iter(sql, params).await?.map(convert).await?
        };
        Ok::<_, mysql_async::Error>(rows)
    };
    match tokio::time::timeout(timeout, work).await {
        Err(_) => Err(format!(
            "{endpoint}: `{statement} …` gave no result within {}s",
            timeout.as_secs_f64()
        )),
        Ok(Err(error)) => Err(format!(
            "{endpoint}: `{statement} …` failed: {}",
            describe(&error)
        )),
        Ok(Ok(rows)) => rows
            .into_iter()
            .collect::<Result<Vec<T>, ShapeError>>()
            .map_err(|ShapeError(problem)| {
                format!("{endpoint}: `{statement} …`: unexpected result shape: {problem}")
            }),
    }
}

fn to_fact<T, R>(
    rows: Result<R, String>,
    parse: impl FnOnce(&R) -> Result<T, ShapeError>,
) -> Fact<T> {
    match rows {
        Err(reason) => Fact::unavailable(reason),
        Ok(rows) => match parse(&rows) {
            Ok(value) => Fact::Observed(value),
            Err(ShapeError(problem)) => {
                Fact::unavailable(format!("unexpected result shape: {problem}"))
            }
        },
    }
}

fn value_to_text(value: Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::UInt(n) => Some(n.to_string()),
        Value::Float(n) => Some(n.to_string()),
        Value::Double(n) => Some(n.to_string()),
        Value::Date(y, m, d, h, mi, s, us) => Some(format!(
            "{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}"
        )),
        Value::Time(negative, days, h, m, s, us) => Some(format!(
            "{}{}:{m:02}:{s:02}.{us:06}",
            if negative { "-" } else { "" },
            u32::from(h) + days * 24
        )),
    }
}

/// The server's own words for an error, without the client's wrapping.
fn describe(error: &mysql_async::Error) -> String {
    match error {
        mysql_async::Error::Server(server) => format!(
            "ERROR {} ({}): {}",
            server.code, server.state, server.message
        ),
        other => other.to_string(),
    }
}
