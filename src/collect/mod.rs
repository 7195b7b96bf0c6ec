//! Collection: the plan's two tenants, concurrently, into [`Facts`].

pub mod bundle;
pub mod oms;
pub mod tenant;

use std::time::Duration;

use crate::facts::{Facts, Tenant};
use crate::plan::{Plan, Secrets};

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

/// Collects both tenants and OMS at once. Never fails: what could not be collected is recorded
/// as unavailable in the facts. No password of `secrets` leaves it: a server may repeat one in
/// anything it says (an OMS `message`, a MySQL error), so each is blanked in every string of
/// the facts before they are returned.
pub async fn collect(plan: &Plan, secrets: &Secrets, options: Options) -> Facts {
    let Options {
        timeout,
        rows,
        catalog,
    } = options;
    let scope = plan.scope_databases();
    let oms = async {
        match (&plan.oms, secrets.oms_password()) {
            (Some(oms_plan), Some(password)) => {
                Some(oms::collect(plan, oms_plan, password.clone(), timeout).await)
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
