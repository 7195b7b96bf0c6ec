//! Bundles: the facts of one collection, written by `collect` and replayed by
//! `check --snapshot` with no network at all.
//!
//! A bundle carries its format version, the version of the tool that wrote it and the plan it
//! was collected for (its text, with inline passwords blanked out). It never carries a password:
//! facts have no field that could hold one, and the plan text is redacted before it is stored.

use std::path::Path;

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use crate::facts::{Fact, Facts, Tenant, TenantFacts, ToolInfo, Topology};
use crate::i18n::Text;
use crate::plan::{Plan, PlanErrors};
use crate::text;

/// Bumped when a bundle written by this version cannot be read by the previous one. Version 2
/// keeps each reason in both languages (`{"en": …, "zh": …}`), which version 1 read as a
/// string.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest format version this one still reads: a version 1 bundle's reasons are strings,
/// read as English only.
pub const OLDEST_READ: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Bundle {
    pub format_version: u32,
    pub tool: ToolInfo,
    /// Seconds since the Unix epoch at the end of collection.
    pub collected_at: u64,
    pub plan: BundlePlan,
    pub facts: Facts,
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
        "bundle {path} has format version {found}; this oms-preflight reads versions {OLDEST_READ} to {FORMAT_VERSION}"
    )]
    #[diagnostic(
        code(bundle::version),
        help("collect it again with this version of oms-preflight")
    )]
    Version { path: String, found: u32 },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Plan(PlanErrors),
}

impl Bundle {
    pub fn new(plan: &Plan, facts: Facts) -> Bundle {
        let collected_at = crate::plan::date::unix_now();
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

    /// The day (UTC) the facts were collected; today for a bundle that does not say.
    pub fn collected_on(&self) -> crate::plan::date::Date {
        match self.collected_at {
            0 => crate::plan::date::Date::today(),
            seconds => crate::plan::date::Date::from_days((seconds / 86_400) as i64),
        }
    }

    /// Writes the bundle to `path` whole or not at all (see [`crate::output::replace`]): a
    /// bundle cut short by a full disk or a killed run would replay as different facts.
    pub fn write(&self, path: &Path) -> Result<(), crate::output::WriteError> {
        let mut json = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut json, Outline::default());
        self.serialize(&mut serializer).expect("facts serialize");
        json.push(b'\n');
        crate::output::replace(path, &json)
    }

    pub fn read(path: &Path) -> Result<Bundle, BundleError> {
        let unreadable = |reason: String| BundleError::Unreadable {
            path: path.display().to_string(),
            reason,
        };
        let text = crate::plan::input::read_text(path, crate::plan::input::BUNDLE)
            .map_err(|error| unreadable(error.to_string()))?;
        Bundle::from_text(&path.display().to_string(), &text)
    }

    /// A bundle from its text, `path` naming it in errors: what [`Bundle::read`] does once
    /// the file is read (no I/O, so the fuzz targets drive it directly).
    pub fn from_text(path: &str, text: &str) -> Result<Bundle, BundleError> {
        let unreadable = |reason: String| BundleError::Unreadable {
            path: path.to_string(),
            reason,
        };
        let version = |found: u32| BundleError::Version {
            path: path.to_string(),
            found,
        };
        // One pass over the text when the bundle is of this version (a 10,000-table bundle is
        // 40 MB or more); only when it does not parse is its version looked at, so that a bundle
        // of another version gets that message rather than a complaint about a renamed field.
        let error = match serde_json::from_str::<Bundle>(text) {
            Ok(bundle) if (OLDEST_READ..=FORMAT_VERSION).contains(&bundle.format_version) => {
                return Ok(bundle);
            }
            Ok(bundle) => return Err(version(bundle.format_version)),
            Err(error) => error,
        };
        #[derive(Deserialize)]
        struct Header {
            format_version: Option<u64>,
        }
        match serde_json::from_str::<Header>(text).map(|header| header.format_version) {
            Ok(Some(found))
                if !(u64::from(OLDEST_READ)..=u64::from(FORMAT_VERSION)).contains(&found) =>
            {
                Err(version(u32::try_from(found).unwrap_or(u32::MAX)))
            }
            Ok(None) => Err(unreadable(
                "no format_version: not an oms-preflight bundle".into(),
            )),
            _ => Err(unreadable(error.to_string())),
        }
    }

