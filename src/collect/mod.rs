//! Collection: the plan's two tenants, concurrently, into [`Facts`].

pub mod bundle;
pub mod tenant;

use std::time::Duration;

use crate::facts::{Facts, Tenant};
use crate::plan::{Plan, PlanErrors, PlanProblem, Secret};

/// The passwords a live collection needs, read before any connection is opened so a missing
/// variable is a plan error (exit 2), not an unreachable tenant.
pub struct Secrets {
    a: Secret,
    b: Secret,
}

impl Secrets {
    pub fn resolve(plan: &Plan) -> Result<Secrets, PlanErrors> {
        let a = plan.a.password.resolve();
        let b = plan.b.password.resolve();
        match (a, b) {
            (Ok(a), Ok(b)) => Ok(Secrets { a, b }),
            (a, b) => Err(PlanErrors {
                path: plan.path.clone(),
                source_code: miette::NamedSource::new(&plan.path, plan.source.clone()),
                problems: [a.err(), b.err()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<PlanProblem>>(),
            }),
        }
    }

    fn of(&self, tenant: Tenant) -> &Secret {
        match tenant {
            Tenant::A => &self.a,
            Tenant::B => &self.b,
        }
    }
}

/// Collects both tenants at once. Never fails: what could not be collected is recorded as
/// unavailable in the facts.
pub async fn collect(plan: &Plan, secrets: &Secrets, timeout: Duration) -> Facts {
    let scope = plan.scope_databases();
    let (a, b) = tokio::join!(
        tenant::collect(&plan.a, secrets.of(Tenant::A), &scope, timeout),
        tenant::collect(&plan.b, secrets.of(Tenant::B), &scope, timeout),
    );
    Facts { a, b }
}
