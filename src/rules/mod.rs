//! Rules: pure functions from facts and the plan to findings.
//!
//! A rule is a static [`Rule`] value declared with [`declare_rule!`] in a file of its own under
//! `rules/<area>/`; its doc comment is its documentation. `check` returns plain [`Finding`]s;
//! the engine adds severity, status and fingerprint, and marks a rule inconclusive without
//! calling it when a fact it [`Need`]s is unavailable.

mod area;
pub mod column_size;
mod context;
pub mod docs;
pub mod engine;
pub mod error_codes;
pub mod registry;
pub mod scope;
pub mod versions;

mod conn;
pub mod grants;
mod link;
mod oms;
pub mod plan;
mod schema;
mod tenant;

#[cfg(test)]
pub mod testing;

use serde::{Deserialize, Serialize};

pub use crate::facts::Side;
use crate::facts::{Facts, Tenant, TenantFacts};
pub use crate::i18n::Text;
use crate::plan::Span;
pub use crate::plan::Topology;
use crate::text;
pub use area::Area;
pub use context::{Ctx, Missing, MissingKind, TenantCtx};
pub use oms::DescribeLink;

/// Declares a rule and keeps its doc comment as its documentation. A rule states what is
/// particular to it: `id`, `severity`, `input`, `summary` and `check` always, in this order with
/// the others; `stages` and `topologies` only when it applies to fewer than all, `needs` and
/// `optional` when it reads facts, `waivable: false` when no sign-off may accept its findings,
/// `compares_sides: true` when it compares A with B, `after_waivers: true` when it judges the
/// waivers by what they accepted.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = Rule {
            id: $id:expr,
            severity: $severity:expr,
            $(stages: $stages:expr,)?
            $(topologies: $topologies:expr,)?
            input: $input:expr,
            $(needs: $needs:expr,)?
            $(optional: $optional:expr,)?
            $(waivable: $waivable:expr,)?
            $(compares_sides: $compares_sides:expr,)?
            $(after_waivers: $after_waivers:expr,)?
            summary: $summary:expr,
            check: $check:expr $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            severity: $severity,
            stages: $crate::rules::declare_rule!(@or $($stages)?, &[]),
            topologies: $crate::rules::declare_rule!(@or $($topologies)?, &[]),
            input: $input,
            needs: $crate::rules::declare_rule!(@or $($needs)?, &[]),
            optional: $crate::rules::declare_rule!(@or $($optional)?, &[]),
            waivable: $crate::rules::declare_rule!(@or $($waivable)?, true),
            compares_sides: $crate::rules::declare_rule!(@or $($compares_sides)?, false),
            after_waivers: $crate::rules::declare_rule!(@or $($after_waivers)?, false),
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
    (@or $value:expr, $default:expr) => {
        $value
    };
    (@or , $default:expr) => {
        $default
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

    /// Its name as people read it: `error`, `错误`.
    pub fn label(self) -> crate::i18n::Label {
        use crate::i18n::Label;
        match self {
            Severity::Error => Label::Error,
            Severity::Warning => Label::Warning,
            Severity::Info => Label::Info,
        }
    }
}

/// When the check runs: before the forward project is created, before the reverse link runs,
/// or while both directions run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Forward,
    Reverse,
    Running,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Forward, Stage::Reverse, Stage::Running];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Forward => "forward",
            Stage::Reverse => "reverse",
            Stage::Running => "running",
        }
    }

    /// `forward`, `reverse and running`.
    pub fn list(stages: &[Stage]) -> String {
        let names: Vec<&str> = stages.iter().map(|stage| stage.as_str()).collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// The stage of a run, and why `--stage auto` could not decide it when it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedStage {
    pub stage: Stage,
    pub undecided: Option<Text>,
}

/// Where a rule's facts come from; `lint` runs the plan-only rules with no network. Plan rules
/// may also read live OMS projects when a check has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Plan,
    Tenants,
    Oms,
}