    /// The bundle's facts as far as they answer for `plan`, which may be another plan than the
    /// one the bundle was collected for (`check PLAN --snapshot BUNDLE`). What the bundle never
    /// collected for it is unavailable with the reason, never an empty answer that passes: a
    /// database the bundle did not read makes the tenant's per-table facts unavailable; another
    /// tenant endpoint, all of that tenant's; another topology or other project names, the OMS
    /// projects (which projects were looked for, and how, depends on both).
    pub fn facts_for(self, plan: &Plan) -> Facts {
        let own = self.plan().ok();
        let mut facts = self.facts;
        let again = text!(
            "collect a bundle again with this plan",
            "请用此计划重新采集数据包"
        );
        for tenant in Tenant::BOTH {
            let planned = plan.tenant(tenant);
            let collected = match tenant {
                Tenant::A => &mut facts.a,
                Tenant::B => &mut facts.b,
            };
            if !collected.endpoint.eq_ignore_ascii_case(&planned.endpoint()) {
                let (was, named) = (&collected.endpoint, planned.endpoint());
                let reason = text!(
                    "the bundle was collected from {was} as tenant {tenant}, the plan names {named}; {again}",
                    "数据包采集自 {was}（作为租户 {tenant}），计划中指定的是 {named}；{again}";
                    again = again
                );
                *collected =
                    TenantFacts::unreachable(planned.endpoint(), planned.user.clone(), &reason);
                continue;
            }
            let read: BTreeSet<String> = collected
                .scope
                .iter()
                .map(|db| db.to_ascii_lowercase())
                .collect();
            let unread: Vec<String> = plan
                .scope_databases()
                .into_iter()
                .filter(|db| !read.contains(&db.to_ascii_lowercase()))
                .collect();
            if !unread.is_empty() {
                let unread = unread.join(", ");
                let collected_for = if collected.scope.is_empty() {
                    text!("no database", "没有任何数据库")
                } else {
                    Text::same(
                        collected
                            .scope
                            .iter()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                };
                let reason = text!(
                    "the bundle never read {unread} on tenant {tenant}, which the plan's scope names (it was collected for {collected_for}); {again}",
                    "数据包从未读取租户 {tenant} 上的 {unread}，而计划的范围包含它（采集时的范围为 {collected_for}）；{again}";
                    collected_for = collected_for,
                    again = again
                );
                collected.tables = Fact::unavailable(reason.clone());
                collected.views = Fact::unavailable(reason.clone());
                collected.triggers = Fact::unavailable(reason.clone());
                collected.rows = Fact::unavailable(reason.clone());
                collected.partitions = Fact::unavailable(reason.clone());
                collected.foreign_keys = Fact::unavailable(reason);
            }
        }
        if let Some(oms) = facts.oms.as_mut() {
            let differs = match &own {
                None => Some(text!(
                    "the bundle's own plan cannot be read",
                    "无法读取数据包自带的计划"
                )),
                Some(own) if own.topology != plan.topology => {
                    let (was, is) = (own.topology.as_str(), plan.topology.as_str());
                    Some(text!(
                        "the bundle was collected for a {was} plan, this plan is {is}",
                        "数据包是为 {was} 计划采集的，此计划为 {is}"
                    ))
                }
                Some(own)
                    if own.forward.project != plan.forward.project
                        || (plan.topology == Topology::TwoProjects
                            && own.reverse.project != plan.reverse.project) =>
                {
                    Some(text!(
                        "the bundle looked for other OMS projects than this plan names",
                        "数据包查找的 OMS 项目与此计划指定的不同"
                    ))
                }
                Some(_) => None,
            };
            if let Some(differs) = differs {
                let reason = text!(
                    "{differs}; {again}",
                    "{differs}；{again}";
                    differs = differs,
                    again = again
                );
                oms.forward = Fact::unavailable(reason.clone());
                oms.reverse = Fact::unavailable(reason.clone());
                oms.others = Fact::unavailable(reason);
            }
        }
        facts
    }

    /// The plan the bundle was collected for.
    pub fn plan(&self) -> Result<Plan, BundleError> {
        Plan::parse(&self.plan.path, &self.plan.text).map_err(BundleError::Plan)
    }
}

/// How bundles are laid out: indented down to the tables of each database, and each table (its
/// columns and keys) on one line below that. A 10,000-table bundle stays readable and greppable
/// line by line, at less than half the size and parse time of fully indented JSON.
#[derive(Default)]
struct Outline {
    depth: usize,
    has_value: bool,
}

impl Outline {
    /// Containers at this depth or shallower are indented; a table object sits at depth 7
    /// (bundle, facts, tenant, tables, observed, database, table).
    const INDENTED_DEPTH: usize = 6;

