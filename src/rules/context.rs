//! What a rule receives: the plan, the stage, and the facts it declared — nothing else.
//!
//! A rule reads a fact through a typed accessor (`cx.tenant(a).grants()?`) that checks the fact
//! against the rule's `needs` and `optional` lists. A declared fact that was not collected comes
//! back as [`Missing`] with the reason (the rule is then inconclusive through `?`, or decides
//! without it); an undeclared one comes back as [`Missing`] too, and the engine turns the whole
//! evaluation into an internal error of the rule, so the `needs` contract cannot be broken
//! silently.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use super::{Need, NotEvaluated, Rule, Stage, Text};
use crate::facts::oms::{Access, DataSource, OmsFacts, Project};
use crate::facts::{
    ArchiveDest, Catalog, CatalogSource, ClockReading, Database, Emptiness, Fact, Facts,
    ForeignKey, Grants, LogStream, Mode, Partitioning, Server, Table, Tenant, TenantFacts,
    TenantRole, Trigger, Variables,
};
use crate::plan::{LinkPlan, Plan};
use crate::plan::{date::Date, waiver_file::Waiver};
use crate::text;

/// The tables of one tenant, by database then name.
pub type Tables = BTreeMap<String, BTreeMap<String, Table>>;

/// The reason of a rule that read `need` without declaring it: a defect of the rule.
pub fn undeclared(rule: &Rule, need: Need) -> Text {
    let id = rule.id;
    text!(
        "internal error: rule {id} reads {name} without declaring it",
        "内部错误：规则 {id} 读取了未声明的{name}";
        name = need.text()
    )
}

/// The context one rule is evaluated in.
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub stage: Stage,
    /// The waivers of this run and the date they are judged against (read by `plan.waivers`;
    /// the engine applies them after every rule has run).
    pub waivers: &'a [Waiver],
    pub today: Date,
    /// For a rule declared `after_waivers`: whether each waiver accepted a finding of the
    /// rules run before it, in the order of `waivers`. `None` for the others.
    pub waiver_matches: Option<&'a [bool]>,
    facts: Option<&'a Facts>,
    rule: &'static Rule,
    /// The first fact this rule read without declaring it, if any: a defect of the rule.
    undeclared: Cell<Option<Need>>,
}

/// Why a fact a rule asked for is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub need: Need,
    pub kind: MissingKind,
    /// Said to the user: which fact, of which tenant, and why.
    pub reason: Text,
    /// Why, alone: the collector's reason for an unavailable fact (`reason` names the fact
    /// around it).
    pub cause: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingKind {
    /// This run has no such facts at all: a plan-only run, or OMS facts without `[oms]`.
    NotCollected,
    /// Collection was attempted and failed, with the reason.
    Unavailable,
    /// The rule does not declare the fact: a defect of the rule, never of the pair.
    Undeclared,
}

impl Missing {
    fn not_collected(need: Need, reason: Text) -> Missing {
        Missing {
            need,
            kind: MissingKind::NotCollected,
            cause: reason.clone(),
            reason,
        }
    }

    fn unavailable(need: Need, reason: Text, cause: Text) -> Missing {
        Missing {
            need,
            kind: MissingKind::Unavailable,
            reason,
            cause,
        }
    }

    /// Whether this run has no such facts at all (no `[oms]`, or a plan-only run).
    pub fn is_not_collected(&self) -> bool {
        self.kind == MissingKind::NotCollected
    }
}

impl From<Missing> for NotEvaluated {
    fn from(missing: Missing) -> NotEvaluated {
        NotEvaluated::Inconclusive(missing.reason)
    }
}

