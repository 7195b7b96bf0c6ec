//! Collects one tenant's facts over the MySQL protocol with `mysql_async`.
//!
//! One pool per tenant, a handful of connections so the fixed set of statements in [`queries`]
//! and [`inner`] runs concurrently; every session is read-only before it sends anything else, and
//! every statement runs under the run's timeout. A failed statement makes only the facts it feeds
//! unavailable, with the reason; collection goes on.
//!
//! A collection is fetching, a fallback decision and joining, kept apart: `fetch` sends the
//! statements asked up front, side by side; `decide` says whether the inner tables' columns and
//! keys are kept or information_schema is read instead; `join_inner`, `join_information_schema`
//! and the parsers in [`queries`] turn rows into facts. Triggers take the same path from the
//! kernel's dictionary ([`triggers`]), and the privileges of granted roles are read from it
//! when `SHOW GRANTS` names a role ([`roles`]). Every statement over the dictionary waits for
//! the kernel's identity, which chooses its [`layout`], and is sent only when that layout has
//! every table and column it reads.

mod failure;
pub mod inner;
pub mod layout;
pub mod logs;
pub mod objects;
pub mod queries;
pub mod roles;
pub mod show_grants;
pub mod statements;
pub mod triggers;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use mysql_async::prelude::Queryable;
use mysql_async::{OptsBuilder, Pool, PoolConstraints, PoolOpts, Row, SslOpts, Value};

use crate::collect::CatalogChoice;
use crate::facts::{Catalog, CatalogSource, Fact, Grants, Server, Table, TenantFacts, Trigger};
use crate::i18n::Text;
use crate::plan::{LinkPlan, Secret, TenantPlan};
use crate::progress::Endpoint;
use crate::text;
use inner::{InnerColumn, InnerTable};
use layout::Layout;
use statements::{Allowlist, Rows, ShapeError};

/// Connections per tenant: enough to run the catalogue queries side by side.
const CONNECTIONS: usize = 4;

/// Every statement this collector sends: anything else is refused before it is sent, and tests
/// check what reaches a tenant against it.
pub const ALLOWLIST: Allowlist = Allowlist {
    fixed: &[
        queries::SERVER,
        queries::VARIABLES,
        queries::GRANTS,
        queries::DATABASES,
        queries::TENANT_NAME,
        roles::FROM_TENANT_ROLE_GRANTEE_MAP,
        roles::FROM_ROLE_GRANTEE_MAP,
        logs::LOG_STAT,
        logs::LOG_STAT_SEEKDB,
        logs::ARCHIVE,
        logs::TENANT_ROLE,
    ],
    scoped: &[
        queries::TABLES,
        queries::COLUMNS,
        queries::KEYS,
        queries::TRIGGERS,
        inner::TABLES,
        inner::COLUMNS,
        triggers::FROM_TENANT_TRIGGER,
        triggers::FROM_TRIGGER,
        objects::PARTITIONS,
        objects::PARTITIONS_INFORMATION_SCHEMA,
        objects::FOREIGN_KEYS,
        objects::FOREIGN_KEYS_INFORMATION_SCHEMA,
    ],
};

/// What to collect from one tenant besides its own facts.
pub struct Extras<'a> {
    /// Probe these in-scope tables for rows (the forward link's target only).
    pub probe_rows_of: Option<&'a LinkPlan>,
    /// Try logging in as the declared sys-tenant DRC user.
    pub drc: Option<(&'a str, &'a Secret)>,
    /// Where columns, keys and triggers are read.
    pub catalog: CatalogChoice,
    /// The bytes of the tenant's `tls = { ca }`, read with the plan: connect with TLS, trusting it.
    pub ca: Option<&'a [u8]>,
}

/// How long one tenant's collection may take at most: `4 × timeout`. The login takes at most one
/// timeout; the metadata statements run side by side in a second; the statements that wait on
/// them (triggers after the kernel's identity, information_schema after unusable inner tables,
/// the roles' privileges) and the row probe's batches share the rest. A statement still running
/// at the bound is cut there and its facts are unavailable, saying so; closing the connections
/// afterwards is not waited for past it.
pub fn bound(timeout: Duration) -> Duration {
    timeout * 4
}

pub async fn collect(
    plan: &TenantPlan,
    password: &Secret,
    scope: &[String],
    timeout: Duration,
    extras: Extras<'_>,
) -> TenantFacts {
    let deadline = Instant::now() + bound(timeout);
    let pool = Pool::new(options(plan, extras.ca, &plan.user, password, timeout));
    let (mut facts, drc_login) = tokio::join!(
        collect_with(
            &pool,
            plan,
            scope,
            (timeout, deadline),
            extras.probe_rows_of,
            extras.catalog
        ),
        async {
            match extras.drc {
                Some((user, secret)) => {
                    Some(drc_login(plan, extras.ca, user, secret, timeout).await)
                }
                None => None,
            }
        }
    );
    facts.drc_login = drc_login;
    crate::progress::done(
        Endpoint::Tenant(plan.tenant),
        facts.login.unavailable_reason().is_none(),
    );
    // Closing is best effort: the facts are already in hand. A connection still draining a
    // trickling result would hold it for a whole timeout more, so never past the bound.
    let _ =
        tokio::time::timeout_at((Instant::now() + timeout).min(deadline), pool.disconnect()).await;
    facts
}

