//! Bundles: the facts of one collection, written by `collect` and replayed by
//! `check --snapshot` with no network at all.
//!
//! A bundle carries its format version, the version of the tool that wrote it and the plan it
//! was collected for (its text, with inline passwords blanked out). It never carries a password:
//! facts have no field that could hold one, and the plan text is redacted before it is stored.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::facts::Facts;
use crate::plan::{Plan, PlanErrors};

/// Bumped when a bundle written by this version cannot be read by the previous one.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Bundle {
    pub format_version: u32,
    pub tool: ToolInfo,
    /// Seconds since the Unix epoch at the end of collection.
    pub collected_at: u64,
    pub plan: BundlePlan,
    pub facts: Facts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

impl ToolInfo {
    pub fn current() -> ToolInfo {
        ToolInfo {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct BundlePlan {
    pub path: String,
    /// The plan text with inline passwords blanked out.
    pub text: String,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BundleError {
    #[error("cannot read bundle {path}: {reason}")]
    #[diagnostic(
        code(bundle::unreadable),
        help("pass a file written by `oms-preflight collect PLAN --out BUNDLE`")
    )]
    Unreadable { path: String, reason: String },
    #[error(
        "bundle {path} has format version {found}; this oms-preflight reads version {FORMAT_VERSION}"
    )]
    #[diagnostic(
        code(bundle::version),
        help("collect it again with this version of oms-preflight")
    )]
    Version { path: String, found: u32 },
    #[error("cannot write bundle {path}: {reason}")]
    #[diagnostic(code(bundle::write))]
    Write { path: String, reason: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(PlanErrors),
}

impl Bundle {
    pub fn new(plan: &Plan, facts: Facts) -> Bundle {
        let collected_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or_default();
        Bundle {
            format_version: FORMAT_VERSION,
            tool: ToolInfo::current(),
            collected_at,
            plan: BundlePlan {
                path: plan.path.clone(),
                // Plan::source is already redacted.
                text: plan.source.clone(),
            },
            facts,
        }
    }

    pub fn write(&self, path: &Path) -> Result<(), BundleError> {
        let mut json = serde_json::to_string_pretty(self).expect("facts serialize");
        json.push('\n');
        std::fs::write(path, json).map_err(|error| BundleError::Write {
            path: path.display().to_string(),
            reason: error.to_string(),
        })
    }

    pub fn read(path: &Path) -> Result<Bundle, BundleError> {
        let unreadable = |reason: String| BundleError::Unreadable {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|error| unreadable(error.to_string()))?;
        // Look at the version first, so a newer bundle gets the right message rather than a
        // complaint about a field it renamed. Only that field is kept: a 10,000-table bundle is
        // 100 MB, and a JSON tree of it would double the memory of the replay.
        #[derive(Deserialize)]
        struct Header {
            format_version: Option<u64>,
        }
        let header: Header =
            serde_json::from_str(&text).map_err(|error| unreadable(error.to_string()))?;
        match header.format_version {
            Some(version) if version == u64::from(FORMAT_VERSION) => {}
            Some(version) => {
                return Err(BundleError::Version {
                    path: path.display().to_string(),
                    found: u32::try_from(version).unwrap_or(u32::MAX),
                });
            }
            None => {
                return Err(unreadable(
                    "no format_version: not an oms-preflight bundle".into(),
                ));
            }
        }
        serde_json::from_str(&text).map_err(|error| unreadable(error.to_string()))
    }

    /// The plan the bundle was collected for.
    pub fn plan(&self) -> Result<Plan, BundleError> {
        Plan::parse(&self.plan.path, &self.plan.text).map_err(BundleError::Plan)
    }
}