impl<'a> Ctx<'a> {
    pub fn new(
        rule: &'static Rule,
        plan: &'a Plan,
        facts: Option<&'a Facts>,
        stage: Stage,
        waivers: &'a [Waiver],
        today: Date,
        waiver_matches: Option<&'a [bool]>,
    ) -> Ctx<'a> {
        Ctx {
            plan,
            stage,
            waivers,
            today,
            waiver_matches,
            facts,
            rule,
            undeclared: Cell::new(None),
        }
    }

    /// The fact this rule read without declaring it, if it did.
    pub fn undeclared_read(&self) -> Option<Need> {
        self.undeclared.get()
    }

    /// Whether the rule may read `need`; remembers the first read it may not.
    fn declared(&self, need: Need) -> Result<(), Missing> {
        if self.rule.needs.contains(&need) || self.rule.optional.contains(&need) {
            return Ok(());
        }
        if self.undeclared.get().is_none() {
            self.undeclared.set(Some(need));
        }
        let reason = undeclared(self.rule, need);
        Err(Missing {
            need,
            kind: MissingKind::Undeclared,
            cause: reason.clone(),
            reason,
        })
    }

    /// What this run collected from `tenant`, through the declared-facts gate.
    pub fn tenant(&self, tenant: Tenant) -> TenantCtx<'_, 'a> {
        TenantCtx { cx: self, tenant }
    }

    fn facts(&self, need: Need) -> Result<&'a Facts, Missing> {
        self.facts.ok_or_else(|| {
            Missing::not_collected(
                need,
                text!(
                    "needs live facts; this run reads the plan only",
                    "需要实时采集的事实；本次运行只读取计划"
                ),
            )
        })
    }

    fn oms_facts(&self, need: Need) -> Result<&'a OmsFacts, Missing> {
        self.declared(need)?;
        self.facts(need)?.oms.as_ref().ok_or_else(|| {
            Missing::not_collected(
                need,
                text!(
                    "{name}: the plan has no [oms] section",
                    "{name}：计划中没有 [oms] 段";
                    name = need.text()
                ),
            )
        })
    }

    fn oms_fact<T>(
        &self,
        need: Need,
        get: impl FnOnce(&'a OmsFacts) -> &'a Fact<T>,
    ) -> Result<&'a T, Missing> {
        let fact = get(self.oms_facts(need)?);
        fact.observed().ok_or_else(|| {
            let cause = fact
                .unavailable_reason()
                .cloned()
                .unwrap_or_else(|| Text::same(""));
            let reason = text!(
                "{name} unavailable: {cause}",
                "{name}不可用：{cause}";
                name = need.text(),
                cause = cause
            );
            Missing::unavailable(need, reason, cause)
        })
    }

    /// How the OMS API answered: the connection itself, which every OMS rule may look at.
    /// `None` when this run has no OMS facts.
    pub fn oms_access(&self) -> Option<(&'a str, &'a Access)> {
        let oms = self.facts?.oms.as_ref()?;
        Some((oms.url.as_str(), &oms.access))
    }

    /// When OMS's answers were read (seconds since the Unix epoch), if this run has OMS facts
    /// and they say: the time lag is measured against.
    pub fn oms_collected_at(&self) -> Option<u64> {
        self.facts?.oms.as_ref()?.collected_at
    }

    pub fn oms_data_sources(&self) -> Result<&'a [DataSource], Missing> {
        self.oms_fact(Need::OmsDataSources, |oms| &oms.data_sources)
            .map(Vec::as_slice)
    }

    /// The plan's forward project as OMS shows it; `None` when OMS has no such project.
    pub fn oms_forward(&self) -> Result<Option<&'a Project>, Missing> {
        self.oms_fact(Need::OmsForward, |oms| &oms.forward)
            .map(Option::as_ref)
    }

    /// The plan's reverse project as OMS shows it; `None` when OMS has no such project.
    pub fn oms_reverse(&self) -> Result<Option<&'a Project>, Missing> {
        self.oms_fact(Need::OmsReverse, |oms| &oms.reverse)
            .map(Option::as_ref)
    }

    /// OMS's clock, from the `Date` header of its first answer.
    pub fn oms_clock(&self) -> Result<&'a ClockReading, Missing> {
        self.oms_fact(Need::OmsClock, |oms| &oms.clock)
    }

    /// The live projects that are neither of the plan's.
    pub fn oms_others(&self) -> Result<&'a [Project], Missing> {
        self.oms_fact(Need::OmsOthers, |oms| &oms.others)
            .map(Vec::as_slice)
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