/// A fact a rule reads. A rule declares the facts it cannot decide without (`needs`: one
/// unavailable on either tenant, or an OMS fact unavailable, makes the rule inconclusive before
/// it runs) and those it reads when they were collected (`optional`); it can reach no other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    Server,
    Mode,
    Variables,
    Grants,
    Databases,
    Tables,
    Views,
    Triggers,
    /// Partitioning of the in-scope tables.
    Partitions,
    /// Foreign keys of the in-scope tables.
    ForeignKeys,
    /// How far back the tenant's online logs reach.
    LogStreams,
    /// The tenant's log archive (absent from editions without one).
    Archive,
    /// The tenant's role and state (absent from editions without tenants).
    TenantRole,
    /// Which in-scope tables hold rows: probed on the forward link's target only.
    Rows,
    /// Whether the declared sys-tenant DRC user could log in.
    DrcLogin,
    /// The migration user's other sessions on the tenant (its process list).
    Sessions,
    /// The tenant's clock against this machine's.
    Clock,
    /// OMS's clock (its HTTP `Date` header) against this machine's.
    OmsClock,
    OmsDataSources,
    OmsForward,
    OmsReverse,
    OmsOthers,
}

impl Need {
    /// Every fact collected from a tenant's metadata, in report order (`conn.tenant` names
    /// those it could not collect). The log, archive and role views are left out: they need
    /// SELECT on `oceanbase`.*, which `grants.oceanbase-read` asks for, and the rules reading
    /// them say what is missing themselves.
    pub const TENANT: [Need; 10] = [
        Need::Server,
        Need::Mode,
        Need::Variables,
        Need::Grants,
        Need::Databases,
        Need::Tables,
        Need::Views,
        Need::Triggers,
        Need::Partitions,
        Need::ForeignKeys,
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
            Need::Partitions => "partitions",
            Need::ForeignKeys => "foreign keys",
            Need::LogStreams => "log streams",
            Need::Archive => "log archive",
            Need::TenantRole => "tenant role",
            Need::Rows => "table rows",
            Need::DrcLogin => "the DRC user's login",
            Need::Sessions => "the migration user's sessions",
            Need::Clock => "clock",
            Need::OmsClock => "OMS's clock",
            Need::OmsDataSources => "OMS data sources",
            Need::OmsForward => "the OMS forward project",
            Need::OmsReverse => "the OMS reverse project",
            Need::OmsOthers => "the other OMS projects",
        }
    }

    /// [`Need::name`] in every language, for what people read.
    pub fn text(self) -> Text {
        let zh = match self {
            Need::Server => "服务器版本",
            Need::Mode => "兼容模式",
            Need::Variables => "系统变量",
            Need::Grants => "权限",
            Need::Databases => "数据库",
            Need::Tables => "表",
            Need::Views => "视图",
            Need::Triggers => "触发器",
            Need::Partitions => "分区",
            Need::ForeignKeys => "外键",
            Need::LogStreams => "日志流",
            Need::Archive => "日志归档",
            Need::TenantRole => "租户角色",
            Need::Rows => "表数据行",
            Need::DrcLogin => "DRC 用户的登录",
            Need::Sessions => "迁移用户的会话",
            Need::Clock => "时钟",
            Need::OmsClock => "OMS 的时钟",
            Need::OmsDataSources => "OMS 数据源",
            Need::OmsForward => "OMS 正向项目",
            Need::OmsReverse => "OMS 反向项目",
            Need::OmsOthers => "OMS 中的其他项目",
        };
        Text::new(self.name(), zh)
    }

    pub fn is_oms(self) -> bool {
        matches!(
            self,
            Need::OmsDataSources
                | Need::OmsForward
                | Need::OmsReverse
                | Need::OmsOthers
                | Need::OmsClock
        )
    }

    /// Why the fact is missing, if it is: one reason per tenant for tenant facts.
    pub fn missing(self, facts: &Facts) -> Vec<Text> {
        let name = self.text();
        if self.is_oms() {
            let Some(oms) = &facts.oms else {
                return vec![text!(
                    "{name}: the plan has no [oms] section",
                    "{name}：计划中没有 [oms] 段";
                    name = name
                )];
            };
            let reason = match self {
                Need::OmsDataSources => oms.data_sources.unavailable_reason(),
                Need::OmsForward => oms.forward.unavailable_reason(),
                Need::OmsReverse => oms.reverse.unavailable_reason(),
                Need::OmsClock => oms.clock.unavailable_reason(),
                _ => oms.others.unavailable_reason(),
            };
            return reason
                .map(|reason| {
                    text!(
                        "{name} unavailable: {reason}; to decide, {remedy}",
                        "{name}不可用：{reason}；要作出判定，请{remedy}";
                        name = name,
                        reason = reason,
                        remedy = self.remedy(reason)
                    )
                })
                .into_iter()
                .collect();
        }
        Tenant::BOTH
            .iter()
            .filter_map(|tenant| {
                let reason = self.unavailable_on(facts.tenant(*tenant))?;
                Some(text!(
                    "{unavailable}; to decide, {remedy}",
                    "{unavailable}；要作出判定，请{remedy}";
                    unavailable = self.unavailable_reason(*tenant, Some(reason)),
                    remedy = self.remedy(reason)
                ))
            })
            .collect()
    }

    /// What would let a rule that needs this fact decide, given why it is missing.
    pub fn remedy(self, reason: &Text) -> Text {
        let (en, zh) = self.remedy_in_both(reason.en());
        Text::new(en, zh)
    }

    /// Read from the English of the collector's reason, which keeps its words whatever the
    /// language of the report.
    fn remedy_in_both(self, reason: &str) -> (&'static str, &'static str) {
        if reason.contains("no answer from") || reason.contains("within ") {
            return (
                "raise --timeout or run the check closer to the server",
                "调大 --timeout，或在离服务器更近的地方运行检查",
            );
        }
        // The collector's own words for a table or view the kernel's version does not have
        // (collect::tenant::layout): no grant makes it appear.
        if reason.contains("on this version (dictionary layout") {
            return (
                "confirm it by hand: this kernel version does not have the view or column it is read from, so no grant helps",
                "手工确认：该内核版本没有读取它所需的视图或列，授权也无济于事",
            );
        }
        // Only a refusal by the server is cured by a grant; anything else (a cut connection,
        // a malformed answer) by fixing that cause.
        let refused = [
            "denied",
            "ERROR 1142",
            "ERROR 1044",
            "ERROR 1227",
            "HTTP 401",
            "HTTP 403",
        ]
        .iter()
        .any(|sign| reason.contains(sign));
        if !refused {
            return (
                "fix the cause above and run again",
                "先排除上述原因再重新运行",
            );
        }
        match self {
            Need::Server | Need::Clock => (
                "let the migration user run SELECT ob_version()",
                "允许迁移用户执行 SELECT ob_version()",
            ),
            Need::Mode | Need::Variables => (
                "let the migration user read information_schema.GLOBAL_VARIABLES",
                "允许迁移用户读取 information_schema.GLOBAL_VARIABLES",
            ),
            Need::Grants => (
                "let the migration user run SHOW GRANTS",
                "允许迁移用户执行 SHOW GRANTS",
            ),
            Need::Databases => (
                "let the migration user read information_schema.SCHEMATA",
                "允许迁移用户读取 information_schema.SCHEMATA",
            ),
            Need::Tables | Need::Views => (
                "grant the migration user SELECT on oceanbase.* (or let it read information_schema.TABLES and COLUMNS)",
                "授予迁移用户 oceanbase.* 上的 SELECT 权限（或允许它读取 information_schema.TABLES 和 COLUMNS）",
            ),
            Need::Triggers | Need::Partitions | Need::ForeignKeys => (
                "grant the migration user SELECT on oceanbase.*",
                "授予迁移用户 oceanbase.* 上的 SELECT 权限",
            ),
            Need::LogStreams | Need::Archive | Need::TenantRole => (
                "grant the migration user SELECT on oceanbase.* (GV$OB_LOG_STAT, DBA_OB_ARCHIVELOG, DBA_OB_TENANTS)",
                "授予迁移用户 oceanbase.* 上的 SELECT 权限（GV$OB_LOG_STAT、DBA_OB_ARCHIVELOG、DBA_OB_TENANTS）",
            ),
            Need::Rows => (
                "grant the migration user SELECT on the target tables",
                "授予迁移用户目标表上的 SELECT 权限",
            ),
            Need::DrcLogin => (
                "check the DRC user and its password in the sys tenant",
                "检查 sys 租户中的 DRC 用户及其密码",
            ),
            Need::Sessions => (
                "let the migration user read information_schema.PROCESSLIST",
                "允许迁移用户读取 information_schema.PROCESSLIST",
            ),
            Need::OmsDataSources
            | Need::OmsForward
            | Need::OmsReverse
            | Need::OmsOthers
            | Need::OmsClock => (
                "let the [oms] user call OMS's read actions and check that OMS answers them",
                "允许 [oms] 用户调用 OMS 的只读接口，并确认 OMS 有应答",
            ),
        }
    }

    /// The reason shown when this tenant fact is unavailable on `tenant`.
    pub fn unavailable_reason(self, tenant: Tenant, reason: Option<&Text>) -> Text {
        text!(
            "{name} of tenant {tenant} unavailable: {reason}",
            "租户 {tenant} 的{name}不可用：{reason}";
            name = self.text(),
            reason = reason.cloned().unwrap_or_else(|| Text::same(""))
        )
    }

    /// Why the tenant fact is missing on `tenant`, if it is (OMS needs: never).
    pub fn unavailable_on(self, tenant: &TenantFacts) -> Option<&Text> {
        match self {
            Need::Server => tenant.server.unavailable_reason(),
            Need::Mode => tenant.mode.unavailable_reason(),
            Need::Variables => tenant.variables.unavailable_reason(),
            Need::Grants => tenant.grants.unavailable_reason(),
            Need::Databases => tenant.databases.unavailable_reason(),
            Need::Tables => tenant.tables.unavailable_reason(),
            Need::Views => tenant.views.unavailable_reason(),
            Need::Triggers => tenant.triggers.unavailable_reason(),
            Need::Partitions => tenant.partitions.unavailable_reason(),
            Need::ForeignKeys => tenant.foreign_keys.unavailable_reason(),
            Need::LogStreams => tenant.log_streams.unavailable_reason(),
            Need::Archive => tenant.archive.unavailable_reason(),
            Need::TenantRole => tenant.tenant_role.unavailable_reason(),
            Need::Rows => tenant.rows.unavailable_reason(),
            Need::DrcLogin => tenant
                .drc_login
                .as_ref()
                .and_then(|login| login.unavailable_reason()),
            Need::Sessions => tenant.sessions.unavailable_reason(),
            Need::Clock => tenant.clock.unavailable_reason(),
            Need::OmsDataSources
            | Need::OmsForward
            | Need::OmsReverse
            | Need::OmsOthers
            | Need::OmsClock => None,
        }
    }
}