    fn indented(&self) -> bool {
        self.depth <= Self::INDENTED_DEPTH
    }

    fn newline<W: ?Sized + std::io::Write>(writer: &mut W, depth: usize) -> std::io::Result<()> {
        writer.write_all(b"\n")?;
        for _ in 0..depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        let indented = self.indented();
        self.depth -= 1;
        if indented && self.has_value {
            Self::newline(writer, self.depth)?;
        }
        writer.write_all(bracket)
    }

    fn item<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        if self.indented() {
            Self::newline(writer, self.depth)?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Outline {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(if self.indented() { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Bundle, BundleError, Fact, Outline};
    use crate::text;
    use serde::Serialize;

    fn outlined(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut out,
                Outline::default(),
            ))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A reason keeps both languages through a bundle; a bundle of the version before, whose
    /// reasons are strings, still reads, its reasons in English only.
    #[test]
    fn reasons_keep_both_languages_and_version_1_bundles_still_read() {
        let mut facts = crate::rules::testing::healthy();
        facts.b.grants = Fact::unavailable(text!("denied", "被拒绝"));
        let bundle = Bundle::new(&crate::rules::testing::plan(), facts);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle.json");
        bundle.write(&path).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.contains(r#""format_version": 2"#));
        let read = Bundle::read(&path).unwrap();
        let reason = read.facts.b.grants.unavailable_reason().unwrap();
        assert_eq!((reason.en(), reason.zh()), ("denied", "被拒绝"));

        let mut old: serde_json::Value = serde_json::from_str(&written).unwrap();
        old["format_version"] = 1.into();
        assert_eq!(
            old["facts"]["b"]["grants"]["unavailable"]["reason"],
            serde_json::json!({"en": "denied", "zh": "被拒绝"})
        );
        old["facts"]["b"]["grants"]["unavailable"]["reason"] = "denied".into();
        let old = Bundle::from_text("old.json", &old.to_string()).unwrap();
        let reason = old.facts.b.grants.unavailable_reason().unwrap();
        assert_eq!(reason.en(), "denied");
        assert!(!reason.has_zh());
        assert!(matches!(
            Bundle::from_text("new.json", r#"{"format_version": 3}"#),
            Err(BundleError::Version { found: 3, .. })
        ));
    }

    #[test]
    fn indented_down_to_the_tables_and_each_table_on_one_line() {
        let bundle = serde_json::json!({
            "format_version": 1,
            "facts": {"a": {"tables": {"observed": {"app": {
                "orders": {"columns": [{"name": "id", "nullable": false}], "keys": []},
                "empty": {}
            }}}, "views": {"observed": []}}}
        });
        let text = outlined(&bundle);
        assert_eq!(
            text,
            r#"{
  "facts": {
    "a": {
      "tables": {
        "observed": {
          "app": {
            "empty": {},
            "orders": {"columns":[{"name":"id","nullable":false}],"keys":[]}
          }
        }
      },
      "views": {
        "observed": []
      }
    }
  },
  "format_version": 1
}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, bundle);
    }
}