/// Whether `user` can open a session: the sys-tenant DRC user OMS reads logs with.
async fn drc_login(
    plan: &TenantPlan,
    ca: Option<&[u8]>,
    user: &str,
    password: &Secret,
    timeout: Duration,
) -> Fact<()> {
    let attempt = mysql_async::Conn::new(options(plan, ca, user, password, timeout));
    match connect(&plan.endpoint(), user, timeout, attempt).await {
        Err(reason) => Fact::unavailable(reason),
        Ok(conn) => {
            let _ = tokio::time::timeout(timeout, conn.disconnect()).await;
            Fact::Observed(())
        }
    }
}

/// A connection attempt under the timeout; the error is why `user` could not log in, as a login
/// fact gives it.
async fn connect<C>(
    endpoint: &str,
    user: &str,
    timeout: Duration,
    attempt: impl Future<Output = Result<C, mysql_async::Error>>,
) -> Result<C, Text> {
    match tokio::time::timeout(timeout, attempt).await {
        Err(_) => {
            let seconds = timeout.as_secs_f64();
            Err(text!(
                "no answer from {endpoint} within {seconds}s",
                "{endpoint} 在 {seconds} 秒内没有应答"
            ))
        }
        Ok(Err(error)) => Err(failure::connection(endpoint, user, &error)),
        Ok(Ok(conn)) => Ok(conn),
    }
}

fn options(
    plan: &TenantPlan,
    ca: Option<&[u8]>,
    user: &str,
    password: &Secret,
    timeout: Duration,
) -> OptsBuilder {
    let mut setup: Vec<String> = statements::SESSION_SETUP
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
    match ca {
        Some(ca) => builder.ssl_opts(SslOpts::default().with_root_certs(vec![ca.to_vec().into()])),
        None => builder,
    }
}

async fn collect_with(
    pool: &Pool,
    plan: &TenantPlan,
    scope: &[String],
    (timeout, deadline): (Duration, Instant),
    probe_rows_of: Option<&LinkPlan>,
    catalog: CatalogChoice,
) -> TenantFacts {
    let endpoint = plan.endpoint();
    let user = plan.user.clone();
    crate::progress::step(
        Endpoint::Tenant(plan.tenant),
        &format!("logging in as {user}"),
    );
    // The first connection is the login; it goes back to the pool for the statements.
    if let Err(reason) = connect(&endpoint, &user, timeout, pool.get_conn()).await {
        return TenantFacts::unreachable(endpoint, user, &reason);
    }

    crate::progress::step(Endpoint::Tenant(plan.tenant), "reading the catalog");
    let tenant = plan.tenant;
    let endpoint_text = text!(
        "tenant {tenant} ({endpoint})",
        "租户 {tenant}（{endpoint}）"
    );
    let params: Vec<Value> = scope.iter().map(|db| Value::from(db.as_str())).collect();
    let fetcher = Fetcher {
        pool,
        endpoint: &endpoint_text,
        scope,
        params: &params,
        timeout,
        deadline,
    };
    let fetched = fetch(&fetcher, catalog, plan.tenant_name.is_some()).await;
    let choice = catalog;
    let server = fetched.server;
    let layout = fetched.layout;
    let variables = to_fact(fetched.variables, queries::variables);
    let existing = existing_tables(&fetched.columns_and_keys, &layout);
    let (tables, catalog) = match &fetched.listed {
        Err(reason) => (Fact::unavailable(reason.clone()), None),
        Ok(listed) => {
            let (tables, catalog) =
                with_columns_and_keys(&fetcher, listed, fetched.columns_and_keys, &layout, catalog)
                    .await;
            (tables, Some(catalog))
        }
    };
    let grants = with_role_privileges(&fetcher, to_fact(fetched.grants, queries::grants), &layout);
    let probed = probed_rows(&fetcher, plan, probe_rows_of, &tables, existing);
    // Partitions, foreign keys, logs and the tenant's role: statements of their own, which
    // need the kernel's identity only.
    let more = async {
        tokio::join!(
            objects::fetch(&fetcher, choice, &layout),
            logs::fetch(&fetcher, &layout)
        )
    };
    let (grants, (rows, probed_tables_from), (objects, logs)) = tokio::join!(grants, probed, more);
    let ((partitions, partition_catalog), (foreign_keys, foreign_key_catalog)) = objects;
    let (log_streams, archive, tenant_role) = logs;
    let (triggers, trigger_catalog) = fetched.triggers;
    TenantFacts {
        endpoint,
        user,
        login: Fact::Observed(()),
        mode: queries::mode(&variables, &server),
        server,
        variables,
        grants,
        databases: to_fact(fetched.databases, queries::databases),
        scope: scope.iter().cloned().collect(),
        tables,
        views: to_fact(fetched.listed.as_ref().map_err(Text::clone), |listed| {
            queries::views(listed)
        }),
        triggers,
        trigger_catalog: Some(trigger_catalog),
        rows,
        probed_tables_from,
        tenant_name: fetched.tenant_name,
        drc_login: None,
        catalog,
        partitions,
        partition_catalog: Some(partition_catalog),
        foreign_keys,
        foreign_key_catalog: Some(foreign_key_catalog),
        log_streams,
        archive,
        tenant_role,
    }
}

