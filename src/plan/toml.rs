//! Reading TOML with its spans, for the plan and the waiver file alike. Each reader takes what
//! it is asked for from a value or a table, reports what is wrong as a [`PlanProblem`] labelled
//! on the span responsible, and returns what it could read, so a caller can go on and find every
//! problem of the file in one pass.

use toml_span::value::{Table, Value};

use super::errors::{PlanProblem, did_you_mean};
use super::model::Span;

/// The document `text`, or the syntax error that stops it being read.
pub(super) fn parse(text: &str) -> Result<Value<'_>, PlanProblem> {
    toml_span::parse(text).map_err(|error| {
        let span = error.span.start..error.span.end.max(error.span.start);
        PlanProblem::new(format!("not valid TOML: {error}"), span, "here")
    })
}

/// Where `value` is written.
pub(super) fn span_of(value: &Value<'_>) -> Span {
    value.span.start..value.span.end
}

/// The keys of `table` that are not in `known`, with where each is written.
pub(super) fn unknown_keys<'t>(
    table: &'t Table<'_>,
    known: &'t [&str],
) -> impl Iterator<Item = (&'t str, Span)> {
    table
        .keys()
        .filter(|key| !known.contains(&key.name.as_ref()))
        .map(|key| (key.name.as_ref(), key.span.start..key.span.end))
}

/// Reports every key of `table` not in `known`; `prefix` is the table's dotted path, for the
/// message.
pub(super) fn reject_unknown(
    table: &Table<'_>,
    known: &[&str],
    prefix: &str,
    problems: &mut Vec<PlanProblem>,
) {
    for (name, span) in unknown_keys(table, known) {
        let help = did_you_mean(name, known)
            .unwrap_or_else(|| format!("known keys here: {}", known.join(", ")));
        problems.push(
            PlanProblem::new(format!("unknown key `{prefix}{name}`"), span, "unknown key")
                .help(help),
        );
    }
}

/// The value at `key`, reporting it missing (on `span`, the enclosing table) if it is not there.
pub(super) fn required<'t, 'de>(
    table: &'t Table<'de>,
    key: &str,
    span: Span,
    prefix: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<&'t Value<'de>> {
    let value = table.get(key);
    if value.is_none() {
        problems.push(
            PlanProblem::new(
                format!("missing `{prefix}{key}`"),
                span,
                format!("`{key}` is required here"),
            )
            .help(format!("add `{key}` (docs/plan.md describes every key; `oms-preflight init` writes a commented plan)")),
        );
    }
    value
}

/// `value` as a table, with its span; `name` is its dotted path, for the message.
pub(super) fn expect_table<'t, 'de>(
    value: &'t Value<'de>,
    name: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(&'t Table<'de>, Span)> {
    let span = span_of(value);
    match value.as_table() {
        Some(table) => Some((table, span)),
        None => {
            problems.push(
                PlanProblem::new(format!("`{name}` must be a table"), span, "not a table")
                    .help(format!("write it as a [{name}] section")),
            );
            None
        }
    }
}

/// The non-empty string at `key`, which must be there.
pub(super) fn required_string(
    table: &Table<'_>,
    key: &str,
    span: &Span,
    prefix: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(String, Span)> {
    let value = required(table, key, span.clone(), prefix, problems)?;
    string_value(value, &format!("{prefix}{key}"), problems)
}

/// The non-empty string at `key`, if the key is there.
pub(super) fn optional_string(
    table: &Table<'_>,
    key: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(String, Span)> {
    string_value(table.get(key)?, key, problems)
}

/// `value` as a non-empty string, with its span.
pub(super) fn string_value(
    value: &Value<'_>,
    name: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(String, Span)> {
    let span = span_of(value);
    match value.as_str() {
        Some(text) if !text.is_empty() => Some((text.to_string(), span)),
        Some(_) => {
            problems.push(PlanProblem::new(
                format!("`{name}` is empty"),
                span,
                "empty string",
            ));
            None
        }
        None => {
            problems.push(
                PlanProblem::new(
                    format!("`{name}` must be a string"),
                    span,
                    format!("this is {}", type_name(value)),
                )
                .help("quote the value"),
            );
            None
        }
    }
}

/// `value` as a list of non-empty strings, each with its span; `None` if any item is not one.
pub(super) fn string_array(
    value: &Value<'_>,
    name: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<Vec<(String, Span)>> {
    let Some(items) = value.as_array() else {
        problems.push(
            PlanProblem::new(
                format!("`{name}` must be a list of strings"),
                span_of(value),
                format!("this is {}", type_name(value)),
            )
            .help("write it as [\"one\", \"two\"]"),
        );
        return None;
    };
    let before = problems.len();
    let strings: Vec<_> = items
        .iter()
        .filter_map(|item| string_value(item, name, problems))
        .collect();
    (problems.len() == before).then_some(strings)
}

/// What `value` is, for "must be a string" messages.
fn type_name(value: &Value<'_>) -> &'static str {
    match value.as_str() {
        Some(_) => "a string",
        None if value.as_integer().is_some() => "an integer",
        None if value.as_bool().is_some() => "a boolean",
        None if value.as_array().is_some() => "a list",
        None if value.as_table().is_some() => "a table",
        None => "another type",
    }
}
