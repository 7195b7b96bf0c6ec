//! Collects one tenant's facts over the MySQL protocol with `mysql_async`.
//!
//! One pool per tenant, a handful of connections so the fixed set of statements in [`queries`]
//! and [`dictionary`] runs concurrently; every session is read-only before it sends anything else, and
//! every statement runs under the run's timeout. A failed statement makes only the facts it feeds
//! unavailable, with the reason; collection goes on.
//!
//! A collection is fetching, a fallback decision and joining, kept apart: `fetch` sends the
//! statements asked up front, side by side; `decide` says whether the inner tables' columns and
//! keys are kept or information_schema is read instead; `join_dictionary`, `join_information_schema`
//! and the parsers in [`queries`] turn rows into facts. Triggers take the same path from the
//! kernel's dictionary ([`triggers`]), and the privileges of granted roles are read from it
//! when `SHOW GRANTS` names a role ([`roles`]). Every statement over the dictionary waits for
//! the kernel's identity, which chooses its [`layout`], and is sent only when that layout has
//! every table and column it reads.

mod catalog;
mod column_types;
mod connect;
pub mod dictionary;
mod failure;
mod fetch;
pub mod layout;
pub mod logs;
pub mod partitions_and_foreign_keys;
pub mod queries;
pub mod roles;
mod rows;
pub mod sessions;
pub mod show_grants;
pub mod statements;
pub mod tablets;
pub mod triggers;

use std::time::Duration;

use tokio::time::Instant;

use mysql_async::{Pool, Value};

use crate::collect::CatalogChoice;
use crate::facts::{Catalog, ClockReading, Fact, Server, TenantFacts, Trigger};
use crate::i18n::Text;
use crate::plan::{LinkPlan, Secret, TenantPlan};
use crate::progress::Endpoint;
use crate::text;
use statements::{Allowlist, Rows};

use catalog::*;
use connect::*;
use fetch::*;
use rows::*;

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
        sessions::SESSIONS,
        tablets::TABLET_MANAGER,
        tablets::TENANT_TABLETS,
    ],
    scoped: &[
        queries::TABLES,
        queries::COLUMNS,
        queries::KEYS,
        queries::TRIGGERS,
        dictionary::TABLES,
        dictionary::COLUMNS,
        triggers::FROM_TENANT_TRIGGER,
        triggers::FROM_TRIGGER,
        partitions_and_foreign_keys::PARTITIONS,
        partitions_and_foreign_keys::PARTITIONS_INFORMATION_SCHEMA,
        partitions_and_foreign_keys::FOREIGN_KEYS,
        partitions_and_foreign_keys::FOREIGN_KEYS_INFORMATION_SCHEMA,
        tablets::TABLETS,
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
    let own = std::sync::Mutex::new(std::collections::BTreeSet::new());
    match connect(&endpoint, &user, timeout, pool.get_conn()).await {
        Err(reason) => return TenantFacts::unreachable(endpoint, user, &reason),
        Ok(conn) => own_session(&own, conn.id()),
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
        own: &own,
    };
    // The tablet manager's statements need the kernel's identity only: they start as soon as it
    // is known and run beside the catalog, the probe waiting for their verdict.
    let (layout_known, layout) = tokio::sync::oneshot::channel::<Dictionary>();
    let (decided, proven_empty_by_dictionary) = tokio::sync::oneshot::channel::<ProvenEmpty>();
    let storage_dictionary = async {
        let Some(link) = probe_rows_of else { return };
        if let Ok(layout) = layout.await {
            let _ = decided.send(proven_empty(&fetcher, &layout, link).await);
        }
    };
    let facts = async {
        let fetched = fetch(&fetcher, catalog, plan.tenant_name.is_some(), layout_known).await;
        let choice = catalog;
        let server = fetched.server;
        let layout = fetched.layout;
        let variables = to_fact(fetched.variables, queries::variables);
        let existing = existing_tables(&fetched.columns_and_keys, &layout);
        let (tables, catalog) = match &fetched.listed {
            Err(reason) => (Fact::unavailable(reason.clone()), None),
            Ok(listed) => {
                let (tables, catalog) = with_columns_and_keys(
                    &fetcher,
                    listed,
                    fetched.columns_and_keys,
                    &layout,
                    catalog,
                )
                .await;
                (tables, Some(catalog))
            }
        };
        let grants =
            with_role_privileges(&fetcher, to_fact(fetched.grants, queries::grants), &layout);
        let probed = probed_rows(
            &fetcher,
            plan,
            probe_rows_of,
            &tables,
            existing,
            proven_empty_by_dictionary,
        );
        // Partitions, foreign keys, logs and the tenant's role: statements of their own, which
        // need the kernel's identity only.
        let more = async {
            tokio::join!(
                partitions_and_foreign_keys::fetch(&fetcher, choice, &layout),
                logs::fetch(&fetcher, &layout)
            )
        };
        let (grants, probed, (objects, logs)) = tokio::join!(grants, probed, more);
        let ((partitions, partition_catalog), (foreign_keys, foreign_key_catalog)) = objects;
        let (log_streams, archive, tenant_role) = logs;
        let (triggers, trigger_catalog) = fetched.triggers;
        // Last, once every connection of this check has run a statement and said its id.
        let sessions = fetcher.fixed(sessions::SESSIONS).await;
        let own_ids = own.lock().map(|ids| ids.clone()).unwrap_or_default();
        let sessions = to_fact(sessions, |rows| sessions::sessions(rows, &own_ids));
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
            rows: probed.rows,
            probed_tables_from: probed.from,
            emptiness: probed.emptiness,
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
            sessions,
            clock: fetched.clock,
        }
    };
    tokio::join!(facts, storage_dictionary).0
}