/// The rows of the statements asked up front, each as it came back or why it did not.
struct Fetched {
    /// `information_schema.TABLES`: the in-scope tables and views, which columns and keys are
    /// joined to.
    listed: Result<Rows, Text>,
    columns_and_keys: ColumnsAndKeys,
    server: Fact<Server>,
    /// The dictionary layout the kernel's identity chose, or why there is none.
    layout: Dictionary,
    variables: Result<Rows, Text>,
    grants: Result<Rows, Text>,
    databases: Result<Rows, Text>,
    /// The triggers and where they were read: they need the kernel's identity first.
    triggers: (Fact<Vec<Trigger>>, Catalog),
    /// Asked only when the plan declares the tenant it expects.
    tenant_name: Option<Fact<String>>,
}

/// Columns and keys as fetched, before they are joined to the tables TABLES listed.
enum ColumnsAndKeys {
    InformationSchema {
        columns: Result<Rows, Text>,
        keys: Result<Rows, Text>,
    },
    Inner {
        columns: Result<Vec<InnerColumn>, Text>,
        tables: Result<Vec<InnerTable>, Text>,
    },
}

/// Sends the statements asked up front, all at once; those over the kernel's dictionary follow
/// the server's identity, which says what the dictionary holds (one round trip later).
async fn fetch(fetcher: &Fetcher<'_>, catalog: CatalogChoice, tenant_name_asked: bool) -> Fetched {
    // The pool hands out connections in the order they are asked for: the kernel's identity
    // first, the dictionary right after it; the small ones share what is left.
    let server_then_dictionary = async {
        let server = to_fact(fetcher.fixed(queries::SERVER).await, queries::server);
        let layout = layout_of(&server);
        let (columns_and_keys, triggers, tenant_name) = tokio::join!(
            fetch_columns_and_keys(fetcher, catalog, &layout),
            fetch_triggers(fetcher, &layout, catalog),
            fetch_tenant_name(fetcher, &layout, tenant_name_asked),
        );
        (server, layout, columns_and_keys, triggers, tenant_name)
    };
    let (
        (server, layout, columns_and_keys, triggers, tenant_name),
        listed,
        variables,
        grants,
        databases,
    ) = tokio::join!(
        server_then_dictionary,
        fetcher.scoped(queries::TABLES),
        fetcher.fixed(queries::VARIABLES),
        fetcher.fixed(queries::GRANTS),
        fetcher.fixed(queries::DATABASES),
    );
    Fetched {
        listed,
        columns_and_keys,
        server,
        layout,
        variables,
        grants,
        databases,
        triggers,
        tenant_name,
    }
}

/// The name of the tenant the session is in, when the plan names one: from
/// `DBA_OB_TENANTS`, which a user tenant of OceanBase 4.0 and seekdb do not have (said so,
/// without a statement).
async fn fetch_tenant_name(
    fetcher: &Fetcher<'_>,
    layout: &Dictionary,
    asked: bool,
) -> Option<Fact<String>> {
    if !asked {
        return None;
    }
    let rows = match layout {
        Ok(layout) => fetcher.dictionary(layout, queries::TENANT_NAME).await,
        Err(reason) => Err(naming(fetcher.endpoint, reason.clone())),
    };
    Some(to_fact(rows, queries::tenant_name))
}

/// Triggers from the kernel's trigger dictionary unless told otherwise; from
/// information_schema, saying why, when the dictionary cannot be read and that is allowed.
async fn fetch_triggers(
    fetcher: &Fetcher<'_>,
    layout: &Dictionary,
    catalog: CatalogChoice,
) -> (Fact<Vec<Trigger>>, Catalog) {
    let from_dictionary = async {
        let layout = layout.as_ref().map_err(Text::clone)?;
        let rows = fetcher
            .dictionary_scoped(layout, triggers::statement(layout)?)
            .await?;
        triggers::triggers(&rows).map_err(Text::from)
    };
    dictionary_or_information_schema(fetcher.endpoint, catalog, from_dictionary, || async {
        to_fact(fetcher.scoped(queries::TRIGGERS).await, queries::triggers)
    })
    .await
}

