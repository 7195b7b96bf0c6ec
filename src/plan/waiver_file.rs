//! Waivers: accepted findings, each with a reason, an owner and an expiry date (TOML, passed
//! with `--waivers` or named by the plan's `waivers` key).
//!
//! ```toml
//! [[waiver]]
//! rule = "tenant.time-zone"
//! side = "pair"                 # optional: a, b, pair, oms, plan
//! object = "time_zone"          # optional: a pattern, * and ? as wildcards
//! reason = "applications write UTC; the difference is cosmetic"
//! owner = "dba-team@example.com"
//! expires = "2027-03-31"
//! ```
//!
//! A waived finding stays in every report, marked waived, and no longer fails the run. An
//! expired waiver or one that matched nothing is itself a finding (`plan.waivers`). Some rules
//! guard against damage no waiver can accept and refuse to be waived.

use std::path::Path;

use serde::Serialize;

use super::date::Date;
use super::errors::{PlanErrors, PlanProblem, did_you_mean};
use super::model::Span;
use super::toml::{span_of, unknown_keys};
use crate::facts::Side;

/// The rules a waiver may name, and which of them may be waived. The rule registry implements
/// it; the waivers file is read against it without this module knowing the rules.
pub trait RuleCatalog {
    /// Every rule id, in catalog order.
    fn rule_ids(&self) -> Vec<&'static str>;
    /// Whether the rule `id` accepts waivers; `None` when no rule has that id.
    fn waivable(&self, id: &str) -> Option<bool>;
}

#[derive(Debug, Clone, Default)]
pub struct Waivers {
    pub path: String,
    pub list: Vec<Waiver>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    pub rule: String,
    pub side: Option<Side>,
    pub object: Option<String>,
    pub reason: String,
    pub owner: String,
    pub expires: Date,
    #[serde(skip)]
    pub span: Span,
}

impl Waiver {
    /// Whether this waiver covers a finding of `rule` on `side` about `object`.
    pub fn covers(&self, rule: &str, side: Side, object: Option<&str>) -> bool {
        self.rule == rule
            && self.side.is_none_or(|s| s == side)
            && self
                .object
                .as_deref()
                .is_none_or(|pattern| glob(pattern, object.unwrap_or("")))
    }

    /// `rule side object` as people wrote it, for messages.
    pub fn describe(&self) -> String {
        let mut text = self.rule.clone();
        if let Some(side) = self.side {
            text.push_str(&format!(" on {}", side.as_str()));
        }
        if let Some(object) = &self.object {
            text.push_str(&format!(" for {object}"));
        }
        text
    }
}

/// `*` any run, `?` one character; case-insensitive like OceanBase MySQL names.
fn glob(pattern: &str, text: &str) -> bool {
    fn matches(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|skip| matches(rest, &t[skip..])),
            Some(('?', rest)) => !t.is_empty() && matches(rest, &t[1..]),
            Some((c, rest)) => {
                !t.is_empty() && c.eq_ignore_ascii_case(&t[0]) && matches(rest, &t[1..])
            }
        }
    }
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    matches(&p, &t)
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum WaiverLoadError {
    #[error("cannot read waivers {path}: {error}")]
    #[diagnostic(code(waivers::unreadable))]
    Read { path: String, error: std::io::Error },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(PlanErrors),
}

const KEYS: &[&str] = &["rule", "side", "object", "reason", "owner", "expires"];

impl Waivers {
    pub fn load(path: &Path, catalog: &dyn RuleCatalog) -> Result<Waivers, WaiverLoadError> {
        let text = super::input::read_text(path, super::input::WAIVERS).map_err(|error| {
            WaiverLoadError::Read {
                path: path.display().to_string(),
                error,
            }
        })?;
        Waivers::parse(&path.display().to_string(), &text, catalog)
            .map_err(WaiverLoadError::Invalid)
    }

    /// Validates waiver file `text`, reporting every problem at once.
    pub fn parse(path: &str, text: &str, catalog: &dyn RuleCatalog) -> Result<Waivers, PlanErrors> {
        let mut problems = Vec::new();
        let list = parse_list(text, catalog, &mut problems);
        if problems.is_empty() {
            Ok(Waivers {
                path: path.to_string(),
                list,
            })
        } else {
            // Shown redacted like a plan: a waivers file has no password key, but a pasted
            // line may.
            Err(super::redact::Redaction::of(text).errors("waivers", path, text, problems))
        }
    }
}

