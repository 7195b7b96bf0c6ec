//! Opening a tenant: the pool, its options (TLS with the CA read with the plan, read-only
//! sessions), the login, and the sys-tenant DRC user's login.

use std::future::Future;
use std::time::Duration;

use mysql_async::{OptsBuilder, PoolConstraints, PoolOpts, SslOpts};

use crate::facts::Fact;
use crate::i18n::Text;
use crate::plan::{Secret, TenantPlan};
use crate::text;

use super::*;

/// Whether `user` can open a session: the sys-tenant DRC user OMS reads logs with.
pub(super) async fn drc_login(
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
pub(super) async fn connect<C>(
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

pub(super) fn options(
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