/// One kind of object from the kernel's dictionary unless `catalog` says otherwise; from
/// information_schema when the dictionary cannot be read and `catalog` allows it, saying why.
async fn dictionary_or_information_schema<T, D, I>(
    endpoint: &Text,
    catalog: CatalogChoice,
    from_dictionary: D,
    from_information_schema: impl FnOnce() -> I,
) -> (Fact<T>, Catalog)
where
    D: std::future::Future<Output = Result<T, Text>>,
    I: std::future::Future<Output = Fact<T>>,
{
    if catalog == CatalogChoice::InformationSchema {
        return (
            from_information_schema().await,
            CatalogSource::InformationSchema.into(),
        );
    }
    match from_dictionary.await {
        Ok(found) => (Fact::Observed(found), CatalogSource::InnerTables.into()),
        Err(reason) if catalog == CatalogChoice::InnerTables => (
            Fact::unavailable(naming(endpoint, reason)),
            CatalogSource::InnerTables.into(),
        ),
        Err(reason) => (
            from_information_schema().await,
            Catalog {
                source: CatalogSource::InformationSchema,
                fallback_reason: Some(naming(endpoint, reason)),
            },
        ),
    }
}

/// The dictionary layout of a kernel, or why its dictionary is not read.
type Dictionary = Result<&'static Layout, Text>;

/// The dictionary layout of the kernel `server` describes, or why it is not known.
fn layout_of(server: &Fact<Server>) -> Dictionary {
    match server {
        Fact::Observed(server) => Layout::of(server),
        Fact::Unavailable { reason } => Err(text!(
            "the kernel's version is unknown: {reason}",
            "内核版本未知：{reason}";
            reason = reason
        )),
    }
}

/// `grants`, with what the granted roles give read from the dictionary when `SHOW GRANTS`
/// names any: one more statement, only then.
async fn with_role_privileges(
    fetcher: &Fetcher<'_>,
    grants: Fact<Grants>,
    layout: &Dictionary,
) -> Fact<Grants> {
    let Fact::Observed(mut grants) = grants else {
        return grants;
    };
    if grants.roles.is_empty() {
        return Fact::Observed(grants);
    }
    let read = async {
        let layout = layout.as_ref().map_err(Text::clone)?;
        let rows = fetcher
            .dictionary(layout, roles::statement(layout)?)
            .await?;
        roles::role_privileges(&rows).map_err(Text::from)
    };
    grants.role_privileges = Some(match read.await {
        Ok(privileges) => Fact::Observed(privileges),
        Err(reason) => Fact::unavailable(naming(fetcher.endpoint, reason)),
    });
    Fact::Observed(grants)
}

/// Every in-scope table that exists, as the inner tables name them whatever the user's
/// privileges; `None` when they were not read or the kernel's layout is not known.
fn existing_tables(fetched: &ColumnsAndKeys, layout: &Dictionary) -> Option<Vec<(String, String)>> {
    match fetched {
        ColumnsAndKeys::Inner {
            tables: Ok(tables), ..
        } if layout.is_ok() => Some(inner::user_tables(tables)),
        _ => None,
    }
}

/// Columns and keys: the inner tables first unless told otherwise, when the kernel's layout
/// has what they read; information_schema at once when asked for it.
async fn fetch_columns_and_keys(
    fetcher: &Fetcher<'_>,
    catalog: CatalogChoice,
    layout: &Dictionary,
) -> ColumnsAndKeys {
    match (catalog, layout) {
        (CatalogChoice::InformationSchema, _) => {
            let (columns, keys) = fetch_information_schema(fetcher).await;
            ColumnsAndKeys::InformationSchema { columns, keys }
        }
        (CatalogChoice::Auto | CatalogChoice::InnerTables, Err(reason)) => ColumnsAndKeys::Inner {
            columns: Err(reason.clone()),
            tables: Err(reason.clone()),
        },
        (CatalogChoice::Auto | CatalogChoice::InnerTables, Ok(layout)) => {
            let (columns, tables) = tokio::join!(
                fetcher.dictionary_scoped_map(layout, inner::COLUMNS, inner::inner_column),
                fetcher.dictionary_scoped_map(layout, inner::TABLES, inner::inner_table),
            );
            ColumnsAndKeys::Inner { columns, tables }
        }
    }
}

/// The COLUMNS and STATISTICS rows of the in-scope databases, side by side.
async fn fetch_information_schema(
    fetcher: &Fetcher<'_>,
) -> (Result<Rows, Text>, Result<Rows, Text>) {
    tokio::join!(
        fetcher.scoped(queries::COLUMNS),
        fetcher.scoped(queries::KEYS)
    )
}

type Tables = BTreeMap<String, BTreeMap<String, Table>>;