pub struct Rule {
    /// `area.name`, stable, never reused.
    pub id: &'static str,
    pub severity: Severity,
    /// The stages the rule applies at; empty: every stage.
    pub stages: &'static [Stage],
    /// The topologies the rule applies to; empty: both.
    pub topologies: &'static [Topology],
    pub input: Input,
    /// Facts the rule cannot decide without.
    pub needs: &'static [Need],
    /// Facts the rule reads when they were collected and decides without otherwise.
    pub optional: &'static [Need],
    /// Whether a waiver may accept its findings. A rule that guards against damage no sign-off
    /// can accept (an unchecked tenant, DDL looping between the links, a reverse link on an
    /// incomplete schema) is not.
    pub waivable: bool,
    /// Whether it compares tenant A with tenant B: such a rule must find nothing when a tenant
    /// is compared with itself.
    pub compares_sides: bool,
    /// Whether it runs after the waivers were applied to every other rule's findings, and reads
    /// which of them accepted one (`Ctx::waiver_matches`).
    pub after_waivers: bool,
    /// One line, lowercase, no trailing period.
    pub summary: &'static str,
    /// The doc comment: what it checks, why it matters, how to fix.
    pub docs: &'static str,
    pub check: fn(&Ctx<'_>) -> Check,
}

impl Rule {
    /// The area its id names (the catalog test holds every id to a known area).
    pub fn area(&self) -> Area {
        Area::of(self.id).unwrap_or_else(|| panic!("{} names no area", self.id))
    }

