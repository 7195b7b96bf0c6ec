//! The CA files a plan names (`[oms] ca`, a tenant's `tls = { ca = … }`), read once before any
//! connection, like the plan: up to [`input::CA_FILE`], and by the run's deadline for a pipe or
//! a device ([`input::NamedFiles`]). A file that cannot be read is a plan error labelled on its entry (exit 2); the
//! collectors get the bytes, never the path, so nothing reads it again mid-run without a bound.

use super::errors::{PlanErrors, PlanProblem};
use super::input;
use super::model::{Plan, Span};
use crate::facts::Tenant;

/// The CA certificates of a run, as read (PEM or DER: the clients parse them).
#[derive(Debug, Default)]
pub struct Certificates {
    oms: Option<Vec<u8>>,
    a: Option<Vec<u8>>,
    b: Option<Vec<u8>>,
}

impl Certificates {
    pub fn read(plan: &Plan, files: &input::NamedFiles) -> Result<Certificates, PlanErrors> {
        let mut problems = Vec::new();
        let mut read = |path: Option<&String>, span: Option<&Span>, entry: &str| {
            let path = path?;
            let span = span.cloned().unwrap_or(0..0);
            files
                .bytes(std::path::Path::new(path), input::CA_FILE)
                .map_err(|error| {
                    problems.push(
                        PlanProblem::new(
                            format!("cannot read CA file `{path}` ({entry}): {error}"),
                            span,
                            "the CA certificate is read from this file",
                        )
                        .help(
                            "give a PEM or DER certificate file (relative paths are relative to the working directory)",
                        ),
                    )
                })
                .ok()
        };
        let oms = plan
            .oms
            .as_ref()
            .and_then(|oms| read(oms.ca.as_ref(), oms.ca_span.as_ref(), "[oms] ca"));
        let a = read(
            plan.a.tls_ca.as_ref(),
            plan.a.tls_ca_span.as_ref(),
            "[tenants.a] tls",
        );
        let b = read(
            plan.b.tls_ca.as_ref(),
            plan.b.tls_ca_span.as_ref(),
            "[tenants.b] tls",
        );
        if !problems.is_empty() {
            return Err(PlanErrors {
                what: "plan",
                source_code: miette::NamedSource::new(&plan.path, plan.source.clone()),
                problems,
            });
        }
        Ok(Certificates { oms, a, b })
    }

    /// The CA of `[oms] ca`, when declared.
    pub fn oms(&self) -> Option<&[u8]> {
        self.oms.as_deref()
    }

    /// The CA of `tenant`'s `tls`, when declared.
    pub fn tenant(&self, tenant: Tenant) -> Option<&[u8]> {
        match tenant {
            Tenant::A => self.a.as_deref(),
            Tenant::B => self.b.as_deref(),
        }
    }
}