fn parse_list(
    text: &str,
    catalog: &dyn RuleCatalog,
    problems: &mut Vec<PlanProblem>,
) -> Vec<Waiver> {
    let root = match super::toml::parse(text) {
        Ok(root) => root,
        Err(problem) => {
            problems.push(problem);
            return Vec::new();
        }
    };
    let Some(table) = root.as_table() else {
        return Vec::new();
    };
    for (name, span) in unknown_keys(table, &["waiver"]) {
        problems.push(
            PlanProblem::new(format!("unknown key `{name}`"), span, "unknown key")
                .help("a waiver file holds [[waiver]] entries"),
        );
    }
    let Some(entries) = table.get("waiver") else {
        return Vec::new();
    };
    let Some(entries) = entries.as_array() else {
        problems.push(PlanProblem::new(
            "`waiver` must be [[waiver]] entries",
            span_of(entries),
            "here",
        ));
        return Vec::new();
    };
    let ids = catalog.rule_ids();
    let mut list = Vec::new();
    for entry in entries {
        let span = span_of(entry);
        let Some(fields) = entry.as_table() else {
            problems.push(PlanProblem::new("a waiver must be a table", span, "here"));
            continue;
        };
        for (name, key_span) in unknown_keys(fields, KEYS) {
            problems.push(
                PlanProblem::new(
                    format!("unknown waiver key `{name}`"),
                    key_span,
                    "unknown key",
                )
                .help(
                    did_you_mean(name, KEYS)
                        .unwrap_or_else(|| format!("known keys: {}", KEYS.join(", "))),
                ),
            );
        }
        let mut text_of = |key: &str, required: bool| -> Option<(String, Span)> {
            match fields.get(key) {
                None if required => {
                    problems.push(
                        PlanProblem::new(
                            format!("this waiver has no `{key}`"),
                            span.clone(),
                            "in this waiver",
                        )
                        .help("every waiver names its rule, reason, owner and expiry date"),
                    );
                    None
                }
                None => None,
                Some(value) => match value.as_str() {
                    Some(text) if !text.trim().is_empty() => {
                        Some((text.to_string(), span_of(value)))
                    }
                    _ => {
                        problems.push(PlanProblem::new(
                            format!("`{key}` must be a non-empty string"),
                            span_of(value),
                            "here",
                        ));
                        None
                    }
                },
            }
        };
        let rule = text_of("rule", true);
        let side = text_of("side", false);
        let object = text_of("object", false);
        let reason = text_of("reason", true);
        let owner = text_of("owner", true);
        let expires = text_of("expires", true);
        if let Some((rule, rule_span)) = &rule {
            if !ids.contains(&rule.as_str()) {
                problems.push(
                    PlanProblem::new(
                        format!("`{rule}` is not a rule id"),
                        rule_span.clone(),
                        "unknown rule",
                    )
                    .help(
                        did_you_mean(rule, &ids)
                            .unwrap_or_else(|| "`oms-preflight rules` lists the catalog".into()),
                    ),
                );
            } else if catalog.waivable(rule) == Some(false) {
                problems.push(
                    PlanProblem::new(format!("{rule} cannot be waived"), rule_span.clone(), "not waivable")
                        .help(format!("rules that guard against a broken pair accept no waiver ({}); fix the cause instead", unwaivable_list(catalog))),
                );
            }
        }
        let side = side.and_then(|(side, side_span)| {
            let parsed = match side.as_str() {
                "a" => Some(Side::A),
                "b" => Some(Side::B),
                "pair" => Some(Side::Pair),
                "oms" => Some(Side::Oms),
                "plan" => Some(Side::Plan),
                _ => None,
            };
            if parsed.is_none() {
                problems.push(
                    PlanProblem::new(format!("`{side}` is not a side"), side_span, "here")
                        .help("use a, b, pair, oms or plan"),
                );
            }
            parsed
        });
        let expires = expires.and_then(|(text, date_span)| {
            let date = Date::parse(&text);
            if date.is_none() {
                problems.push(
                    PlanProblem::new(format!("`{text}` is not a date"), date_span, "here")
                        .help("write it as YYYY-MM-DD, e.g. 2027-03-31"),
                );
            }
            date
        });
        if let (Some((rule, _)), Some((reason, _)), Some((owner, _)), Some(expires)) =
            (rule, reason, owner, expires)
        {
            list.push(Waiver {
                rule,
                side,
                object: object.map(|(object, _)| object),
                reason,
                owner,
                expires,
                span,
            });
        }
    }
    list
}

/// "conn.tenant, link.ddl-single and schema.forward-complete": the rules that refuse waivers.
fn unwaivable_list(catalog: &dyn RuleCatalog) -> String {
    let ids: Vec<&str> = catalog
        .rule_ids()
        .into_iter()
        .filter(|id| catalog.waivable(id) == Some(false))
        .collect();
    match ids.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A catalog of three rules, one of which refuses waivers.
    struct Catalog;

    impl RuleCatalog for Catalog {
        fn rule_ids(&self) -> Vec<&'static str> {
            vec!["schema.triggers", "schema.names", "link.ddl-single"]
        }

        fn waivable(&self, id: &str) -> Option<bool> {
            self.rule_ids()
                .contains(&id)
                .then_some(id != "link.ddl-single")
        }
    }

    #[test]
    fn patterns_match_objects() {
        let waiver = Waivers::parse(
            "w.toml",
            "[[waiver]]\nrule = \"schema.triggers\"\nside = \"a\"\nobject = \"app.*\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n",
            &Catalog,
        )
        .unwrap()
        .list
        .remove(0);
        assert!(waiver.covers("schema.triggers", Side::A, Some("APP.orders")));
        assert!(!waiver.covers("schema.triggers", Side::B, Some("app.orders")));
        assert!(!waiver.covers("schema.names", Side::A, Some("app.orders")));
        assert!(!waiver.covers("schema.triggers", Side::A, Some("billing.x")));
    }

    #[test]
    fn unknown_and_unwaivable_rules_are_errors() {
        let errors = Waivers::parse(
            "w.toml",
            "[[waiver]]\nrule = \"schema.trigers\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n\
             [[waiver]]\nrule = \"link.ddl-single\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-13-01\"\n",
            &Catalog,
        )
        .unwrap_err();
        let messages: Vec<&str> = errors.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "`schema.trigers` is not a rule id",
                "link.ddl-single cannot be waived",
                "`2999-13-01` is not a date"
            ]
        );
        assert_eq!(
            errors.problems[1].help.as_deref(),
            Some(
                "rules that guard against a broken pair accept no waiver (link.ddl-single); fix the cause instead"
            )
        );
    }
}
