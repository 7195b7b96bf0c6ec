//! Rules: pure functions from facts and the plan to findings.
//!
//! A rule is a static [`Rule`] value declared with [`declare_rule!`] in a file of its own under
//! `rules/<area>/`; its doc comment is its documentation. `check` returns plain [`Finding`]s;
//! the engine adds severity, status and fingerprint, and marks a rule inconclusive without
//! calling it when a fact it [`Need`]s is unavailable.

pub mod docs;
pub mod engine;
pub mod registry;
pub mod versions;

mod conn;
mod grants;
mod link;
mod oms;
pub mod plan;
mod schema;
mod tenant;

#[cfg(test)]
pub mod testing;

use serde::{Deserialize, Serialize};

use crate::facts::oms::OmsFacts;
use crate::facts::{Facts, Tenant, TenantFacts};
use crate::plan::{LinkPlan, Plan, Span};

/// Declares a rule and keeps its doc comment as its documentation.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub static $name:ident = Rule { $($field:ident : $value:expr),* $(,)? };) => {
        $(#[doc = $doc])*
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            docs: concat!($($doc, "\n"),*),
            $($field: $value),*
        };
    };
}
pub(crate) use declare_rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// When the check runs: before the forward project is created, or before the reverse one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Forward,
    Reverse,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Forward => "forward",
            Stage::Reverse => "reverse",
        }
    }
}

/// What a finding is about: one tenant, the two compared, OMS, or the plan itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    A,
    B,
    Pair,
    Oms,
    Plan,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
            Side::Pair => "pair",
            Side::Oms => "oms",
            Side::Plan => "plan",
        }
    }
}

impl From<Tenant> for Side {
    fn from(tenant: Tenant) -> Side {
        match tenant {
            Tenant::A => Side::A,
            Tenant::B => Side::B,
        }
    }
}

/// Where a rule's facts come from; `lint` runs the plan-only rules with no network. Plan rules
/// may also read live OMS projects when a check has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Plan,
    Tenants,
    Oms,
}

/// A fact a rule reads. A tenant fact unavailable on either tenant, or an OMS fact unavailable,
/// makes the rule inconclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Server,
    Mode,
    Variables,
    Grants,
    Databases,
    Tables,
    Views,
    Triggers,
    OmsDataSources,
    OmsForward,
    OmsReverse,
    OmsOthers,
}

impl Need {
    /// Every fact collected from a tenant's metadata, in report order.
    pub const TENANT: [Need; 8] = [
        Need::Server,
        Need::Mode,
        Need::Variables,
        Need::Grants,
        Need::Databases,
        Need::Tables,
        Need::Views,
        Need::Triggers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Need::Server => "server version",
            Need::Mode => "compatibility mode",
            Need::Variables => "variables",
            Need::Grants => "grants",
            Need::Databases => "databases",
            Need::Tables => "tables",
            Need::Views => "views",
            Need::Triggers => "triggers",
            Need::OmsDataSources => "OMS data sources",
            Need::OmsForward => "the OMS forward project",
            Need::OmsReverse => "the OMS reverse project",
            Need::OmsOthers => "the other OMS projects",
        }
    }

    /// Why the fact is missing, if it is: one reason per tenant for tenant facts.
    pub fn missing(self, facts: &Facts) -> Vec<String> {
        let oms = |read: fn(&OmsFacts) -> Option<&str>| match &facts.oms {
            None => vec![format!("{}: the plan has no [oms] section", self.name())],
            Some(oms) => read(oms)
                .map(|reason| format!("{} unavailable: {reason}", self.name()))
                .into_iter()
                .collect(),
        };
        match self {
            Need::OmsDataSources => oms(|o| o.data_sources.unavailable_reason()),
            Need::OmsForward => oms(|o| o.forward.unavailable_reason()),
            Need::OmsReverse => oms(|o| o.reverse.unavailable_reason()),
            Need::OmsOthers => oms(|o| o.others.unavailable_reason()),
            _ => Tenant::BOTH
                .iter()
                .filter_map(|tenant| {
                    self.unavailable_on(facts.tenant(*tenant)).map(|reason| {
                        format!("{} of tenant {tenant} unavailable: {reason}", self.name())
                    })
                })
                .collect(),
        }
    }

    /// Why the tenant fact is missing on `tenant`, if it is (OMS needs: never).
    pub fn unavailable_on(self, tenant: &TenantFacts) -> Option<&str> {
        match self {
            Need::Server => tenant.server.unavailable_reason(),
            Need::Mode => tenant.mode.unavailable_reason(),
            Need::Variables => tenant.variables.unavailable_reason(),
            Need::Grants => tenant.grants.unavailable_reason(),
            Need::Databases => tenant.databases.unavailable_reason(),
            Need::Tables => tenant.tables.unavailable_reason(),
            Need::Views => tenant.views.unavailable_reason(),
            Need::Triggers => tenant.triggers.unavailable_reason(),
            Need::OmsDataSources | Need::OmsForward | Need::OmsReverse | Need::OmsOthers => None,
        }
    }
}