/// One tenant's facts as a rule may see them.
#[derive(Clone, Copy)]
pub struct TenantCtx<'c, 'a> {
    cx: &'c Ctx<'a>,
    tenant: Tenant,
}

impl<'a> TenantCtx<'_, 'a> {
    fn all(&self, need: Need) -> Result<&'a TenantFacts, Missing> {
        Ok(self.cx.facts(need)?.tenant(self.tenant))
    }

    fn read<T>(
        &self,
        need: Need,
        get: impl FnOnce(&'a TenantFacts) -> &'a Fact<T>,
    ) -> Result<&'a T, Missing> {
        self.cx.declared(need)?;
        let fact = get(self.all(need)?);
        fact.observed().ok_or_else(|| {
            let cause = fact.unavailable_reason();
            let reason = need.unavailable_reason(self.tenant, cause);
            Missing::unavailable(
                need,
                reason,
                cause.cloned().unwrap_or_else(|| Text::same("")),
            )
        })
    }

    /// The migration user the plan names for this tenant (known without collecting anything).
    pub fn user(&self) -> &'a str {
        &self.cx.plan.tenant(self.tenant).user
    }

    /// Why the migration user could not open a session, if it could not: the connection
    /// itself, which every tenant rule may look at. `None` in a plan-only run.
    pub fn login_failure(&self) -> Option<&'a Text> {
        self.cx
            .facts?
            .tenant(self.tenant)
            .login
            .unavailable_reason()
    }

    /// Why a fact of this tenant was not collected, if it was not — whether or not the rule
    /// reads it (conn.tenant reports every gap).
    pub fn gap(&self, need: Need) -> Option<&'a Text> {
        need.unavailable_on(self.cx.facts?.tenant(self.tenant))
    }

    /// `'user'@'host'` for a GRANT: the session's `current_user()` when the server facts were
    /// collected, else the plan's user (without ODP's routing) at any host. The session's
    /// identity is part of the login, not a fact a rule must declare.
    pub fn account(&self) -> String {
        let current = self
            .cx
            .facts
            .and_then(|facts| facts.tenant(self.tenant).server.observed())
            .map(|server| server.current_user.as_str())
            .unwrap_or_default();
        let (user, host) = match current.rsplit_once('@') {
            Some((user, host)) if !user.is_empty() => (user, host),
            _ => (self.cx.plan.tenant(self.tenant).user_name(), "%"),
        };
        format!(
            "{}@{}",
            super::quote_string(user),
            super::quote_string(host)
        )
    }

    pub fn server(&self) -> Result<&'a Server, Missing> {
        self.read(Need::Server, |t| &t.server)
    }

    pub fn mode(&self) -> Result<&'a Mode, Missing> {
        self.read(Need::Mode, |t| &t.mode)
    }

    pub fn variables(&self) -> Result<&'a Variables, Missing> {
        self.read(Need::Variables, |t| &t.variables)
    }

    pub fn grants(&self) -> Result<&'a Grants, Missing> {
        self.read(Need::Grants, |t| &t.grants)
    }

    /// Every database the migration user can see, in scope or not.
    pub fn databases(&self) -> Result<&'a BTreeMap<String, Database>, Missing> {
        self.read(Need::Databases, |t| &t.databases)
    }

    /// Tables of the in-scope databases.
    pub fn tables(&self) -> Result<&'a Tables, Missing> {
        self.read(Need::Tables, |t| &t.tables)
    }

    /// The table `db.table` when tables were collected and it exists (names compare as in
    /// OceanBase MySQL mode).
    pub fn table(&self, database: &str, table: &str) -> Result<Option<&'a Table>, Missing> {
        self.tables()?;
        Ok(self.all(Need::Tables)?.table(database, table))
    }

    pub fn views(&self) -> Result<&'a [String], Missing> {
        self.read(Need::Views, |t| &t.views).map(Vec::as_slice)
    }

    pub fn triggers(&self) -> Result<&'a [Trigger], Missing> {
        self.read(Need::Triggers, |t| &t.triggers)
            .map(Vec::as_slice)
    }

    /// Where the triggers were read, and why not from the dictionary if they were not; `None`
    /// for a bundle that predates the record, which read information_schema.
    pub fn triggers_read_from(&self) -> Result<Option<&'a Catalog>, Missing> {
        self.triggers()?;
        Ok(self.all(Need::Triggers)?.trigger_catalog.as_ref())
    }

    /// The partitioned in-scope tables, by database then table name.
    pub fn partitions(
        &self,
    ) -> Result<&'a BTreeMap<String, BTreeMap<String, Partitioning>>, Missing> {
        self.read(Need::Partitions, |t| &t.partitions)
    }

    /// How `db.table` is partitioned; `None` when it is not (names compare without case, as
    /// in OceanBase MySQL mode).
    pub fn partitioning(
        &self,
        database: &str,
        table: &str,
    ) -> Result<Option<&'a Partitioning>, Missing> {
        let partitions = self.partitions()?;
        Ok(partitions
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(database))
            .and_then(|(_, tables)| {
                tables
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(table))
                    .map(|(_, partitioning)| partitioning)
            }))
    }

    /// Foreign keys of the in-scope tables.
    pub fn foreign_keys(&self) -> Result<&'a [ForeignKey], Missing> {
        self.read(Need::ForeignKeys, |t| &t.foreign_keys)
            .map(Vec::as_slice)
    }

    /// The tenant's clock against this machine's.
    pub fn clock(&self) -> Result<&'a ClockReading, Missing> {
        self.read(Need::Clock, |t| &t.clock)
    }

    /// The tenant's log streams.
    pub fn log_streams(&self) -> Result<&'a [LogStream], Missing> {
        self.read(Need::LogStreams, |t| &t.log_streams)
            .map(Vec::as_slice)
    }

    /// The log archive destinations; `None` when the kernel has no log archive at all.
    pub fn archive(&self) -> Result<Option<&'a [ArchiveDest]>, Missing> {
        self.read(Need::Archive, |t| &t.archive)
            .map(|dests| dests.as_deref())
    }

    /// The session's tenant and its role; `None` when the kernel has no tenants.
    pub fn tenant_role(&self) -> Result<Option<&'a TenantRole>, Missing> {
        self.read(Need::TenantRole, |t| &t.tenant_role)
            .map(Option::as_ref)
    }

    /// In-scope tables holding at least one row (probed on the forward target only).
    pub fn rows(&self) -> Result<&'a BTreeSet<String>, Missing> {
        self.read(Need::Rows, |t| &t.rows)
    }

    /// How `rows` was decided (tables the tablet manager proved empty, probed, with rows, left
    /// unprobed); `None` when a bundle predates it or nothing was probed.
    pub fn emptiness(&self) -> Option<&'a Emptiness> {
        self.all(Need::Rows).ok()?.emptiness.as_ref()
    }

    /// Whether the row probe went through every in-scope table that exists (listed by the
    /// inner tables), not only those information_schema lets the user see.
    pub fn rows_probed_every_table(&self) -> Result<bool, Missing> {
        self.rows()?;
        Ok(self.all(Need::Rows)?.probed_tables_from == Some(CatalogSource::InnerTables))
    }

    /// The name of the tenant the session is in, when the plan declared one and it was asked:
    /// part of the connection, like the login, which `conn.tenant` reports.
    pub fn connected_tenant(&self) -> Option<&'a Fact<String>> {
        self.cx.facts?.tenant(self.tenant).tenant_name.as_ref()
    }

    /// The migration user's other sessions on the tenant, by the address they come from.
    pub fn sessions(&self) -> Result<&'a crate::facts::Sessions, Missing> {
        self.read(Need::Sessions, |t| &t.sessions)
    }

    /// Whether the declared sys-tenant DRC user could log in; `Ok(None)` when no password was
    /// given for it.
    pub fn drc_login(&self) -> Result<Option<&'a Fact<()>>, Missing> {
        self.cx.declared(Need::DrcLogin)?;
        Ok(self.all(Need::DrcLogin)?.drc_login.as_ref())
    }
}