/// Remembers the id the server gave one of this check's connections.
fn own_session(own: &std::sync::Mutex<std::collections::BTreeSet<u64>>, id: u32) {
    if let Ok(mut ids) = own.lock() {
        ids.insert(u64::from(id));
    }
}

/// The rows of the statements asked up front, each as it came back or why it did not.
struct Fetched {
    /// `information_schema.TABLES`: the in-scope tables and views, which columns and keys are
    /// joined to.
    listed: Result<Rows, Text>,
    columns_and_keys: ColumnsAndKeys,
    server: Fact<Server>,
    /// The tenant's clock, read with the server's identity.
    clock: Fact<ClockReading>,
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

/// Sends the statements asked up front, all at once; those over the kernel's dictionary follow
/// the server's identity, which says what the dictionary holds (one round trip later), and
/// `layout_known` is told it then.
async fn fetch(
    fetcher: &Fetcher<'_>,
    catalog: CatalogChoice,
    tenant_name_asked: bool,
    layout_known: tokio::sync::oneshot::Sender<Dictionary>,
) -> Fetched {
    // The pool hands out connections in the order they are asked for: the kernel's identity
    // first, the dictionary right after it; the small ones share what is left.
    let server_then_dictionary = async {
        let sent_us = crate::plan::date::unix_now_us();
        let rows = fetcher.fixed(queries::SERVER).await;
        let received_us = crate::plan::date::unix_now_us();
        let clock = to_fact(rows.clone(), |rows| {
            queries::clock(rows, sent_us, received_us)
        });
        let server = to_fact(rows, queries::server);
        let layout = layout_of(&server);
        // Nobody waits when the tablet manager is not asked.
        let _ = layout_known.send(layout.clone());
        let (columns_and_keys, triggers, tenant_name) = tokio::join!(
            fetch_columns_and_keys(fetcher, catalog, &layout),
            fetch_triggers(fetcher, &layout, catalog),
            fetch_tenant_name(fetcher, &layout, tenant_name_asked),
        );
        (
            server,
            clock,
            layout,
            columns_and_keys,
            triggers,
            tenant_name,
        )
    };
    let (
        (server, clock, layout, columns_and_keys, triggers, tenant_name),
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
        clock,
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

/// `reason`, starting with the tenant it concerns (statement errors already do).
fn naming(endpoint: &Text, reason: Text) -> Text {
    if reason.starts_with(endpoint.en()) {
        reason
    } else {
        text!("{endpoint}: {reason}", "{endpoint}：{reason}"; endpoint = endpoint, reason = reason)
    }
}

#[cfg(test)]
mod tests {
    use mysql_async::OptsBuilder;

    use super::*;
    use crate::facts::CatalogSource;
    use layout::Layout;
    use statements::with_scope;

    #[test]
    fn the_allowlist_takes_the_catalogue_and_nothing_else() {
        assert!(ALLOWLIST.allows(queries::GRANTS));
        assert!(ALLOWLIST.allows(&with_scope(queries::COLUMNS, 3)));
        assert!(ALLOWLIST.allows(&with_scope(dictionary::COLUMNS, 2)));
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

    static OWN: std::sync::Mutex<std::collections::BTreeSet<u64>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());

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
            own: &OWN,
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