pub struct Rule {
    /// `area.name`, stable, never reused.
    pub id: &'static str,
    pub severity: Severity,
    /// The only stage the rule applies at, if it is not both.
    pub stage: Option<Stage>,
    pub input: Input,
    pub needs: &'static [Need],
    /// One line, lowercase, no trailing period.
    pub summary: &'static str,
    /// The doc comment: what it checks, why it matters, how to fix.
    pub docs: &'static str,
    pub check: fn(&Ctx<'_>) -> Check,
}

impl Rule {
    pub fn area(&self) -> &'static str {
        self.id.split('.').next().unwrap_or(self.id)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

/// What a rule reads. Plan-only rules (`lint`) get no facts.
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub facts: Option<&'a Facts>,
    pub stage: Stage,
    /// The waivers of this run, and the date they are judged against.
    pub waivers: &'a [crate::waivers::Waiver],
    pub today: crate::waivers::Date,
}

impl<'a> Ctx<'a> {
    /// The facts of `tenant`. Only rules with tenant or OMS input ask; the engine runs those only
    /// with facts.
    pub fn tenant(&self, tenant: Tenant) -> &'a TenantFacts {
        self.facts
            .expect("tenant rules are run with facts")
            .tenant(tenant)
    }

    /// OMS facts. Only rules with `Input::Oms` ask, and the engine runs those only with them.
    pub fn oms(&self) -> &'a OmsFacts {
        self.facts
            .and_then(|facts| facts.oms.as_ref())
            .expect("OMS rules are run with OMS facts")
    }

    /// OMS facts when this run has them (a check with `[oms]`), for plan rules that also look
    /// at the live projects.
    pub fn live_oms(&self) -> Option<&'a OmsFacts> {
        self.facts.and_then(|facts| facts.oms.as_ref())
    }

    /// The links that read from `tenant` (it is their source).
    pub fn links_from(&self, tenant: Tenant) -> impl Iterator<Item = &'a LinkPlan> {
        self.plan
            .links()
            .into_iter()
            .filter(move |link| link.source == tenant)
    }

    /// The links that write to `tenant` (it is their target).
    pub fn links_into(&self, tenant: Tenant) -> impl Iterator<Item = &'a LinkPlan> {
        self.plan
            .links()
            .into_iter()
            .filter(move |link| link.target == tenant)
    }
}

/// A rule's answer: findings (none means pass), or why it could not or need not be evaluated.
pub type Check = Result<Vec<Finding>, NotEvaluated>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotEvaluated {
    Inconclusive(String),
    Skipped(String),
}

/// One problem a rule found: plain data, rendered elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub side: Side,
    /// What it is about: `app`, `app.orders`, `app.orders.id`, a user, a project; or nothing.
    pub object: Option<String>,
    /// What was observed.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// SQL that would resolve it, for review; never executed by the tool.
    pub fix: Vec<String>,
    /// Overrides the rule's default severity for this finding.
    pub severity: Option<Severity>,
    /// The plan entry responsible, when there is one.
    pub plan_span: Option<Span>,
}

impl Finding {
    pub fn new(
        side: impl Into<Side>,
        object: Option<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            side: side.into(),
            object,
            message: message.into(),
            help: None,
            fix: Vec::new(),
            severity: None,
            plan_span: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, fix: Vec<String>) -> Finding {
        self.fix = fix;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = Some(severity);
        self
    }

    pub fn at(mut self, span: Option<Span>) -> Finding {
        self.plan_span = span;
        self
    }
}

/// A MySQL identifier in backticks, with backticks inside doubled.
pub fn quote_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A MySQL string literal in single quotes, with quotes and backslashes escaped.
pub fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// `'user'@'host'` for a GRANT, from `current_user()` (`oms_a@%`) or, failing that, the plan's
/// user at any host.
pub fn account(tenant: &TenantFacts) -> String {
    let current = tenant
        .server
        .observed()
        .map(|server| server.current_user.as_str())
        .unwrap_or_default();
    let (user, host) = match current.rsplit_once('@') {
        Some((user, host)) if !user.is_empty() => (user, host),
        _ => (tenant.user.as_str(), "%"),
    };
    format!("{}@{}", quote_string(user), quote_string(host))
}
