//! Collection: the plan's two tenants, concurrently, into [`Facts`].

pub mod bundle;
pub mod oms;
pub mod tenant;

use std::time::Duration;

use crate::facts::{Facts, Tenant, TenantFacts};
use crate::i18n::Text;
use crate::plan::{Certificates, Plan, Secrets};
use crate::text;

/// What a collection gathers beyond the metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowProbe {
    /// Probe the forward target's existing in-scope tables for rows (schema.target-empty).
    Probe,
    /// Skip it: the run is at the reverse stage, where no rule reads it and the target holds
    /// every table (a thousand tables cost seconds on a cold tenant).
    Skip,
}

/// Where the tenants' columns and keys are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogChoice {
    /// The inner tables when the kernel and the user allow it, else information_schema.
    Auto,
    /// The inner tables only: what they cannot give is unavailable, with the reason.
    InnerTables,
    /// information_schema only, as before the fast path existed.
    InformationSchema,
}

/// How a live collection runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// For each connection and each statement.
    pub timeout: Duration,
    pub rows: RowProbe,
    pub catalog: CatalogChoice,
}

/// Collects both tenants and OMS at once, with the passwords and CA certificates the plan names
/// (read beforehand). Never fails: what could not be collected is recorded as unavailable in the
/// facts. No password of `secrets` leaves it: a server may repeat one in anything it says (an
/// OMS `message`, a MySQL error), so each is blanked in every string of the facts before they
/// are returned.
pub async fn collect(
    plan: &Plan,
    secrets: &Secrets,
    certificates: &Certificates,
    options: Options,
) -> Facts {
    let Options {
        timeout,
        rows,
        catalog,
    } = options;
    let scope = plan.scope_databases();
    let oms = async {
        match (&plan.oms, secrets.oms_password()) {
            (Some(oms_plan), Some(password)) => {
                let ca = certificates.oms();
                Some(oms::collect(plan, oms_plan, ca, password.clone(), timeout).await)
            }
            _ => None,
        }
    };
    let extras = |t: Tenant| tenant::Extras {
        probe_rows_of: (plan.forward.target == t && rows == RowProbe::Probe)
            .then_some(&plan.forward),
        drc: plan
            .tenant(t)
            .drc_user
            .as_deref()
            .zip(secrets.drc_password(t)),
        catalog,
        ca: certificates.tenant(t),
    };
    let (a, b, oms) = tokio::join!(
        tenant::collect(
            &plan.a,
            secrets.password(Tenant::A),
            &scope,
            timeout,
            extras(Tenant::A)
        ),
        tenant::collect(
            &plan.b,
            secrets.password(Tenant::B),
            &scope,
            timeout,
            extras(Tenant::B)
        ),
        oms,
    );
    secrets.blank_in(Facts { a, b, oms })
}

/// What could not be read of `tenant`, one line per reason (`server version, mode unavailable:
/// no answer from … within 1s`), empty when it was read. Counted are the login and the facts
/// every tenant gives a user who can log in (with `--catalog auto`, whatever the user's
/// privileges): the server's identity, mode, variables, grants, databases and tables. Without
/// them what `collect` or `fix` wrote is partial, and they exit 3 and say so. What a missing
/// privilege or an older kernel holds back (triggers, log streams, the archive …) is recorded
/// as unavailable like everything else, and `check` reports the rules it leaves undecided with
/// the grant that would decide them.
pub fn unread(tenant: &TenantFacts) -> Vec<Text> {
    if let Some(reason) = tenant.login.unavailable_reason() {
        return vec![reason.clone()];
    }
    let facts = [
        (
            text!("server version", "服务器版本"),
            tenant.server.unavailable_reason(),
        ),
        (text!("mode", "模式"), tenant.mode.unavailable_reason()),
        (
            text!("variables", "变量"),
            tenant.variables.unavailable_reason(),
        ),
        (text!("grants", "权限"), tenant.grants.unavailable_reason()),
        (
            text!("databases", "数据库"),
            tenant.databases.unavailable_reason(),
        ),
        (text!("tables", "表"), tenant.tables.unavailable_reason()),
    ];
    // Facts lost to one cause (a timeout, a cut connection) are named together, once.
    let mut by_reason: Vec<(&Text, Vec<Text>)> = Vec::new();
    for (name, reason) in facts {
        let Some(reason) = reason else { continue };
        match by_reason.iter_mut().find(|(seen, _)| *seen == reason) {
            Some((_, names)) => names.push(name),
            None => by_reason.push((reason, vec![name])),
        }
    }
    by_reason
        .into_iter()
        .map(|(reason, names)| {
            text!(
                "{names} unavailable: {reason}",
                "{names}不可用：{reason}";
                names = Text::join(&names, ", ", "、"),
                reason = reason
            )
        })
        .collect()
}