/// The tables TABLES `listed` with their columns and keys, and where those were read: as
/// fetched, or from information_schema after all when [`decide`] says so.
async fn with_columns_and_keys(
    fetcher: &Fetcher<'_>,
    listed: &Rows,
    fetched: ColumnsAndKeys,
    layout: &Dictionary,
    catalog: CatalogChoice,
) -> (Fact<Tables>, Catalog) {
    let (columns, inner_tables) = match fetched {
        ColumnsAndKeys::InformationSchema { columns, keys } => {
            return (
                join_information_schema(listed, columns, keys),
                CatalogSource::InformationSchema.into(),
            );
        }
        ColumnsAndKeys::Inner { columns, tables } => (columns, tables),
    };
    let joined = join_inner(listed, columns, inner_tables, layout)
        .map_err(|reason| naming(fetcher.endpoint, reason));
    match decide(joined, catalog) {
        Decision::Inner(tables) => (tables, CatalogSource::InnerTables.into()),
        Decision::FallBack { reason } => {
            let (columns, keys) = fetch_information_schema(fetcher).await;
            (
                join_information_schema(listed, columns, keys),
                Catalog {
                    source: CatalogSource::InformationSchema,
                    fallback_reason: Some(reason),
                },
            )
        }
    }
}

/// What becomes of the inner tables' columns and keys.
#[derive(Debug)]
enum Decision {
    /// Kept: the tables, or why they are unavailable.
    Inner(Fact<Tables>),
    /// Read information_schema instead; `reason` is why the inner tables could not be used.
    FallBack { reason: Text },
}

/// The fallback rule: the inner tables when they could be used; otherwise information_schema,
/// unless the inner tables were asked for alone, when their failure is the answer.
fn decide(joined: Result<Tables, Text>, catalog: CatalogChoice) -> Decision {
    match joined {
        Ok(tables) => Decision::Inner(Fact::Observed(tables)),
        Err(reason) if catalog == CatalogChoice::InnerTables => {
            Decision::Inner(Fact::unavailable(reason))
        }
        Err(reason) => Decision::FallBack { reason },
    }
}

/// The tables TABLES listed, with columns and keys from `information_schema`.
fn join_information_schema(
    listed: &Rows,
    columns: Result<Rows, Text>,
    keys: Result<Rows, Text>,
) -> Fact<Tables> {
    match (columns, keys) {
        (Ok(columns), Ok(keys)) => observed(queries::tables(listed, &columns, &keys)),
        (columns, keys) => Fact::unavailable(Text::join(
            &[columns.err(), keys.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>(),
            "; ",
            "；",
        )),
    }
}

/// The tables TABLES listed, with columns and keys from the inner tables; an error is why they
/// could not be used.
fn join_inner(
    listed: &Rows,
    columns: Result<Vec<InnerColumn>, Text>,
    inner_tables: Result<Vec<InnerTable>, Text>,
    layout: &Dictionary,
) -> Result<Tables, Text> {
    let layout = layout.as_ref().map_err(Text::clone)?;
    let (columns, inner_tables) = (columns?, inner_tables?);
    let mut filled = queries::tables(listed, &Rows::new(), &Rows::new())?;
    inner::fill_tables(&mut filled, inner_tables, columns, layout)?;
    Ok(filled)
}

/// `reason`, starting with the tenant it concerns (statement errors already do).
fn naming(endpoint: &Text, reason: Text) -> Text {
    if reason.starts_with(endpoint.en()) {
        reason
    } else {
        text!("{endpoint}: {reason}", "{endpoint}：{reason}"; endpoint = endpoint, reason = reason)
    }
}

/// Which in-scope tables hold rows: asked of the forward link's target only, about the tables
/// the link covers, and where the list of tables probed came from. The inner tables' list
/// (`existing`) is probed when there is one: information_schema lists only the tables the
/// user holds a privilege on, and a table it cannot list is not thereby empty.
async fn probed_rows(
    fetcher: &Fetcher<'_>,
    plan: &TenantPlan,
    probe_rows_of: Option<&LinkPlan>,
    tables: &Fact<Tables>,
    existing: Option<Vec<(String, String)>>,
) -> (Fact<BTreeSet<String>>, Option<CatalogSource>) {
    let Some(link) = probe_rows_of else {
        let tenant = plan.tenant;
        let why = text!(
            "rows are probed on the forward link's target at the forward stage only, not on tenant {tenant}",
            "只在 forward 阶段探测正向链路目标端的数据行，不在租户 {tenant} 上探测"
        );
        return (Fact::unavailable(why), None);
    };
    let (candidates, source) = match (existing, tables) {
        (Some(existing), _) => (existing, CatalogSource::InnerTables),
        (None, Fact::Unavailable { reason }) => return (Fact::unavailable(reason.clone()), None),
        (None, Fact::Observed(tables)) => {
            let listed = tables
                .iter()
                .flat_map(|(database, tables)| {
                    tables
                        .keys()
                        .map(move |table| (database.clone(), table.clone()))
                })
                .collect();
            (listed, CatalogSource::InformationSchema)
        }
    };
    let covered: Vec<(String, String)> = candidates
        .into_iter()
        .filter(|(database, table)| link.covers(database, table))
        .collect();
    (probe_rows(fetcher, &covered).await, Some(source))
}

/// Which of `tables` hold rows, in statements of [`queries::ROW_PROBE_BATCH`] tables each,
/// [`CONNECTIONS`] statements at a time on the pool's connections. Unlike the metadata queries,
/// the probe grows with the number of target tables that already exist: one statement per
/// batch. The first batch (in order) that fails makes the whole probe unavailable with its
/// error, which names the table (ERROR 1142 for a table the user cannot read): a table that
/// could not be probed is never taken for empty.
async fn probe_rows(fetcher: &Fetcher<'_>, tables: &[(String, String)]) -> Fact<BTreeSet<String>> {
    let batches: Vec<&[(String, String)]> = tables.chunks(queries::ROW_PROBE_BATCH).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    // Takes batches in order until none is left or one has failed; a failure comes back with
    // its batch's index, so that the earliest is reported whichever worker met it.
    let worker = || async {
        let mut present = BTreeSet::new();
        while !failed.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(batch) = batches.get(index) else {
                break;
            };
            let found = match fetcher.fixed(&queries::row_probe(batch)).await {
                Ok(rows) => queries::rows_present(&rows, batch).map_err(Text::from),
                Err(reason) => Err(reason),
            };
            match found {
                Ok(found) => present.extend(found),
                Err(reason) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err((index, reason));
                }
            }
        }
        Ok(present)
    };
    const _: () = assert!(CONNECTIONS == 4, "one probe worker per connection");
    let (w1, w2, w3, w4) = tokio::join!(worker(), worker(), worker(), worker());
    let mut present = BTreeSet::new();
    let mut first_failure: Option<(usize, Text)> = None;
    for outcome in [w1, w2, w3, w4] {
        match outcome {
            Ok(found) => present.extend(found),
            Err((index, reason)) => {
                if first_failure
                    .as_ref()
                    .is_none_or(|(first, _)| index < *first)
                {
                    first_failure = Some((index, reason));
                }
            }
        }
    }
    match first_failure {
        Some((_, reason)) => Fact::unavailable(reason),
        None => Fact::Observed(present),
    }
}

