//! Validation of where a plan may hold a secret: a password source (`password_env`,
//! `password_file`, or inline), and credentials written where they do not belong (a URL, a
//! host, a query), which are plan errors that never repeat the value.

use toml_span::value::{Table, Value, ValueInner};

use super::credentials::{
    SourceKey, host_credentials, is_host_key, is_secret_key, url_credentials, url_query_credentials,
};
use super::errors::PlanProblem;
use super::model::{Secret, SecretSource, Span};
use super::toml::{optional_string, span_of};

/// Credentials written anywhere but under a password key would be printed and stored
/// wherever the value is, and used in place of `user` and the password source without a word:
/// a user name or password in a URL (`url = "http://admin:pw@oms"`) or a host (`host =
/// "oms_a:pw@10.0.0.1"`), a credential in a URL's query (`?token=…`). Each is a plan error,
/// which does not repeat them (the diagnostic shows the redacted line). `path` is the dotted
/// path of `value`, `key` the key it is under.
pub(super) fn reject_credentials(
    value: &Value<'_>,
    path: &str,
    key: &str,
    problems: &mut Vec<PlanProblem>,
) {
    const HELP: &str = "the user goes in `user`, the password in the environment \
                        (`password_env`) or a file (`password_file`)";
    match value.as_ref() {
        ValueInner::String(text) if !url_credentials(text).is_empty() => {
            problems.push(
                PlanProblem::new(
                    format!("`{path}` holds credentials in a url"),
                    span_of(value),
                    "user name or password in this url",
                )
                .help(format!(
                    "write the url without them (http://host:port): {HELP}"
                )),
            );
        }
        ValueInner::String(text) if !url_query_credentials(text).is_empty() => {
            problems.push(
                PlanProblem::new(
                    format!("`{path}` holds credentials in a url query"),
                    span_of(value),
                    "a password, token or key in this query",
                )
                .help(format!(
                    "write the url without a query (http://host:port): OMS is asked with HTTP \
                     Basic; {HELP}"
                )),
            );
        }
        ValueInner::String(text) if is_host_key(key) && host_credentials(text).is_some() => {
            problems.push(
                PlanProblem::new(
                    format!("`{path}` holds credentials"),
                    span_of(value),
                    "user name or password in this host",
                )
                .help(format!(
                    "write the address alone (10.0.0.1, or a host name): {HELP}"
                )),
            );
        }
        ValueInner::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                reject_credentials(item, &format!("{path}[{index}]"), key, problems);
            }
        }
        ValueInner::Table(table) => {
            for (key, item) in table {
                // A password that looks like a url is a password: blanked, not a url.
                if !is_secret_key(&key.name) {
                    let path = match path {
                        "" => key.name.to_string(),
                        _ => format!("{path}.{}", key.name),
                    };
                    reject_credentials(item, &path, &key.name, problems);
                }
            }
        }
        _ => {}
    }
}

/// The string at `key`, a password source of `[section]`, if the key is there: a value that
/// does not look like a variable name or a path (see [`SourceKey`]) is a problem that does not
/// quote it, since it may be the password itself. (The value is still returned, so the
/// section does not also read as having no password source.)
pub(super) fn source_string(
    table: &Table<'_>,
    key: &str,
    section: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<(String, Span)> {
    let source = SourceKey::of(key).expect("a password source key");
    let (value, span) = optional_string(table, key, problems)?;
    if !source.accepts(&value) {
        problems.push(source.problem(&format!("{section}.{key}"), span.clone()));
    }
    Some((value, span))
}

/// Exactly one of `password_env`, `password_file`, `password`.
pub(super) fn secret_source(
    table: &Table<'_>,
    span: &Span,
    section: &str,
    problems: &mut Vec<PlanProblem>,
) -> Option<SecretSource> {
    let env = source_string(table, "password_env", section, problems);
    let file = source_string(table, "password_file", section, problems);
    let inline = optional_string(table, "password", problems);
    let given = [env.is_some(), file.is_some(), inline.is_some()]
        .iter()
        .filter(|given| **given)
        .count();
    if given > 1 {
        problems.push(
            PlanProblem::new(
                format!("[{section}] gives more than one password source"),
                span.clone(),
                "in this table",
            )
            .help("keep one of password_env, password_file and password"),
        );
        return None;
    }
    if let Some((var, span)) = env {
        Some(SecretSource::Env { var, span })
    } else if let Some((path, span)) = file {
        Some(SecretSource::File { path, span })
    } else if let Some((value, span)) = inline {
        Some(SecretSource::Inline {
            value: Secret::new(value),
            span,
        })
    } else {
        problems.push(
            PlanProblem::new(
                format!("[{section}] has no password source"),
                span.clone(),
                "in this table",
            )
            .help("add password_env = \"VAR\" (or password_file = \"path\")"),
        );
        None
    }
}