    pub fn applies_at(&self, stage: Stage) -> bool {
        self.stages.is_empty() || self.stages.contains(&stage)
    }

    pub fn applies_to(&self, topology: Topology) -> bool {
        self.topologies.is_empty() || self.topologies.contains(&topology)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

/// A rule's answer: findings (none means pass), or why it could not or need not be evaluated.
pub type Check = Result<Vec<Finding>, NotEvaluated>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotEvaluated {
    Inconclusive(Text),
    Skipped(Text),
}

/// `findings`, unless there are none while some objects went undecided: then the rule is
/// inconclusive (absent is not pass), with what `why` makes of the undecided reasons joined,
/// which says how to decide.
pub fn unless_undecided(
    findings: Vec<Finding>,
    undecided: &[Text],
    why: impl FnOnce(Text) -> Text,
) -> Check {
    if findings.is_empty() && !undecided.is_empty() {
        return Err(NotEvaluated::Inconclusive(why(Text::join(
            undecided, "; ", "；",
        ))));
    }
    Ok(findings)
}

/// One problem a rule found: plain data, rendered elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub side: Side,
    /// What it is about: `app`, `app.orders`, `app.orders.id`, a user, a project; or nothing.
    pub object: Option<String>,
    /// What was observed.
    pub message: Text,
    /// What to do.
    pub help: Option<Text>,
    /// SQL that would resolve it, for review; never executed by the tool.
    pub fix: Vec<String>,
    /// Overrides the rule's default severity for this finding.
    pub severity: Option<Severity>,
    /// The plan entry responsible, when there is one.
    pub plan_span: Option<Span>,
}

impl Finding {
    pub fn new(side: impl Into<Side>, object: Option<String>, message: impl Into<Text>) -> Finding {
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

    pub fn help(mut self, help: impl Into<Text>) -> Finding {
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

/// A link as people read it: `forward`, `正向`.
pub fn link_name(name: &str) -> Text {
    match name {
        "forward" => Text::new("forward", "正向"),
        "reverse" => Text::new("reverse", "反向"),
        other => Text::same(other),
    }
}

/// A kind of migration as OMS names it: `schema` (结构迁移), `full` (全量迁移), `incremental`
/// (增量同步).
pub fn migration_name(name: &str) -> Text {
    match name {
        "schema" => Text::new("schema", "结构迁移"),
        "full" => Text::new("full", "全量迁移"),
        "incremental" => Text::new("incremental", "增量同步"),
        other => Text::same(other),
    }
}

pub use crate::sql::{quote_identifier, quote_string};

/// The reason of a rule left without facts because a tenant could not be reached: the cause is
/// conn.tenant's finding, said there once.
pub fn blocked_by_connection(tenants: &[Tenant]) -> Text {
    let tenants = match tenants {
        [one] => text!("tenant {one}", "租户 {one}"),
        _ => text!("tenants a and b", "租户 a 和 b"),
    };
    text!(
        "blocked by conn.tenant ({tenants}): fix that connection and the rule can decide",
        "受阻于 conn.tenant（{tenants}）：修复该连接后本规则即可判定";
        tenants = tenants
    )
}