/// Runs statements on one tenant's pool under the run's timeout. A scoped template's `{scope}`
/// becomes one placeholder per in-scope database, bound to the names.
struct Fetcher<'a> {
    pool: &'a Pool,
    /// `tenant <side> (<host:port>)`, which every error starts with.
    endpoint: &'a Text,
    scope: &'a [String],
    params: &'a [Value],
    timeout: Duration,
    /// The end of this tenant's collection ([`bound`]): no statement runs past it.
    deadline: Instant,
}

impl Fetcher<'_> {
    /// A statement without parameters.
    async fn fixed(&self, sql: &str) -> Result<Rows, Text> {
        self.run(sql, vec![], text_row).await
    }

    /// A statement over the kernel's dictionary, sent only when `layout` has every table and
    /// column it reads; otherwise why not, as a failed statement would say it.
    async fn dictionary(&self, layout: &Layout, sql: &'static str) -> Result<Rows, Text> {
        layout
            .check(sql)
            .map_err(|why| naming(self.endpoint, why))?;
        self.fixed(sql).await
    }

    /// [`Fetcher::dictionary`] for a scoped template.
    async fn dictionary_scoped(
        &self,
        layout: &Layout,
        template: &'static str,
    ) -> Result<Rows, Text> {
        self.dictionary_scoped_map(layout, template, text_row).await
    }

    /// [`Fetcher::dictionary`] for a scoped template, each row parsed by `parse`.
    async fn dictionary_scoped_map<T>(
        &self,
        layout: &Layout,
        template: &'static str,
        parse: fn(Vec<Value>) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, Text> {
        layout
            .check(template)
            .map_err(|why| naming(self.endpoint, why))?;
        self.scoped_map(template, parse).await
    }

    /// A scoped template over the in-scope databases, every cell as text.
    async fn scoped(&self, template: &'static str) -> Result<Rows, Text> {
        self.scoped_map(template, text_row).await
    }

    /// A scoped template over the in-scope databases, each row parsed by `parse`.
    async fn scoped_map<T>(
        &self,
        template: &'static str,
        parse: fn(Vec<Value>) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, Text> {
        if self.params.is_empty() {
            // Nothing in scope: nothing to ask.
            return Ok(Vec::new());
        }
        let sql = statements::with_scope(template, self.scope.len());
        self.run(&sql, self.params.to_vec(), parse).await
    }

    /// Runs one statement under the timeout, each row turned into a `T` as it arrives: a large
    /// result is never held twice. The error names the tenant and the statement.
    async fn run<T>(
        &self,
        sql: &str,
        params: Vec<Value>,
        parse: fn(Vec<Value>) -> Result<T, ShapeError>,
    ) -> Result<Vec<T>, Text> {
        let endpoint = self.endpoint;
        let statement = sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
        if !ALLOWLIST.allows(sql) {
            // A programming error, never a user's: refuse rather than send it.
            return Err(text!(
                "{endpoint}: `{statement} …` is not an allowlisted read statement; not sent",
                "{endpoint}：`{statement} …` 不是白名单中的只读语句；未发送";
                endpoint = endpoint
            ));
        }
        let work = async {
            let mut conn = self.pool.get_conn().await?;
            let convert = |row: Row| parse(row.unwrap());
            let rows: Vec<Result<T, ShapeError>> = if params.is_empty() {
                conn.query_iter(sql).await?.map(convert).await?
            } else {
                conn.exec_iter(sql, params).await?.map(convert).await?
            };
            Ok::<_, mysql_async::Error>(rows)
        };
        let own_end = Instant::now() + self.timeout;
        match tokio::time::timeout_at(own_end.min(self.deadline), work).await {
            Err(_) if self.deadline < own_end => {
                let bound = bound(self.timeout).as_secs_f64();
                Err(text!(
                    "{endpoint}: `{statement} …` was cut when the tenant's collection reached its \
                     bound of {bound}s (4 × --timeout)",
                    "{endpoint}：`{statement} …` 在该租户的采集达到上限 {bound} 秒（4 × --timeout）时被中断";
                    endpoint = endpoint
                ))
            }
            Err(_) => {
                let seconds = self.timeout.as_secs_f64();
                Err(text!(
                    "{endpoint}: `{statement} …` gave no result within {seconds}s",
                    "{endpoint}：`{statement} …` 在 {seconds} 秒内没有返回结果";
                    endpoint = endpoint
                ))
            }
            Ok(Err(error)) => Err(text!(
                "{endpoint}: `{statement} …` failed: {error}",
                "{endpoint}：`{statement} …` 执行失败：{error}";
                endpoint = endpoint,
                error = failure::statement(&error)
            )),
            Ok(Ok(rows)) => rows
                .into_iter()
                .collect::<Result<Vec<T>, ShapeError>>()
                .map_err(|error| {
                    text!(
                        "{endpoint}: `{statement} …`: {error}",
                        "{endpoint}：`{statement} …`：{error}";
                        endpoint = endpoint,
                        error = Text::from(error)
                    )
                }),
        }
    }
}

fn text_row(values: Vec<Value>) -> Result<Vec<Option<String>>, ShapeError> {
    Ok(values.into_iter().map(value_to_text).collect())
}

/// A statement's rows through its parser, as a fact: a failed statement or a row of an
/// unexpected shape makes it unavailable, with the reason.
fn to_fact<T, R>(
    rows: Result<R, Text>,
    parse: impl FnOnce(&R) -> Result<T, ShapeError>,
) -> Fact<T> {
    match rows {
        Err(reason) => Fact::unavailable(reason),
        Ok(rows) => observed(parse(&rows)),
    }
}

/// What a parser made of rows, as a fact.
fn observed<T>(parsed: Result<T, ShapeError>) -> Fact<T> {
    match parsed {
        Ok(value) => Fact::Observed(value),
        Err(error) => Fact::unavailable(error.into()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use statements::with_scope;

    #[test]
    fn the_allowlist_takes_the_catalogue_and_nothing_else() {
        assert!(ALLOWLIST.allows(queries::GRANTS));
        assert!(ALLOWLIST.allows(&with_scope(queries::COLUMNS, 3)));
        assert!(ALLOWLIST.allows(&with_scope(inner::COLUMNS, 2)));
        let probe = queries::row_probe(&[("a`b".into(), "t".into()), ("c".into(), "d".into())]);
        assert!(ALLOWLIST.allows(&probe));
        for evil in [
            "DROP TABLE t",
            "(SELECT 0 FROM `a`.`b` LIMIT 1); DROP TABLE t; -- LIMIT 1)",
            "(SELECT 0 FROM `a`.`b` LIMIT 1) UNION ALL DELETE FROM x",
            &with_scope(queries::COLUMNS, 1).replace("?", "'x'"),
            &format!("{} FOR root", queries::GRANTS),
        ] {
            assert!(!ALLOWLIST.allows(evil), "{evil}");
        }
    }

    #[test]
    fn the_inner_tables_are_kept_unless_they_failed_and_information_schema_is_allowed() {
        let why = || {
            Err(Text::english(
                "tenant A (h:1): the kernel's version is unknown",
            ))
        };
        assert!(matches!(
            decide(Ok(Tables::new()), CatalogChoice::Auto),
            Decision::Inner(Fact::Observed(_))
        ));
        assert!(matches!(
            decide(why(), CatalogChoice::InnerTables),
            Decision::Inner(Fact::Unavailable { reason }) if reason.contains("version is unknown")
        ));
        assert!(matches!(
            decide(why(), CatalogChoice::Auto),
            Decision::FallBack { reason } if reason.contains("version is unknown")
        ));
    }

    static NOWHERE: std::sync::LazyLock<Text> =
        std::sync::LazyLock::new(|| text!("tenant a (127.0.0.1:1)", "租户 a（127.0.0.1:1）"));

    /// A fetcher over a pool whose server does not listen: whatever is sent fails with a
    /// connection error, so a reason without one was decided before sending.
    fn fetcher_to_nowhere<'a>(
        pool: &'a Pool,
        params: &'a [Value],
        scope: &'a [String],
    ) -> Fetcher<'a> {
        Fetcher {
            pool,
            endpoint: &NOWHERE,
            scope,
            params,
            timeout: Duration::from_secs(2),
            deadline: Instant::now() + Duration::from_secs(8),
        }
    }

    fn nowhere() -> Pool {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Pool::new(
            OptsBuilder::default()
                .ip_or_hostname("127.0.0.1")
                .tcp_port(closed)
                .prefer_socket(false),
        )
    }

    /// OceanBase 4.0 (layout oceanbase-4.0, read at v4.0.0_CE) has no `__all_column.srs_id`
    /// and keeps DBA_OB_TENANTS in the sys tenant: the columns statement is not sent and the
    /// catalogue takes information_schema with that reason; the tenant's role and name are
    /// unavailable saying the view does not exist there, not with a server error.
    #[tokio::test]
    async fn a_statement_its_layout_cannot_run_is_not_sent_and_the_reason_says_why() {
        let pool = nowhere();
        let (params, scope) = (vec![Value::from("app")], vec!["app".to_string()]);
        let fetcher = fetcher_to_nowhere(&pool, &params, &scope);
        let layout: Dictionary = Ok(Layout::named("oceanbase-4.0").unwrap());

        let fetched = fetch_columns_and_keys(&fetcher, CatalogChoice::Auto, &layout).await;
        let ColumnsAndKeys::Inner { columns, tables } = &fetched else {
            panic!("the inner tables are read on OceanBase 4.0");
        };
        let why = columns.as_ref().unwrap_err();
        assert!(
            why.starts_with("tenant a (127.0.0.1:1): oceanbase.__all_column has no column srs_id on this version (dictionary layout oceanbase-4.0, read at HollowMan6/oceanbase v4.0.0_CE)"),
            "{why}"
        );
        assert!(
            why.zh().starts_with("租户 a（127.0.0.1:1）：该版本上 oceanbase.__all_column 没有列 srs_id（字典布局 oceanbase-4.0，读取自 HollowMan6/oceanbase v4.0.0_CE）"),
            "{}",
            why.zh()
        );
        // The tables statement reads only what 4.0 has: it was sent, and met the closed port.
        let sent = tables.as_ref().unwrap_err();
        assert!(!sent.contains("on this version"));
        assert!(
            sent.zh().starts_with("租户 a（127.0.0.1:1）：`SELECT ")
                && sent.zh().contains("执行失败："),
            "{}",
            sent.zh()
        );
        let (_, catalog) = with_columns_and_keys(
            &fetcher,
            &Rows::new(),
            fetched,
            &layout,
            CatalogChoice::Auto,
        )
        .await;
        assert_eq!(catalog.source, CatalogSource::InformationSchema);
        assert!(catalog.fallback_reason.unwrap().contains("srs_id"));

        let (_, _, role) = logs::fetch(&fetcher, &layout).await;
        let name = fetch_tenant_name(&fetcher, &layout, true).await.unwrap();
        for fact in [role.unavailable_reason(), name.unavailable_reason()] {
            let why = fact.unwrap();
            assert!(
                why.contains(
                    "oceanbase.DBA_OB_TENANTS does not exist in a user tenant on this version"
                ),
                "{why}"
            );
        }
        // On OceanBase 4.1 the same statements are sent (and meet the closed port).
        let layout: Dictionary = Ok(Layout::named("oceanbase-4.1").unwrap());
        let (_, _, role) = logs::fetch(&fetcher, &layout).await;
        assert!(
            !role
                .unavailable_reason()
                .unwrap()
                .contains("on this version")
        );
    }

    /// A login that gets no answer, and a statement that gets none, say so in both languages.
    #[tokio::test]
    async fn no_answer_is_said_in_both_languages() {
        let never = std::future::pending::<Result<(), mysql_async::Error>>();
        let why = connect("h:1", "oms", Duration::from_millis(10), never)
            .await
            .unwrap_err();
        assert_eq!(why, "no answer from h:1 within 0.01s");
        assert_eq!(why.zh(), "h:1 在 0.01 秒内没有应答");
        let refused = connect(
            "h:1",
            "oms",
            Duration::from_secs(1),
            std::future::ready(Err::<(), _>(mysql_async::Error::Server(
                mysql_async::ServerError {
                    code: 1045,
                    state: "28000".into(),
                    message: "Access denied for user 'oms'@'%' (using password: YES)".into(),
                },
            ))),
        )
        .await
        .unwrap_err();
        assert!(
            refused.zh().ends_with("（用户名或密码错误）"),
            "{}",
            refused.zh()
        );
    }

    #[test]
    fn information_schema_rows_missing_give_both_reasons() {
        let joined = join_information_schema(
            &Rows::new(),
            Err(text!("columns failed", "列读取失败")),
            Err(text!("keys failed", "键读取失败")),
        );
        assert_eq!(
            joined.unavailable_reason(),
            Some(&text!(
                "columns failed; keys failed",
                "列读取失败；键读取失败"
            ))
        );
    }
}
