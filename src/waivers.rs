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

use miette::NamedSource;
use serde::Serialize;
use toml_span::value::Value;

use crate::plan::{PlanErrors, PlanProblem, Span, did_you_mean};
use crate::rules::{Side, registry};

/// Rules whose findings are never accepted: an unchecked tenant, two DDL-syncing links, and a
/// reverse link on an incomplete forward schema break the pair whatever anyone signs off.
pub const UNWAIVABLE: &[&str] = &[
    "link.ddl-single",
    "schema.forward-complete",
    "oms.forward-schema-done",
];

fn unwaivable(rule: &str) -> bool {
    rule.starts_with("conn.") || UNWAIVABLE.contains(&rule)
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

/// A calendar date, compared day by day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let date = Date {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
            day: day.parse().ok()?,
        };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        ((1..=12).contains(&date.month)
            && date.day >= 1
            && date.day <= days[date.month as usize - 1])
            .then_some(date)
    }

    /// Today in UTC.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        Date::from_days((seconds / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
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
    pub fn load(path: &Path) -> Result<Waivers, WaiverLoadError> {
        let text = std::fs::read_to_string(path).map_err(|error| WaiverLoadError::Read {
            path: path.display().to_string(),
            error,
        })?;
        Waivers::parse(&path.display().to_string(), &text).map_err(WaiverLoadError::Invalid)
    }

    /// Validates waiver file `text`, reporting every problem at once.
    pub fn parse(path: &str, text: &str) -> Result<Waivers, PlanErrors> {
        let mut problems = Vec::new();
        let list = parse_list(text, &mut problems);
        if problems.is_empty() {
            Ok(Waivers {
                path: path.to_string(),
                list,
            })
        } else {
            Err(PlanErrors {
                what: "waivers",
                source_code: NamedSource::new(path, text.to_string()),
                problems,
            })
        }
    }
}

fn span_of(value: &Value<'_>) -> Span {
    value.span.start..value.span.end
}

fn parse_list(text: &str, problems: &mut Vec<PlanProblem>) -> Vec<Waiver> {
    let root = match toml_span::parse(text) {
        Ok(root) => root,
        Err(error) => {
            problems.push(PlanProblem::new(
                format!("not valid TOML: {error}"),
                error.span.start..error.span.end,
                "here",
            ));
            return Vec::new();
        }
    };
    let Some(table) = root.as_table() else {
        return Vec::new();
    };
    for key in table.keys() {
        if key.name != "waiver" {
            problems.push(
                PlanProblem::new(
                    format!("unknown key `{}`", key.name),
                    key.span.start..key.span.end,
                    "unknown key",
                )
                .help("a waiver file holds [[waiver]] entries"),
            );
        }
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
    let ids: Vec<&str> = registry::ALL.iter().map(|rule| rule.id).collect();
    let mut list = Vec::new();
    for entry in entries {
        let span = span_of(entry);
        let Some(fields) = entry.as_table() else {
            problems.push(PlanProblem::new("a waiver must be a table", span, "here"));
            continue;
        };
        for key in fields.keys() {
            if !KEYS.contains(&key.name.as_ref()) {
                problems.push(
                    PlanProblem::new(
                        format!("unknown waiver key `{}`", key.name),
                        key.span.start..key.span.end,
                        "unknown key",
                    )
                    .help(
                        did_you_mean(&key.name, KEYS)
                            .unwrap_or_else(|| format!("known keys: {}", KEYS.join(", "))),
                    ),
                );
            }
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
            } else if unwaivable(rule) {
                problems.push(
                    PlanProblem::new(format!("{rule} cannot be waived"), rule_span.clone(), "not waivable")
                        .help("conn.*, link.ddl-single, schema.forward-complete and oms.forward-schema-done guard against a broken pair; fix the cause instead"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly_and_count_from_the_epoch() {
        assert_eq!(Date::parse("2027-02-29"), None);
        assert_eq!(
            Date::parse("2028-02-29").map(|d| d.to_string()).as_deref(),
            Some("2028-02-29")
        );
        assert_eq!(Date::parse("2027-1-5"), None);
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_780).to_string(), "2026-11-23");
    }

    #[test]
    fn patterns_match_objects() {
        let waiver = Waivers::parse(
            "w.toml",
            "[[waiver]]\nrule = \"schema.triggers\"\nside = \"a\"\nobject = \"app.*\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2999-01-01\"\n",
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
    }
}
